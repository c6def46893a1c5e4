"""Network interfaces, VPN tunnel detection and the egress interface towards a host, on Linux, Windows and macOS.

Each platform has a pure parser over what its tools print (unit-tested with recorded inputs, so the Windows and
macOS paths are tested on Linux) and a thin collector that runs the tool:

* Linux: ``ip -j -d addr show`` (link kind, flags, link type, addresses) and ``ip -j route get <ip>`` (egress). A
  wireguard-go or OpenVPN interface is ``kind=tun``, link type ``none``, POINTOPOINT (FIELD_NOTES); a userspace
  WireGuard is recognised by its control socket ``/var/run/wireguard/<name>.sock``.
* Windows: ``Get-NetAdapter`` and ``Get-NetIPAddress`` as JSON (adapter descriptions name the VPN vendor's driver),
  ``Find-NetRoute`` for the egress.
* macOS: ``ifconfig`` (``utun*``, ``ppp*``, ``ipsec*``) and ``route -n get`` for the egress.

Everything here may block for a few milliseconds (subprocesses); call it off the GUI thread.
"""

from __future__ import annotations

import enum
import fnmatch
import ipaddress
import json
import logging
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

WIREGUARD_SOCKET_DIR = Path("/var/run/wireguard")


class TunnelKind(enum.StrEnum):
    """What kind of VPN interface this is (NONE for ordinary interfaces)."""

    NONE = "none"
    TUN = "tun"
    TAP = "tap"
    WIREGUARD = "wireguard"
    PPP = "ppp"
    IPSEC = "ipsec"
    VENDOR = "vendor"  # a VPN client's virtual adapter known by its description (AnyConnect, GlobalProtect, ...)


@dataclass(frozen=True)
class Interface:
    name: str
    up: bool
    kind: TunnelKind = TunnelKind.NONE
    description: str = ""
    addresses: tuple[str, ...] = ()
    mtu: int | None = None
    loopback: bool = False
    wireless: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_tunnel(self) -> bool:
        return self.kind is not TunnelKind.NONE

    def matches(self, patterns: Sequence[str]) -> bool:
        """Whether the name or the description matches one of the glob ``patterns`` (case-insensitive)."""
        for pattern in patterns:
            pat = pattern.lower()
            if fnmatch.fnmatchcase(self.name.lower(), pat) or (
                self.description and fnmatch.fnmatchcase(self.description.lower(), pat)
            ):
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "up": self.up,
            "kind": self.kind.value,
            "description": self.description,
            "addresses": list(self.addresses),
            "mtu": self.mtu,
            "wireless": self.wireless,
        }


# ---------------------------------------------------------------------------------------------- classification
# Name prefixes of tunnel interfaces, by platform conventions (Linux, BSD/macOS, OpenVPN, strongSwan, vendors).
_NAME_KINDS: tuple[tuple[str, TunnelKind], ...] = (
    ("wg", TunnelKind.WIREGUARD),
    ("utun", TunnelKind.TUN),
    ("tun", TunnelKind.TUN),
    ("tap", TunnelKind.TAP),
    ("ppp", TunnelKind.PPP),
    ("ipsec", TunnelKind.IPSEC),
    ("vti", TunnelKind.IPSEC),
    ("xfrm", TunnelKind.IPSEC),
    ("cscotun", TunnelKind.VENDOR),  # Cisco AnyConnect on Linux
    ("gpd", TunnelKind.VENDOR),  # GlobalProtect on Linux
    ("vpn", TunnelKind.VENDOR),  # forticlient "vpn0" and similar
)

# Windows adapter descriptions (InterfaceDescription) of VPN drivers, matched case-insensitively as substrings.
_WINDOWS_DESCRIPTIONS: tuple[tuple[str, TunnelKind], ...] = (
    ("wireguard", TunnelKind.WIREGUARD),
    ("wintun", TunnelKind.TUN),
    ("tap-windows", TunnelKind.TAP),
    ("tap-win32", TunnelKind.TAP),
    ("openvpn", TunnelKind.TUN),
    ("anyconnect", TunnelKind.VENDOR),
    ("cisco systems vpn", TunnelKind.VENDOR),
    ("pangp", TunnelKind.VENDOR),  # Palo Alto GlobalProtect
    ("fortinet", TunnelKind.VENDOR),
    ("fortissl", TunnelKind.VENDOR),
    ("juniper", TunnelKind.VENDOR),
    ("pulse secure", TunnelKind.VENDOR),
    ("check point", TunnelKind.VENDOR),
    ("sonicwall", TunnelKind.VENDOR),
    ("zscaler", TunnelKind.VENDOR),
    ("wan miniport (ikev2)", TunnelKind.IPSEC),
    ("wan miniport (l2tp)", TunnelKind.IPSEC),
    ("wan miniport (pptp)", TunnelKind.PPP),
    ("wan miniport (sstp)", TunnelKind.PPP),
    ("wan miniport (ppp", TunnelKind.PPP),
)


def kind_from_name(name: str) -> TunnelKind:
    lowered = name.lower()
    for prefix, kind in _NAME_KINDS:
        if lowered.startswith(prefix):
            return kind
    return TunnelKind.NONE


def kind_from_windows_description(description: str) -> TunnelKind:
    lowered = description.lower()
    for needle, kind in _WINDOWS_DESCRIPTIONS:
        if needle in lowered:
            return kind
    return TunnelKind.NONE


# ---------------------------------------------------------------------------------------------- Linux
_LINUX_KIND: dict[str, TunnelKind] = {
    "wireguard": TunnelKind.WIREGUARD,
    "ppp": TunnelKind.PPP,
    "vti": TunnelKind.IPSEC,
    "vti6": TunnelKind.IPSEC,
    "xfrm": TunnelKind.IPSEC,
    "ipip": TunnelKind.TUN,
    "gre": TunnelKind.TUN,
    "sit": TunnelKind.TUN,
}


def parse_linux_ip_addr(
    text: str, wireguard_sockets: Iterable[str] = (), wireless: Iterable[str] = ()
) -> list[Interface]:
    """Interfaces from ``ip -j -d addr show``. ``wireguard_sockets``: names with a userspace WireGuard control
    socket; ``wireless``: names with ``/sys/class/net/<name>/wireless``."""
    wg_names = set(wireguard_sockets)
    wifi_names = set(wireless)
    result: list[Interface] = []
    for entry in json.loads(text or "[]"):
        name = str(entry.get("ifname", ""))
        if not name:
            continue
        flags = {str(f).upper() for f in entry.get("flags", [])}
        linkinfo = entry.get("linkinfo") or {}
        info_kind = str(linkinfo.get("info_kind", ""))
        link_type = str(entry.get("link_type", ""))
        kind = TunnelKind.NONE
        if name in wg_names:
            kind = TunnelKind.WIREGUARD
        elif info_kind == "tun":
            tun_type = str((linkinfo.get("info_data") or {}).get("type", "tun"))
            kind = TunnelKind.TAP if tun_type == "tap" else TunnelKind.TUN
            by_name = kind_from_name(name)
            if by_name in (TunnelKind.WIREGUARD, TunnelKind.VENDOR):
                kind = by_name
        elif info_kind in _LINUX_KIND:
            kind = _LINUX_KIND[info_kind]
        elif link_type == "ppp":
            kind = TunnelKind.PPP
        elif link_type == "none" and "POINTOPOINT" in flags:
            kind = kind_from_name(name)
            if kind is TunnelKind.NONE:
                kind = TunnelKind.TUN
        operstate = str(entry.get("operstate", "UNKNOWN")).upper()
        # A tun device's operstate is UNKNOWN while it carries traffic; LOWER_UP is the reliable "carrier" signal.
        up = "UP" in flags and ("LOWER_UP" in flags or operstate == "UP") and operstate != "DOWN"
        addresses = tuple(
            str(a["local"]) for a in entry.get("addr_info", []) if a.get("family") in ("inet", "inet6") and "local" in a
        )
        result.append(
            Interface(
                name=name,
                up=up,
                kind=kind,
                description=info_kind or link_type,
                addresses=addresses,
                mtu=int(entry["mtu"]) if "mtu" in entry else None,
                loopback="LOOPBACK" in flags,
                wireless=name in wifi_names,
                extra={"flags": sorted(flags), "operstate": operstate, "link_type": link_type},
            )
        )
    return result


def parse_linux_route_get(text: str) -> str | None:
    """The egress device from ``ip -j route get <ip>``; None when there is no route."""
    try:
        routes = json.loads(text or "[]")
    except json.JSONDecodeError:
        return None
    for route in routes:
        if route.get("type") in ("unreachable", "prohibit", "blackhole"):
            return None
        dev = route.get("dev")
        if dev:
            return str(dev)
    return None


# ---------------------------------------------------------------------------------------------- Windows
def _as_list(data: Any) -> list[dict[str, Any]]:
    # ConvertTo-Json prints a single object (not a list) when there is one item.
    if data is None:
        return []
    if isinstance(data, dict):
        return [data]
    return [d for d in data if isinstance(d, dict)]


def parse_windows_adapters(adapters_json: str, addresses_json: str = "[]") -> list[Interface]:
    """Interfaces from ``Get-NetAdapter -IncludeHidden | Select-Object Name,InterfaceDescription,Status,MtuSize,
    MediaType,PhysicalMediaType | ConvertTo-Json`` and ``Get-NetIPAddress | Select-Object InterfaceAlias,IPAddress |
    ConvertTo-Json``."""
    by_alias: dict[str, list[str]] = {}
    for addr in _as_list(json.loads(addresses_json or "[]")):
        alias = str(addr.get("InterfaceAlias", ""))
        ip = str(addr.get("IPAddress", "")).split("%")[0]
        if alias and ip:
            by_alias.setdefault(alias, []).append(ip)
    result: list[Interface] = []
    for adapter in _as_list(json.loads(adapters_json or "[]")):
        name = str(adapter.get("Name", ""))
        description = str(adapter.get("InterfaceDescription", ""))
        status = adapter.get("Status")
        # Status is "Up"/"Disconnected"/"Disabled" as text, or the enum's integer (1 = Up) with older serialisers.
        up = status == "Up" or status == 1
        kind = kind_from_windows_description(description)
        if kind is TunnelKind.NONE:
            kind = kind_from_name(name) if name.lower().startswith(("wg", "tun", "ppp")) else TunnelKind.NONE
        media = f"{adapter.get('MediaType', '')} {adapter.get('PhysicalMediaType', '')}".lower()
        mtu = adapter.get("MtuSize")
        result.append(
            Interface(
                name=name,
                up=up,
                kind=kind,
                description=description,
                addresses=tuple(by_alias.get(name, ())),
                mtu=int(mtu) if isinstance(mtu, int) else None,
                loopback="loopback" in description.lower(),
                wireless="802.11" in media or "wireless" in media or "wi-fi" in description.lower(),
            )
        )
    return result


def parse_windows_find_netroute(text: str) -> str | None:
    """The egress interface alias from ``Find-NetRoute -RemoteIPAddress <ip> | ConvertTo-Json`` (it prints the
    chosen source address and the route; both carry InterfaceAlias)."""
    try:
        entries = _as_list(json.loads(text or "[]"))
    except json.JSONDecodeError:
        return None
    for entry in entries:
        alias = entry.get("InterfaceAlias")
        if alias:
            return str(alias)
    return None


def parse_netsh_wlan(text: str) -> int | None:
    """Wi-Fi signal in percent from ``netsh wlan show interfaces`` (English or Chinese Windows), None if absent."""
    match = re.search(r"^\s*(?:Signal|信号)\s*:\s*(\d+)\s*%", text, re.MULTILINE)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------------------------------------- macOS
_IFCONFIG_HEADER = re.compile(r"^(?P<name>[A-Za-z0-9_.]+): flags=(?P<hex>[0-9a-f]+)<(?P<flags>[^>]*)> mtu (?P<mtu>\d+)")


def parse_macos_ifconfig(text: str) -> list[Interface]:
    """Interfaces from macOS ``ifconfig`` (no arguments)."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line and not line[0].isspace():
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    result: list[Interface] = []
    for block in blocks:
        match = _IFCONFIG_HEADER.match(block[0])
        if not match:
            continue
        name = match.group("name")
        flags = set(match.group("flags").split(","))
        addresses: list[str] = []
        status_active: bool | None = None
        for line in block[1:]:
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("inet", "inet6"):
                addresses.append(parts[1].split("%")[0])
            elif parts[:1] == ["status:"]:
                status_active = parts[1:2] == ["active"]
        kind = kind_from_name(name)
        if kind is TunnelKind.NONE and "POINTOPOINT" in flags and not name.startswith(("gif", "stf")):
            kind = TunnelKind.TUN
        # utun devices without addresses are system tunnels (iCloud Private Relay, Back to My Mac, ...), not a VPN.
        if name.startswith("utun") and not any(not a.startswith("fe80:") for a in addresses):
            kind = TunnelKind.NONE
        up = "UP" in flags and "RUNNING" in flags and status_active is not False
        result.append(
            Interface(
                name=name,
                up=up,
                kind=kind,
                description="",
                addresses=tuple(addresses),
                mtu=int(match.group("mtu")),
                loopback="LOOPBACK" in flags,
                wireless=False,  # ifconfig cannot tell; collect_interfaces() adds it from networksetup
            )
        )
    return result


def parse_macos_route_get(text: str) -> str | None:
    """The egress interface from macOS ``route -n get <ip>``."""
    match = re.search(r"^\s*interface:\s*(\S+)", text, re.MULTILINE)
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------------- collectors
class Platform(enum.StrEnum):
    LINUX = "linux"
    WINDOWS = "windows"
    MACOS = "macos"

    @classmethod
    def current(cls) -> Platform:
        if sys.platform.startswith("win"):
            return cls.WINDOWS
        if sys.platform == "darwin":
            return cls.MACOS
        return cls.LINUX


def _run(argv: Sequence[str], timeout: float = 3.0) -> str:
    """Run a command and return its stdout ("" when it fails or is missing)."""
    if shutil.which(argv[0]) is None:
        return ""
    try:
        completed = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, check=False, encoding="utf-8", errors="replace"
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("%s failed: %s", argv[0], exc)
        return ""
    return completed.stdout


def _powershell(script: str) -> str:
    return _run(["powershell", "-NoProfile", "-NonInteractive", "-Command", script], timeout=8.0)


class NetworkInspector:
    """Reads the interfaces and routes of the running system. Pure parsing lives in the ``parse_*`` functions."""

    def __init__(self, platform: Platform | None = None) -> None:
        self.platform = platform or Platform.current()

    def interfaces(self) -> list[Interface]:
        if self.platform is Platform.LINUX:
            sockets = [p.stem for p in WIREGUARD_SOCKET_DIR.glob("*.sock")] if WIREGUARD_SOCKET_DIR.is_dir() else []
            wifi = [p.name for p in Path("/sys/class/net").glob("*") if (p / "wireless").exists()]
            return parse_linux_ip_addr(_run(["ip", "-j", "-d", "addr", "show"]), sockets, wifi)
        if self.platform is Platform.WINDOWS:
            adapters = _powershell(
                "Get-NetAdapter -IncludeHidden | Select-Object Name,InterfaceDescription,Status,MtuSize,MediaType,"
                "PhysicalMediaType | ConvertTo-Json"
            )
            addrs = _powershell("Get-NetIPAddress | Select-Object InterfaceAlias,IPAddress | ConvertTo-Json")
            return parse_windows_adapters(adapters or "[]", addrs or "[]")
        return parse_macos_ifconfig(_run(["ifconfig"]))

    def egress_interface(self, ip: str, interfaces: Sequence[Interface] | None = None) -> str | None:
        """The interface the OS would use to reach ``ip`` (no packet is sent), or None with no route."""
        if self.platform is Platform.LINUX:
            out = _run(["ip", "-j", "route", "get", ip])
            if out:
                return parse_linux_route_get(out)
        elif self.platform is Platform.WINDOWS:
            out = _powershell(f"Find-NetRoute -RemoteIPAddress '{ipaddress.ip_address(ip)}' | ConvertTo-Json")
            if out:
                return parse_windows_find_netroute(out)
        else:
            out = _run(["route", "-n", "get", str(ipaddress.ip_address(ip))])
            if out:
                return parse_macos_route_get(out)
        return egress_by_source_address(ip, interfaces if interfaces is not None else self.interfaces())


def source_address_for(ip: str, port: int = 9) -> str | None:
    """The local address the OS picks to reach ``ip``: a UDP ``connect()`` selects a route but sends nothing."""
    family = socket.AF_INET6 if ipaddress.ip_address(ip).version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect((ip, port))
        except OSError:
            return None
        return str(sock.getsockname()[0])


def egress_by_source_address(ip: str, interfaces: Sequence[Interface]) -> str | None:
    """Portable fallback: the interface that holds the source address chosen for ``ip``."""
    source = source_address_for(ip)
    if source is None:
        return None
    for iface in interfaces:
        if source in iface.addresses:
            return iface.name
    return None
