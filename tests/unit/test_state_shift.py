"""Starting the shift at start-up (签入, 示闲) and signing out for quitting (签出, bounded), over a real
StateController and a scripted hub."""

from __future__ import annotations

import dataclasses

import pytest

from app.protocol import AgentState, WrapUpMode, WrapUpPolicy
from app.state.controller import StateController
from app.state.model import RefusalKind
from app.state.shift import QuitCheck, QuitOutcome, QuitSignOut, ShiftStarter, quit_check
from tests.helpers.state_fakes import TEAM, Clock, FakeHub, make_status

pytestmark = pytest.mark.unit
S = AgentState


def make(
    state: AgentState, *, connected: bool = True, team: object = TEAM, **kw: object
) -> tuple[StateController, FakeHub, Clock]:
    clock = Clock()
    status = make_status(state, **kw)
    hub = FakeHub(clock, status)
    ctl = StateController(hub, clock, team, hub_now=clock.now)  # type: ignore[arg-type]
    ctl.on_connection(connected)
    ctl.on_snapshot(status)
    return ctl, hub, clock


def test_shift_starts_signed_in_and_ready_as_the_hub_confirms() -> None:
    ctl, hub, _clock = make(S.SIGNED_OUT)
    done: list[AgentState] = []
    ShiftStarter(ctl, S.READY, done.append)
    assert [(r.state, r.reason) for r in hub.requests] == [(S.NOT_READY, "sign_in"), (S.READY, None)]
    assert done == [S.READY]
    assert ctl.view.state is S.READY


def test_shift_waits_for_the_hub_and_its_connection() -> None:
    clock = Clock()
    ctl = StateController(FakeHub(clock, make_status(S.SIGNED_OUT)), clock, TEAM, hub_now=clock.now)
    done: list[AgentState] = []
    starter = ShiftStarter(ctl, S.NOT_READY, done.append)
    ctl.on_connection(True)
    assert not starter.done  # no hub state yet
    ctl.on_snapshot(make_status(S.SIGNED_OUT))
    assert done == [S.NOT_READY]


def test_a_shift_under_way_is_left_as_the_hub_holds_it() -> None:
    ctl, hub, _clock = make(S.NOT_READY, reason="lunch")
    done: list[AgentState] = []
    ShiftStarter(ctl, S.READY, done.append)
    assert hub.requests == []
    assert done == [S.NOT_READY]


def test_a_refused_step_ends_with_the_hubs_state() -> None:
    ctl, hub, _clock = make(S.SIGNED_OUT)
    hub.refuse_next = RefusalKind.HUB_ERROR
    done: list[AgentState] = []
    ShiftStarter(ctl, S.READY, done.append)
    assert done == [S.SIGNED_OUT]
    assert len(hub.requests) == 1


@pytest.mark.parametrize(
    ("state", "connected", "expected"),
    [
        (S.SIGNED_OUT, True, QuitCheck.NOTHING_TO_DO),
        (S.READY, True, QuitCheck.SIGN_OUT),
        (S.NOT_READY, True, QuitCheck.SIGN_OUT),
        (S.WRAP_UP, True, QuitCheck.SIGN_OUT),
        (S.RINGING, True, QuitCheck.IN_CALL),
        (S.ON_CALL, True, QuitCheck.IN_CALL),
        (S.ON_CALL, False, QuitCheck.IN_CALL),
        (S.READY, False, QuitCheck.OFFLINE),
    ],
)
def test_quit_check(state: AgentState, connected: bool, expected: QuitCheck) -> None:
    ctl, _hub, _clock = make(state, connected=connected, call_id="c1" if state in (S.RINGING, S.ON_CALL) else None)
    assert quit_check(ctl.view) is expected


def test_quit_signs_out_on_the_hub() -> None:
    ctl, hub, _clock = make(S.READY)
    outcomes: list[QuitOutcome] = []
    QuitSignOut(ctl, _clock, outcomes.append).start()
    assert outcomes == [QuitOutcome.SIGNED_OUT]
    assert hub.requests[-1].state is S.SIGNED_OUT
    assert hub.status.state is S.SIGNED_OUT


@pytest.mark.allow_log_warnings  # "the hub did not confirm 签出": expected
def test_quit_does_not_hang_when_the_hub_does_not_answer() -> None:
    ctl, hub, clock = make(S.READY)
    hub.auto = False  # the request leaves, no answer comes back
    outcomes: list[QuitOutcome] = []
    QuitSignOut(ctl, clock, outcomes.append, timeout_s=3.0).start()
    clock.advance(2.9)
    assert outcomes == []
    clock.advance(0.2)
    assert outcomes == [QuitOutcome.TIMEOUT]
    clock.advance(10)  # the controller's own timeout later: reported once only
    assert outcomes == [QuitOutcome.TIMEOUT]


def test_quit_in_a_locked_wrap_up_leaves_sign_out_as_the_next_state() -> None:
    locked = dataclasses.replace(TEAM, wrap_up=WrapUpPolicy(WrapUpMode.TIMED_NO_EARLY_EXIT, 30))
    clock = Clock()
    status = make_status(S.WRAP_UP, call_id="c1", wrap_up_until=clock.now())
    hub = FakeHub(clock, status)
    ctl = StateController(hub, clock, locked, hub_now=clock.now)
    ctl.on_connection(True)
    ctl.on_snapshot(dataclasses.replace(status, wrap_up_until=status.since.replace(year=2100)))
    outcomes: list[QuitOutcome] = []
    QuitSignOut(ctl, clock, outcomes.append).start()
    assert hub.requests[-1].pending
    assert outcomes == [QuitOutcome.AFTER_WRAP_UP]


def test_quit_refused_by_the_hub_and_nothing_to_send() -> None:
    ctl, hub, clock = make(S.NOT_READY)
    hub.refuse_next = RefusalKind.HUB_ERROR
    outcomes: list[QuitOutcome] = []
    QuitSignOut(ctl, clock, outcomes.append).start()
    assert outcomes == [QuitOutcome.REFUSED]
    ctl2, hub2, clock2 = make(S.SIGNED_OUT)
    QuitSignOut(ctl2, clock2, outcomes.append).start()
    assert outcomes[-1] is QuitOutcome.NOT_SENT
    assert hub2.requests == []
