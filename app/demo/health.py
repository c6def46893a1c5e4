"""The health check's demo settings: the demo runs on one machine without a VPN or an approved headset, so the
pre-shift gate shows those results but lets the agent sign in; it still blocks when the demo's phone server does
not answer. A real site keeps the defaults (docs/health_check.md)."""

from __future__ import annotations

from app.demo.orchestrator import DemoContext

DEMO_HEALTH_TOML = """\
# Written by the demo (app/demo/health.py): no VPN and no approved headset on a demo machine.
[health]
require_vpn = false
sip_via_vpn = false
hub_via_vpn = false
block_sign_in_on = ["voice.path"]
"""


class HealthDemoSettings:
    """A demo service that only writes site settings."""

    name = "health check settings"

    def start(self, ctx: DemoContext) -> None:
        ctx.add_site_config("health", DEMO_HEALTH_TOML)

    def stop(self) -> None:
        pass
