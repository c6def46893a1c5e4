"""SIP engine events → ACD coupling → state controller, and the coupling's commands → the SIP engine
(app/state/phone_link.py), with a fake engine and a scripted hub."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable

import pytest

from app.protocol import AgentState, SystemReason
from app.state.controller import StateController
from app.state.coupling import AcdCoupling
from app.state.phone_link import SoftphoneStateLink
from sip.model import (
    CallDirection,
    CallEnded,
    CallOutcome,
    CallSnapshot,
    CallState,
    CallUpdated,
    IncomingCall,
    RejectReason,
)
from tests.helpers.state_fakes import TEAM, Clock, FakeHub, make_status

pytestmark = pytest.mark.unit


class FakeEngine:
    def __init__(self) -> None:
        self.commands: list[tuple[str, int, RejectReason | None]] = []

    def _done(self) -> concurrent.futures.Future[None]:
        future: concurrent.futures.Future[None] = concurrent.futures.Future()
        future.set_result(None)
        return future

    def answer(self, call_id: int) -> concurrent.futures.Future[None]:
        self.commands.append(("answer", call_id, None))
        return self._done()

    def reject(self, call_id: int, reason: RejectReason = RejectReason.BUSY) -> concurrent.futures.Future[None]:
        self.commands.append(("reject", call_id, reason))
        return self._done()


def snap(call_id: int, state: CallState, direction: CallDirection = CallDirection.INCOMING) -> CallSnapshot:
    return CallSnapshot(call_id=call_id, direction=direction, state=state, remote_number="13800138000")


def setup(state: AgentState) -> tuple[StateController, SoftphoneStateLink, FakeEngine, Clock, list[Callable[[], None]]]:
    clock = Clock()
    status = make_status(state)
    ctl = StateController(FakeHub(clock, status), clock, TEAM, hub_now=clock.now)
    ctl.on_snapshot(status)
    posted: list[Callable[[], None]] = []
    engine = FakeEngine()
    link = SoftphoneStateLink(engine, posted.append)
    link.attach(AcdCoupling(ctl, link, clock, headset_present=lambda: True))
    return ctl, link, engine, clock, posted


def state_of(ctl: StateController) -> AgentState:
    return ctl.view.state


def run(posted: list[Callable[[], None]]) -> None:
    while posted:
        posted.pop(0)()


def test_sip_events_only_post_then_drive_the_state() -> None:
    ctl, link, engine, clock, posted = setup(AgentState.READY)
    link.on_sip_event(IncomingCall(snap(4, CallState.RINGING), waiting=False))
    assert state_of(ctl) is AgentState.READY  # nothing happens on the SIP thread itself
    run(posted)
    assert state_of(ctl) is AgentState.RINGING
    clock.advance(2.1)  # the team's auto-answer delay
    assert engine.commands == [("answer", 4, None)]
    link.on_sip_event(CallUpdated(snap(4, CallState.CONNECTED)))
    link.on_sip_event(CallUpdated(snap(4, CallState.CONNECTED)))  # repeated updates count once
    run(posted)
    assert state_of(ctl) is AgentState.ON_CALL
    link.on_sip_event(CallEnded(snap(4, CallState.ENDED), CallOutcome.ANSWERED, 200, "OK"))
    run(posted)
    assert state_of(ctl) is AgentState.WRAP_UP


def test_not_ready_rejects_busy_and_outgoing_calls_are_ignored() -> None:
    ctl, link, engine, _clock, posted = setup(AgentState.NOT_READY)
    link.on_sip_event(IncomingCall(snap(5, CallState.RINGING), waiting=False))
    link.on_sip_event(IncomingCall(snap(6, CallState.DIALING, CallDirection.OUTGOING), waiting=False))
    run(posted)
    assert engine.commands == [("reject", 5, RejectReason.BUSY)]
    assert state_of(ctl) is AgentState.NOT_READY


def test_ring_timeout_declines_and_counts_a_missed_call() -> None:
    ctl, link, engine, clock, posted = setup(AgentState.READY)
    link.attach(AcdCoupling(ctl, link, clock, headset_present=lambda: False))
    link.on_sip_event(IncomingCall(snap(7, CallState.RINGING), waiting=False))
    run(posted)
    clock.advance(TEAM.ring_timeout_s + 0.1)
    assert engine.commands == [("reject", 7, RejectReason.DECLINE)]
    status = ctl.view.status
    assert status is not None
    assert (status.state, status.reason) == (AgentState.NOT_READY, SystemReason.MISSED_CALL.value)
