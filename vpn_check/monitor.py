"""Cheap signals for the in-shift monitor: a network fingerprint that changes on any interface, address or route
change (polled every couple of seconds, a few milliseconds each, no subprocess), and the VPN state of a report.

The IP-change idea follows FIELD_NOTES: the source address the OS picks for the route to the SIP server (a UDP
``connect()``, which sends nothing) changes whenever the tunnel or the home network does.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence

from vpn_check.model import CheckId, Report, Status
from vpn_check.netif import source_address_for


class VpnState(enum.Enum):
    UP = "up"
    DOWN = "down"
    UNKNOWN = "unknown"  # not configured, or the report has no VPN results


def vpn_state(report: Report) -> VpnState:
    """DOWN when the VPN is missing/down or the SIP server's traffic no longer goes through it."""
    relevant = [r for r in report.results if r.check in (CheckId.VPN_PRESENT, CheckId.VPN_EGRESS_SIP)]
    judged = [r for r in relevant if r.status is not Status.SKIP]
    if not judged:
        return VpnState.UNKNOWN
    if any(r.status is Status.FAIL for r in judged):
        return VpnState.DOWN
    return VpnState.UP


def network_fingerprint(target_ips: Sequence[str] = ()) -> str:
    """A digest of every interface's state and addresses and of the source address towards each target."""
    import psutil  # here, not at import: the desktop client imports this module while building its health area

    parts: list[str] = []
    stats = psutil.net_if_stats()
    for name, addrs in sorted(psutil.net_if_addrs().items()):
        st = stats.get(name)
        up = st.isup if st else False
        parts.append(f"{name}:{int(up)}:" + ",".join(sorted(a.address for a in addrs if a.address)))
    for ip in target_ips:
        try:
            parts.append(f"->{ip}:{source_address_for(ip)}")
        except (OSError, ValueError):
            parts.append(f"->{ip}:?")
    return hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()
