"""TLS + SRTP, load from SIPp, malformed SIP, and quality figures under packet loss."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest

from tests.helpers.agent import AgentProcess
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import Lab
from tests.helpers.sipp import run_sipp
from tests.helpers.tones import has_tone

pytestmark = pytest.mark.integration


def test_tls_signalling_and_srtp_media(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    """The agent on TLS with mandatory SDES-SRTP; the peer (pjsua2, TCP) also insists on SRTP."""
    agent.register_to(kamailio_lab, "1001", "tls", srtp="mandatory")
    agent.wait_registered()
    peer = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / "peer", name="peer", tone_hz=440)
    try:
        peer.register_to(kamailio_lab, "2001", "tcp", srtp="mandatory", auto_answer="always", auto_answer_delay=0)
        peer.wait_registered()
        call_id = agent.command("call", number="2001")
        connected = agent.wait_event("CallUpdated", lambda e: e["call"]["state"] == "connected" and e["call"]["srtp"])
        assert connected["call"]["srtp"] is True
        time.sleep(2.0)
        agent.command("hangup", call_id=call_id)
        agent.wait_event("CallEnded")
        peer.command("record_to", path=None)
    finally:
        peer.quit()
    agent.command("record_to", path=None)
    assert agent.record is not None
    assert has_tone(agent.record, 440, skip_s=0.3)
    assert peer.record is not None
    assert has_tone(peer.record, 700, skip_s=0.3)


def test_mandatory_srtp_refuses_a_peer_without_it(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    agent.register_to(kamailio_lab, "1001", "tls", srtp="mandatory")
    agent.wait_registered()
    with Baresip.for_lab("2001", kamailio_lab, process_log_dir, tmp_path, answer="auto") as peer:
        peer.wait_registered()
        agent.command("call", number="2001")
        ended = agent.wait_event("CallEnded")
        assert ended["outcome"] == "failed"
        assert ended["code"] in (488, 406)


def test_fifty_calls_from_sipp_without_a_crash_or_a_leak(
    kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    agent = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / "agent", tone_hz=700, record=False)
    try:
        # A short delay between 180 and 200: Kamailio's UDP workers may otherwise relay them out of order.
        agent.register_to(kamailio_lab, "1001", "udp", auto_answer="always", auto_answer_delay=0.2)
        agent.wait_registered()
        proc = psutil.Process(agent.proc.pid)
        warm = run_sipp(
            "uac_call.xml",
            f"{kamailio_lab.host}:{kamailio_lab.udp_port}",
            service="1001",
            log_dir=tmp_path / "sipp-warm",
            calls=5,
            rate=5,
            limit=1,
            hold_ms=200,
        )
        assert warm.successful == 5, warm.output[-2000:]
        rss_before = proc.memory_info().rss
        result = run_sipp(
            "uac_call.xml",
            f"{kamailio_lab.host}:{kamailio_lab.udp_port}",
            service="1001",
            log_dir=tmp_path / "sipp",
            calls=50,
            rate=5,
            limit=1,  # in a row: an agent auto-answers one call at a time
            hold_ms=500,
        )
        assert (result.successful, result.failed) == (50, 0), result.output[-3000:]
        time.sleep(1.5)
        assert agent.command("calls") == []
        growth_mb = (proc.memory_info().rss - rss_before) / 1e6
        print(f"RSS growth over 50 calls: {growth_mb:.1f} MB")
        assert growth_mb < 20, f"RSS grew by {growth_mb:.1f} MB over 50 calls"
        ended = [e for e in agent.events if e.get("event") == "CallEnded"]
        assert len(ended) == 55
    finally:
        assert agent.quit() == 0


def test_malformed_sip_does_not_crash_the_client(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    agent.register_to(kamailio_lab, "1001", "udp")
    agent.wait_registered()
    # Find the agent's UDP port from its Contact in Kamailio's view: it is in the agent log.
    import re

    port = int(re.findall(r"SIP endpoint started .*:(\d+)", agent.log_path.read_text())[-1])
    result = run_sipp("malformed.xml", f"127.0.0.1:{port}", service="1001", log_dir=tmp_path / "sipp", calls=3, rate=10)
    assert result.returncode in (0, 1), result.output[-2000:]
    assert agent.command("ping") == "pong"
    # and it still works: a normal call afterwards
    with Baresip.for_lab("2001", kamailio_lab, process_log_dir, tmp_path, answer="auto") as peer:
        peer.wait_registered()
        call_id = agent.command("call", number="2001")
        agent.wait_call_state("connected")
        agent.command("hangup", call_id=call_id)
        agent.wait_event("CallEnded")


def test_quality_samples_under_packet_loss(kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> None:
    """Both sides drop 10 % of their RTP on purpose: the agent's samples show the loss and a MOS warning."""
    agent = AgentProcess.start(
        process_log_dir / tmp_path.name,
        tmp_path / "agent",
        extra_args=("--quality-interval", "1", "--tx-drop-pct", "10"),
    )
    peer = AgentProcess.start(
        process_log_dir / tmp_path.name,
        tmp_path / "peer",
        name="peer",
        tone_hz=440,
        extra_args=("--tx-drop-pct", "10"),
    )
    try:
        peer.register_to(kamailio_lab, "2001", auto_answer="always", auto_answer_delay=0)
        peer.wait_registered()
        agent.register_to(kamailio_lab, "1001")
        agent.wait_registered()
        call_id = agent.command("call", number="2001")
        agent.wait_call_state("connected")
        warned = agent.wait_event(
            "QualityUpdated", lambda e: "low_mos" in e["issues"] or "high_loss" in e["issues"], timeout=20
        )
        samples = [e["sample"] for e in agent.events if e.get("event") == "QualityUpdated"]
        assert len(samples) >= 3
        assert max(s["loss_pct"] for s in samples) > 3
        assert warned["sample"]["mos"] < 4.2
        agent.command("hangup", call_id=call_id)
        agent.wait_event("CallEnded")
        from sip.history import CallHistory

        [entry] = CallHistory(tmp_path / "agent" / "agent-history.sqlite").entries()
        assert entry.quality
        assert entry.mos_min is not None
        assert entry.mos_min < 4.2
    finally:
        assert agent.quit() == 0
        peer.quit()
