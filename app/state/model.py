"""The agent state machine: events, the explicit transition table, and the pure rule that applies one event.

Qt-free and I/O-free; any thread. The vocabulary (``AgentState``, ``AgentStatus``, ``TeamPolicy``, ``WrapUpPolicy``,
``StateCause``, ``SystemReason``) is the wire protocol's (``app/protocol.py``), shared with the hub. The hub's coarse
table ``protocol.AGENT_TRANSITIONS`` (which state may follow which) is what it validates against; this module refines it
per *event* (why a state changes, who may cause it, whether the change happens now or is deferred until the call ends)
and ``tests/unit/test_state_model.py`` proves that every move here is one the hub's table allows.

States and their contact-center names (the UI translates them; ``app/`` only deals in enums):

============  ==============  ========================================================================
state         UI (zh_CN)      meaning
============  ==============  ========================================================================
SIGNED_OUT    签出             not working; receives no calls
NOT_READY     示忙 / 小休        signed in, no ACD calls; a reason says why (BREAK-category reasons = 小休)
READY         示闲             waiting for an ACD call
RINGING       振铃             an ACD call is offered to the agent
ON_CALL       通话中            talking (hold is a call detail shown by the phone panel, not an agent state)
WRAP_UP       话后整理          after-call work; the team's ``WrapUpPolicy`` decides how it ends
============  ==============  ========================================================================

A change that the call forbids right now (签出 or 示忙 during a call, or ending a locked wrap-up early) is *deferred*:
it becomes the pending next state and is applied when the call, or the locked wrap-up, ends.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from app.protocol import (
    AGENT_TRANSITIONS,
    SUPERVISOR_TARGETS,
    AgentState,
    AgentStatus,
    ReasonCategory,
    ReasonCode,
    StateCause,
    StateChangeRequest,
    SystemReason,
    TeamPolicy,
    WrapUpMode,
    WrapUpPolicy,
)

__all__ = [
    "AGENT_TRANSITIONS",
    "EARLY_EXIT_EVENTS",
    "PERMITTED_CAUSES",
    "TRANSITIONS",
    "AgentEvent",
    "AgentState",
    "AgentStatus",
    "Change",
    "Effect",
    "ReasonCategory",
    "RefusalKind",
    "Rule",
    "StateCause",
    "TransitionRefusedError",
    "apply_event",
    "can_end_wrap_up_early",
    "reason_category",
    "reasons_of",
    "rule_for",
    "to_request",
]


class AgentEvent(enum.Enum):
    """Everything that can change an agent's state."""

    SIGN_IN = "sign_in"  # 签入
    SIGN_OUT = "sign_out"  # 签出
    GO_READY = "go_ready"  # 示闲
    GO_NOT_READY = "go_not_ready"  # 示忙 / 小休: needs one of the team's BUSY or BREAK reasons
    CALL_OFFERED = "call_offered"  # an ACD call starts ringing at the agent
    CALL_ANSWERED = "call_answered"
    CALL_NOT_ANSWERED = "call_not_answered"  # ring timeout or declined by the agent: a missed call
    CALL_ABANDONED = "call_abandoned"  # the caller hung up before the agent answered
    CALL_ENDED = "call_ended"
    WRAP_UP_EXTEND = "wrap_up_extend"
    WRAP_UP_EXPIRED = "wrap_up_expired"
    WRAP_UP_END = "wrap_up_end"  # 结束话后整理: the agent ends wrap-up early, to the pending next state (else ready)
    FORCE_READY = "force_ready"  # supervisor
    FORCE_NOT_READY = "force_not_ready"  # supervisor
    FORCE_SIGN_OUT = "force_sign_out"  # supervisor
    SESSION_LOST = "session_lost"  # the hub: offline beyond the grace period, or signed in elsewhere


class Effect(enum.Enum):
    """What a rule of the transition table does."""

    MOVE = "move"  # go to the rule's target state now
    DEFER = "defer"  # stay; the target becomes the pending next state
    NEXT = "next"  # go to the pending next state (READY when none was chosen)
    STAY = "stay"  # same state; only an attribute changes (the wrap-up deadline), or nothing at all


@dataclass(frozen=True, slots=True)
class Rule:
    effect: Effect
    target: AgentState | None = None


class RefusalKind(enum.Enum):
    """Why a change was refused: by :func:`apply_event`, by the hub, or by the client's pending-change logic."""

    NOT_ALLOWED = "not_allowed"  # no rule for this event in this state
    NOT_PERMITTED = "not_permitted"  # this cause (agent, call, supervisor, system) may not cause this event
    REASON_REQUIRED = "reason_required"
    UNKNOWN_REASON = "unknown_reason"  # not one of the team's BUSY/BREAK reasons
    NO_EXTENSION_LEFT = "no_extension_left"
    WRAP_UP_NOT_OVER = "wrap_up_not_over"  # a wrap-up expiry reported before its deadline
    WRONG_CALL = "wrong_call"  # a call event about a call that is not the agent's current one
    FORBIDDEN = "forbidden"  # (hub) not allowed for this user: e.g. a supervisor of another team
    CONFLICT = "conflict"  # (hub) the state changed meanwhile (another client or a supervisor)
    TIMEOUT = "timeout"  # (client) the hub did not answer in time
    DISCONNECTED = "disconnected"  # (client) the connection dropped with the change pending
    SUPERSEDED = "superseded"  # (client) a supervisor or the call flow changed the state first
    HUB_ERROR = "hub_error"  # (client) any other error answer from the hub


S = AgentState
E = AgentEvent
_M, _D, _N, _S = Effect.MOVE, Effect.DEFER, Effect.NEXT, Effect.STAY

#: The transition table: (state, event) → rule. Anything not listed is refused with NOT_ALLOWED.
#: WRAP_UP rules in EARLY_EXIT_EVENTS become DEFER when the team's policy forbids ending wrap-up early.
TRANSITIONS: Final[Mapping[tuple[AgentState, AgentEvent], Rule]] = {
    # 签出
    (S.SIGNED_OUT, E.SIGN_IN): Rule(_M, S.NOT_READY),  # reason SystemReason.SIGN_IN
    # 示忙 / 小休
    (S.NOT_READY, E.GO_READY): Rule(_M, S.READY),
    (S.NOT_READY, E.GO_NOT_READY): Rule(_M, S.NOT_READY),  # a new reason restarts the time in state
    (S.NOT_READY, E.SIGN_OUT): Rule(_M, S.SIGNED_OUT),
    (S.NOT_READY, E.FORCE_READY): Rule(_M, S.READY),
    (S.NOT_READY, E.FORCE_NOT_READY): Rule(_M, S.NOT_READY),
    (S.NOT_READY, E.FORCE_SIGN_OUT): Rule(_M, S.SIGNED_OUT),
    (S.NOT_READY, E.SESSION_LOST): Rule(_M, S.SIGNED_OUT),
    # 示闲
    (S.READY, E.GO_NOT_READY): Rule(_M, S.NOT_READY),
    (S.READY, E.CALL_OFFERED): Rule(_M, S.RINGING),
    (S.READY, E.SIGN_OUT): Rule(_M, S.SIGNED_OUT),
    (S.READY, E.FORCE_READY): Rule(_S),
    (S.READY, E.FORCE_NOT_READY): Rule(_M, S.NOT_READY),
    (S.READY, E.FORCE_SIGN_OUT): Rule(_M, S.SIGNED_OUT),
    (S.READY, E.SESSION_LOST): Rule(_M, S.SIGNED_OUT),
    # 振铃
    (S.RINGING, E.CALL_ANSWERED): Rule(_M, S.ON_CALL),
    (S.RINGING, E.CALL_NOT_ANSWERED): Rule(_M, S.NOT_READY),  # reason SystemReason.MISSED_CALL
    (S.RINGING, E.CALL_ABANDONED): Rule(_N),
    (S.RINGING, E.GO_READY): Rule(_D, S.READY),
    (S.RINGING, E.GO_NOT_READY): Rule(_D, S.NOT_READY),
    (S.RINGING, E.SIGN_OUT): Rule(_D, S.SIGNED_OUT),
    (S.RINGING, E.FORCE_READY): Rule(_D, S.READY),
    (S.RINGING, E.FORCE_NOT_READY): Rule(_D, S.NOT_READY),
    (S.RINGING, E.FORCE_SIGN_OUT): Rule(_D, S.SIGNED_OUT),
    (S.RINGING, E.SESSION_LOST): Rule(_M, S.SIGNED_OUT),
    # 通话中
    (S.ON_CALL, E.CALL_ENDED): Rule(_M, S.WRAP_UP),
    (S.ON_CALL, E.GO_READY): Rule(_D, S.READY),
    (S.ON_CALL, E.GO_NOT_READY): Rule(_D, S.NOT_READY),
    (S.ON_CALL, E.SIGN_OUT): Rule(_D, S.SIGNED_OUT),
    (S.ON_CALL, E.FORCE_READY): Rule(_D, S.READY),
    (S.ON_CALL, E.FORCE_NOT_READY): Rule(_D, S.NOT_READY),
    (S.ON_CALL, E.FORCE_SIGN_OUT): Rule(_D, S.SIGNED_OUT),
    (S.ON_CALL, E.SESSION_LOST): Rule(_M, S.SIGNED_OUT),
    # 话后整理
    (S.WRAP_UP, E.GO_READY): Rule(_M, S.READY),  # early exit
    (S.WRAP_UP, E.GO_NOT_READY): Rule(_M, S.NOT_READY),  # early exit
    (S.WRAP_UP, E.SIGN_OUT): Rule(_M, S.SIGNED_OUT),  # early exit
    (S.WRAP_UP, E.WRAP_UP_EXTEND): Rule(_S),
    (S.WRAP_UP, E.WRAP_UP_EXPIRED): Rule(_N),
    (S.WRAP_UP, E.WRAP_UP_END): Rule(_N),  # early exit to the next state (refused when the policy locks wrap-up)
    (S.WRAP_UP, E.FORCE_READY): Rule(_M, S.READY),  # a supervisor may end any wrap-up
    (S.WRAP_UP, E.FORCE_NOT_READY): Rule(_M, S.NOT_READY),
    (S.WRAP_UP, E.FORCE_SIGN_OUT): Rule(_M, S.SIGNED_OUT),
    (S.WRAP_UP, E.SESSION_LOST): Rule(_M, S.SIGNED_OUT),
}

#: Wrap-up rules that end it early: subject to the team's wrap-up mode.
EARLY_EXIT_EVENTS: Final = frozenset({E.GO_READY, E.GO_NOT_READY, E.SIGN_OUT})
_CALL_EVENTS: Final = frozenset({E.CALL_OFFERED, E.CALL_ANSWERED, E.CALL_NOT_ANSWERED, E.CALL_ABANDONED, E.CALL_ENDED})
_FORCE_EVENTS: Final = frozenset({E.FORCE_READY, E.FORCE_NOT_READY, E.FORCE_SIGN_OUT})

#: Who may cause each event: the agent's buttons (AGENT), the agent's softphone (CALL), a supervisor, or the hub.
PERMITTED_CAUSES: Final[Mapping[AgentEvent, frozenset[StateCause]]] = {
    E.SIGN_IN: frozenset({StateCause.AGENT}),
    E.SIGN_OUT: frozenset({StateCause.AGENT}),
    E.GO_READY: frozenset({StateCause.AGENT}),
    E.GO_NOT_READY: frozenset({StateCause.AGENT}),
    **{event: frozenset({StateCause.CALL}) for event in _CALL_EVENTS},
    E.WRAP_UP_EXTEND: frozenset({StateCause.AGENT}),
    E.WRAP_UP_EXPIRED: frozenset({StateCause.AGENT, StateCause.SYSTEM}),
    E.WRAP_UP_END: frozenset({StateCause.AGENT}),
    **{event: frozenset({StateCause.SUPERVISOR}) for event in _FORCE_EVENTS},
    E.SESSION_LOST: frozenset({StateCause.SYSTEM}),
}

#: The supervisor command behind each force event.
FORCE_TARGETS: Final[Mapping[AgentEvent, AgentState]] = {
    E.FORCE_READY: S.READY,
    E.FORCE_NOT_READY: S.NOT_READY,
    E.FORCE_SIGN_OUT: S.SIGNED_OUT,
}
assert frozenset(FORCE_TARGETS.values()) == SUPERVISOR_TARGETS


def can_end_wrap_up_early(policy: WrapUpPolicy) -> bool:
    return policy.mode is not WrapUpMode.TIMED_NO_EARLY_EXIT


def can_extend_wrap_up(policy: WrapUpPolicy, status: AgentStatus) -> bool:
    return (
        status.state is S.WRAP_UP
        and policy.mode is not WrapUpMode.OPTIONAL
        and policy.extension_seconds > 0
        and status.wrap_up_extensions < policy.max_extensions
        and status.wrap_up_until is not None
    )


@dataclass(frozen=True, slots=True)
class Change:
    """A request to change an agent's state: an event, with its reason code (GO_NOT_READY, optional for
    FORCE_NOT_READY, the session reason for SESSION_LOST) and call id (call events)."""

    event: AgentEvent
    reason: str | None = None
    call_id: str | None = None


class TransitionRefusedError(Exception):
    """:func:`apply_event` refused a change; ``kind`` says why."""

    def __init__(self, kind: RefusalKind, state: AgentState, event: AgentEvent) -> None:
        super().__init__(f"{event.value} refused in {state.value}: {kind.value}")
        self.kind = kind
        self.state = state
        self.event = event


def rule_for(state: AgentState, event: AgentEvent, policy: WrapUpPolicy) -> Rule | None:
    """The rule that applies, the wrap-up policy taken into account (a locked early exit becomes a deferral)."""
    rule = TRANSITIONS.get((state, event))
    if event is E.WRAP_UP_END and not can_end_wrap_up_early(policy):
        return None
    if rule is not None and state is S.WRAP_UP and event in EARLY_EXIT_EVENTS and not can_end_wrap_up_early(policy):
        return Rule(_D, rule.target)
    return rule


def reason_category(team: TeamPolicy, code: str | None) -> ReasonCategory | None:
    """The category of a reason code: the team's own, or SYSTEM for the system reasons."""
    if code is None:
        return None
    found = next((r for r in team.reasons if r.code == code), None)
    if found is not None:
        return found.category
    return ReasonCategory.SYSTEM if code in _SYSTEM_REASONS else None


def reasons_of(team: TeamPolicy, category: ReasonCategory) -> Sequence[ReasonCode]:
    """The team's reasons of one category, in the administrator's order."""
    return [r for r in team.reasons if r.category is category]


_SYSTEM_REASONS: Final = frozenset(r.value for r in SystemReason)
_SESSION_REASONS: Final = frozenset({SystemReason.OFFLINE.value, SystemReason.SESSION_REPLACED.value})


def _reason_for(target: AgentState, change: Change, team: TeamPolicy, state: AgentState) -> str | None:
    """The reason a NOT_READY or SIGNED_OUT target carries after ``change``; refuses a bad agent reason."""
    event = change.event
    if target is S.SIGNED_OUT:
        if event is E.FORCE_SIGN_OUT:
            return SystemReason.SUPERVISOR.value
        if event is E.SESSION_LOST:
            return change.reason if change.reason in _SESSION_REASONS else SystemReason.OFFLINE.value
        return None
    if target is not S.NOT_READY:
        return None
    if event is E.FORCE_NOT_READY:
        picked = reason_category(team, change.reason)
        if change.reason is not None and picked in (ReasonCategory.BUSY, ReasonCategory.BREAK):
            return change.reason
        return SystemReason.SUPERVISOR.value
    if event is E.CALL_NOT_ANSWERED:
        return SystemReason.MISSED_CALL.value
    if event is E.SIGN_IN:
        return SystemReason.SIGN_IN.value
    if change.reason is None:
        raise TransitionRefusedError(RefusalKind.REASON_REQUIRED, state, event)
    if reason_category(team, change.reason) not in (ReasonCategory.BUSY, ReasonCategory.BREAK):
        raise TransitionRefusedError(RefusalKind.UNKNOWN_REASON, state, event)
    return change.reason


def apply_event(
    status: AgentStatus,
    change: Change,
    cause: StateCause,
    *,
    team: TeamPolicy,
    now: datetime,
    by_id: int | None = None,
    by_name: str | None = None,
) -> AgentStatus:
    """Return the status after ``change`` caused by ``cause`` (user ``by_id``/``by_name``), or raise
    :class:`TransitionRefusedError`.

    Pure. The client uses it to pre-check a request and to know what to show as *pending*; it never displays the
    result as the agent's state until the hub confirms it. A change that alters nothing (an idempotent force)
    returns ``status`` itself, with no new version.
    """
    state, event = status.state, change.event
    if cause not in PERMITTED_CAUSES[event]:
        raise TransitionRefusedError(RefusalKind.NOT_PERMITTED, state, event)
    rule = rule_for(state, event, team.wrap_up)
    if rule is None:
        raise TransitionRefusedError(RefusalKind.NOT_ALLOWED, state, event)
    if (
        event in _CALL_EVENTS
        and event is not E.CALL_OFFERED
        and change.call_id is not None
        and change.call_id != status.call_id
    ):
        raise TransitionRefusedError(RefusalKind.WRONG_CALL, state, event)
    stamp = {"cause": cause, "changed_by": by_id, "changed_by_name": by_name, "version": status.version + 1}

    if rule.effect is Effect.STAY:
        if event is not E.WRAP_UP_EXTEND:
            return status  # FORCE_READY on a READY agent: nothing changes
        if not can_extend_wrap_up(team.wrap_up, status):
            raise TransitionRefusedError(RefusalKind.NO_EXTENSION_LEFT, state, event)
        assert status.wrap_up_until is not None
        return _replace(
            status,
            stamp,
            wrap_up_until=status.wrap_up_until + timedelta(seconds=team.wrap_up.extension_seconds),
            wrap_up_extensions=status.wrap_up_extensions + 1,
        )

    if rule.effect is Effect.DEFER:
        assert rule.target is not None
        return _replace(
            status, stamp, pending_state=rule.target, pending_reason=_reason_for(rule.target, change, team, state)
        )

    if event is E.WRAP_UP_EXPIRED and status.wrap_up_until is not None and now < status.wrap_up_until:
        raise TransitionRefusedError(RefusalKind.WRAP_UP_NOT_OVER, state, event)

    if rule.effect is Effect.NEXT:
        target, reason = status.pending_state or S.READY, status.pending_reason
    else:
        assert rule.target is not None
        target = rule.target
        reason = _reason_for(target, change, team, state)
    if event is E.CALL_NOT_ANSWERED and status.pending_state is S.SIGNED_OUT:
        target, reason = S.SIGNED_OUT, None  # 签出 was asked for while it rang: honour it
    # Leaving a call: an OPTIONAL wrap-up is skipped when the agent already chose what comes next.
    if target is S.WRAP_UP and team.wrap_up.mode is WrapUpMode.OPTIONAL and status.pending_state is not None:
        target, reason = status.pending_state, status.pending_reason

    keeps_call = target in (S.RINGING, S.ON_CALL, S.WRAP_UP)
    wrap_up_until = None
    if target is S.WRAP_UP and team.wrap_up.mode is not WrapUpMode.OPTIONAL:
        wrap_up_until = now + timedelta(seconds=team.wrap_up.seconds)
    return _replace(
        status,
        stamp,
        state=target,
        reason=reason,
        since=now,
        # A pending choice survives ringing → on call → wrap-up and is consumed when it is applied.
        pending_state=status.pending_state if keeps_call else None,
        pending_reason=status.pending_reason if keeps_call else None,
        call_id=(change.call_id or status.call_id) if keeps_call else None,
        wrap_up_until=wrap_up_until,
        wrap_up_extensions=0,
    )


def _replace(status: AgentStatus, stamp: Mapping[str, object], **changes: object) -> AgentStatus:
    return dataclasses.replace(status, **{**stamp, **changes})  # type: ignore[arg-type]


def to_request(status: AgentStatus, change: Change, team: TeamPolicy) -> StateChangeRequest:
    """The ``PUT /agents/me/state`` body for an agent or call event, given the agent's current (confirmed) status.

    Raises :class:`TransitionRefusedError` for an event the client may not send (force and session events, or an
    event the table refuses in this state).
    """
    event = change.event
    rule = rule_for(status.state, event, team.wrap_up)
    if rule is None or event in _FORCE_EVENTS or event is E.SESSION_LOST:
        raise TransitionRefusedError(RefusalKind.NOT_ALLOWED, status.state, event)
    version = status.version
    if event is E.WRAP_UP_EXTEND:
        return StateChangeRequest(state=S.WRAP_UP, extend_wrap_up=True, expected_version=version)
    if rule.effect is Effect.DEFER:
        return StateChangeRequest(state=rule.target, reason=change.reason, pending=True, expected_version=version)
    if rule.effect is Effect.NEXT:
        target = status.pending_state or S.READY
        return StateChangeRequest(
            state=target,
            reason=status.pending_reason,
            call_id=change.call_id or status.call_id,
            # A wrap-up expiry must not undo what a supervisor did meanwhile; an abandoned call happened regardless.
            expected_version=version if event in (E.WRAP_UP_EXPIRED, E.WRAP_UP_END) else None,
        )
    assert rule.target is not None
    if event is E.CALL_ENDED and team.wrap_up.mode is WrapUpMode.OPTIONAL and status.pending_state is not None:
        # An optional wrap-up is skipped when the next state was already chosen.
        return StateChangeRequest(
            state=status.pending_state, reason=status.pending_reason, call_id=change.call_id or status.call_id
        )
    reason = change.reason
    if event is E.CALL_NOT_ANSWERED:
        reason = SystemReason.MISSED_CALL.value
    elif event is E.SIGN_IN:
        reason = SystemReason.SIGN_IN.value
    # Call events carry the call id and no expected version: the call happened whatever a supervisor did meanwhile.
    if event in _CALL_EVENTS:
        return StateChangeRequest(state=rule.target, reason=reason, call_id=change.call_id or status.call_id)
    return StateChangeRequest(state=rule.target, reason=reason, expected_version=version)


def clear_pending_request(status: AgentStatus) -> StateChangeRequest:
    """The request that withdraws a pending next state."""
    return StateChangeRequest(state=None, pending=True, expected_version=status.version)
