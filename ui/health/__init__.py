"""The health-check area: the pre-shift gate dialog, the in-shift monitor with its VPN banner, and the panel."""
