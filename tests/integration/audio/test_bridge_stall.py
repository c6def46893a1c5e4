"""A long call while the GUI thread is kept busy: the speaker never stalls for longer than one frame.

The agent process's main thread stands in for the GUI thread (it pumps pjsua2 like the GUI's timer would) and is
kept busy with Python work plus C calls that hold the GIL for a few milliseconds at a time, as layout and model
updates do. The headset microphone hears a continuous tone, the bridge loops it through pjmedia to the headset
speaker, and the speaker's monitor is recorded: any stall shows as a run of silence in the recording.

The issue asks for 10 minutes (``slow``); the normal suite runs a 20-second variant of the same test.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.audio_agent_client import AudioAgent, agent_env
from tests.helpers.pulse import PulseSession, Samples

pytestmark = pytest.mark.integration

FRAME_MS = 20
WINDOW_MS = 5


def silent_runs_ms(samples: Samples, rate: int = 16000, threshold: float = 0.05) -> list[int]:
    """Lengths (ms) of the runs of silence after the tone first appears, in 5 ms windows."""
    window = rate * WINDOW_MS // 1000
    usable = len(samples) - len(samples) % window
    peaks = np.abs(samples[:usable]).reshape(-1, window).max(axis=1)
    loud = np.nonzero(peaks > threshold)[0]
    if len(loud) == 0:
        return [len(peaks) * WINDOW_MS]
    runs, current = [], 0
    for quiet in peaks[loud[0] : loud[-1] + 1] < threshold:
        if quiet:
            current += 1
        elif current:
            runs.append(current * WINDOW_MS)
            current = 0
    return runs


def run_busy_call(pulse: PulseSession, tmp_path: Path, seconds: float, *extra: str) -> None:
    headset = pulse.add_headset("hs", f"Jabra Evolve2 65 {pulse.prefix}")
    pulse.play_tone(headset.feed, 1000.0, seconds=seconds + 60)
    agent = AudioAgent(
        ["--mode", "loop", "--priority", f"Jabra.*{pulse.prefix}", *extra],
        agent_env(pulse.env()),
        tmp_path / "agent.log",
        timeout=60,
    )
    try:
        agent.cmd("loop_start")
        time.sleep(3.0)  # streams settle (a PulseAudio output may stall once right after it starts)
        recorder = pulse.record(headset.speaker.monitor)
        time.sleep(0.5)
        agent.cmd("reset_stats")
        agent.cmd("busy", seconds=seconds, sort_size=20_000, timeout=seconds + 60)
        stats = agent.cmd("stats")
        samples = recorder.stop()
        state = agent.state()
    finally:
        code = agent.quit()
    assert code == 0, agent.tail()
    assert state["port_errors"] == 0
    assert len(samples) > 16000 * seconds * 0.9
    runs = silent_runs_ms(samples)
    # One lost frame is inaudible in speech and is what the queue's re-buffering costs at worst; a stall is more.
    assert max(runs, default=0) <= FRAME_MS + WINDOW_MS, f"silent runs (ms): {sorted(runs)[-10:]}; stats {stats}"


def test_busy_gui_thread_short_call_has_no_stall(pulse: PulseSession, tmp_path: Path) -> None:
    # The default OS side (native on Linux): its sound-server callbacks never wait for the GIL. The pure-Python
    # fallback's callbacks do, and a busy GUI thread on a loaded machine still delays them (docs/audio.md, "The
    # 10-minute busy-GUI test"): that path's limitation is documented, not tested as if it were fixed.
    run_busy_call(pulse, tmp_path, 20.0)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_busy_gui_thread_ten_minute_call_has_no_stall(pulse: PulseSession, tmp_path: Path) -> None:
    run_busy_call(pulse, tmp_path, seconds=600.0)


def test_silence_detector_finds_gaps() -> None:
    """The detector itself: a 100 ms hole in a tone is reported, a clean tone is not."""
    t = np.arange(16000 * 2) / 16000
    tone = 0.5 * np.sin(2 * np.pi * 1000 * t)
    assert max(silent_runs_ms(tone), default=0) == 0
    holed = tone.copy()
    holed[16000 : 16000 + 1600] = 0.0
    assert max(silent_runs_ms(holed)) >= 95
