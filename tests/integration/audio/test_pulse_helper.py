"""The private PulseAudio fixture itself: sinks come and go, a tone played into a sink is heard on its monitor,
and an ALSA program (PortAudio through libasound2-plugins) reaches the daemon through the private ALSA config."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from tests.helpers.pulse import PulseSession, dominant_frequency, rms, tone_ratio, wait_until

pytestmark = pytest.mark.integration


def test_sink_added_and_removed(pulse: PulseSession) -> None:
    sink = pulse.add_sink("hs", "Jabra Evolve2 65")
    assert sink.name in pulse.server.sink_names()
    assert sink.monitor in pulse.server.source_names()
    pulse.remove_sink(sink)
    assert sink.name not in pulse.server.sink_names()


def test_tone_into_sink_is_recorded_from_its_monitor(pulse: PulseSession) -> None:
    sink = pulse.add_sink("mic")
    recorder = pulse.record(sink.monitor)
    pulse.play_tone(sink, 1000.0, seconds=5.0)
    wait_until(lambda: len(recorder.samples()) > 16000 * 1.5, what="1.5 s recorded")
    samples = recorder.stop()[-16000:]
    assert abs(dominant_frequency(samples, 16000) - 1000.0) < 20
    assert tone_ratio(samples, 16000, 1000.0) > 0.9


def test_alsa_program_reaches_named_devices(pulse: PulseSession) -> None:
    """PortAudio (an ALSA client) plays into an explicitly named sink, both with PULSE_SINK and a named pcm."""
    by_env = pulse.add_sink("env")
    by_pcm = pulse.add_sink("pcm")
    pcm_name = pulse.name("pcm_dev")
    pulse.server.add_alsa_pcm(pcm_name, sink=by_pcm.name)
    rec_env = pulse.record(by_env.monitor)
    rec_pcm = pulse.record(by_pcm.monitor)
    script = textwrap.dedent(
        """
        import sys, time, numpy as np, sounddevice as sd
        device, freq = sys.argv[1], float(sys.argv[2])
        t = np.arange(16000 * 2) / 16000
        sd.play((0.5 * np.sin(2 * np.pi * freq * t)).astype("float32"), 16000, device=device, blocking=True)
        """
    )
    for device, freq, sink in (("pulse", 700.0, by_env.name), (pcm_name, 1300.0, None)):
        subprocess.run(
            [sys.executable, "-c", script, device, str(freq)],
            env=pulse.env(sink=sink),
            check=True,
            timeout=30,
        )
    time.sleep(0.2)
    env_audio, pcm_audio = rec_env.stop(), rec_pcm.stop()
    assert rms(env_audio) > 0.1
    assert abs(dominant_frequency(env_audio, 16000) - 700.0) < 20
    assert rms(pcm_audio) > 0.1
    assert abs(dominant_frequency(pcm_audio, 16000) - 1300.0) < 20
