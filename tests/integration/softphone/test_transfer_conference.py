"""Transfers, 3-way conference and call waiting, with pjsua2 peers (they support REFER with Replaces)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.agent import AgentProcess
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import Lab
from tests.helpers.tones import has_tone

pytestmark = pytest.mark.integration

CUSTOMER_HZ = 440
TARGET_HZ = 1000


@pytest.fixture
def peers(process_log_dir: Path, tmp_path: Path, kamailio_lab: Lab) -> Iterator[tuple[AgentProcess, AgentProcess]]:
    """A customer (2001, 440 Hz) and a colleague (2002, 1000 Hz) that answer automatically."""
    started: list[AgentProcess] = []
    try:
        for user, hz in (("2001", CUSTOMER_HZ), ("2002", TARGET_HZ)):
            peer = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / user, name=f"peer-{user}", tone_hz=hz)
            started.append(peer)
            peer.register_to(kamailio_lab, user, auto_answer="always", auto_answer_delay=0)
            peer.wait_registered()
        yield started[0], started[1]
    finally:
        for peer in started:
            peer.quit()


def _answer_from_customer(agent: AgentProcess, customer: AgentProcess, lab: Lab) -> int:
    customer.command("call", number="1001")
    call_id = int(agent.wait_event("IncomingCall")["call"]["call_id"])
    agent.command("answer", call_id=call_id)
    agent.wait_call_state("connected", call_id=call_id)
    customer.wait_call_state("connected")
    return call_id


def test_blind_transfer_to_a_colleague(
    agent: AgentProcess, kamailio_lab: Lab, peers: tuple[AgentProcess, AgentProcess]
) -> None:
    customer, colleague = peers
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    call_id = _answer_from_customer(agent, customer, kamailio_lab)
    mark = colleague.mark()
    agent.command("transfer", call_id=call_id, number="2002")
    progress = agent.wait_event("TransferProgress", lambda e: e["final"])
    assert progress["ok"] is True
    ended = agent.wait_event("CallEnded")
    assert ended["outcome"] == "transferred"
    # The customer is now talking to the colleague.
    colleague.wait_call_state("connected", after=mark)
    customer.wait_event(
        "CallUpdated", lambda e: e["call"]["remote_number"] == "2002" and e["call"]["state"] == "connected"
    )


def test_attended_transfer_after_a_consultation(
    agent: AgentProcess, kamailio_lab: Lab, peers: tuple[AgentProcess, AgentProcess]
) -> None:
    customer, colleague = peers
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    first = _answer_from_customer(agent, customer, kamailio_lab)
    mark = agent.mark()
    consult = agent.command("call", number="2002")  # puts the customer on hold first
    agent.wait_event("CallUpdated", lambda e: e["call"]["call_id"] == first and e["call"]["local_hold"], after=mark)
    agent.wait_call_state("connected", call_id=consult, after=mark)
    colleague.wait_call_state("connected")
    mark_c = colleague.mark()
    agent.command("transfer_attended", call_id=first, consult_call_id=consult)
    ended = {first: False, consult: False}
    while not all(ended.values()):
        event = agent.wait_event(
            "CallEnded", lambda e: e["call"]["call_id"] in ended and not ended[e["call"]["call_id"]]
        )
        ended[event["call"]["call_id"]] = True
    # The colleague's call with the agent was replaced by one with the customer.
    replaced = colleague.wait_event(
        "CallUpdated",
        lambda e: e["call"]["remote_number"] == "2001" and e["call"]["state"] == "connected",
        after=mark_c,
    )
    assert replaced


def test_three_way_conference(
    agent: AgentProcess, kamailio_lab: Lab, peers: tuple[AgentProcess, AgentProcess], tmp_path: Path
) -> None:
    customer, _colleague = peers
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    first = _answer_from_customer(agent, customer, kamailio_lab)
    mark = agent.mark()
    second = agent.command("call", number="2002")
    agent.wait_call_state("connected", call_id=second, after=mark)
    agent.command("conference", call_ids=[first, second])
    agent.wait_event("CallUpdated", lambda e: e["call"]["call_id"] == first and e["call"]["in_conference"], after=mark)
    time.sleep(1.0)
    customer.command("record_to", path=str(tmp_path / "customer-in-conference.wav"))
    time.sleep(2.5)
    customer.command("record_to", path=None)
    # The customer hears the colleague (and the agent) at once.
    assert has_tone(tmp_path / "customer-in-conference.wav", TARGET_HZ, min_share=0.2, skip_s=0.3)
    assert has_tone(tmp_path / "customer-in-conference.wav", 700, min_share=0.2, skip_s=0.3)
    agent.command("hangup", call_id=first)
    agent.command("hangup", call_id=second)


def test_call_waiting_answer_holds_the_first_call(
    agent: AgentProcess, kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    with (
        Baresip.for_lab("2001", kamailio_lab, process_log_dir, tmp_path) as first_caller,
        Baresip.for_lab("2002", kamailio_lab, process_log_dir, tmp_path) as second_caller,
    ):
        first_caller.wait_registered()
        second_caller.wait_registered()
        first_caller.dial(f"sip:1001@{kamailio_lab.domain}")
        first = agent.wait_event("IncomingCall")["call"]["call_id"]
        agent.command("answer", call_id=first)
        agent.wait_call_state("connected", call_id=first)
        mark = agent.mark()
        second_caller.dial(f"sip:1001@{kamailio_lab.domain}")
        waiting = agent.wait_event("IncomingCall", after=mark)
        assert waiting["waiting"] is True
        second = waiting["call"]["call_id"]
        agent.command("answer", call_id=second)
        agent.wait_call_state("connected", call_id=second, after=mark)
        agent.wait_event("CallUpdated", lambda e: e["call"]["call_id"] == first and e["call"]["local_hold"], after=mark)
        # back to the first caller: resuming it holds the second
        agent.command("resume", call_id=first)
        agent.wait_event(
            "CallUpdated", lambda e: e["call"]["call_id"] == second and e["call"]["local_hold"], after=mark
        )
        agent.command("hangup", call_id=first)
        agent.command("hangup", call_id=second)
        first_caller.wait_event("CALL_CLOSED")
        second_caller.wait_event("CALL_CLOSED")
