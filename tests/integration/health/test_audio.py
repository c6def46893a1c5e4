"""Audio checks against a private PulseAudio daemon: a headset made of a null sink (its speaker) and a remapped
source on that sink's monitor (its microphone, a real non-monitor source). Nothing playing → a dead microphone
fails; a tone played into it → the microphone passes; the headset must be on the priority list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.pulse import PulseSession, tone_ratio
from vpn_check.audio import PulseAudioProbe

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def headset(pulse: PulseSession) -> Iterator[tuple[PulseSession, str, str]]:
    """(session, speaker sink name, microphone source name) of a "Jabra Test Headset"."""
    sink = pulse.add_sink("hs", "Jabra Test Headset")
    mic = pulse.name("hsmic")
    module = pulse.server.pactl(
        "load-module", "module-remap-source", f"master={sink.monitor}", f"source_name={mic}",
        "source_properties=\"device.description='Jabra Test Headset Mic'\"",
    ).strip()  # fmt: skip
    try:
        yield pulse, sink.name, mic
    finally:
        pulse.server.pactl("unload-module", module)


def _audio_check(session: PulseSession, *args: str) -> dict[str, Any]:
    env = {**session.env(), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "vpn_check.cli", "--json", "--no-system", "--vpn-optional", "--no-interactive", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert done.stdout, done.stderr
    results = {r["check"]: r for r in json.loads(done.stdout)["results"]}
    return results | {"_exit": done.returncode}


def test_probe_lists_the_headset(headset: tuple[PulseSession, str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    session, sink, mic = headset
    monkeypatch.setenv("PULSE_SERVER", session.server.server)
    devices = {d.name: d for d in PulseAudioProbe().devices()}
    assert devices[mic].is_input
    assert not devices[mic].is_monitor
    assert devices[mic].description == "Jabra Test Headset Mic"
    assert devices[sink].is_output
    assert devices[f"{sink}.monitor"].is_monitor


def test_silent_microphone_fails(headset: tuple[PulseSession, str, str]) -> None:
    session, _, mic = headset
    r = _audio_check(session, "--headset", "*Jabra Test*")
    assert r["audio.headset"]["status"] == "pass"
    assert r["audio.headset"]["details"]["input"] == mic
    assert r["audio.mic"]["status"] == "fail"
    assert r["audio.mic"]["advice"] == ["mic_dead"]
    assert r["audio.speaker"]["status"] == "skip"  # non-interactive: nobody to confirm the tone
    assert r["_exit"] == 2


def test_live_microphone_passes(headset: tuple[PulseSession, str, str]) -> None:
    session, sink, _ = headset
    session.play_tone(sink, 440.0, amplitude=0.3)
    r = _audio_check(session, "--headset", "*Poly*", "--headset", "*Jabra Test*")
    assert r["audio.headset"]["details"]["pattern"] == "*Jabra Test*"
    mic = r["audio.mic"]
    assert mic["status"] == "pass", mic
    assert -20 < mic["value"] < -5  # a 0.3-amplitude sine is about −13.5 dBFS
    warned = sorted(k for k, v in r.items() if k != "_exit" and v["status"] == "warn")
    assert warned == ["vpn.present"]  # no VPN on this machine (--vpn-optional): the only warning
    assert r["_exit"] == 1


def test_headset_not_on_the_priority_list(headset: tuple[PulseSession, str, str]) -> None:
    session, _, _ = headset
    r = _audio_check(session, "--headset", "*Plantronics*")
    assert r["audio.headset"]["status"] == "fail"
    assert r["audio.headset"]["advice"] == ["headset_missing"]
    assert r["audio.mic"]["status"] == "skip"


def test_no_audio_server_fails_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/nothing", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "vpn_check.cli", "--json", "--no-system", "--vpn-optional", "--no-interactive"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    results = {r["check"]: r for r in json.loads(done.stdout)["results"]}
    assert results["audio.headset"]["status"] == "fail"
    assert results["audio.headset"]["advice"] == ["audio_unavailable"]


def test_the_softphones_device_layer_as_the_probe(headset: tuple[PulseSession, str, str]) -> None:
    """The app plugs sip/audio's PulseBackend in as the probe: same devices, same streams as the softphone."""
    from app.health_audio import DeviceBackendProbe
    from sip.audio.backends import PulseBackend
    from vpn_check.audio import analyse
    from vpn_check.checks_local import AudioCheck
    from vpn_check.config import HealthConfig
    from vpn_check.runner import Context

    session, sink, mic = headset
    probe = DeviceBackendProbe(PulseBackend(server=session.server.server))
    names = {d.name: d for d in probe.devices()}
    assert names[mic].is_input
    assert names[f"{sink}.monitor"].is_monitor
    silent = AudioCheck().run(Context(HealthConfig(headset_patterns=("*Jabra Test*",)), audio=probe))
    assert [r.status.value for r in silent] == [0, 2, -1]  # headset pass, microphone fail (dead), speaker skipped
    session.play_tone(sink, 440.0, amplitude=0.3)
    samples, rate = probe.record(mic, 1.0)
    assert rate == 16000
    assert analyse(samples).rms_dbfs > -20
    # The tone the agent would hear: played on the headset's speaker, seen on its monitor.
    recorder = session.record(f"{sink}.monitor")
    probe.play_tone(sink, 1.0, 1000.0)
    heard = recorder.stop()
    assert tone_ratio(heard, 16000, 1000.0) > 0.1  # the 1 kHz test tone is there, next to the 440 Hz "voice"
