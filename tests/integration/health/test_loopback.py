"""Health checks against real servers on loopback: a TLS hub endpoint with good, self-signed, expired and
soon-expiring certificates, clock skew, health status and bandwidth; Kamailio answering OPTIONS over UDP, TCP and
TLS; and a UDP relay adding delay, jitter and loss to show the MOS estimate falls as the E-model predicts."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.health_hub import HubStub, make_certs
from tests.helpers.kamailio import Lab
from tests.helpers.udp_relay import Impairment, UdpRelay
from vpn_check.advice import Advice
from vpn_check.checks_local import VoicePathCheck
from vpn_check.checks_net import BandwidthCheck, HubConnectionCheck, HubHealthCheck
from vpn_check.config import HealthConfig, SipTransport, Thresholds
from vpn_check.emodel import estimate_voice
from vpn_check.model import CheckId, CheckResult, MosGrade, Status
from vpn_check.runner import Context, Profile

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
# Tests about *what* is measured must not depend on how loaded the shared machine is: wide timing limits.
LENIENT = Thresholds(rtt_warn_ms=5000, rtt_fail_ms=10000, jitter_warn_ms=5000, jitter_fail_ms=10000)


def _by_id(results: list[CheckResult]) -> dict[CheckId, CheckResult]:
    return {r.check: r for r in results}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[HubStub, Path]]:
    certs = make_certs(tmp_path / "good", ("127.0.0.1", "localhost"))
    stub = HubStub(certs).start()
    yield stub, certs.ca
    stub.stop()


# ---------------------------------------------------------------------------------------------- hub / TLS
def test_hub_with_a_trusted_certificate(hub: tuple[HubStub, Path]) -> None:
    stub, ca = hub
    ctx = Context(HealthConfig(hub_url=stub.url("localhost"), ca_file=str(ca)))
    results = _by_id(HubConnectionCheck().run(ctx) + HubHealthCheck().run(ctx) + BandwidthCheck().run(ctx))
    assert results[CheckId.HUB_TCP].status is Status.PASS
    tls = results[CheckId.HUB_TLS]
    assert tls.status is Status.PASS
    assert tls.details["version"] in ("TLSv1.2", "TLSv1.3")
    cert = results[CheckId.HUB_CERT]
    assert cert.status is Status.PASS
    assert isinstance(cert.value, float)
    assert 29 < cert.value <= 30
    assert results[CheckId.HUB_HEALTH].status is Status.PASS
    clock = results[CheckId.HUB_CLOCK]
    assert clock.status is Status.PASS
    assert isinstance(clock.value, float)
    assert abs(clock.value) <= 1.5
    for check in (CheckId.BANDWIDTH_DOWN, CheckId.BANDWIDTH_UP):
        bandwidth = results[check]
        assert bandwidth.status is Status.PASS
        assert isinstance(bandwidth.value, float)
        assert bandwidth.value >= 100


def test_self_signed_certificate_is_untrusted(tmp_path: Path) -> None:
    certs = make_certs(tmp_path, ("127.0.0.1",), self_signed=True)
    stub = HubStub(certs).start()
    try:
        results = _by_id(HubConnectionCheck().run(Context(HealthConfig(hub_url=stub.url()))))
    finally:
        stub.stop()
    tls = results[CheckId.HUB_TLS]
    assert tls.status is Status.FAIL
    assert tls.advice == (Advice.CERT_UNTRUSTED,)
    assert tls.details["self_signed"] is True
    # The certificate itself is within its dates: the expiry check passes, the trust check fails.
    assert results[CheckId.HUB_CERT].status is Status.PASS


def test_expired_certificate(tmp_path: Path) -> None:
    certs = make_certs(tmp_path, ("127.0.0.1",), expired=True)
    stub = HubStub(certs).start()
    try:
        ctx = Context(HealthConfig(hub_url=stub.url(), ca_file=str(certs.ca)))
        results = _by_id(HubConnectionCheck().run(ctx))
    finally:
        stub.stop()
    assert results[CheckId.HUB_TLS].status is Status.FAIL
    assert results[CheckId.HUB_TLS].advice == (Advice.CERT_EXPIRED,)
    cert = results[CheckId.HUB_CERT]
    assert cert.status is Status.FAIL
    assert isinstance(cert.value, float)
    assert cert.value < 0


def test_certificate_expiring_soon_and_wrong_host(tmp_path: Path) -> None:
    certs = make_certs(tmp_path, ("localhost",), valid_days=5)
    stub = HubStub(certs).start()
    try:
        soon = _by_id(
            HubConnectionCheck().run(Context(HealthConfig(hub_url=stub.url("localhost"), ca_file=str(certs.ca))))
        )
        wrong = _by_id(
            HubConnectionCheck().run(Context(HealthConfig(hub_url=stub.url("127.0.0.1"), ca_file=str(certs.ca))))
        )
    finally:
        stub.stop()
    assert soon[CheckId.HUB_TLS].status is Status.PASS
    assert soon[CheckId.HUB_CERT].status is Status.WARN
    assert soon[CheckId.HUB_CERT].advice == (Advice.CERT_EXPIRES_SOON,)
    assert wrong[CheckId.HUB_TLS].advice == (Advice.CERT_HOSTNAME_MISMATCH,)


def test_clock_skew_and_unhealthy_hub(tmp_path: Path) -> None:
    certs = make_certs(tmp_path, ("127.0.0.1",))
    stub = HubStub(certs, date_offset_s=-300, health_status=503).start()
    try:
        results = _by_id(HubHealthCheck().run(Context(HealthConfig(hub_url=stub.url(), ca_file=str(certs.ca)))))
    finally:
        stub.stop()
    assert results[CheckId.HUB_HEALTH].status is Status.FAIL
    assert results[CheckId.HUB_HEALTH].advice == (Advice.HUB_HEALTH_FAILED,)
    clock = results[CheckId.HUB_CLOCK]
    assert clock.status is Status.FAIL
    assert isinstance(clock.value, float)
    assert 298 <= clock.value <= 302  # our clock is ahead of the server's by 300 s


def test_hub_down() -> None:
    from tests.helpers.ports import free_port

    ctx = Context(HealthConfig(hub_url=f"https://127.0.0.1:{free_port()}"))
    results = _by_id(HubConnectionCheck().run(ctx))
    assert results[CheckId.HUB_TCP].status is Status.FAIL
    assert results[CheckId.HUB_TCP].advice == (Advice.HUB_UNREACHABLE,)
    assert results[CheckId.HUB_TLS].status is Status.SKIP


# ---------------------------------------------------------------------------------------------- Kamailio
@pytest.mark.parametrize("transport", [SipTransport.UDP, SipTransport.TCP, SipTransport.TLS])
def test_kamailio_answers_options(kamailio_lab: Lab, transport: SipTransport) -> None:
    cfg = HealthConfig(
        sip_host="127.0.0.1",
        sip_port=kamailio_lab.port(transport.value),
        sip_transport=transport,
        ca_file=str(kamailio_lab.pki.ca_cert),
        options_count=5,
        options_interval_ms=20,
        options_timeout_s=3.0,
        thresholds=LENIENT,
    )
    results = _by_id(VoicePathCheck().run(Context(cfg)))
    path = results[CheckId.VOICE_PATH]
    assert path.status is Status.PASS, path
    assert path.details["loss_pct"] == 0.0
    assert path.details["codes"] == [200]
    assert results[CheckId.VOICE_MOS].status in (Status.PASS, Status.WARN)  # MOS follows the (loaded) RTT
    mtu = results[CheckId.VOICE_MTU]
    assert mtu.status is Status.PASS
    if transport is SipTransport.UDP:
        assert mtu.details["largest_answered"] == 1500  # padded OPTIONS with DF set answered on loopback


def test_kamailio_tls_with_the_wrong_ca(kamailio_lab: Lab, tmp_path: Path) -> None:
    other = make_certs(tmp_path, ("127.0.0.1",))
    cfg = HealthConfig(
        sip_host="127.0.0.1", sip_port=kamailio_lab.tls_port, sip_transport=SipTransport.TLS, ca_file=str(other.ca)
    )
    path = VoicePathCheck(with_mtu=False).run(Context(cfg))[0]
    assert path.status is Status.FAIL
    assert path.advice == (Advice.CERT_UNTRUSTED,)


def test_registrar_down_then_back(kamailio_lab: Lab) -> None:
    cfg = HealthConfig(sip_host="127.0.0.1", sip_port=kamailio_lab.udp_port, options_timeout_s=0.3, thresholds=LENIENT)
    kamailio_lab.stop()
    down = VoicePathCheck(with_mtu=False).run(Context(cfg, profile=Profile.LIGHT))[0]
    assert down.status is Status.FAIL
    assert down.advice == (Advice.SIP_UNREACHABLE,)
    kamailio_lab.start()
    # Kamailio's UDP workers may take a moment longer than its TCP listener (the readiness probe): the next light
    # checks notice the recovery, as the in-shift monitor's re-checks would.
    patient = dataclasses.replace(cfg, options_timeout_s=2.0)
    results = []
    for _ in range(5):
        results.append(VoicePathCheck(with_mtu=False).run(Context(patient, profile=Profile.LIGHT))[0])
        if results[-1].status is Status.PASS:
            break
    assert results[-1].status is Status.PASS, results


# ---------------------------------------------------------------------------------------------- E-model via relay
@pytest.fixture
def relay(kamailio_lab: Lab) -> Iterator[UdpRelay]:
    r = UdpRelay(("127.0.0.1", kamailio_lab.udp_port)).start()
    yield r
    r.stop()


SCENARIOS = [
    Impairment(),
    Impairment(loss_pct=3),
    Impairment(loss_pct=10),
    Impairment(delay_ms=50, jitter_ms=5),
    Impairment(delay_ms=150, jitter_ms=5),
    Impairment(delay_ms=300, jitter_ms=5),
]


def test_mos_falls_as_the_emodel_predicts(relay: UdpRelay) -> None:
    # A long reply timeout: on a loaded machine a slow answer must not count as loss.
    cfg = HealthConfig(
        sip_host="127.0.0.1", sip_port=relay.port, options_count=100, options_interval_ms=10, options_timeout_s=4.0
    )
    measured: list[tuple[Impairment, float, float, float, float]] = []
    for impairment in SCENARIOS:
        relay.set(impairment)
        path, mos = VoicePathCheck(with_mtu=False).run(Context(cfg))
        assert isinstance(mos.value, float)
        rtt, jitter, loss = (float(path.details[k]) for k in ("rtt_ms", "jitter_ms", "loss_pct"))
        measured.append((impairment, rtt, jitter, loss, mos.value))
        # The probe measures what the relay injects (loss is deterministic; delay is added both ways) ...
        assert loss == pytest.approx(impairment.loss_pct, abs=0.01)
        assert rtt >= 2 * impairment.delay_ms
        # ... and the reported MOS is the E-model's for the measured path.
        assert mos.value == pytest.approx(estimate_voice(rtt, jitter, loss).mos, abs=0.01)
    base_rtt, base_jitter = measured[0][1], measured[0][2]
    for impairment, rtt, jitter, loss, value in measured[1:]:
        # Prediction from the injected impairment on top of the clean path (the machine's own delay included).
        expected = estimate_voice(base_rtt + 2 * impairment.delay_ms + impairment.jitter_ms,
                                  base_jitter + impairment.jitter_ms * 2 / 3, impairment.loss_pct).mos  # fmt: skip
        assert value == pytest.approx(expected, abs=0.3), (impairment, rtt, jitter, loss)
    losses = [m[4] for m in measured[:3]]
    delays = [m[4] for m in [measured[0], *measured[3:]]]
    assert losses[0] - losses[2] > 0.7  # 10 % loss costs about a whole MOS point
    assert losses[0] > losses[1] > losses[2]
    assert delays[0] - delays[-1] > 0.5  # 300 ms each way
    assert delays[1] > delays[-1]
    # The grade bands of the issue: 300 ms each way is at best fair.
    assert MosGrade.of(delays[-1]) in (MosGrade.FAIR, MosGrade.POOR)


# ---------------------------------------------------------------------------------------------- CLI end to end
def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vpn_check.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**(env or os.environ), "PYTHONPATH": str(ROOT)},
        check=False,
    )


def test_cli_json_and_exit_codes(kamailio_lab: Lab, hub: tuple[HubStub, Path], tmp_path: Path) -> None:
    stub, ca = hub
    site = tmp_path / "site.toml"
    site.write_text(
        "[health]\nvpn_required = false\nsip_via_vpn = false\nhub_via_vpn = false\noptions_timeout_s = 3.0\n"
        "[health.thresholds]\nrtt_warn_ms = 5000\nrtt_fail_ms = 10000\njitter_warn_ms = 5000\njitter_fail_ms = 10000\n",
        encoding="utf-8",
    )
    base = ["--config", str(site), "--no-audio", "--no-system", "--count", "3"]
    targets = ["--sip", f"127.0.0.1:{kamailio_lab.udp_port}", "--hub", stub.url("localhost"), "--ca-file", str(ca)]
    done = _cli("--json", *base, *targets)
    report = json.loads(done.stdout)
    statuses = {r["check"]: r["status"] for r in report["results"]}
    # No VPN on this machine: the only warning; everything else passes against the real servers.
    assert statuses.pop("vpn.present") == "warn"
    assert set(statuses.values()) == {"pass"}, statuses
    assert done.returncode == 1
    assert report["blocks_sign_in"] is False

    down = _cli("--json", *base[:-2], "--count", "2", "--sip", "127.0.0.1:9", "--hub", stub.url("localhost"),
                "--ca-file", str(ca))  # fmt: skip
    assert down.returncode == 2
    assert json.loads(down.stdout)["blocking"] == ["voice.path"]

    zh = _cli("--lang", "zh", *base, *targets)
    assert "话务链路" in zh.stdout
    assert "总体结果: 警告" in zh.stdout
    en = _cli("--lang", "en", *base, *targets)
    assert "Voice path" in en.stdout
    assert "Overall: WARN" in en.stdout
    assert _cli("--profile", "nonsense").returncode == 3


def test_report_upload(hub: tuple[HubStub, Path]) -> None:
    from vpn_check.model import Report
    from vpn_check.upload import UploadError, UploadErrorKind, upload_report

    stub, ca = hub
    cfg = HealthConfig(hub_url=stub.url("localhost"), ca_file=str(ca))
    report = Report((CheckResult(CheckId.DNS, Status.PASS, 1.0, "ms"),), "full")
    upload_report(cfg, report, agent="1001", token="tok-123")
    (received,) = stub.reports
    assert received["auth"] == "Bearer tok-123"
    assert received["report"]["agent"] == "1001"
    assert Report.from_json(received["report"]["report"]).results[0].check is CheckId.DNS
    with pytest.raises(UploadError) as bad_tls:
        upload_report(HealthConfig(hub_url=stub.url("localhost")), report, agent="1001")
    assert bad_tls.value.kind is UploadErrorKind.TLS
