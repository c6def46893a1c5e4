"""The native talk stream on a real PulseAudio: its output buffer grows in place, without a reopen (the engine does
this after repeated device underflows; a reopen was a 100 ms silence in the 10-minute busy-GUI call)."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from sip.audio import native
from sip.audio.backends import PulseBackend
from sip.audio.model import FRAME_BYTES, AudioDevice, Direction
from tests.helpers.pulse import PulseSession, dominant_frequency, rms, wait_until
from tests.helpers.require import missing

pytestmark = pytest.mark.integration

TONE_HZ = 1000.0


def _tone_frames(seconds: float) -> list[bytes]:
    t = np.arange(int(16000 * seconds)) / 16000.0
    pcm = (0.3 * 32767 * np.sin(2 * np.pi * TONE_HZ * t)).astype("<i2").tobytes()
    return [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]


def test_native_output_grows_its_buffer_in_place(pulse: PulseSession) -> None:
    if not native.available():
        missing(f"{native.UNAVAILABLE_REASON}: run build_scripts/build_native.py (bootstrap does)")
    headset = pulse.add_headset("hs", f"Test Headset {pulse.prefix}")
    backend = PulseBackend(server=pulse.server.server)
    queue = native.NativeQueue(target=1, headroom=4, capacity=50, item_bytes=FRAME_BYTES)
    device = AudioDevice(headset.speaker.name, "Test Headset", Direction.OUTPUT)
    stream: Any = backend.open_native(device, Direction.OUTPUT, 0.02, queue.ring)  # the C Stream's own methods
    stop = threading.Event()

    def feed() -> None:  # the pjmedia side: one 20 ms frame every 20 ms
        frames = _tone_frames(1.0)
        n = 0
        next_at = time.monotonic()
        while not stop.is_set():
            queue.push(frames[n % len(frames)])
            n += 1
            next_at += 0.02
            time.sleep(max(0.0, next_at - time.monotonic()))

    feeder = threading.Thread(target=feed, daemon=True)
    try:
        stream.start()
        feeder.start()
        assert stream.active
        wait_until(lambda: stream.stats()["callbacks"] > 5, what="the output stream asking for audio")
        before = stream.latency
        assert before == pytest.approx(0.02, abs=0.006)
        callbacks = stream.stats()["callbacks"]

        stream.set_latency(0.04)

        # PulseAudio splits a latency-adjusted stream's request between its own buffer and the sink's (already set
        # up for the first request): the stream's part grows by most of the step, not all of it (30 ms here).
        assert stream.latency >= before + 0.008
        assert stream.active
        assert stream.device == headset.speaker.name
        recorder = pulse.record(headset.speaker.monitor)
        time.sleep(1.5)
        samples = recorder.stop()[int(0.2 * 16000) :]
        assert stream.stats()["callbacks"] > callbacks  # the same stream kept asking for audio
        assert abs(dominant_frequency(samples, 16000) - TONE_HZ) < 25
        assert rms(samples) > 0.05
        with pytest.raises(ValueError, match="latency"):
            stream.set_latency(0.0)
    finally:
        stop.set()
        if feeder.is_alive():
            feeder.join(timeout=2)
        stream.close()
    with pytest.raises(OSError, match="buffer"):
        stream.set_latency(0.06)
