"""The health check on real networks: two network namespaces joined by a veth, a real userspace WireGuard tunnel
(wireguard-go) between them, Kamailio and an HTTPS hub endpoint in the "office" namespace, and ``agentdesk-check``
running in the "home" namespace. VPN up vs down (and its recovery), egress through vs around the tunnel, a small
tunnel MTU, and failed name resolution.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.demo.kamailio import KamailioConfig, KamailioLab, Listeners, make_test_pki
from app.health import HealthService
from tests.helpers import netns
from tests.helpers.kamailio import DEFAULT_USERS
from tests.helpers.process import ManagedProcess
from ui.health.monitor import HealthMonitor
from ui.health.panel import HealthPanel
from vpn_check.config import HealthConfig, Thresholds
from vpn_check.model import CheckId, Status
from vpn_check.monitor import VpnState, vpn_state

ROOT = Path(__file__).resolve().parents[3]
_why = netns.available()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.root,
    pytest.mark.skipif(_why is not None, reason=f"network namespaces: {_why}"),
]
SIP_PORT = 5060
HUB_PORT = 8443
LENIENT = (
    "[health.thresholds]\nrtt_warn_ms = 5000\nrtt_fail_ms = 10000\njitter_warn_ms = 5000\njitter_fail_ms = 10000\n"
)


@dataclass
class Office:
    lab: netns.VpnLab
    ca: Path
    config: Path

    def check(self, *args: str) -> tuple[int, dict[str, Any]]:
        """Run ``agentdesk-check --json`` in the home namespace; (exit code, {check id: result})."""
        done = subprocess.run(
            self.lab.client.exec_argv(
                [sys.executable, "-m", "vpn_check.cli", "--json", "--config", str(self.config), "--no-audio",
                 "--no-system", "--ca-file", str(self.ca), *args]
            ),
            capture_output=True, text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )  # fmt: skip
        assert done.returncode in (0, 1, 2), done.stderr
        report = json.loads(done.stdout)
        return done.returncode, {r["check"]: r for r in report["results"]} | {"_report": report}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    tmp = tmp_path_factory.mktemp("office")
    log_dir = tmp / "logs"
    log_dir.mkdir()
    with netns.vpn_lab(log_dir) as lab:
        pki = make_test_pki(tmp / "pki", (lab.server_tunnel_ip, lab.server_underlay_ip, "hub.test", "sbc.test"))
        kcfg = KamailioConfig(
            listeners=Listeners(host=lab.server_tunnel_ip, udp=SIP_PORT, tcp=SIP_PORT, tls=SIP_PORT + 1,
                                extra_hosts=(lab.server_underlay_ip,)),
            users=list(DEFAULT_USERS), pki=pki, sip_trace=True,
        )  # fmt: skip
        launcher = KamailioLab(kcfg, tmp / "kamailio")
        launcher.write_config()
        kamailio = ManagedProcess(
            f"kamailio-{lab.server.name}",
            lab.server.exec_argv(launcher.argv),
            log_dir,
            ready_check=lambda: lab.server.call(launcher.ready),
            timeout=20,
        ).start()
        hub = ManagedProcess(
            f"hub-{lab.server.name}",
            lab.server.exec_argv([sys.executable, "-m", "tests.helpers.health_hub", "--bind", "0.0.0.0", "--port",
                                  str(HUB_PORT), "--cert", str(pki.server_cert), "--key", str(pki.server_key)]),
            log_dir, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, ready_log="listening on",
        ).start()  # fmt: skip
        # Names: the office servers by their tunnel address, one SBC by its underlay address (reachable around the
        # tunnel), and a DNS server address where nothing answers, so unknown names fail fast and stay inside.
        lab.client.set_resolv(
            lab.server_underlay_ip,
            {
                "hub.test": lab.server_tunnel_ip,
                "sbc.test": lab.server_tunnel_ip,
                "sbc-direct.test": lab.server_underlay_ip,
            },
        )
        config = tmp / "site.toml"
        config.write_text(f'[health]\nhub_url = "https://hub.test:{HUB_PORT}"\nsip_host = "sbc.test"\nsip_domain = "agentdesk.test"\n'
                          f"options_count = 5\noptions_interval_ms = 20\noptions_timeout_s = 3.0\n{LENIENT}", encoding="utf-8")  # fmt: skip
        try:
            yield Office(lab, pki.ca_cert, config)
        finally:
            hub.stop()
            kamailio.stop()


def test_vpn_up_everything_goes_through_the_tunnel(office: Office) -> None:
    lab = office.lab
    code, r = office.check()
    assert r["vpn.present"]["status"] == "pass"
    assert lab.client_wg in r["vpn.present"]["value"]
    assert r["vpn.egress_sip"]["status"] == "pass"
    assert r["vpn.egress_sip"]["value"] == lab.client_wg
    assert r["vpn.egress_hub"]["value"] == lab.client_wg
    assert r["dns"]["status"] == "pass"
    for check in ("hub.tcp", "hub.tls", "hub.cert", "hub.health", "hub.clock", "bandwidth.down", "bandwidth.up"):
        assert r[check]["status"] == "pass", r[check]
    assert r["voice.path"]["details"]["loss_pct"] == 0.0
    assert r["voice.path"]["details"]["codes"] == [200]
    # WireGuard's 1420-byte MTU: the kernel says 1420, a padded 1400-byte OPTIONS with DF set is answered.
    mtu = r["voice.mtu"]
    assert mtu["details"]["kernel_mtu"] == 1420
    assert mtu["details"]["largest_answered"] == 1400
    assert mtu["status"] == "pass"
    assert r["_report"]["blocking"] == []
    assert code in (0, 1)


def test_sip_server_reached_around_the_tunnel(office: Office) -> None:
    lab = office.lab
    code, r = office.check("--sip", "sbc-direct.test")
    egress = r["vpn.egress_sip"]
    assert egress["status"] == "fail"
    assert egress["value"] == lab.client_veth
    assert egress["advice"] == ["sip_bypasses_vpn"]
    assert code == 2
    assert "vpn.egress_sip" in r["_report"]["blocking"]
    # A split-tunnel site that lets SIP go direct: the same path passes.
    _, allowed = office.check("--sip", "sbc-direct.test", "--sip-direct")
    assert allowed["vpn.egress_sip"]["status"] == "pass"
    assert allowed["voice.path"]["details"]["loss_pct"] == 0.0


def test_vpn_down_then_recovered(office: Office) -> None:
    lab = office.lab
    lab.vpn_down()
    try:
        code, r = office.check("--profile", "light")
        assert r["vpn.present"]["status"] == "fail"
        assert r["vpn.present"]["advice"] == ["vpn_down"]
        assert r["vpn.egress_sip"]["advice"] == ["no_route"]
        assert r["voice.path"]["status"] == "fail"
        assert code == 2
        # With a default route (a home router), traffic for the office would leak around the tunnel instead.
        lab.client.run(["ip", "route", "add", "default", "via", lab.server_underlay_ip])
        try:
            _, leak = office.check("--profile", "light")
            assert leak["vpn.egress_sip"]["advice"] == ["sip_bypasses_vpn"]
            assert leak["vpn.egress_sip"]["value"] == lab.client_veth
        finally:
            lab.client.run(["ip", "route", "del", "default"])
    finally:
        lab.vpn_up()
    code, r = office.check("--profile", "light")
    assert r["vpn.present"]["status"] == "pass"
    assert r["vpn.egress_sip"]["status"] == "pass"
    assert r["voice.path"]["details"]["loss_pct"] == 0.0
    assert r["_report"]["blocking"] == []


def test_small_tunnel_mtu_advises_tcp(office: Office) -> None:
    lab = office.lab
    lab.set_tunnel_mtu(1280)
    try:
        _, udp = office.check()
        _, tcp = office.check("--sip-transport", "tcp")
    finally:
        lab.set_tunnel_mtu(1420)
    assert udp["voice.mtu"]["value"] == 1280
    assert udp["voice.mtu"]["status"] == "warn"
    assert udp["voice.mtu"]["advice"] == ["mtu_small_use_tcp"]
    assert tcp["voice.path"]["details"]["target"].startswith("tcp:")
    assert tcp["voice.path"]["details"]["loss_pct"] == 0.0
    assert tcp["voice.mtu"]["status"] == "pass"


def test_unresolvable_name(office: Office) -> None:
    _, r = office.check("--dns", "nothere.test")
    dns = r["dns"]
    assert dns["status"] == "fail"
    assert dns["advice"] == ["dns_failed"]
    failed = [h for h in dns["details"]["hosts"] if h["host"] == "nothere.test"]
    assert failed[0]["addresses"] == []
    assert r["vpn.egress_sip"]["status"] == "pass"  # the configured hosts still resolve


def test_in_shift_monitor_sees_the_vpn_drop_and_recovery(office: Office, qtbot: QtBot) -> None:
    """The Qt monitor with the application's HealthService, its checks running inside the home namespace: taking
    the WireGuard interface down raises the banner through the network-change poll (the 10-minute interval never
    fires), and bringing it back clears it without a restart."""
    lab = office.lab
    service = HealthService(
        HealthConfig(
            sip_host=lab.server_tunnel_ip,
            sip_port=SIP_PORT,
            sip_domain="agentdesk.test",
            hub_url=f"https://{lab.server_tunnel_ip}:{HUB_PORT}",
            ca_file=str(office.ca),
            options_timeout_s=3.0,
            thresholds=Thresholds(rtt_warn_ms=5000, rtt_fail_ms=10000, jitter_warn_ms=5000, jitter_fail_ms=10000),
        )
    )
    executor = ThreadPoolExecutor(max_workers=2)
    monitor = HealthMonitor(
        lambda: lab.client.call(service.run_light),
        lambda: lab.client.call(service.fingerprint),
        executor,
        interval_s=600,
        poll_s=0.3,
    )
    panel = HealthPanel()
    qtbot.addWidget(panel)
    monitor.vpn_dropped.connect(panel.banner.on_vpn_dropped)
    monitor.vpn_restored.connect(panel.banner.on_vpn_restored)
    monitor.report_updated.connect(panel.on_report_updated)
    try:
        with qtbot.waitSignal(monitor.report_updated, timeout=30000) as first:
            monitor.start()
        assert vpn_state(first.args[0]) is VpnState.UP
        assert panel.banner.isHidden()
        with qtbot.waitSignals([monitor.network_changed, monitor.vpn_dropped], timeout=30000, order="strict"):
            lab.vpn_down()
        assert not panel.banner.isHidden()
        assert monitor.last_report is not None
        assert monitor.last_report.get(CheckId.VPN_PRESENT).status is Status.FAIL  # type: ignore[union-attr]
        with qtbot.waitSignal(monitor.vpn_restored, timeout=30000):
            lab.vpn_up()
        assert monitor.state is VpnState.UP
    finally:
        lab.vpn_up()
        monitor.stop()
        executor.shutdown(wait=True)
