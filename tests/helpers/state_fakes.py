"""Fakes for the agent state core: a manual clock/scheduler and a scripted hub that follows the hub's rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from app.protocol import (
    AgentState,
    AgentStatus,
    ReasonCategory,
    ReasonCode,
    StateCause,
    StateChangeRequest,
    TeamPolicy,
    WrapUpMode,
    WrapUpPolicy,
)
from app.state.model import AgentEvent, Change, RefusalKind, apply_event
from app.state.ports import StateReply

S, E = AgentState, AgentEvent
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TEAM = TeamPolicy(
    1,
    "一组",
    [
        ReasonCode("meeting", ReasonCategory.BUSY, "开会", "Meeting"),
        ReasonCode("lunch", ReasonCategory.BREAK, "午餐", "Lunch"),
    ],
    WrapUpPolicy(WrapUpMode.MANDATORY_TIMED, 30),
    ring_timeout_s=20,
    auto_answer_delay_s=2.0,
)


class Clock:
    """A manual clock and scheduler: ``advance`` runs what is due, in order."""

    def __init__(self) -> None:
        self.t = 0.0
        self._jobs: list[tuple[float, int, Callable[[], None], list[bool]]] = []
        self._n = 0

    def now(self) -> datetime:
        return T0 + timedelta(seconds=self.t)

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> Handle:
        flag = [False]
        self._n += 1
        self._jobs.append((self.t + delay_s, self._n, callback, flag))
        return Handle(flag)

    def advance(self, seconds: float) -> None:
        end = self.t + seconds
        while True:
            due = sorted((j for j in self._jobs if j[0] <= end and not j[3][0]), key=lambda j: (j[0], j[1]))
            if not due:
                break
            job = due[0]
            self._jobs.remove(job)
            self.t = max(self.t, job[0])
            job[2]()
        self.t = end


class Handle:
    def __init__(self, flag: list[bool]) -> None:
        self._flag = flag

    def cancel(self) -> None:
        self._flag[0] = True


class FakeHub:
    """Holds the authoritative status and answers requests like the real hub (same rules), unless told otherwise."""

    def __init__(self, clock: Clock, status: AgentStatus) -> None:
        self.clock = clock
        self.status = status
        self.requests: list[StateChangeRequest] = []
        self.replies: list[tuple[StateChangeRequest, Callable[[StateReply], None]]] = []
        self.auto = True
        self.refuse_next: RefusalKind | None = None

    def request_state(self, request: StateChangeRequest, on_reply: Callable[[StateReply], None]) -> None:
        self.requests.append(request)
        if self.auto:
            on_reply(self.answer(request))
        else:
            self.replies.append((request, on_reply))

    def answer(self, request: StateChangeRequest) -> StateReply:
        if self.refuse_next is not None:
            kind, self.refuse_next = self.refuse_next, None
            return StateReply(refusal=kind, current=self.status)
        if request.expected_version is not None and request.expected_version != self.status.version:
            return StateReply(refusal=RefusalKind.CONFLICT, current=self.status)
        if request.pending:
            self.status = dataclasses.replace(
                self.status, pending_state=request.state, pending_reason=request.reason, version=self.status.version + 1
            )
        elif request.extend_wrap_up:
            assert self.status.wrap_up_until is not None
            self.status = dataclasses.replace(
                self.status,
                wrap_up_until=self.status.wrap_up_until + timedelta(seconds=30),
                version=self.status.version + 1,
            )
        else:
            assert request.state is not None
            keeps = request.state in (S.RINGING, S.ON_CALL, S.WRAP_UP)
            self.status = dataclasses.replace(
                self.status,
                state=request.state,
                reason=request.reason,
                since=self.clock.now(),
                call_id=(request.call_id or self.status.call_id) if keeps else None,
                pending_state=self.status.pending_state if keeps else None,
                pending_reason=self.status.pending_reason if keeps else None,
                wrap_up_until=self.clock.now() + timedelta(seconds=30) if request.state is S.WRAP_UP else None,
                cause=StateCause.CALL if request.call_id else StateCause.AGENT,
                version=self.status.version + 1,
            )
        return StateReply(status=self.status)

    def force(self, event: AgentEvent, by: str = "李主管") -> AgentStatus:
        self.status = apply_event(
            self.status, Change(event), StateCause.SUPERVISOR, team=TEAM, now=self.clock.now(), by_id=3, by_name=by
        )
        return self.status


def make_status(state: AgentState, **kw: object) -> AgentStatus:
    status = AgentStatus(
        agent_id=7,
        username="agent1",
        display_name="张三",
        team_id=1,
        state=state,
        reason="meeting" if state is AgentState.NOT_READY else None,
        since=T0,
        version=5,
    )
    return dataclasses.replace(status, **kw)  # type: ignore[arg-type]
