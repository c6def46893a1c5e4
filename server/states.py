"""Agent states on the hub: the authority. Validates transitions with ``protocol.AGENT_TRANSITIONS`` and the team's
wrap-up policy, records history and call records, applies supervisor commands, and sweeps presence and timers.

All functions run inside the caller's transaction (worker thread) and emit ``agent.state`` events through the bus.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.protocol import (
    AGENT_TRANSITIONS,
    BUSY_STATES,
    PENDING_TARGETS,
    SUPERVISOR_TARGETS,
    AgentState,
    AgentStatus,
    CommandOutcome,
    ErrorCode,
    EventType,
    FieldError,
    ReasonCategory,
    ReasonCode,
    Role,
    StateCause,
    StateChangeRequest,
    SupervisorCommandRecord,
    SystemReason,
    TeamPolicy,
    WrapUpMode,
    WrapUpPolicy,
    from_wire,
    to_wire,
)
from server.auth import Principal
from server.db import AgentStateHistory, AgentStateRow, CallRecord, SupervisorCommandRow, Team, User, utcnow
from server.errors import ApiError, forbidden, not_found, validation_error
from server.push import Audience, EventBus

log = logging.getLogger(__name__)

#: Reasons the agent's own client may set (the others are the hub's).
CLIENT_SYSTEM_REASONS = frozenset(
    {SystemReason.SIGN_IN.value, SystemReason.MISSED_CALL.value, SystemReason.DEVICE.value}
)

DEFAULT_REASONS: list[ReasonCode] = [
    ReasonCode("training", ReasonCategory.BUSY, "培训", "Training"),
    ReasonCode("meeting", ReasonCategory.BUSY, "开会", "Meeting"),
    ReasonCode("follow_up", ReasonCategory.BUSY, "工单跟进", "Ticket follow-up"),
    ReasonCode("outbound", ReasonCategory.BUSY, "外呼回访", "Outbound callback"),
    ReasonCode("break", ReasonCategory.BREAK, "小休", "Short break", 15),
    ReasonCode("lunch", ReasonCategory.BREAK, "午餐", "Lunch", 60),
    ReasonCode("restroom", ReasonCategory.BREAK, "洗手间", "Restroom", 10),
]


def team_policy(team: Team, default_grace_s: float) -> TeamPolicy:
    raw: dict[str, Any] = dict(team.policy or {})
    try:
        reasons = [from_wire(ReasonCode, r) for r in raw.get("reasons", [])] or list(DEFAULT_REASONS)
        wrap = from_wire(WrapUpPolicy, raw.get("wrap_up", {}))
    except ValueError:
        log.warning("team %s has a malformed policy; using defaults", team.id)
        reasons, wrap = list(DEFAULT_REASONS), WrapUpPolicy()
    return TeamPolicy(
        team_id=team.id,
        team_name=team.name,
        reasons=reasons,
        wrap_up=wrap,
        offline_grace_s=int(raw.get("offline_grace_s", default_grace_s)),
        ring_timeout_s=int(raw.get("ring_timeout_s", 20)),
        auto_answer_delay_s=raw.get("auto_answer_delay_s"),
    )


def policy_json(policy: TeamPolicy) -> dict[str, Any]:
    data: dict[str, Any] = to_wire(policy)
    data.pop("team_id", None)
    data.pop("team_name", None)
    return data


@dataclasses.dataclass(frozen=True, slots=True)
class SweepDue:
    """Agents the presence sweep has to change (by user id)."""

    offline: list[int]  # online, but no heartbeat for ``offline_after_s``
    sign_out: list[int]  # offline for longer than their team's grace
    wrap_up: list[int]  # a timed wrap-up that is over

    def __bool__(self) -> bool:
        return bool(self.offline or self.sign_out or self.wrap_up)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class StateService:
    def __init__(self, bus: EventBus, default_grace_s: float, offline_after_s: float) -> None:
        self.bus = bus
        self.default_grace_s = default_grace_s
        self.offline_after_s = offline_after_s

    # -- reading ----------------------------------------------------------------------------------------
    def row(self, db: Session, user: User) -> AgentStateRow:
        """The agent's state row, locked for this transaction (PostgreSQL ``FOR UPDATE``; SQLite writers are serialised
        anyway): two concurrent changes of one agent must not both start from the same version.

        Lock order: a transaction locks the state rows it changes before it emits its first event (``EventBus.emit``
        takes the event advisory lock, held to the commit); the other way round two transactions can deadlock."""
        row = db.get(AgentStateRow, user.id, with_for_update=True)
        if row is None:
            row = self._new_row(user)
            db.add(row)
            db.flush()
        return row

    @staticmethod
    def _new_row(user: User) -> AgentStateRow:
        """The state of an agent the hub has no row for yet (signed out); not added to the session."""
        return AgentStateRow(
            user_id=user.id,
            state=AgentState.SIGNED_OUT.value,
            reason=None,
            since=utcnow(),
            version=1,
            cause=StateCause.SYSTEM.value,
            online=False,
            wrap_up_extensions=0,
        )

    def status(self, db: Session, user: User, row: AgentStateRow | None = None) -> AgentStatus:
        row = row or self.row(db, user)
        changer = db.get(User, row.changed_by) if row.changed_by is not None else None
        return self._status(user, row, changer.display_name if changer else None)

    @staticmethod
    def _status(user: User, row: AgentStateRow, changed_by_name: str | None) -> AgentStatus:
        return AgentStatus(
            agent_id=user.id,
            username=user.username,
            display_name=user.display_name,
            team_id=user.team_id,
            state=AgentState(row.state),
            reason=row.reason,
            since=row.since,
            version=row.version,
            pending_state=AgentState(row.pending_state) if row.pending_state else None,
            pending_reason=row.pending_reason,
            cause=StateCause(row.cause),
            changed_by=row.changed_by,
            changed_by_name=changed_by_name,
            online=row.online,
            last_seen=row.last_seen,
            call_id=row.call_id,
            wrap_up_until=row.wrap_up_until,
            wrap_up_extensions=row.wrap_up_extensions,
        )

    def current_status(self, db: Session, user: User) -> AgentStatus:
        """The agent's status without writing (an agent never seen yet is signed out): for read-only sessions."""
        row = db.get(AgentStateRow, user.id)
        return self.status(db, user, row if row is not None else self._new_row(user))

    def policy_for(self, db: Session, user: User) -> TeamPolicy:
        team = db.get(Team, user.team_id) if user.team_id is not None else None
        if team is None:
            return TeamPolicy(0, "", list(DEFAULT_REASONS), WrapUpPolicy(), int(self.default_grace_s))
        return team_policy(team, self.default_grace_s)

    def team_board(self, db: Session, team_id: int) -> list[AgentStatus]:
        """Every active agent of the team, in two queries whatever its size; read-only."""
        query = (
            select(User, AgentStateRow)
            .outerjoin(AgentStateRow, AgentStateRow.user_id == User.id)
            .where(User.team_id == team_id, User.role == Role.AGENT.value, User.active.is_(True))
            .order_by(User.id)
        )
        pairs: list[tuple[User, AgentStateRow | None]] = [(user, row) for user, row in db.execute(query).tuples()]
        changer_ids = {row.changed_by for _user, row in pairs if row is not None and row.changed_by is not None}
        names = (
            dict(db.execute(select(User.id, User.display_name).where(User.id.in_(changer_ids))).tuples().all())
            if changer_ids
            else {}
        )
        board: list[AgentStatus] = []
        for user, row in pairs:
            state_row = row if row is not None else self._new_row(user)
            name = names.get(state_row.changed_by) if state_row.changed_by is not None else None
            board.append(self._status(user, state_row, name))
        return board

    # -- changing -----------------------------------------------------------------------------------------
    def _validate_reason(self, policy: TeamPolicy, reason: str | None, *, by_hub: bool, field: str = "reason") -> str:
        if reason is None:
            raise validation_error([FieldError(field, "required", "a reason is required for not ready")])
        codes = {r.code for r in policy.reasons if r.category is not ReasonCategory.SYSTEM}
        if reason in codes or reason in CLIENT_SYSTEM_REASONS:
            return reason
        if by_hub and reason in {r.value for r in SystemReason}:
            return reason
        raise validation_error([FieldError(field, "invalid_choice", f"unknown reason code {reason[:40]!r}")])

    def request(self, db: Session, me: Principal, req: StateChangeRequest) -> AgentStatus:
        """The agent's own change (or its softphone's call events)."""
        user = db.get(User, me.user_id)
        if user is None:
            raise not_found("agent")
        if user.role != Role.AGENT.value and user.role != Role.SUPERVISOR.value:
            raise forbidden("only agents and supervisors have an agent state")
        row = self.row(db, user)
        if req.expected_version is not None and req.expected_version != row.version:
            raise ApiError(
                409,
                ErrorCode.CONFLICT,
                "the state changed meanwhile",
                details={"current": to_wire(self.status(db, user, row))},
            )
        policy = self.policy_for(db, user)
        current = AgentState(row.state)
        now = utcnow()

        if req.pending:
            if current not in BUSY_STATES and current is not AgentState.WRAP_UP:
                raise ApiError(409, ErrorCode.INVALID_TRANSITION, "a pending state needs a call in progress")
            self._supersede_pending_command(db, row, by=me.user_id, now=now)
            if req.state is None:
                row.pending_state = row.pending_reason = None
            else:
                if req.state not in PENDING_TARGETS:
                    raise validation_error([FieldError("state", "invalid_choice", "not a possible next state")])
                reason = (
                    self._validate_reason(policy, req.reason, by_hub=False)
                    if req.state is AgentState.NOT_READY
                    else None
                )
                row.pending_state, row.pending_reason = req.state.value, reason
            return self._commit_change(db, user, row, cause=StateCause.AGENT, actor=me.user_id, history=False)

        target = req.state
        if target is None:
            raise validation_error([FieldError("state", "required", "state is required unless pending is set")])
        if target not in AGENT_TRANSITIONS[current]:
            raise ApiError(
                409,
                ErrorCode.INVALID_TRANSITION,
                f"cannot go from {current.value} to {target.value}",
                details={"current": to_wire(self.status(db, user, row))},
            )
        new_reason: str | None = None
        if target is AgentState.NOT_READY:
            if row.pending_state == target.value and req.reason is not None and req.reason == row.pending_reason:
                new_reason = req.reason  # the pending next state (validated when it was set, maybe by a supervisor)
            else:
                new_reason = self._validate_reason(policy, req.reason, by_hub=False)
        wrap = policy.wrap_up
        if current is AgentState.WRAP_UP and target is AgentState.WRAP_UP:
            if not req.extend_wrap_up:
                raise ApiError(409, ErrorCode.INVALID_TRANSITION, "already in wrap-up")
            if row.wrap_up_extensions >= wrap.max_extensions and wrap.mode is not WrapUpMode.OPTIONAL:
                raise ApiError(409, ErrorCode.INVALID_TRANSITION, "no wrap-up extension left")
            base = max(row.wrap_up_until or now, now)
            row.wrap_up_until = base + timedelta(seconds=wrap.extension_seconds)
            row.wrap_up_extensions += 1
            return self._commit_change(db, user, row, cause=StateCause.AGENT, actor=me.user_id, history=False)
        if (
            current is AgentState.WRAP_UP
            and wrap.mode is WrapUpMode.TIMED_NO_EARLY_EXIT
            and row.wrap_up_until is not None
            and now < row.wrap_up_until
        ):
            raise ApiError(
                409,
                ErrorCode.INVALID_TRANSITION,
                "wrap-up cannot end before its timer",
                details={"wrap_up_until": row.wrap_up_until.isoformat()},
            )
        if (
            current is AgentState.ON_CALL
            and target in (AgentState.READY, AgentState.NOT_READY)
            and wrap.mode is not WrapUpMode.OPTIONAL
        ):
            raise ApiError(409, ErrorCode.INVALID_TRANSITION, "this team's policy requires wrap-up after a call")
        if target in (AgentState.RINGING,) and not req.call_id:
            raise validation_error([FieldError("call_id", "required", "ringing needs the call id")])
        cause = StateCause.CALL if target in (AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP) else None
        if current in (AgentState.RINGING, AgentState.ON_CALL) and target is not AgentState.ON_CALL:
            cause = StateCause.CALL
        self._apply(db, user, row, target, new_reason, cause or StateCause.AGENT, me.user_id, req.call_id, policy, now)
        return self._commit_change(db, user, row, cause=cause or StateCause.AGENT, actor=me.user_id)

    def force(
        self, db: Session, me: Principal, agent_id: int, target: AgentState, reason: str | None, note: str = ""
    ) -> AgentStatus:
        """A supervisor's command. Own team only (admins: any). Every accepted command is audited
        (``supervisor_commands``): applied at once, or, while the agent rings or talks, the pending next state until
        the call ends (then applied, with the supervisor as ``changed_by`` in the state history), or superseded."""
        if not me.is_supervisor:
            raise forbidden("only supervisors can change another agent's state")
        agent = db.get(User, agent_id)
        if agent is None or agent.role != Role.AGENT.value:
            raise not_found("agent")
        if me.role is not Role.ADMIN and (me.team_id is None or agent.team_id != me.team_id):
            raise forbidden("this agent is not in your team")
        if target not in SUPERVISOR_TARGETS:
            raise validation_error(
                [FieldError("state", "invalid_choice", "supervisors can force ready, not ready or sign out")]
            )
        policy = self.policy_for(db, agent)
        if target is AgentState.NOT_READY:
            reason = self._validate_reason(policy, reason or SystemReason.SUPERVISOR.value, by_hub=True)
        elif target is AgentState.SIGNED_OUT:
            reason = SystemReason.SUPERVISOR.value
        else:
            reason = None
        row = self.row(db, agent)
        current = AgentState(row.state)
        if current is AgentState.SIGNED_OUT and target is not AgentState.SIGNED_OUT:
            raise ApiError(409, ErrorCode.INVALID_TRANSITION, "the agent is signed out; only the agent can sign in")
        now = utcnow()
        deferred = current in BUSY_STATES
        command = SupervisorCommandRow(
            agent_id=agent.id,
            team_id=agent.team_id,
            supervisor_id=me.user_id,
            state=target.value,
            reason=reason,
            note=note[:200],
            issued_at=now,
            agent_state=current.value,
            deferred=deferred,
            outcome=(CommandOutcome.PENDING if deferred else CommandOutcome.APPLIED).value,
            applied_at=None if deferred else now,
            resolved_at=None if deferred else now,
        )
        db.add(command)
        db.flush()
        # An earlier command still waiting for this agent's call is replaced by this one.
        self._supersede_pending_command(db, row, by=me.user_id, now=now)
        if deferred:
            row.pending_state, row.pending_reason = target.value, reason
            row.pending_command_id = command.id
            row.cause, row.changed_by = StateCause.SUPERVISOR.value, me.user_id
            return self._commit_change(db, agent, row, cause=StateCause.SUPERVISOR, actor=me.user_id, history=False)
        self._apply(db, agent, row, target, reason, StateCause.SUPERVISOR, me.user_id, None, policy, now)
        return self._commit_change(db, agent, row, cause=StateCause.SUPERVISOR, actor=me.user_id)

    def _supersede_pending_command(self, db: Session, row: AgentStateRow, *, by: int | None, now: datetime) -> None:
        """The supervisor command behind the pending state (if any) will not be applied: another next state replaces
        it, or the agent left the call for another state."""
        if row.pending_command_id is None:
            return
        command = db.get(SupervisorCommandRow, row.pending_command_id)
        row.pending_command_id = None
        if command is not None and command.outcome == CommandOutcome.PENDING.value:
            command.outcome = CommandOutcome.SUPERSEDED.value
            command.resolved_at, command.resolved_by = now, by

    def _settle_pending_command(
        self, db: Session, row: AgentStateRow, target: AgentState, actor: int | None, now: datetime
    ) -> int | None:
        """The agent leaves the call (and wrap-up) for ``target``: the pending supervisor command is applied when
        ``target`` is what it asked for (returns the supervisor's id, who is then recorded as the cause), else
        superseded by ``actor``."""
        if row.pending_command_id is None or target in BUSY_STATES or target is AgentState.WRAP_UP:
            return None
        command = db.get(SupervisorCommandRow, row.pending_command_id)
        if command is None or command.outcome != CommandOutcome.PENDING.value:
            row.pending_command_id = None
            return None
        if row.pending_state == command.state == target.value:
            row.pending_command_id = None
            command.outcome = CommandOutcome.APPLIED.value
            command.applied_at = command.resolved_at = now
            return command.supervisor_id
        self._supersede_pending_command(db, row, by=actor, now=now)
        return None

    def commands(
        self,
        db: Session,
        *,
        team_id: int | None = None,
        agent_id: int | None = None,
        since: datetime | None = None,
        limit: int = 200,
    ) -> list[SupervisorCommandRecord]:
        """The audit of force commands (a team's or one agent's), newest first."""
        query = select(SupervisorCommandRow)
        if team_id is not None:
            query = query.where(SupervisorCommandRow.team_id == team_id)
        if agent_id is not None:
            query = query.where(SupervisorCommandRow.agent_id == agent_id)
        if since is not None:
            query = query.where(SupervisorCommandRow.issued_at >= since)
        rows = list(db.scalars(query.order_by(SupervisorCommandRow.id.desc()).limit(limit)))
        ids = {r.agent_id for r in rows} | {r.supervisor_id for r in rows}
        ids |= {r.resolved_by for r in rows if r.resolved_by is not None}
        names = {u.id: u.display_name for u in db.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
        return [
            SupervisorCommandRecord(
                id=r.id,
                agent_id=r.agent_id,
                agent_name=names.get(r.agent_id, ""),
                team_id=r.team_id,
                supervisor_id=r.supervisor_id,
                supervisor_name=names.get(r.supervisor_id, ""),
                state=AgentState(r.state),
                reason=r.reason,
                note=r.note,
                issued_at=r.issued_at,
                agent_state=AgentState(r.agent_state),
                deferred=r.deferred,
                outcome=CommandOutcome(r.outcome),
                applied_at=r.applied_at,
                resolved_at=r.resolved_at,
                resolved_by=r.resolved_by,
                resolved_by_name=names.get(r.resolved_by) if r.resolved_by is not None else None,
            )
            for r in rows
        ]

    def system_change(
        self, db: Session, agent: User, target: AgentState, reason: str | None, *, pending_if_busy: bool = True
    ) -> AgentStatus | None:
        row = self.row(db, agent)
        current = AgentState(row.state)
        if current is target:
            return None
        if pending_if_busy and current is AgentState.ON_CALL:
            if row.pending_state == target.value:
                return None
            self._supersede_pending_command(db, row, by=None, now=utcnow())
            row.pending_state, row.pending_reason = target.value, reason
            return self._commit_change(db, agent, row, cause=StateCause.SYSTEM, actor=None, history=False)
        self._apply(db, agent, row, target, reason, StateCause.SYSTEM, None, None, self.policy_for(db, agent), utcnow())
        return self._commit_change(db, agent, row, cause=StateCause.SYSTEM, actor=None)

    def _apply(
        self,
        db: Session,
        user: User,
        row: AgentStateRow,
        target: AgentState,
        reason: str | None,
        cause: StateCause,
        actor: int | None,
        call_id: str | None,
        policy: TeamPolicy,
        now: datetime,
    ) -> None:
        current = AgentState(row.state)
        supervisor = self._settle_pending_command(db, row, target, actor, now)
        if supervisor is not None:  # the supervisor's pending command takes effect now: they caused this change
            cause, actor = StateCause.SUPERVISOR, supervisor
        self._record_call(db, user, row, current, target, call_id, now)
        # close the open history entry, open the new one
        open_entry = db.scalar(
            select(AgentStateHistory)
            .where(AgentStateHistory.user_id == user.id, AgentStateHistory.ended_at.is_(None))
            .order_by(AgentStateHistory.id.desc())
            .limit(1)
        )
        if open_entry is not None:
            open_entry.ended_at = now
        if target in (AgentState.RINGING,):
            row.call_id = call_id
        elif target in (AgentState.READY, AgentState.NOT_READY, AgentState.SIGNED_OUT):
            row.call_id = None
        if target is AgentState.WRAP_UP and current is not AgentState.WRAP_UP:
            row.wrap_up_until = now + timedelta(seconds=policy.wrap_up.seconds)
            row.wrap_up_extensions = 0
        elif target is not AgentState.WRAP_UP:
            row.wrap_up_until = None
            row.wrap_up_extensions = 0
        if target not in BUSY_STATES and target is not AgentState.WRAP_UP:
            row.pending_state = row.pending_reason = None
        row.state = target.value
        row.reason = reason if target in (AgentState.NOT_READY, AgentState.SIGNED_OUT) else None
        row.since = now
        row.cause = cause.value
        row.changed_by = actor
        db.add(
            AgentStateHistory(
                user_id=user.id,
                team_id=user.team_id,
                state=target.value,
                reason=row.reason,
                started_at=now,
                ended_at=None,
                cause=cause.value,
                changed_by=actor,
                call_id=row.call_id,
            )
        )

    def _record_call(
        self,
        db: Session,
        user: User,
        row: AgentStateRow,
        current: AgentState,
        target: AgentState,
        call_id: str | None,
        now: datetime,
    ) -> None:
        if target is AgentState.RINGING and call_id:
            existing = db.scalar(select(CallRecord).where(CallRecord.user_id == user.id, CallRecord.call_id == call_id))
            if existing is None:
                db.add(CallRecord(call_id=call_id, user_id=user.id, team_id=user.team_id, offered_at=now))
            return
        if row.call_id is None:
            return
        record = db.scalar(select(CallRecord).where(CallRecord.user_id == user.id, CallRecord.call_id == row.call_id))
        if record is None:
            return
        if current is AgentState.RINGING:
            if target is AgentState.ON_CALL:
                record.answered_at = now
            else:
                record.missed = True
                record.ended_at = now
        elif current is AgentState.ON_CALL and target is not AgentState.ON_CALL:
            record.ended_at = now
            if target is not AgentState.WRAP_UP:
                record.wrap_up_ended_at = now
        elif current is AgentState.WRAP_UP and target is not AgentState.WRAP_UP:
            record.wrap_up_ended_at = now
        if record.answered_at is not None and record.wrap_up_ended_at is not None:
            record.handle_seconds = (record.wrap_up_ended_at - record.answered_at).total_seconds()

    def _commit_change(
        self, db: Session, user: User, row: AgentStateRow, *, cause: StateCause, actor: int | None, history: bool = True
    ) -> AgentStatus:
        # cause/changed_by were set by _apply (or explicitly for pending-only changes); history by _apply.
        del cause, actor, history
        row.version += 1
        db.flush()
        status = self.status(db, user, row)
        self.bus.emit(db, EventType.AGENT_STATE, status, self.audience(user))
        return status

    @staticmethod
    def audience(user: User) -> Audience:
        return Audience(user_id=user.id, team_id=user.team_id, team_min_role=Role.SUPERVISOR)

    # -- presence ---------------------------------------------------------------------------------------
    def seen(self, db: Session, user_ids: dict[int, datetime]) -> list[AgentStatus]:
        """Record heartbeats. Agents already online: one UPDATE per few hundred, nothing loaded. The few coming (back)
        online are updated row by row and announced with an event (after every row is locked: see ``row``)."""
        rest: list[int] = []
        for chunk in _chunks(sorted(user_ids)):
            at = max(user_ids[i] for i in chunk)
            updated = set(
                db.scalars(
                    update(AgentStateRow)
                    .where(AgentStateRow.user_id.in_(chunk), AgentStateRow.online.is_(True))
                    .values(last_seen=at)
                    .returning(AgentStateRow.user_id)
                    .execution_options(synchronize_session=False)
                )
            )
            rest.extend(uid for uid in chunk if uid not in updated)
        users: dict[int, User] = {}
        rows: dict[int, AgentStateRow] = {}
        for chunk in _chunks(rest):
            users.update(
                (u.id, u) for u in db.scalars(select(User).where(User.id.in_(chunk), User.role != Role.ADMIN.value))
            )
            rows.update(
                (r.user_id, r)
                for r in db.scalars(
                    select(AgentStateRow)
                    .where(AgentStateRow.user_id.in_(chunk))
                    .order_by(AgentStateRow.user_id)
                    .with_for_update()
                )
            )
        for uid, agent in users.items():
            if uid not in rows:
                rows[uid] = self.row(db, agent)  # first heartbeat ever: a signed-out row
        changed: list[AgentStatus] = []
        for uid in rest:
            user = users.get(uid)
            if user is None:
                continue
            row = rows[uid]
            row.last_seen = user_ids[uid]
            row.online = True
            row.offline_since = None
            row.version += 1
            db.flush()
            status = self.status(db, user, row)
            self.bus.emit(db, EventType.AGENT_STATE, status, self.audience(user))
            changed.append(status)
        return changed

    def _policies(self, db: Session, team_ids: set[int | None]) -> dict[int | None, TeamPolicy]:
        default = TeamPolicy(0, "", list(DEFAULT_REASONS), WrapUpPolicy(), int(self.default_grace_s))
        out: dict[int | None, TeamPolicy] = {None: default}
        ids = [t for t in team_ids if t is not None]
        if ids:
            for team in db.scalars(select(Team).where(Team.id.in_(ids))):
                out[team.id] = team_policy(team, self.default_grace_s)
        return out

    def sweep_due(self, db: Session, now: datetime) -> SweepDue:
        """Which agents the sweep would change (read-only, three small queries): most sweeps find nothing and
        then take no write lock at all."""
        limit = now - timedelta(seconds=self.offline_after_s)
        offline = list(
            db.scalars(
                select(AgentStateRow.user_id).where(AgentStateRow.online.is_(True), AgentStateRow.last_seen < limit)
            )
        )
        away = db.execute(
            select(AgentStateRow.user_id, AgentStateRow.offline_since, AgentStateRow.last_seen, User.team_id)
            .join(User, User.id == AgentStateRow.user_id)
            .where(AgentStateRow.online.is_(False), AgentStateRow.state != AgentState.SIGNED_OUT.value)
        ).all()
        timed = db.execute(
            select(AgentStateRow.user_id, User.team_id)
            .join(User, User.id == AgentStateRow.user_id)
            .where(
                AgentStateRow.state == AgentState.WRAP_UP.value,
                AgentStateRow.wrap_up_until < now - timedelta(seconds=2),
            )
        ).all()
        policies = self._policies(db, {t for *_rest, t in away} | {t for _uid, t in timed})
        sign_out = []
        for uid, offline_since, last_seen, team_id in away:
            since = offline_since or last_seen
            policy = policies.get(team_id, policies[None])
            if since is not None and (now - since).total_seconds() >= policy.offline_grace_s:
                sign_out.append(uid)
        wrap_up = [
            uid
            for uid, team_id in timed
            if policies.get(team_id, policies[None]).wrap_up.mode is not WrapUpMode.OPTIONAL  # no enforced end
        ]
        return SweepDue(offline, sign_out, wrap_up)

    def sweep(self, db: Session, now: datetime, due: SweepDue | None = None) -> int:
        """Offline detection, forced sign-out after the grace, and wrap-up timers, for the agents ``due`` names
        (``sweep_due`` when not given). Safe to run in every process: each row is locked and checked again, all of
        them before the first event is emitted (see ``row``)."""
        due = due if due is not None else self.sweep_due(db, now)
        limit = now - timedelta(seconds=self.offline_after_s)
        wrap_end = now - timedelta(seconds=2)
        going_offline = self._locked(db, due.offline, AgentStateRow.online.is_(True), AgentStateRow.last_seen < limit)
        signing_out = self._locked(
            db, due.sign_out, AgentStateRow.online.is_(False), AgentStateRow.state != AgentState.SIGNED_OUT.value
        )
        wrapping_up = self._locked(
            db, due.wrap_up, AgentStateRow.state == AgentState.WRAP_UP.value, AgentStateRow.wrap_up_until < wrap_end
        )
        changes = 0
        for row in going_offline:
            user = db.get(User, row.user_id)
            if user is None:
                continue
            row.online = False
            row.offline_since = row.last_seen or now
            row.version += 1
            db.flush()
            self.bus.emit(db, EventType.AGENT_STATE, self.status(db, user, row), self.audience(user))
            changes += 1
        for row in signing_out:
            user = db.get(User, row.user_id)
            since = row.offline_since or row.last_seen
            if user is None or since is None:
                continue
            grace = self.policy_for(db, user).offline_grace_s
            if (now - since).total_seconds() >= grace and self.system_change(
                db, user, AgentState.SIGNED_OUT, SystemReason.OFFLINE.value
            ):
                changes += 1
        for row in wrapping_up:
            user = db.get(User, row.user_id)
            if user is None:
                continue
            policy = self.policy_for(db, user)
            if policy.wrap_up.mode is WrapUpMode.OPTIONAL:
                continue  # optional wrap-up has no enforced end
            target = AgentState(row.pending_state) if row.pending_state else AgentState.READY
            reason = row.pending_reason if target is AgentState.NOT_READY else None
            self._apply(db, user, row, target, reason, StateCause.SYSTEM, None, None, policy, now)
            self._commit_change(db, user, row, cause=StateCause.SYSTEM, actor=None)
            changes += 1
        return changes

    @staticmethod
    def _locked(db: Session, ids: list[int], *conditions: Any) -> list[AgentStateRow]:
        """The state rows of ``ids`` that still meet ``conditions``, locked for this transaction, in id order."""
        out: list[AgentStateRow] = []
        for chunk in _chunks(sorted(ids)):
            query = select(AgentStateRow).where(AgentStateRow.user_id.in_(chunk), *conditions)
            out.extend(db.scalars(query.order_by(AgentStateRow.user_id).with_for_update()))
        return out

    def sign_out_for_takeover(self, db: Session, user: User) -> None:
        row = self.row(db, user)
        if row.state != AgentState.SIGNED_OUT.value:
            self._apply(
                db,
                user,
                row,
                AgentState.SIGNED_OUT,
                SystemReason.SESSION_REPLACED.value,
                StateCause.SYSTEM,
                None,
                None,
                self.policy_for(db, user),
                utcnow(),
            )
            self._commit_change(db, user, row, cause=StateCause.SYSTEM, actor=None)
