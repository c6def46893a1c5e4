"""The client's pending / confirm / revert logic (app/state/controller.py) and the softphone coupling
(app/state/coupling.py), with a scripted hub and a manual clock."""

from __future__ import annotations

import dataclasses
from typing import TypeVar

import pytest

from app.protocol import (
    AgentState,
    StateCause,
    SystemReason,
)
from app.state.controller import Notice, NoticeKind, SessionPhase, StateController, StateView
from app.state.coupling import AcdCoupling, Decision, OfferedCall
from app.state.model import AgentEvent, RefusalKind
from app.state.ports import CallEnd
from tests.helpers.state_fakes import TEAM, Clock, FakeHub, make_status

pytestmark = pytest.mark.unit
S, E = AgentState, AgentEvent
_T = TypeVar("_T")


def last(items: list[_T]) -> _T:
    """The latest item (a function call, so mypy does not carry narrowing from one read to the next)."""
    return items[-1]


def state_of(ctl: StateController) -> AgentState:
    return ctl.view.state


def start(
    state: AgentState = S.NOT_READY, **kw: object
) -> tuple[StateController, FakeHub, Clock, list[StateView], list[Notice]]:
    clock = Clock()
    status = make_status(state, **kw)
    hub = FakeHub(clock, status)
    ctl = StateController(hub, clock, TEAM, request_timeout_s=5.0, hub_now=clock.now)
    views: list[StateView] = []
    notices: list[Notice] = []
    ctl.add_view_listener(views.append)
    ctl.add_notice_listener(notices.append)
    ctl.on_connection(True)
    ctl.on_snapshot(status)
    return ctl, hub, clock, views, notices


def test_a_change_is_pending_until_the_hub_confirms_it() -> None:
    ctl, hub, _clock, views, _ = start()
    hub.auto = False
    assert ctl.request(E.GO_READY) is None
    # Shown as pending; the state shown is still the hub's.
    view = last(views)
    assert view.status is not None
    assert view.status.state is S.NOT_READY
    assert view.pending is not None
    assert view.pending.target is S.READY
    request, reply = hub.replies.pop()
    assert request.state is S.READY
    assert request.expected_version == 5
    reply(hub.answer(request))
    assert last(views).state is S.READY
    assert last(views).pending is None


def test_a_refusal_reverts_with_a_message() -> None:
    ctl, hub, _clock, views, notices = start()
    hub.refuse_next = RefusalKind.FORBIDDEN
    ctl.request(E.GO_READY)
    assert last(views).state is S.NOT_READY
    assert last(views).pending is None
    assert notices[-1] == Notice(NoticeKind.REVERTED, event=E.GO_READY, state=S.READY, refusal=RefusalKind.FORBIDDEN)


def test_no_answer_reverts_after_the_timeout_and_a_late_answer_is_still_adopted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ctl, hub, clock, views, notices = start()
    hub.auto = False
    ctl.request(E.GO_READY)
    clock.advance(4.9)
    assert last(views).pending is not None
    clock.advance(0.2)
    assert last(views).pending is None
    assert last(views).state is S.NOT_READY
    assert last(notices).kind is NoticeKind.REVERTED
    assert last(notices).refusal is RefusalKind.TIMEOUT
    assert "did not answer" in caplog.text
    request, reply = hub.replies.pop()
    reply(hub.answer(request))  # the hub did apply it after all: the UI follows the hub
    assert last(views).state is S.READY


def test_local_pre_check_refuses_without_asking_the_hub() -> None:
    ctl, hub, *_ = start(S.READY)
    assert ctl.request(E.GO_NOT_READY, "nap") is RefusalKind.UNKNOWN_REASON
    assert ctl.request(E.GO_NOT_READY) is RefusalKind.REASON_REQUIRED
    assert ctl.request(E.SIGN_IN) is RefusalKind.NOT_ALLOWED
    assert hub.requests == []
    assert not ctl.allowed(E.GO_READY)
    assert ctl.allowed(E.GO_NOT_READY, "lunch")


def test_requests_go_one_at_a_time_in_order() -> None:
    ctl, hub, *_ = start(S.NOT_READY)
    hub.auto = False
    ctl.request(E.GO_READY)
    ctl.call_event(E.CALL_OFFERED, "c9")  # ringing before the ready was confirmed: checked against the prediction
    assert len(hub.replies) == 1
    request, reply = hub.replies.pop()
    reply(hub.answer(request))
    assert len(hub.replies) == 1
    assert hub.replies[0][0].state is S.RINGING
    request, reply = hub.replies.pop()
    reply(hub.answer(request))
    assert state_of(ctl) is S.RINGING


def test_supervisor_push_is_applied_at_once_with_the_supervisors_name() -> None:
    ctl, hub, _clock, views, notices = start(S.READY)
    ctl.on_hub_status(hub.force(E.FORCE_NOT_READY))
    assert last(views).state is S.NOT_READY
    shown = last(views).status
    assert shown is not None
    assert shown.changed_by_name == "李主管"
    assert notices[-1] == Notice(NoticeKind.CHANGED_BY_SUPERVISOR, state=S.NOT_READY, by_name="李主管")


def test_supervisor_force_during_a_call_is_shown_as_the_next_state() -> None:
    ctl, hub, _clock, _views, notices = start(S.ON_CALL, call_id="c1")
    ctl.on_hub_status(hub.force(E.FORCE_SIGN_OUT))
    assert notices[-1] == Notice(NoticeKind.CHANGED_BY_SUPERVISOR, state=S.SIGNED_OUT, by_name="李主管", pending=True)
    assert state_of(ctl) is S.ON_CALL


def test_agent_and_supervisor_at_the_same_moment_end_in_the_hubs_state() -> None:
    ctl, hub, _clock, views, notices = start(S.READY)
    hub.auto = False
    ctl.request(E.GO_NOT_READY, "lunch")
    forced = hub.force(E.FORCE_NOT_READY)  # the supervisor's command reaches the hub first
    ctl.on_hub_status(forced)
    request, reply = hub.replies.pop()
    reply(hub.answer(request))  # 409: the agent's change was based on an older version
    assert last(views).status == forced
    assert last(views).pending is None
    assert last(notices).refusal is RefusalKind.CONFLICT


def test_stale_pushes_are_ignored_and_a_snapshot_is_adopted_whatever_we_held() -> None:
    ctl, hub, *_ = start(S.READY)
    old = hub.status
    ctl.on_hub_status(hub.force(E.FORCE_NOT_READY))
    ctl.on_hub_status(old)  # a replayed, older event
    assert state_of(ctl) is S.NOT_READY
    restored = dataclasses.replace(old, version=2)  # e.g. after the hub was restored from a backup
    ctl.on_snapshot(restored)
    assert ctl.view.status == restored


def test_connection_loss_does_not_sign_out() -> None:
    ctl, _hub, _clock, views, notices = start(S.READY)
    ctl.on_connection(False)
    assert last(views).state is S.READY
    assert not last(views).connected
    assert last(notices).kind is NoticeKind.CONNECTION_LOST
    ctl.on_connection(True)
    assert last(notices).kind is NoticeKind.CONNECTION_RESTORED


def test_signed_in_elsewhere_ends_the_session_with_a_message() -> None:
    ctl, _hub, _clock, views, notices = start(S.READY)
    ctl.on_session_replaced()
    assert last(notices).kind is NoticeKind.SESSION_REPLACED
    assert last(views).phase is SessionPhase.ENDED
    assert ctl.request(E.GO_NOT_READY, "lunch") is RefusalKind.DISCONNECTED


def test_offline_sign_out_by_the_hub_is_explained() -> None:
    ctl, hub, _clock, _views, notices = start(S.READY)
    gone = dataclasses.replace(
        hub.status, state=S.SIGNED_OUT, reason=SystemReason.OFFLINE.value, cause=StateCause.SYSTEM, version=9
    )
    ctl.on_hub_status(gone)
    assert last(notices).kind is NoticeKind.SIGNED_OUT_OFFLINE


def test_timed_wrap_up_ends_at_the_hubs_deadline() -> None:
    ctl, hub, clock, *_ = start(S.ON_CALL, call_id="c1")
    ctl.call_event(E.CALL_ENDED, "c1")
    assert state_of(ctl) is S.WRAP_UP
    clock.advance(30.0)
    assert state_of(ctl) is S.WRAP_UP
    clock.advance(1.0)
    assert state_of(ctl) is S.READY
    assert hub.requests[-1].expected_version is not None


def test_choosing_the_next_state_during_the_call() -> None:
    ctl, hub, *_ = start(S.ON_CALL, call_id="c1")
    ctl.request(E.GO_NOT_READY, "lunch")
    assert hub.requests[-1].pending
    assert hub.requests[-1].state is S.NOT_READY
    assert ctl.view.status is not None
    assert ctl.view.status.pending_state is S.NOT_READY


# -- softphone coupling -----------------------------------------------------------------------------------------
class FakePhone:
    def __init__(self) -> None:
        self.actions: list[tuple[str, str]] = []

    def answer(self, call_id: str) -> None:
        self.actions.append(("answer", call_id))

    def reject_busy(self, call_id: str) -> None:
        self.actions.append(("busy", call_id))

    def stop_ringing(self, call_id: str) -> None:
        self.actions.append(("stop", call_id))


def coupled(
    state: AgentState, headset: bool = True
) -> tuple[StateController, AcdCoupling, FakePhone, Clock, list[Notice]]:
    ctl, _hub, clock, _views, notices = start(state)
    phone = FakePhone()
    return ctl, AcdCoupling(ctl, phone, clock, headset_present=lambda: headset), phone, clock, notices


def test_not_ready_rejects_acd_calls_as_busy_but_lets_direct_calls_ring() -> None:
    ctl, coupling, phone, _clock, notices = coupled(S.NOT_READY)
    assert coupling.on_incoming(OfferedCall("c1", acd=True)) is Decision.REJECTED_BUSY
    assert phone.actions == [("busy", "c1")]
    assert last(notices).kind is NoticeKind.REJECTED_BUSY
    assert coupling.on_incoming(OfferedCall("c2", acd=False)) is Decision.RING
    assert state_of(ctl) is S.NOT_READY


def test_ready_auto_answers_after_the_delay_and_follows_the_call() -> None:
    ctl, coupling, phone, clock, _ = coupled(S.READY)
    assert coupling.on_incoming(OfferedCall("c1", acd=True)) is Decision.AUTO_ANSWER
    assert state_of(ctl) is S.RINGING
    clock.advance(1.9)
    assert phone.actions == []
    clock.advance(0.2)
    assert phone.actions == [("answer", "c1")]
    coupling.on_answered("c1")
    assert state_of(ctl) is S.ON_CALL
    coupling.on_incoming(OfferedCall("c2", acd=True))  # a second ACD call while on a call
    assert phone.actions[-1] == ("busy", "c2")
    coupling.on_ended("c1", CallEnd.REMOTE_HANGUP)
    assert state_of(ctl) is S.WRAP_UP


def test_auto_answer_is_refused_without_a_headset() -> None:
    ctl, coupling, phone, clock, notices = coupled(S.READY, headset=False)
    assert coupling.on_incoming(OfferedCall("c1", acd=True)) is Decision.RING
    assert last(notices).kind is NoticeKind.AUTO_ANSWER_NO_HEADSET
    clock.advance(5)
    assert phone.actions == []
    assert state_of(ctl) is S.RINGING


def test_ring_timeout_is_a_missed_call_and_not_ready() -> None:
    ctl, coupling, phone, clock, notices = coupled(S.READY, headset=False)
    coupling.on_incoming(OfferedCall("c1", acd=True))
    clock.advance(20.1)
    assert phone.actions == [("stop", "c1")]
    assert ctl.view.status is not None
    assert (state_of(ctl), ctl.view.status.reason) == (S.NOT_READY, SystemReason.MISSED_CALL.value)
    assert NoticeKind.MISSED_CALL in [n.kind for n in notices]
    coupling.on_ended("c1", CallEnd.LOCAL_HANGUP)  # the softphone's own end event: already counted
    assert state_of(ctl) is S.NOT_READY


def test_caller_hanging_up_while_ringing_returns_to_ready() -> None:
    ctl, coupling, _phone, _clock, _ = coupled(S.READY, headset=False)
    coupling.on_incoming(OfferedCall("c1", acd=True))
    coupling.on_ended("c1", CallEnd.REMOTE_HANGUP)
    assert state_of(ctl) is S.READY


def test_declining_an_acd_call_is_a_missed_call() -> None:
    ctl, coupling, _phone, _clock, _ = coupled(S.READY, headset=False)
    coupling.on_incoming(OfferedCall("c1", acd=True))
    coupling.on_ended("c1", CallEnd.LOCAL_HANGUP)
    assert ctl.view.status is not None
    assert ctl.view.status.reason == SystemReason.MISSED_CALL.value


def test_a_version_moved_only_by_presence_is_retried_not_reverted() -> None:
    ctl, hub, _clock, _views, notices = start(S.NOT_READY)
    # The hub records the agent coming online as a new version, which our request has not seen yet.
    hub.status = dataclasses.replace(hub.status, online=True, version=hub.status.version + 1)
    assert ctl.request(E.GO_READY) is None
    assert state_of(ctl) is S.READY
    assert [r.expected_version for r in hub.requests] == [5, 6]
    assert notices == []
