"""The two profiles: the full pre-shift check and the light in-shift check."""

from __future__ import annotations

from vpn_check.checks_local import AudioCheck, SystemCheck, VoicePathCheck
from vpn_check.checks_net import (
    BandwidthCheck,
    DnsCheck,
    EgressCheck,
    HubConnectionCheck,
    HubHealthCheck,
    VpnPresenceCheck,
)
from vpn_check.model import CheckId
from vpn_check.runner import Check, Profile


def checks_for(profile: Profile, *, include_audio: bool = True, include_system: bool = True) -> list[Check]:
    """The ordered steps of a profile. Light: VPN, egress, DNS, hub TCP, a short OPTIONS series (no MTU)."""
    if profile is Profile.LIGHT:
        return [
            VpnPresenceCheck(),
            DnsCheck(),
            EgressCheck(CheckId.VPN_EGRESS_SIP),
            EgressCheck(CheckId.VPN_EGRESS_HUB),
            HubConnectionCheck(with_tls=False),
            VoicePathCheck(with_mtu=False),
        ]
    checks: list[Check] = [
        VpnPresenceCheck(),
        DnsCheck(),
        EgressCheck(CheckId.VPN_EGRESS_SIP),
        EgressCheck(CheckId.VPN_EGRESS_HUB),
        HubConnectionCheck(),
        HubHealthCheck(),
        VoicePathCheck(),
        BandwidthCheck(),
    ]
    if include_audio:
        checks.append(AudioCheck())
    if include_system:
        checks.append(SystemCheck())
    return checks
