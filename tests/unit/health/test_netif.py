"""VPN detection and egress parsing for Linux, Windows and macOS with recorded inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpn_check.netif import (
    Interface,
    TunnelKind,
    kind_from_windows_description,
    parse_linux_ip_addr,
    parse_linux_route_get,
    parse_macos_ifconfig,
    parse_macos_route_get,
    parse_netsh_wlan,
    parse_windows_adapters,
    parse_windows_find_netroute,
)

pytestmark = pytest.mark.unit
DATA = Path(__file__).parent / "data"


def _by_name(interfaces: list[Interface]) -> dict[str, Interface]:
    return {i.name: i for i in interfaces}


def test_linux_wireguard_go_is_a_tun_classified_as_wireguard() -> None:
    # Recorded in a network namespace with a real wireguard-go tunnel (tests/helpers/netns.py).
    ifaces = _by_name(parse_linux_ip_addr((DATA / "linux_ip_addr_wireguard_go.json").read_text()))
    wg = ifaces["wg-corp"]
    assert wg.kind is TunnelKind.WIREGUARD
    assert wg.up
    assert wg.mtu == 1420
    assert "10.202.0.1" in wg.addresses
    assert ifaces["eth0"].kind is TunnelKind.NONE
    assert ifaces["eth0"].up
    assert ifaces["lo"].loopback


def test_linux_wireguard_socket_overrides_an_unusual_name() -> None:
    text = (DATA / "linux_ip_addr_wireguard_go.json").read_text().replace("wg-corp", "corpvpn7")
    ifaces = _by_name(parse_linux_ip_addr(text))
    assert ifaces["corpvpn7"].kind is TunnelKind.TUN
    ifaces = _by_name(parse_linux_ip_addr(text, wireguard_sockets=["corpvpn7"]))
    assert ifaces["corpvpn7"].kind is TunnelKind.WIREGUARD


def test_linux_tunnel_down() -> None:
    ifaces = _by_name(parse_linux_ip_addr((DATA / "linux_ip_addr_wireguard_down.json").read_text()))
    assert ifaces["wg-corp"].is_tunnel
    assert not ifaces["wg-corp"].up


def test_linux_ppp_tap_ipsec_kernel_wireguard_and_wifi() -> None:
    text = (DATA / "linux_ip_addr_ppp_tap.json").read_text()
    ifaces = _by_name(parse_linux_ip_addr(text, wireless=["wlp2s0"]))
    assert ifaces["ppp0"].kind is TunnelKind.PPP
    assert ifaces["ppp0"].up
    assert ifaces["tap0"].kind is TunnelKind.TAP
    assert not ifaces["tap0"].up
    assert ifaces["vti0"].kind is TunnelKind.IPSEC
    assert ifaces["wg0"].kind is TunnelKind.WIREGUARD
    assert ifaces["wlp2s0"].wireless
    assert not ifaces["wlp2s0"].is_tunnel


def test_linux_route_get() -> None:
    assert parse_linux_route_get((DATA / "linux_route_get_tunnel.json").read_text()) == "wg-corp"
    assert parse_linux_route_get("") is None
    assert parse_linux_route_get('[{"type":"unreachable","dst":"10.1.1.1"}]') is None
    assert parse_linux_route_get("not json") is None


def test_windows_adapters() -> None:
    ifaces = _by_name(
        parse_windows_adapters(
            (DATA / "windows_get_netadapter.json").read_text(encoding="utf-8"),
            (DATA / "windows_get_netipaddress.json").read_text(encoding="utf-8"),
        )
    )
    anyconnect = ifaces["以太网 2"]
    assert anyconnect.kind is TunnelKind.VENDOR
    assert anyconnect.up
    assert anyconnect.addresses == ("10.200.3.17",)
    assert ifaces["corp"].kind is TunnelKind.WIREGUARD
    assert ifaces["corp"].up
    assert ifaces["OpenVPN TAP"].kind is TunnelKind.TAP
    assert not ifaces["OpenVPN TAP"].up
    assert ifaces["WLAN"].wireless
    assert not ifaces["WLAN"].up
    assert ifaces["Ethernet"].kind is TunnelKind.NONE
    assert "192.168.1.23" in ifaces["Ethernet"].addresses
    assert ifaces["Loopback Pseudo-Interface 1"].loopback
    assert anyconnect.matches(["*anyconnect*"])


def test_windows_single_adapter_is_an_object_not_a_list() -> None:
    one = '{"Name": "vpn", "InterfaceDescription": "PANGP Virtual Ethernet Adapter", "Status": 1}'
    (iface,) = parse_windows_adapters(one)
    assert iface.kind is TunnelKind.VENDOR
    assert iface.up


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("Fortinet SSL VPN Virtual Ethernet Adapter", TunnelKind.VENDOR),
        ("WAN Miniport (IKEv2)", TunnelKind.IPSEC),
        ("WAN Miniport (SSTP)", TunnelKind.PPP),
        ("Wintun Userspace Tunnel", TunnelKind.TUN),
        ("Realtek PCIe GbE Family Controller", TunnelKind.NONE),
    ],
)
def test_windows_descriptions(description: str, kind: TunnelKind) -> None:
    assert kind_from_windows_description(description) is kind


def test_windows_egress_and_wifi_signal() -> None:
    assert parse_windows_find_netroute((DATA / "windows_find_netroute.json").read_text(encoding="utf-8")) == "以太网 2"
    assert parse_windows_find_netroute("") is None
    assert parse_netsh_wlan((DATA / "windows_netsh_wlan_zh.txt").read_text(encoding="utf-8")) == 34
    assert parse_netsh_wlan("    Signal                 : 88%\n") == 88
    assert parse_netsh_wlan("There is no wireless interface on the system.") is None


def test_macos_ifconfig() -> None:
    ifaces = _by_name(parse_macos_ifconfig((DATA / "macos_ifconfig.txt").read_text()))
    assert ifaces["utun3"].kind is TunnelKind.TUN
    assert ifaces["utun3"].up
    assert ifaces["utun3"].addresses == ("10.66.0.7",)
    # utun0/utun1 carry only link-local addresses: system tunnels (iCloud, ...), not a VPN.
    assert not ifaces["utun0"].is_tunnel
    assert not ifaces["utun1"].is_tunnel
    assert ifaces["ppp0"].kind is TunnelKind.PPP
    assert not ifaces["gif0"].is_tunnel
    assert ifaces["en0"].up
    assert not ifaces["en1"].up
    assert ifaces["lo0"].loopback


def test_macos_route_get() -> None:
    assert parse_macos_route_get((DATA / "macos_route_get.txt").read_text()) == "utun3"
    assert parse_macos_route_get("route: writing to routing socket: not in table") is None
