"""The agent state machine's transition table and rules (app/state/model.py), one test per transition."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from app.protocol import (
    AGENT_TRANSITIONS,
    SUPERVISOR_TARGETS,
    AgentState,
    AgentStatus,
    ReasonCategory,
    ReasonCode,
    StateCause,
    SystemReason,
    TeamPolicy,
    WrapUpMode,
    WrapUpPolicy,
)
from app.state.model import (
    TRANSITIONS,
    AgentEvent,
    Change,
    Effect,
    RefusalKind,
    TransitionRefusedError,
    apply_event,
    reason_category,
    rule_for,
    to_request,
)

pytestmark = pytest.mark.unit
S, E = AgentState, AgentEvent
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
REASONS = [
    ReasonCode("meeting", ReasonCategory.BUSY, "开会", "Meeting"),
    ReasonCode("lunch", ReasonCategory.BREAK, "午餐", "Lunch"),
]


def team(mode: WrapUpMode = WrapUpMode.MANDATORY_TIMED, seconds: int = 30, ext: int = 0) -> TeamPolicy:
    return TeamPolicy(1, "一组", REASONS, WrapUpPolicy(mode, seconds, max_extensions=ext, extension_seconds=15))


def status(state: AgentState, **kw: object) -> AgentStatus:
    base = AgentStatus(
        agent_id=7,
        username="agent1",
        display_name="张三",
        team_id=1,
        state=state,
        reason=None,
        since=NOW - timedelta(minutes=5),
        version=10,
        call_id="c1" if state in (S.RINGING, S.ON_CALL, S.WRAP_UP) else None,
        wrap_up_until=NOW + timedelta(seconds=30) if state is S.WRAP_UP else None,
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def cause_for(event: AgentEvent) -> StateCause:
    if event.name.startswith("FORCE"):
        return StateCause.SUPERVISOR
    if event.name.startswith("CALL"):
        return StateCause.CALL
    if event is E.SESSION_LOST:
        return StateCause.SYSTEM
    return StateCause.AGENT


def change_for(event: AgentEvent) -> Change:
    reason = "meeting" if event in (E.GO_NOT_READY,) else None
    return Change(event, reason=reason, call_id="c1")


# -- the table itself -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "rule"), list(TRANSITIONS.items()), ids=lambda v: getattr(v, "name", str(v)))
def test_every_rule_applies(key: tuple[AgentState, AgentEvent], rule: object) -> None:
    state, event = key
    before = status(state, wrap_up_extensions=0)
    t = team(ext=1) if event is E.WRAP_UP_EXTEND else team()
    now = NOW + timedelta(minutes=1) if event is E.WRAP_UP_EXPIRED else NOW
    after = apply_event(before, change_for(event), cause_for(event), team=t, now=now, by_id=3, by_name="李主管")
    effect = TRANSITIONS[key].effect
    if effect is Effect.MOVE:
        assert after.state is TRANSITIONS[key].target
        assert after.since == now
    elif effect is Effect.DEFER:
        assert after.state is state
        assert after.pending_state is TRANSITIONS[key].target
    elif effect is Effect.NEXT:
        assert after.state is S.READY  # no pending choice
    elif event is E.FORCE_READY:
        assert after is before
    else:
        assert after.state is state
    if after is not before:
        assert after.version == before.version + 1
        assert after.cause is cause_for(event)


def test_every_move_is_allowed_by_the_hubs_table() -> None:
    """The hub validates with protocol.AGENT_TRANSITIONS: this table may refine it but never exceed it."""
    for (state, event), rule in TRANSITIONS.items():
        targets: set[AgentState] = set()
        if rule.effect is Effect.MOVE and rule.target is not state:
            assert rule.target is not None
            targets.add(rule.target)
        elif rule.effect is Effect.NEXT:
            targets |= {S.READY, S.NOT_READY, S.SIGNED_OUT}
        for target in targets:
            if event.name.startswith("FORCE"):
                assert target in SUPERVISOR_TARGETS
            elif event is not E.SESSION_LOST:
                assert target in AGENT_TRANSITIONS[state], (state, event, target)


def test_unlisted_pairs_are_refused() -> None:
    for state in AgentState:
        for event in AgentEvent:
            if (state, event) in TRANSITIONS:
                continue
            with pytest.raises(TransitionRefusedError) as info:
                apply_event(status(state), change_for(event), cause_for(event), team=team(), now=NOW)
            assert info.value.kind is RefusalKind.NOT_ALLOWED


@pytest.mark.parametrize(
    ("event", "cause"),
    [
        (E.FORCE_NOT_READY, StateCause.AGENT),
        (E.GO_READY, StateCause.SUPERVISOR),
        (E.CALL_OFFERED, StateCause.AGENT),
        (E.SESSION_LOST, StateCause.AGENT),
    ],
)
def test_only_the_right_party_may_cause_an_event(event: AgentEvent, cause: StateCause) -> None:
    with pytest.raises(TransitionRefusedError) as info:
        apply_event(status(S.READY), change_for(event), cause, team=team(), now=NOW)
    assert info.value.kind is RefusalKind.NOT_PERMITTED


# -- the shift, step by step ---------------------------------------------------------------------------------------
def step(before: AgentStatus, event: AgentEvent, t: TeamPolicy | None = None, **kw: object) -> AgentStatus:
    change = Change(event, **kw)  # type: ignore[arg-type]
    return apply_event(before, change, cause_for(event), team=t or team(), now=NOW, by_id=7, by_name="张三")


def test_a_whole_call_cycle() -> None:
    s = step(status(S.SIGNED_OUT), E.SIGN_IN)
    assert (s.state, s.reason) == (S.NOT_READY, SystemReason.SIGN_IN.value)
    s = step(s, E.GO_READY)
    assert s.state is S.READY
    assert s.reason is None
    s = step(s, E.CALL_OFFERED, call_id="call-9")
    assert (s.state, s.call_id) == (S.RINGING, "call-9")
    s = step(s, E.CALL_ANSWERED, call_id="call-9")
    assert s.state is S.ON_CALL
    s = step(s, E.CALL_ENDED, call_id="call-9")
    assert s.state is S.WRAP_UP
    assert s.wrap_up_until == NOW + timedelta(seconds=30)
    s = apply_event(s, Change(E.WRAP_UP_EXPIRED), StateCause.AGENT, team=team(), now=NOW + timedelta(seconds=31))
    assert s.state is S.READY
    assert s.call_id is None
    assert s.wrap_up_until is None


def test_break_is_a_not_ready_reason_of_its_own_category() -> None:
    s = step(status(S.READY), E.GO_NOT_READY, reason="lunch")
    assert (s.state, s.reason) == (S.NOT_READY, "lunch")
    assert reason_category(team(), s.reason) is ReasonCategory.BREAK
    assert reason_category(team(), "meeting") is ReasonCategory.BUSY
    assert reason_category(team(), SystemReason.MISSED_CALL.value) is ReasonCategory.SYSTEM


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        (None, RefusalKind.REASON_REQUIRED),
        ("nap", RefusalKind.UNKNOWN_REASON),
        ("missed_call", RefusalKind.UNKNOWN_REASON),
    ],
)
def test_not_ready_needs_a_team_reason(reason: str | None, kind: RefusalKind) -> None:
    with pytest.raises(TransitionRefusedError) as info:
        step(status(S.READY), E.GO_NOT_READY, reason=reason)
    assert info.value.kind is kind


def test_ring_timeout_is_a_missed_call() -> None:
    s = step(status(S.RINGING), E.CALL_NOT_ANSWERED, call_id="c1")
    assert (s.state, s.reason) == (S.NOT_READY, SystemReason.MISSED_CALL.value)


def test_call_events_about_another_call_are_refused() -> None:
    with pytest.raises(TransitionRefusedError) as info:
        step(status(S.RINGING), E.CALL_ANSWERED, call_id="other")
    assert info.value.kind is RefusalKind.WRONG_CALL


def test_sign_out_during_a_call_waits_for_the_end_of_the_call() -> None:
    s = step(status(S.ON_CALL), E.SIGN_OUT)
    assert s.state is S.ON_CALL
    assert s.pending_state is S.SIGNED_OUT
    s = step(s, E.CALL_ENDED, call_id="c1")
    assert s.state is S.WRAP_UP
    assert s.pending_state is S.SIGNED_OUT
    s = apply_event(s, Change(E.WRAP_UP_EXPIRED), StateCause.AGENT, team=team(), now=NOW + timedelta(minutes=1))
    assert s.state is S.SIGNED_OUT
    assert s.pending_state is None


def test_next_state_chosen_during_the_call_is_applied_after_wrap_up() -> None:
    s = step(status(S.ON_CALL), E.GO_NOT_READY, reason="lunch")
    assert (s.pending_state, s.pending_reason) == (S.NOT_READY, "lunch")
    s = step(s, E.CALL_ENDED, call_id="c1")
    s = step(s, E.GO_NOT_READY, reason="lunch")  # early exit in a MANDATORY_TIMED wrap-up
    assert (s.state, s.reason) == (S.NOT_READY, "lunch")


def test_optional_wrap_up_is_skipped_when_the_next_state_is_chosen() -> None:
    t = team(WrapUpMode.OPTIONAL)
    s = step(status(S.ON_CALL), E.GO_READY, t)
    s = step(s, E.CALL_ENDED, t, call_id="c1")
    assert s.state is S.READY
    plain = step(status(S.ON_CALL), E.CALL_ENDED, t, call_id="c1")
    assert plain.state is S.WRAP_UP
    assert plain.wrap_up_until is None
    assert to_request(status(S.ON_CALL, pending_state=S.READY), Change(E.CALL_ENDED, call_id="c1"), t).state is S.READY


def test_wrap_up_without_early_exit_defers_the_agents_choice() -> None:
    t = team(WrapUpMode.TIMED_NO_EARLY_EXIT)
    s = step(status(S.WRAP_UP), E.GO_READY, t)
    assert s.state is S.WRAP_UP
    assert s.pending_state is S.READY
    assert rule_for(S.WRAP_UP, E.GO_READY, t.wrap_up).effect is Effect.DEFER  # type: ignore[union-attr]
    request = to_request(status(S.WRAP_UP), Change(E.GO_READY), t)
    assert request.pending
    assert request.state is S.READY
    with pytest.raises(TransitionRefusedError) as info:
        apply_event(s, Change(E.WRAP_UP_EXPIRED), StateCause.AGENT, team=t, now=NOW)
    assert info.value.kind is RefusalKind.WRAP_UP_NOT_OVER
    forced = apply_event(s, Change(E.FORCE_NOT_READY), StateCause.SUPERVISOR, team=t, now=NOW, by_name="李主管")
    assert (forced.state, forced.reason, forced.changed_by_name) == (S.NOT_READY, "supervisor", "李主管")


def test_wrap_up_extensions_are_limited_by_policy() -> None:
    t = team(ext=1)
    s = step(status(S.WRAP_UP), E.WRAP_UP_EXTEND, t)
    assert s.wrap_up_until == NOW + timedelta(seconds=45)
    assert s.wrap_up_extensions == 1
    with pytest.raises(TransitionRefusedError) as info:
        step(s, E.WRAP_UP_EXTEND, t)
    assert info.value.kind is RefusalKind.NO_EXTENSION_LEFT
    with pytest.raises(TransitionRefusedError):
        step(status(S.WRAP_UP), E.WRAP_UP_EXTEND, team(ext=0))
    assert to_request(status(S.WRAP_UP), Change(E.WRAP_UP_EXTEND), t).extend_wrap_up


def test_supervisor_force_during_a_call_becomes_the_pending_state() -> None:
    s = apply_event(status(S.ON_CALL), Change(E.FORCE_SIGN_OUT), StateCause.SUPERVISOR, team=team(), now=NOW)
    assert s.state is S.ON_CALL
    assert s.pending_state is S.SIGNED_OUT
    assert s.cause is StateCause.SUPERVISOR


def test_abandoned_ring_returns_to_the_pending_choice_or_ready() -> None:
    assert step(status(S.RINGING), E.CALL_ABANDONED, call_id="c1").state is S.READY
    s = step(status(S.RINGING), E.SIGN_OUT)
    assert step(s, E.CALL_ABANDONED, call_id="c1").state is S.SIGNED_OUT
    assert step(s, E.CALL_NOT_ANSWERED, call_id="c1").state is S.SIGNED_OUT


def test_session_lost_signs_out_with_the_reason() -> None:
    s = apply_event(
        status(S.ON_CALL),
        Change(E.SESSION_LOST, reason=SystemReason.SESSION_REPLACED.value),
        StateCause.SYSTEM,
        team=team(),
        now=NOW,
    )
    assert (s.state, s.reason) == (S.SIGNED_OUT, SystemReason.SESSION_REPLACED.value)


def test_requests_carry_the_version_but_call_events_do_not() -> None:
    ready = to_request(status(S.NOT_READY), Change(E.GO_READY), team())
    assert (ready.state, ready.expected_version, ready.pending) == (S.READY, 10, False)
    offered = to_request(status(S.READY), Change(E.CALL_OFFERED, call_id="x"), team())
    assert (offered.state, offered.call_id, offered.expected_version) == (S.RINGING, "x", None)
    missed = to_request(status(S.RINGING), Change(E.CALL_NOT_ANSWERED, call_id="c1"), team())
    assert (missed.state, missed.reason) == (S.NOT_READY, SystemReason.MISSED_CALL.value)
    with pytest.raises(TransitionRefusedError):
        to_request(status(S.READY), Change(E.FORCE_NOT_READY), team())
