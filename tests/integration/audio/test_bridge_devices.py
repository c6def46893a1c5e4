"""The bridge on real devices: pjsua2 (own process, real media clock) ↔ AudioMediaPort ↔ PortAudio ↔ ALSA pulse
plugin ↔ a private PulseAudio with null sinks as a headset and a laptop's built-in audio.

The agent runs in loop mode: the bridge port transmits to itself through pjmedia's conference bridge, so what the
headset microphone hears comes out of the headset speaker after the full round trip through the bridge. Each
device gets its own tone, so the test can tell which device the audio went through.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.audio_agent_client import AudioAgent, agent_env
from tests.helpers.pulse import Headset, PulseSession, dominant_frequency, rms

pytestmark = pytest.mark.integration

HEADSET_HZ = 1000.0
LAPTOP_HZ = 600.0


def heard(pulse: PulseSession, sink_monitor: str, seconds: float = 1.5) -> tuple[float, float]:
    """(dominant frequency, rms) of what a sink plays over the next ``seconds``."""
    recorder = pulse.record(sink_monitor)
    time.sleep(seconds)
    samples = recorder.stop()[int(0.2 * 16000) :]
    return dominant_frequency(samples, 16000), rms(samples)


def hears(pulse: PulseSession, sink_monitor: str, hz: float, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        freq, level = heard(pulse, sink_monitor, 1.0)
        if abs(freq - hz) < 25 and level > 0.05:
            return True
    return False


@pytest.fixture
def laptop(pulse: PulseSession) -> Headset:
    """The laptop's built-in audio, the system default (where the fallback goes)."""
    built_in = pulse.add_headset("laptop", f"Built-in Audio {pulse.prefix}")
    pulse.server.pactl("set-default-sink", built_in.speaker.name)
    pulse.server.pactl("set-default-source", built_in.mic)
    pulse.play_tone(built_in.feed, LAPTOP_HZ)
    return built_in


def start_agent(pulse: PulseSession, tmp_path: Path, *args: str) -> AudioAgent:
    return AudioAgent(["--mode", "loop", *args], agent_env(pulse.env()), tmp_path / "agent.log", timeout=60)


@pytest.fixture
def agent_factory(pulse: PulseSession, tmp_path: Path, bridge_path: list[str]) -> Iterator[Any]:
    """Agents on the bridge path under test (every test here runs on the native and the pure-Python OS side)."""
    agents: list[AudioAgent] = []

    def make(*args: str) -> AudioAgent:
        agent = start_agent(pulse, tmp_path, *bridge_path, *args)
        agents.append(agent)
        return agent

    yield make
    for agent in agents:
        code = agent.quit()
        assert code == 0, f"agent exit code {code} at quit:\n{agent.tail()}"


def test_tone_crosses_the_bridge_on_the_headset(
    pulse: PulseSession, laptop: Headset, agent_factory: Any, bridge_path: list[str]
) -> None:
    headset = pulse.add_headset("hs", f"Jabra Evolve2 65 {pulse.prefix}")
    pulse.play_tone(headset.feed, HEADSET_HZ)
    agent = agent_factory("--priority", f"Jabra.*{pulse.prefix}")
    state = agent.state()
    assert state["selected"]["speaker"] == headset.speaker.name
    assert state["selected"]["microphone"] == headset.mic
    assert state["selected"]["ringer"] == laptop.speaker.name  # rings on the laptop, talks on the headset
    assert state["auto_answer_allowed"]
    agent.cmd("loop_start")
    assert hears(pulse, headset.speaker.monitor, HEADSET_HZ)
    assert agent.state()["mic_level"] > 0.1
    assert not hears(pulse, laptop.speaker.monitor, HEADSET_HZ, timeout=1.0)
    assert agent.state()["port_errors"] == 0
    assert agent.cmd("stats")["path"] == bridge_path[-1]


def test_hotplug_reapplies_priority_and_unplug_falls_back_mid_call(
    pulse: PulseSession, laptop: Headset, agent_factory: Any
) -> None:
    agent = agent_factory("--priority", f"Jabra.*{pulse.prefix}")
    assert agent.state()["selected"]["speaker"] == laptop.speaker.name
    assert not agent.state()["auto_answer_allowed"]  # no headset: the guard refuses auto-answer
    agent.cmd("loop_start")
    assert hears(pulse, laptop.speaker.monitor, LAPTOP_HZ)

    # Plug the headset in mid-call: noticed through libpulse events, priority re-applied, audio moves.
    headset = pulse.add_headset("hs", f"Jabra Evolve2 65 {pulse.prefix}")
    pulse.play_tone(headset.feed, HEADSET_HZ)
    state = agent.wait_state(
        lambda s: s["active"]["speaker"] == headset.speaker.name and s["active"]["microphone"] == headset.mic,
        what="switch to the plugged headset",
    )
    assert {"event": "active", "role": "speaker", "device": headset.speaker.name, "reason": "plugged"} in state[
        "events"
    ]
    assert state["auto_answer_allowed"]
    assert hears(pulse, headset.speaker.monitor, HEADSET_HZ)

    # Unplug it mid-call: no crash, the call goes on on the laptop, and the user is told.
    pulse.remove_headset(headset)
    state = agent.wait_state(
        lambda s: s["active"]["speaker"] == laptop.speaker.name and s["active"]["microphone"] == laptop.mic,
        what="fallback to the laptop",
    )
    assert {"event": "problem", "kind": "device_gone", "role": "speaker"} in state["events"]
    assert {"event": "active", "role": "speaker", "device": laptop.speaker.name, "reason": "fallback"} in state[
        "events"
    ]
    assert not state["auto_answer_allowed"]
    assert hears(pulse, laptop.speaker.monitor, LAPTOP_HZ)


def test_device_switch_by_settings_mid_call_keeps_audio_flowing(
    pulse: PulseSession, laptop: Headset, agent_factory: Any
) -> None:
    headset = pulse.add_headset("hs", f"Plantronics Blackwire {pulse.prefix}")
    pulse.play_tone(headset.feed, HEADSET_HZ)
    agent = agent_factory("--priority", f"Plantronics.*{pulse.prefix}")
    agent.cmd("loop_start")
    assert hears(pulse, headset.speaker.monitor, HEADSET_HZ)
    agent.cmd("settings", speaker=laptop.speaker.name)  # the agent picks the laptop speaker in the settings page
    assert agent.state()["active"]["speaker"] == laptop.speaker.name
    assert agent.state()["active"]["microphone"] == headset.mic  # the microphone stays
    assert hears(pulse, laptop.speaker.monitor, HEADSET_HZ)
    agent.cmd("settings", microphone=laptop.mic)
    assert hears(pulse, laptop.speaker.monitor, LAPTOP_HZ)


def test_ringer_plays_on_its_own_device(pulse: PulseSession, laptop: Headset, agent_factory: Any) -> None:
    headset = pulse.add_headset("hs", f"Jabra Evolve2 65 {pulse.prefix}")
    agent = agent_factory("--priority", f"Jabra.*{pulse.prefix}")
    ring_rec = pulse.record(laptop.speaker.monitor)
    headset_rec = pulse.record(headset.speaker.monitor)
    agent.cmd("ring")
    time.sleep(2.5)
    agent.cmd("ring_stop")
    ring, on_headset = ring_rec.stop(), headset_rec.stop()
    assert rms(ring) > 0.02
    assert dominant_frequency(ring, 16000) == pytest.approx(440, abs=130)  # the ringtone's 440 + 554 Hz trill
    assert rms(on_headset) < 0.001
