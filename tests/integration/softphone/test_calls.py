"""Calls through a real Kamailio with baresip peers: audio checked by FFT on both sides' recordings."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers.agent import AgentProcess
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import Lab
from tests.helpers.tones import has_tone, read_wav, rms, windows

pytestmark = pytest.mark.integration

AGENT_HZ = 700  # the agent's "microphone" (the agent fixture's tone)
PEER_HZ = 440


def _peer(lab: Lab, log_dir: Path, tmp: Path, user: str = "2001", **kw: object) -> Baresip:
    return Baresip.for_lab(user, lab, log_dir, tmp, **kw)  # type: ignore[arg-type]


def _connected(agent: AgentProcess, after: int = 0) -> dict[str, object]:
    return agent.wait_call_state("connected", after=after)


def test_inbound_call_answered_with_audio_both_ways(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    with _peer(kamailio_lab, process_log_dir, tmp_path, tone_hz=PEER_HZ, display_name="Zhang Wei") as customer:
        customer.wait_registered()
        customer.dial(f"sip:1001@{kamailio_lab.domain}")
        incoming = agent.wait_event("IncomingCall")
        call = incoming["call"]
        assert call["remote_number"] == "2001"
        assert call["remote_name"] == "Zhang Wei"
        assert incoming["waiting"] is False
        customer.wait_event("CALL_RINGING")
        agent.command("answer", call_id=call["call_id"])
        _connected(agent)
        customer.wait_event("CALL_ESTABLISHED")
        time.sleep(2.5)
        customer.hangup()
        ended = agent.wait_event("CallEnded")
        assert ended["outcome"] == "answered"
    agent.command("record_to", path=None)  # closes the WAV file (its header is written on close)
    assert agent.record is not None
    assert has_tone(agent.record, PEER_HZ, skip_s=0.3), "the agent did not hear the customer"
    [heard] = customer.dumps("dec")
    assert has_tone(heard, AGENT_HZ, skip_s=0.3), "the customer did not hear the agent"


def test_outbound_call_to_an_auto_answering_peer(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    with _peer(kamailio_lab, process_log_dir, tmp_path, tone_hz=PEER_HZ, answer="auto") as peer:
        peer.wait_registered()
        call_id = agent.command("call", number="2001")
        _connected(agent)
        time.sleep(2.0)
        agent.command("hangup", call_id=call_id)
        ended = agent.wait_event("CallEnded")
        assert ended["outcome"] == "answered"
        peer.wait_event("CALL_CLOSED")
        # redial calls the same number again
        mark = agent.mark()
        agent.command("redial")
        _connected(agent, after=mark)
        agent.command("hangup", call_id=agent.wait_call_state("connected", after=mark)["call"]["call_id"])
        agent.wait_event("CallEnded", after=mark)
    agent.command("record_to", path=None)
    assert agent.record is not None
    assert has_tone(agent.record, PEER_HZ, skip_s=0.3)
    heard = peer.dumps("dec")[0]
    assert has_tone(heard, AGENT_HZ, skip_s=0.3)


def test_rejected_and_missed_calls_are_in_the_history(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    from sip.history import CallHistory

    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    with _peer(kamailio_lab, process_log_dir, tmp_path) as customer:
        customer.wait_registered()
        customer.dial(f"sip:1001@{kamailio_lab.domain}")
        call = agent.wait_event("IncomingCall")["call"]
        agent.command("reject", call_id=call["call_id"], reason="BUSY")
        closed = customer.wait_event("CALL_CLOSED")
        assert "486" in closed.param or "Busy" in closed.param
        assert agent.wait_event("CallEnded")["outcome"] == "rejected"
        mark = agent.mark()
        customer.dial(f"sip:1001@{kamailio_lab.domain}")
        agent.wait_event("IncomingCall", after=mark)
        customer.hangup()  # the customer gives up: a missed call
        assert agent.wait_event("CallEnded", after=mark)["outcome"] == "missed"
    history = CallHistory(tmp_path / "agent" / "agent-history.sqlite")
    outcomes = [e.outcome.value for e in history.entries()]
    assert outcomes == ["missed", "rejected"]
    assert history.missed_count() == 1


def test_hold_and_resume(agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> None:
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    with _peer(kamailio_lab, process_log_dir, tmp_path, tone_hz=PEER_HZ, answer="auto") as peer:
        peer.wait_registered()
        call_id = agent.command("call", number="2001")
        _connected(agent)
        time.sleep(1.0)
        mark = agent.mark()
        agent.command("record_to", path=str(tmp_path / "held.wav"))
        agent.command("hold", call_id=call_id)
        agent.wait_event("CallUpdated", lambda e: e["call"]["local_hold"] is True, after=mark)
        time.sleep(2.0)
        agent.command("record_to", path=str(tmp_path / "resumed.wav"))
        agent.command("resume", call_id=call_id)
        agent.wait_event("CallUpdated", lambda e: e["call"]["local_hold"] is False, after=mark)
        time.sleep(2.0)
        agent.command("record_to", path=None)
        agent.command("hangup", call_id=call_id)
        agent.wait_event("CallEnded")
    held = tmp_path / "held.wav"
    if held.exists() and held.stat().st_size > 44:
        samples, rate = read_wav(held)
        assert samples.size < rate * 0.5 or rms(samples[int(0.3 * rate) :]) < 0.01, "audio flowed while on hold"
    assert has_tone(tmp_path / "resumed.wav", PEER_HZ, skip_s=0.5)


def test_mute_each_direction(agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> None:
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    with _peer(kamailio_lab, process_log_dir, tmp_path, tone_hz=PEER_HZ, answer="auto") as peer:
        peer.wait_registered()
        call_id = agent.command("call", number="2001")
        _connected(agent)
        time.sleep(1.5)
        # 1. the agent mutes the microphone: the peer hears silence, the agent still hears the peer
        agent.command("record_to", path=str(tmp_path / "mic-muted.wav"))
        agent.command("mute", call_id=call_id, mic=True)
        time.sleep(2.5)
        agent.command("mute", call_id=call_id, mic=False)
        # 2. the agent mutes the speaker: the agent hears silence, the peer still hears the agent
        agent.command("record_to", path=str(tmp_path / "speaker-muted.wav"))
        agent.command("mute", call_id=call_id, speaker=True)
        time.sleep(2.0)
        agent.command("record_to", path=str(tmp_path / "unmuted.wav"))
        agent.command("mute", call_id=call_id, speaker=False)
        time.sleep(1.5)
        agent.command("record_to", path=None)
        agent.command("hangup", call_id=call_id)
        agent.wait_event("CallEnded")
    assert has_tone(tmp_path / "mic-muted.wav", PEER_HZ, skip_s=0.3), "muting the mic silenced the speaker"
    speaker_muted, rate = read_wav(tmp_path / "speaker-muted.wav")
    assert rms(speaker_muted[int(0.3 * rate) :]) < 0.005, "the agent still heard the peer with the speaker muted"
    assert has_tone(tmp_path / "unmuted.wav", PEER_HZ, skip_s=0.3)
    # The peer's recording of the agent: tone, then ≥1.5 s of silence (mic muted), then tone again.
    levels = [level for _, level in windows(peer.dumps("dec")[0], 0.25)]
    quiet = [level < 0.003 for level in levels]
    longest = max((len(run) for run in "".join("q" if q else "." for q in quiet).split(".")), default=0)
    assert longest * 0.25 >= 1.5, f"no silent stretch while the mic was muted: {levels}"
    assert levels[-3] > 0.01 or levels[-4] > 0.01, "the peer did not hear the agent again after unmuting"


@pytest.mark.parametrize("mode", ["rfc2833", "info"])
def test_dtmf_reaches_the_peer(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path, mode: str
) -> None:
    agent.register_to(kamailio_lab, "1001", dtmf=mode)
    agent.wait_registered()
    with _peer(kamailio_lab, process_log_dir, tmp_path, answer="auto") as peer:
        peer.wait_registered()
        call_id = agent.command("call", number="2001")
        _connected(agent)
        peer.wait_event("CALL_ESTABLISHED")
        time.sleep(0.5)
        for digit in "19#":
            agent.command("dtmf", call_id=call_id, digits=digit)
            time.sleep(0.4)
        peer.wait_count("CALL_DTMF_START", 3)
        got = "".join(e.param for e in peer.events("CALL_DTMF_START"))
        assert got == "19#"
        agent.command("hangup", call_id=call_id)
        agent.wait_event("CallEnded")


def test_quit_with_a_call_up_hangs_up_cleanly(kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> None:
    agent = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / "agent")
    with _peer(kamailio_lab, process_log_dir, tmp_path, answer="auto") as peer:
        peer.wait_registered()
        agent.register_to(kamailio_lab, "1001")
        agent.wait_registered()
        agent.command("call", number="2001")
        agent.wait_call_state("connected")
        assert agent.quit() == 0  # shutdown with the call up: hang up, un-REGISTER, libDestroy, no abort
        peer.wait_event("CALL_CLOSED")


@pytest.mark.parametrize("veto", [False, True])
def test_auto_answer_after_the_delay_unless_vetoed(
    kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path, veto: bool
) -> None:
    extra = ("--veto-auto-answer",) if veto else ()
    agent = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / "agent", extra_args=extra)
    try:
        agent.register_to(kamailio_lab, "1001", auto_answer="always", auto_answer_delay=1.0)
        agent.wait_registered()
        with _peer(kamailio_lab, process_log_dir, tmp_path) as customer:
            customer.wait_registered()
            customer.dial(f"sip:1001@{kamailio_lab.domain}")
            incoming = agent.wait_event("IncomingCall")
            assert incoming["call"]["auto_answer_in_s"] is not None
            if veto:
                # the audio side refuses (no headset): the call keeps ringing for the agent to answer by hand
                vetoed = agent.wait_event("CallUpdated", lambda e: e["call"]["auto_answer_in_s"] is None, timeout=5)
                assert vetoed["call"]["state"] == "ringing"
                customer.hangup()
                assert agent.wait_event("CallEnded")["outcome"] == "missed"
            else:
                agent.wait_call_state("connected", timeout=5)
                customer.wait_event("CALL_ESTABLISHED")
                customer.hangup()
                assert agent.wait_event("CallEnded")["outcome"] == "answered"
    finally:
        assert agent.quit() == 0
