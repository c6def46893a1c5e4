"""Real calls through the bridge: the agent (pjsua2 + bridge, own process) registered at Kamailio, baresip and
SIPp as the customers, a private PulseAudio with a simulated headset as the agent's devices."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers.audio_agent_client import AudioAgent, agent_env
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import Lab
from tests.helpers.pulse import PulseSession, dominant_frequency, rms, tone_ratio
from tests.helpers.sipp import run_sipp
from tests.helpers.tones import has_tone

pytestmark = pytest.mark.integration

AGENT_MIC_HZ = 1000.0
CUSTOMER_HZ = 440


def start_sip_agent(pulse: PulseSession, lab: Lab, tmp_path: Path, *extra: str) -> AudioAgent:
    agent = AudioAgent(
        [
            "--mode",
            "sip",
            "--priority",
            f"Jabra.*{pulse.prefix}",
            "--registrar",
            f"{lab.host}:{lab.udp_port}",
            "--domain",
            lab.domain,
            "--user",
            "1001",
            "--password",
            lab.password("1001"),
            *extra,
        ],
        agent_env(pulse.env()),
        tmp_path / "agent.log",
        timeout=60,
    )
    agent.wait_state(lambda s: s["registered"], timeout=15, what="registered")
    return agent


def test_call_with_baresip_tones_cross_the_bridge_both_ways(
    pulse: PulseSession, kamailio_lab: Lab, tmp_path: Path, process_log_dir: Path, bridge_path: list[str]
) -> None:
    headset = pulse.add_headset("hs", f"Jabra Evolve2 65 {pulse.prefix}")
    pulse.play_tone(headset.feed, AGENT_MIC_HZ)  # the agent speaks: a 1 kHz tone into the headset microphone
    agent = start_sip_agent(pulse, kamailio_lab, tmp_path, *bridge_path)
    try:
        with Baresip.for_lab("alice", kamailio_lab, process_log_dir, tmp_path, tone_hz=CUSTOMER_HZ) as alice:
            alice.wait_registered()
            alice.dial("1001")
            alice.wait_event("CALL_ESTABLISHED", timeout=15)
            time.sleep(1.0)
            speaker = pulse.record(headset.speaker.monitor)
            time.sleep(3.0)
            heard = speaker.stop()
            stats = agent.cmd("stats")
            alice.hangup()
            alice.wait_event("CALL_CLOSED", timeout=10)
        # The customer's tone came out of the agent's headset speaker...
        assert rms(heard) > 0.02
        assert abs(dominant_frequency(heard, 16000) - CUSTOMER_HZ) < 15
        assert tone_ratio(heard, 16000, CUSTOMER_HZ) > 0.8
        # ...and the agent's microphone tone is in what baresip decoded.
        decoded = alice.dumps("dec")
        assert decoded, "baresip wrote no decoded audio"
        assert has_tone(decoded[-1], AGENT_MIC_HZ, skip_s=1.0)
        assert stats["playback"]["frames"] > 100
        assert stats["capture"]["frames"] > 100
        agent.wait_state(lambda s: not s["calls"], what="call gone")
    finally:
        assert agent.quit() == 0, agent.tail()


def test_auto_answer_refused_without_headset(
    pulse: PulseSession, kamailio_lab: Lab, tmp_path: Path, process_log_dir: Path
) -> None:
    """No device matches the priority list: the agent's client must not connect the customer by itself."""
    pulse.add_headset("laptop", f"Built-in Audio {pulse.prefix}")
    agent = start_sip_agent(pulse, kamailio_lab, tmp_path)
    try:
        assert not agent.state()["headset"]
        with Baresip.for_lab("alice", kamailio_lab, process_log_dir, tmp_path) as alice:
            alice.wait_registered()
            alice.dial("1001")
            # It rings (on the ring device) for the agent to pick up by hand, but does not answer.
            agent.wait_state(
                lambda s: {"event": "auto_answer_refused"} in s["events"] and s["ringing"],
                what="auto-answer refused while ringing",
            )
            time.sleep(1.0)
            assert not alice.events("CALL_ESTABLISHED")
            alice.hangup()
    finally:
        assert agent.quit() == 0, agent.tail()


def test_200_calls_in_a_row_same_port_no_crash_at_quit(pulse: PulseSession, kamailio_lab: Lab, tmp_path: Path) -> None:
    headset = pulse.add_headset("hs", f"Jabra Evolve2 65 {pulse.prefix}")
    pulse.play_tone(headset.feed, AGENT_MIC_HZ)
    agent = start_sip_agent(pulse, kamailio_lab, tmp_path)
    try:
        result = run_sipp(
            "uac_call.xml",
            f"{kamailio_lab.host}:{kamailio_lab.udp_port}",
            service="1001",
            log_dir=tmp_path / "sipp",
            calls=200,
            rate=10,
            limit=3,
            hold_ms=300,
            timeout=300,
        )
        assert (result.successful, result.failed) == (200, 0), result.output[-3000:]
        state = agent.wait_state(lambda s: not s["calls"], timeout=30, what="all calls ended")
        assert state["port_errors"] == 0
        # The streams close on the audio-control thread after the last call ends: wait for it, bounded.
        agent.wait_state(
            lambda s: s["active"] == {"microphone": None, "speaker": None}, timeout=30, what="streams closed when idle"
        )
    finally:
        code = agent.quit(timeout=30)
    assert code == 0, agent.tail()
