"""The production softphone engine (``sip.engine.SipEngine``, its own process) with the headset bridge as its
``CallAudio``: an incoming call from baresip through Kamailio, answered, with tones detected both ways through
the real devices of a private PulseAudio; hold and resume re-wire the bridge; a clean quit."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.agent import AgentProcess
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import Lab
from tests.helpers.pulse import PulseSession, dominant_frequency, rms
from tests.helpers.tones import has_tone

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def start_softphone(pulse: PulseSession, tmp_path: Path, bridge_path: list[str], *priority: str) -> AgentProcess:
    log_dir = tmp_path / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = pulse.env()
    env["PYTHONPATH"] = str(ROOT)
    env.pop("QT_QPA_PLATFORM", None)
    argv = [
        sys.executable,
        "-m",
        "tests.helpers.bridged_softphone_driver",
        "--log",
        str(log_dir / "agent.log"),
        *bridge_path,
    ]
    for pattern in priority:
        argv += ["--priority", pattern]
    stderr = (log_dir / "agent.stderr").open("ab")
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        bufsize=1,
    )
    stderr.close()
    agent = AgentProcess(proc, log_dir / "agent.log", None)
    agent.wait_for(lambda e: bool(e.get("ready")), 30, kind="ready")
    return agent


def hears(pulse: PulseSession, monitor: str, hz: float, seconds: float = 2.0) -> bool:
    recorder = pulse.record(monitor)
    time.sleep(seconds)
    samples = recorder.stop()[3200:]
    return rms(samples) > 0.02 and abs(dominant_frequency(samples, 16000) - hz) < 15


def test_softphone_call_through_the_headset_bridge(
    pulse: PulseSession, kamailio_lab: Lab, tmp_path: Path, process_log_dir: Path, bridge_path: list[str]
) -> None:
    headset = pulse.add_headset("hs", f"Jabra Evolve2 65 {pulse.prefix}")
    pulse.play_tone(headset.feed, 1000.0)
    agent = start_softphone(pulse, tmp_path, bridge_path, f"Jabra.*{pulse.prefix}")
    try:
        agent.register_to(kamailio_lab, "1001", transport="udp")
        agent.wait_registered()
        with Baresip.for_lab("alice", kamailio_lab, process_log_dir, tmp_path, tone_hz=440) as alice:
            alice.wait_registered()
            alice.dial("1001")
            call = agent.wait_event("IncomingCall", timeout=15)["call"]
            agent.command("answer", call_id=call["call_id"])
            alice.wait_event("CALL_ESTABLISHED", timeout=15)
            time.sleep(1.0)
            assert hears(pulse, headset.speaker.monitor, 440.0)  # the customer, in the agent's headset
            state = agent.command("audio_state")
            assert state["speaker"] == headset.speaker.name
            assert state["microphone"] == headset.mic

            agent.command("hold", call_id=call["call_id"])
            time.sleep(1.0)
            agent.command("resume", call_id=call["call_id"])
            time.sleep(1.0)
            assert hears(pulse, headset.speaker.monitor, 440.0)  # re-wired after hold/resume

            agent.command("hangup", call_id=call["call_id"])
            alice.wait_event("CALL_CLOSED", timeout=10)
        decoded = alice.dumps("dec")
        assert decoded
        assert has_tone(decoded[-1], 1000.0, skip_s=1.0)  # the agent's microphone, at the customer
        assert agent.command("audio_state")["port_errors"] == 0
    finally:
        code = agent.quit(timeout=20)
    assert code == 0, agent.log_tail()
