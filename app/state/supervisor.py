"""The supervisor's live team board: every agent of the team with state, reason, time in state, current call, latest
health verdict and call MOS; supervisor commands (force ready / not ready / sign out, broadcast); shift metrics.

Qt-free; one thread (the GUI thread in the app). Pushes (``agent.state``, ``health.report``) are applied as they come;
a push older than the row it would replace is ignored. A force command is pre-checked with the shared transition
table, sent, and shown as pending on the agent's row until the hub answers; a refusal (e.g. an agent of another team:
the hub answers *forbidden*) raises a :class:`BoardNotice`. The hub records every command in its audit with the
supervisor's name; the agent's client shows who made the change.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from app.protocol import (
    AgentState,
    AgentStatus,
    Broadcast,
    BroadcastRequest,
    ForceStateCommand,
    HealthReport,
    HealthVerdict,
    StateCause,
    SupervisorCommandRecord,
    TeamMetrics,
    TeamPolicy,
)
from app.state.model import FORCE_TARGETS, AgentEvent, Change, RefusalKind, TransitionRefusedError, apply_event
from app.state.ports import StateReply, SupervisorChannel

log = logging.getLogger(__name__)

FORCE_EVENTS: dict[AgentState, AgentEvent] = {state: event for event, state in FORCE_TARGETS.items()}


@dataclass(frozen=True, slots=True)
class BoardRow:
    status: AgentStatus
    health: HealthVerdict | None = None
    health_at: datetime | None = None
    mos: float | None = None
    pending_force: AgentState | None = None  # a command of ours the hub has not answered yet

    @property
    def agent_id(self) -> int:
        return self.status.agent_id

    def seconds_in_state(self, now: datetime) -> float:
        return max(0.0, (now - self.status.since).total_seconds())

    def call_seconds(self, now: datetime) -> float | None:
        """How long the current call has lasted (ON_CALL only)."""
        if self.status.state is not AgentState.ON_CALL:
            return None
        return self.seconds_in_state(now)


class BoardNoticeKind(enum.Enum):
    FORCE_REFUSED = "force_refused"
    FORCE_APPLIED = "force_applied"  # ``deferred``: it waits for the end of the agent's call
    BROADCAST_SENT = "broadcast_sent"
    BROADCAST_FAILED = "broadcast_failed"
    METRICS_FAILED = "metrics_failed"
    AUDIT_FAILED = "audit_failed"


@dataclass(frozen=True, slots=True)
class BoardNotice:
    kind: BoardNoticeKind
    agent_name: str = ""
    state: AgentState | None = None
    refusal: RefusalKind | None = None
    deferred: bool = False


class SupervisorBoard:
    """The board's data and commands. Listeners: ``rows_reset()``, ``row_changed(agent_id)``, ``row_inserting(position)``
    then ``row_added(agent_id)``,
    ``notice(BoardNotice)``, ``metrics(TeamMetrics)``, ``audit(list[SupervisorCommandRecord])``."""

    def __init__(
        self,
        channel: SupervisorChannel,
        team: TeamPolicy,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._channel = channel
        self._team = team
        self._now = now
        self._rows: dict[int, BoardRow] = {}
        self._order: list[int] = []
        self.on_rows_reset: list[Callable[[], None]] = []
        self.on_row_changed: list[Callable[[int], None]] = []
        self.on_row_inserting: list[Callable[[int], None]] = []  # position, before the row exists
        self.on_row_added: list[Callable[[int], None]] = []
        self.on_notice: list[Callable[[BoardNotice], None]] = []
        self.on_metrics: list[Callable[[TeamMetrics], None]] = []
        self.on_audit: list[Callable[[list[SupervisorCommandRecord]], None]] = []
        self.broadcasts: list[Broadcast] = []

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def team(self) -> TeamPolicy:
        return self._team

    def __len__(self) -> int:
        return len(self._order)

    def row_at(self, index: int) -> BoardRow:
        return self._rows[self._order[index]]

    def index_of(self, agent_id: int) -> int:
        return self._order.index(agent_id)

    def row(self, agent_id: int) -> BoardRow | None:
        return self._rows.get(agent_id)

    def now(self) -> datetime:
        return self._now()

    # -- hub input ---------------------------------------------------------------------------------------------
    def set_team(self, team: TeamPolicy) -> None:
        """The team's policy (reasons, wrap-up), fetched on connect and pushed when an administrator changes it."""
        self._team = team

    def load(self, statuses: Iterable[AgentStatus], health: Iterable[HealthReport] = ()) -> None:
        """The team's full board (on start and after every reconnect): replaces everything, except a row whose pushed
        status is newer than the snapshot's (the push overtook the board's REST answer)."""
        previous = self._rows
        rows: dict[int, BoardRow] = {}
        for s in statuses:
            if s.team_id != self._team.team_id:
                continue
            old = previous.get(s.agent_id)
            rows[s.agent_id] = old if old is not None and old.status.version > s.version else BoardRow(s)
        self._rows = rows
        self._order = sorted(self._rows, key=lambda i: self._rows[i].status.display_name)
        for report in health:
            self._apply_health(report, announce=False)
        for cb in list(self.on_rows_reset):
            cb()

    def on_status(self, status: AgentStatus) -> None:
        if status.team_id != self._team.team_id:
            return
        row = self._rows.get(status.agent_id)
        if row is None:
            position = len(self._order)
            for inserting in list(self.on_row_inserting):
                inserting(position)
            self._rows[status.agent_id] = BoardRow(status)
            self._order.append(status.agent_id)
            for added in list(self.on_row_added):
                added(status.agent_id)
            return
        if status.version <= row.status.version:
            return
        self._rows[status.agent_id] = replace(row, status=status)
        self._changed(status.agent_id)

    def on_health(self, report: HealthReport) -> None:
        self._apply_health(report, announce=True)

    def _apply_health(self, report: HealthReport, *, announce: bool) -> None:
        row = self._rows.get(report.agent_id)
        if row is None or (row.health_at is not None and report.received_at < row.health_at):
            return
        self._rows[report.agent_id] = replace(row, health=report.verdict, health_at=report.received_at, mos=report.mos)
        if announce:
            self._changed(report.agent_id)

    def _changed(self, agent_id: int) -> None:
        for cb in list(self.on_row_changed):
            cb(agent_id)

    # -- commands ------------------------------------------------------------------------------------------------
    def can_force(self, agent_id: int, target: AgentState) -> bool:
        row = self._rows.get(agent_id)
        if row is None or row.pending_force is not None or target not in FORCE_EVENTS:
            return False
        try:
            after = apply_event(
                row.status, Change(FORCE_EVENTS[target]), StateCause.SUPERVISOR, team=self._team, now=self._now()
            )
        except TransitionRefusedError:
            return False
        return after is not row.status

    def force(self, agent_id: int, target: AgentState, reason: str | None = None, note: str = "") -> RefusalKind | None:
        """Force an agent of the team into ``target`` (READY, NOT_READY or SIGNED_OUT)."""
        row = self._rows.get(agent_id)
        if row is None:
            return RefusalKind.FORBIDDEN  # not on this supervisor's board: not their team
        if target not in FORCE_EVENTS:
            return RefusalKind.NOT_ALLOWED
        try:
            apply_event(
                row.status,
                Change(FORCE_EVENTS[target], reason=reason),
                StateCause.SUPERVISOR,
                team=self._team,
                now=self._now(),
            )
        except TransitionRefusedError as exc:
            return exc.kind
        self._rows[agent_id] = replace(row, pending_force=target)
        self._changed(agent_id)
        self._channel.force_state(
            agent_id,
            ForceStateCommand(state=target, reason=reason, note=note),
            lambda reply: self._on_force_reply(agent_id, target, reply),
        )
        return None

    def _on_force_reply(self, agent_id: int, target: AgentState, reply: StateReply) -> None:
        row = self._rows.get(agent_id)
        name = row.status.display_name if row else str(agent_id)
        if row is not None:
            self._rows[agent_id] = replace(row, pending_force=None)
        new = reply.status or reply.current
        if new is not None:
            self.on_status(new)
        if row is not None:
            self._changed(agent_id)
        if reply.accepted:
            assert reply.status is not None
            deferred = reply.status.state is not target and reply.status.pending_state is target
            notice = BoardNotice(BoardNoticeKind.FORCE_APPLIED, name, target, deferred=deferred)
        else:
            notice = BoardNotice(BoardNoticeKind.FORCE_REFUSED, name, target, refusal=reply.refusal)
        for cb in list(self.on_notice):
            cb(notice)

    def broadcast(self, text: str, expires_at: datetime) -> None:
        def done(result: Broadcast | RefusalKind) -> None:
            if isinstance(result, Broadcast):
                self.broadcasts.append(result)
                notice = BoardNotice(BoardNoticeKind.BROADCAST_SENT)
            else:
                notice = BoardNotice(BoardNoticeKind.BROADCAST_FAILED, refusal=result)
            for cb in list(self.on_notice):
                cb(notice)

        self._channel.send_broadcast(
            BroadcastRequest(text=text, expires_at=expires_at, team_id=self._team.team_id), done
        )

    def refresh_metrics(self, since: datetime, until: datetime) -> None:
        def done(result: TeamMetrics | RefusalKind) -> None:
            if isinstance(result, TeamMetrics):
                for cb in list(self.on_metrics):
                    cb(result)
            else:
                for notice_cb in list(self.on_notice):
                    notice_cb(BoardNotice(BoardNoticeKind.METRICS_FAILED, refusal=result))

        self._channel.fetch_metrics(self._team.team_id, since, until, done)

    def refresh_audit(self) -> None:
        """Fetch the hub's audit of force commands on the team (who forced what, when, the state it met, and what
        became of it: applied at once, pending until the call ends, applied after the call, superseded)."""

        def done(result: list[SupervisorCommandRecord] | RefusalKind) -> None:
            if isinstance(result, list):
                for cb in list(self.on_audit):
                    cb(result)
            else:
                for notice_cb in list(self.on_notice):
                    notice_cb(BoardNotice(BoardNoticeKind.AUDIT_FAILED, refusal=result))

        self._channel.fetch_commands(self._team.team_id, done)
