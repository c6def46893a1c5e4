"""Check framework: config parsing, runner (progress, errors, policy), texts, audio analysis, SIP message parsing."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from vpn_check import sipprobe
from vpn_check.advice import Advice
from vpn_check.audio import AudioDevice, analyse, tone
from vpn_check.checks_local import AudioCheck, pick_headset
from vpn_check.config import HealthConfig, Policy, SipTransport
from vpn_check.emodel import Codec
from vpn_check.model import CheckId, CheckResult, Report, Status
from vpn_check.runner import Context, Progress, Runner, blocking_results
from vpn_check.texts import ADVICE_TEXT, CHECK_TITLE, Lang

pytestmark = pytest.mark.unit


# ---------------------------------------------------------------------------------------------- config
def test_config_from_mapping_with_policy_thresholds_and_bad_keys(caplog: pytest.LogCaptureFixture) -> None:
    cfg, warnings = HealthConfig.from_mapping(
        {
            "sip_host": "sbc.example.com",
            "sip_transport": "TLS",
            "codec": "g729",
            "vpn_patterns": ["wg*", "*AnyConnect*"],
            "options_count": "many",  # bad: default kept
            "colour": "blue",  # unknown
            "thresholds": {"rtt_warn_ms": 120, "nonsense": 1},
            "policy": {"block_on_fail": ["vpn.present", "voice.mos", "bogus.check"]},
        }
    )
    assert cfg.sip_transport is SipTransport.TLS
    assert cfg.effective_sip_port == 5061
    assert cfg.codec is Codec.G729
    assert cfg.vpn_patterns == ("wg*", "*AnyConnect*")
    assert cfg.options_count == 10
    assert cfg.thresholds.rtt_warn_ms == 120
    assert cfg.policy.block_on_fail == frozenset({CheckId.VPN_PRESENT, CheckId.VOICE_MOS})
    assert len(warnings) == 4
    assert len([r for r in caplog.records if r.name == "vpn_check.config"]) == 4
    assert any("colour" in w for w in warnings)
    assert any("bogus.check" in w for w in warnings)


def test_config_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        '[health]\nhub_url = "https://hub.corp:8443/agentdesk"\ndns_hosts = ["kb.corp"]\n', encoding="utf-8"
    )
    cfg, warnings = HealthConfig.from_toml(path)
    assert warnings == []
    assert cfg.hub_host == "hub.corp"
    assert cfg.all_dns_hosts == ("kb.corp", "hub.corp")


# ---------------------------------------------------------------------------------------------- runner
class _Fixed:
    def __init__(self, check: CheckId, status: Status) -> None:
        self.step = check
        self.produces = (check,)
        self.status = status

    def run(self, ctx: Context) -> list[CheckResult]:
        return [CheckResult(self.step, self.status, 1.0, "ms")]


class _Crashing:
    step = CheckId.DNS
    produces = (CheckId.DNS,)

    def run(self, ctx: Context) -> list[CheckResult]:
        raise ZeroDivisionError("bug")


def test_runner_progress_errors_and_policy(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[Progress] = []
    runner = Runner(
        [_Fixed(CheckId.VPN_PRESENT, Status.FAIL), _Crashing(), _Fixed(CheckId.SYSTEM_CPU, Status.WARN)], seen.append
    )
    with caplog.at_level("CRITICAL"):
        report = runner.run(Context(HealthConfig()))
    assert [p.current for p in seen] == [CheckId.VPN_PRESENT, CheckId.DNS, CheckId.SYSTEM_CPU, None]
    assert seen[-1].done == seen[-1].total == 3
    dns = report.get(CheckId.DNS)
    assert dns is not None
    assert dns.status is Status.WARN
    assert dns.advice == (Advice.CHECK_ERROR,)
    assert report.status is Status.FAIL
    assert report.exit_code == 2
    assert report.blocking == (CheckId.VPN_PRESENT,)
    assert report.blocks_sign_in
    again = Report.from_json(report.to_json())
    key = [(r.check, r.status, r.value, r.advice, r.details) for r in report.results]
    assert [(r.check, r.status, r.value, r.advice, r.details) for r in again.results] == key
    assert again.blocking == report.blocking


def test_runner_cancel_stops_before_the_next_step() -> None:
    ctx = Context(HealthConfig())
    ctx.cancel.set()
    report = Runner([_Fixed(CheckId.DNS, Status.PASS)]).run(ctx)
    assert report.results == ()


def test_policy_block_on_warn_and_skip_never_blocks() -> None:
    results = [
        CheckResult(CheckId.VOICE_MOS, Status.WARN),
        CheckResult(CheckId.AUDIO_MIC, Status.SKIP),
        CheckResult(CheckId.HUB_CLOCK, Status.FAIL),
    ]
    policy = Policy(block_on_fail=frozenset({CheckId.AUDIO_MIC}), block_on_warn=frozenset({CheckId.VOICE_MOS}))
    assert blocking_results(results, policy) == (CheckId.VOICE_MOS,)
    assert Report(tuple(results[:2]), "full").exit_code == 1
    assert Report((results[1],), "full").exit_code == 0


# ---------------------------------------------------------------------------------------------- texts
def test_every_advice_and_check_has_zh_and_en_cli_text() -> None:
    for advice in Advice:
        assert set(ADVICE_TEXT[advice]) == {Lang.ZH, Lang.EN}
        assert all(ADVICE_TEXT[advice].values())
    for check in CheckId:
        assert set(CHECK_TITLE[check]) == {Lang.ZH, Lang.EN}


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, Lang.ZH),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN"}, Lang.EN),
        ({"LANG": "de"}, Lang.EN),
    ],
)
def test_language_from_locale(env: dict[str, str], lang: Lang) -> None:
    assert Lang.from_locale(env) is lang


# ---------------------------------------------------------------------------------------------- audio
def test_mic_analysis_dead_constant_and_live() -> None:
    rate = 16000
    silent = analyse(np.zeros(2 * rate, dtype=np.float32))
    assert silent.constant
    assert silent.rms_dbfs == float("-inf")
    stuck = analyse(np.full(2 * rate, 0.25, dtype=np.float32))
    assert stuck.constant
    assert stuck.rms_dbfs == float("-inf")
    voice = analyse(tone(2, rate, 300, 0.1))
    assert not voice.constant
    assert -24 < voice.rms_dbfs < -19
    noise = analyse((np.random.default_rng(1).standard_normal(rate) * 1e-4).astype(np.float32))
    assert not noise.constant
    assert noise.rms_dbfs < -70


class _FakeAudio:
    def __init__(self, devices: list[AudioDevice], samples: np.ndarray, heard_device: list[str | None]) -> None:
        self._devices, self._samples, self.played = devices, samples, heard_device

    def devices(self) -> list[AudioDevice]:
        return self._devices

    def record(self, device: str | None, seconds: float) -> tuple[np.ndarray, int]:
        return self._samples, 16000

    def play_tone(self, device: str | None, seconds: float, frequency: float = 440.0) -> None:
        self.played.append(device)


DEVICES = [
    AudioDevice("alsa_input.usb-Jabra", "Jabra Evolve2 40 Mono", True, False),
    AudioDevice("alsa_output.usb-Jabra", "Jabra Evolve2 40 Mono", False, True),
    AudioDevice("alsa_output.pci.monitor", "Monitor of Built-in Audio", True, False, is_monitor=True),
    AudioDevice("alsa_input.pci", "Built-in Audio Analog Stereo", True, False),
    AudioDevice("alsa_output.pci", "Built-in Audio Analog Stereo", False, True),
]


def test_headset_priority_list() -> None:
    mic, out, pattern = pick_headset(DEVICES, ["*Plantronics*", "*Jabra*"])
    assert mic is not None
    assert out is not None
    assert pattern == "*Jabra*"
    assert out.name == "alsa_output.usb-Jabra"
    assert pick_headset(DEVICES, ["*Poly*"]) == (None, None, "")
    mic, _, _ = pick_headset(DEVICES[2:], [])
    assert mic is not None
    assert mic.name == "alsa_input.pci"


@pytest.mark.parametrize(
    ("samples", "status", "advice"),
    [
        (np.zeros(32000, dtype=np.float32), Status.FAIL, (Advice.MIC_DEAD,)),
        (np.full(32000, -0.5, dtype=np.float32), Status.FAIL, (Advice.MIC_CONSTANT,)),
        (tone(2, 16000, 200, 0.0005), Status.WARN, (Advice.MIC_QUIET,)),
        (tone(2, 16000, 200, 0.2), Status.PASS, ()),
    ],
)
def test_audio_check_with_a_fake_probe(samples: np.ndarray, status: Status, advice: tuple[Advice, ...]) -> None:
    played: list[str | None] = []
    cfg = HealthConfig(headset_patterns=("*Jabra*",))
    ctx = Context(cfg, audio=_FakeAudio(DEVICES, samples, played), confirm_speaker=lambda: False)
    headset, mic, speaker = AudioCheck().run(ctx)
    assert headset.status is Status.PASS
    assert headset.value == "Jabra Evolve2 40 Mono"
    assert (mic.status, mic.advice) == (status, advice)
    assert speaker.status is Status.FAIL
    assert speaker.advice == (Advice.SPEAKER_NOT_HEARD,)
    assert played == ["alsa_output.usb-Jabra"]


def test_audio_check_headset_missing_and_unconfirmed_speaker() -> None:
    cfg = HealthConfig(headset_patterns=("*Poly*",))
    results = AudioCheck().run(Context(cfg, audio=_FakeAudio(DEVICES, np.zeros(1), [])))
    assert [r.status for r in results] == [Status.FAIL, Status.SKIP, Status.SKIP]
    results = AudioCheck().run(Context(HealthConfig(), audio=_FakeAudio(DEVICES, tone(2, 16000), [])))
    assert results[2].status is Status.SKIP
    assert results[2].advice == (Advice.SPEAKER_NOT_CONFIRMED,)


# ---------------------------------------------------------------------------------------------- SIP probe
def test_options_message_and_response_parsing() -> None:
    msg = sipprobe.build_options(
        transport=SipTransport.TCP, target_host="10.0.0.5", target_port=5080, domain="corp.example",
        local=("10.66.0.2", 40000), call_id="c1", tag="t1", branch="z9hG4bK-x", cseq=7, pad_to=1200,
    )  # fmt: skip
    text = msg.decode()
    assert text.startswith("OPTIONS sip:corp.example:5080 SIP/2.0\r\n")
    assert "Via: SIP/2.0/TCP 10.66.0.2:40000;branch=z9hG4bK-x;rport" in text
    assert "CSeq: 7 OPTIONS" in text
    assert len(msg) == 1200
    assert text.endswith("\r\n\r\n")
    assert sipprobe.parse_response(b"SIP/2.0 200 OK\r\nCSeq: 7 OPTIONS\r\n\r\n") == (200, 7)
    assert sipprobe.parse_response(b"SIP/2.0 404 Not Here\r\ncseq:12 OPTIONS\r\n\r\n") == (404, 12)
    assert sipprobe.parse_response(b"OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n") is None
    assert sipprobe.parse_response(b"\x00\xff garbage") is None


@pytest.fixture
def udp_responder() -> Iterator[tuple[int, list[int]]]:
    """A loopback UDP SIP responder that answers OPTIONS with 200 but drops CSeqs listed in ``drop``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    drop: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                data, addr = sock.recvfrom(65535)
            except TimeoutError:
                continue
            parsed = sipprobe.parse_response(b"SIP/2.0 200 x\r\n" + data.split(b"\r\n", 1)[1])
            if parsed and parsed[1] not in drop:
                sock.sendto(b"garbage first\r\n\r\n", addr)
                sock.sendto(f"SIP/2.0 200 OK\r\nCSeq: {parsed[1]} OPTIONS\r\nContent-Length: 0\r\n\r\n".encode(), addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(sock.getsockname()[1]), drop
    stop.set()
    thread.join()
    sock.close()


def test_udp_series_measures_rtt_and_loss(udp_responder: tuple[int, list[int]]) -> None:
    port, drop = udp_responder
    drop += [2, 5]
    series = sipprobe.options_series("127.0.0.1", port, SipTransport.UDP, count=6, interval_s=0.01, timeout_s=0.3)
    assert series.sent == 6
    assert len(series.answered) == 4
    assert series.loss_pct == pytest.approx(100 * 2 / 6)
    assert series.rtts_ms[1] is None
    assert series.rtts_ms[4] is None
    assert series.rtt_ms is not None
    assert series.jitter_ms is not None


def test_unanswered_series_is_total_loss() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        series = sipprobe.options_series(
            "127.0.0.1", silent.getsockname()[1], SipTransport.UDP, count=3, interval_s=0.01, timeout_s=0.1
        )
    assert series.loss_pct == 100.0
    assert series.rtt_ms is None
    refused = sipprobe.options_series("127.0.0.1", 9, SipTransport.TCP, count=2, timeout_s=0.5)
    assert refused.error is sipprobe.ProbeErrorKind.CONNECT
    assert refused.loss_pct == 100.0
