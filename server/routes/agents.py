"""Agent states, supervisor commands, broadcasts, team policies and metrics, health reports."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local Annotated aliases.
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.protocol import (
    AgentMetrics,
    AgentState,
    AgentStatus,
    Broadcast,
    BroadcastRequest,
    EventType,
    FieldError,
    ForceStateCommand,
    HealthReport,
    HealthReportSubmit,
    Role,
    StateChangeRequest,
    StateHistoryEntry,
    SupervisorCommandRecord,
    TeamMetrics,
    TeamPolicy,
    from_wire,
    to_wire,
)
from server.auth import Principal
from server.context import HubContext
from server.db import AgentStateHistory, CallRecord, HealthReportRow, Team, User, utcnow
from server.db import Broadcast as BroadcastRow
from server.errors import field_error, forbidden, not_found, validation_error
from server.push import Audience
from server.routes.deps import (
    IdPath,
    db_dependency,
    principal_dependency,
    read_db_dependency,
    require_admin,
    require_team_access,
    wire,
)
from server.states import policy_json, team_policy

_ERRORS: dict[int | str, dict[str, str]] = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}


def build_router(ctx: HubContext) -> APIRouter:
    router = APIRouter(tags=["agents"])
    get_db = db_dependency(ctx)
    current = principal_dependency(ctx)
    DB = Annotated[Session, Depends(get_db)]  # noqa: N806 - a type alias for FastAPI dependencies
    # Handlers that only read: on SQLite they never wait for (or hold) the write lock.
    ReadDB = Annotated[Session, Depends(read_db_dependency(ctx))]  # noqa: N806 - a type alias for FastAPI dependencies
    Me = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias for FastAPI dependencies

    def _user(db: Session, me: Principal) -> User:
        user = db.get(User, me.user_id)
        if user is None:
            raise not_found("user")
        return user

    def _visible_agent(db: Session, me: Principal, agent_id: int) -> User:
        """The agent, when ``me`` may see it: itself, its team's supervisors, admins (404 / 403 otherwise)."""
        agent = db.get(User, agent_id)
        if agent is None:
            raise not_found("agent")
        if agent_id != me.user_id:
            if agent.team_id is None:
                raise forbidden("not your team")
            require_team_access(me, agent.team_id)
        return agent

    def _mark_seen(me: Principal) -> None:
        ctx.seen[me.user_id] = utcnow()

    # -- own state --------------------------------------------------------------------------------------
    @router.get("/agents/me/state", response_model=AgentStatus, responses=_ERRORS)
    def my_state(me: Me, db: ReadDB) -> JSONResponse:
        return wire(ctx.states.current_status(db, _user(db, me)))

    @router.put("/agents/me/state", response_model=AgentStatus, responses=_ERRORS)
    def change_my_state(body: StateChangeRequest, me: Me, db: DB) -> JSONResponse:
        if body.reason is not None and len(body.reason) > 64:
            raise field_error("reason", "too_long", "at most 64 characters")
        if body.call_id is not None and not 1 <= len(body.call_id) <= 128:
            raise field_error("call_id", "invalid", "1..128 characters")
        status = ctx.states.request(db, me, body)
        db.commit()
        _mark_seen(me)
        return wire(status)

    @router.post("/agents/me/heartbeat", status_code=204, responses=_ERRORS)
    def heartbeat(me: Me) -> Response:
        _mark_seen(me)
        return Response(status_code=204)

    @router.get("/agents/me/policy", response_model=TeamPolicy, responses=_ERRORS)
    def my_policy(me: Me, db: ReadDB) -> JSONResponse:
        return wire(ctx.states.policy_for(db, _user(db, me)))

    # -- supervisors -----------------------------------------------------------------------------------
    @router.get("/teams/{team_id}/agents", response_model=list[AgentStatus], responses=_ERRORS)
    def team_board(team_id: IdPath, me: Me, db: ReadDB) -> JSONResponse:
        require_team_access(me, team_id)
        return wire(ctx.states.team_board(db, team_id))

    @router.post("/agents/{agent_id}/force", response_model=AgentStatus, responses=_ERRORS)
    def force(agent_id: IdPath, body: ForceStateCommand, me: Me, db: DB) -> JSONResponse:
        if body.reason is not None and len(body.reason) > 64:
            raise field_error("reason", "too_long", "at most 64 characters")
        if len(body.note) > 200:
            raise field_error("note", "too_long", "at most 200 characters")
        status = ctx.states.force(db, me, agent_id, body.state, body.reason, body.note)
        db.commit()
        return wire(status)

    @router.get("/agents/{agent_id}/state", response_model=AgentStatus, responses=_ERRORS)
    def agent_state(agent_id: IdPath, me: Me, db: ReadDB) -> JSONResponse:
        agent = _visible_agent(db, me, agent_id)
        return wire(ctx.states.current_status(db, agent))

    @router.get("/agents/{agent_id}/history", response_model=list[StateHistoryEntry], responses=_ERRORS)
    def history(
        agent_id: IdPath,
        me: Me,
        db: ReadDB,
        since: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> JSONResponse:
        _visible_agent(db, me, agent_id)
        query = select(AgentStateHistory).where(AgentStateHistory.user_id == agent_id)
        if since is not None:
            query = query.where(AgentStateHistory.started_at >= _aware(since))
        rows = list(db.scalars(query.order_by(AgentStateHistory.id.desc()).limit(limit)))
        changer_ids = {r.changed_by for r in rows if r.changed_by is not None}
        names = (
            {u.id: u.display_name for u in db.scalars(select(User).where(User.id.in_(changer_ids)))}
            if changer_ids
            else {}
        )
        return wire(
            [
                StateHistoryEntry(
                    agent_id=r.user_id,
                    state=AgentState(r.state),
                    reason=r.reason,
                    started_at=r.started_at,
                    ended_at=r.ended_at,
                    cause=r.cause,  # type: ignore[arg-type]
                    changed_by=r.changed_by,
                    call_id=r.call_id,
                    changed_by_name=names.get(r.changed_by) if r.changed_by is not None else None,
                )
                for r in rows
            ]
        )

    # -- supervisor command audit ----------------------------------------------------------------------------
    @router.get("/teams/{team_id}/commands", response_model=list[SupervisorCommandRecord], responses=_ERRORS)
    def team_commands(
        team_id: IdPath,
        me: Me,
        db: DB,
        since: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> JSONResponse:
        """Every force command on the team's agents, newest first (supervisors of the team, admins)."""
        require_team_access(me, team_id)
        return wire(ctx.states.commands(db, team_id=team_id, since=_aware(since) if since else None, limit=limit))

    @router.get("/agents/{agent_id}/commands", response_model=list[SupervisorCommandRecord], responses=_ERRORS)
    def agent_commands(
        agent_id: IdPath,
        me: Me,
        db: DB,
        since: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> JSONResponse:
        """The force commands about one agent (the agent, the team's supervisors, admins)."""
        _visible_agent(db, me, agent_id)
        return wire(ctx.states.commands(db, agent_id=agent_id, since=_aware(since) if since else None, limit=limit))

    # -- team policy -------------------------------------------------------------------------------------
    @router.get("/teams/{team_id}/policy", response_model=TeamPolicy, responses=_ERRORS)
    def get_policy(team_id: IdPath, me: Me, db: ReadDB) -> JSONResponse:
        if me.team_id != team_id and me.role is not Role.ADMIN:
            raise forbidden("not your team")
        team = db.get(Team, team_id)
        if team is None:
            raise not_found("team")
        return wire(team_policy(team, ctx.config.offline_grace_s))

    @router.put("/teams/{team_id}/policy", response_model=TeamPolicy, responses=_ERRORS)
    def put_policy(team_id: IdPath, body: TeamPolicy, me: Me, db: DB) -> JSONResponse:
        require_admin(me)
        team = db.get(Team, team_id)
        if team is None:
            raise not_found("team")
        errors: list[FieldError] = []
        if body.offline_grace_s < 60 and not ctx.config.allow_short_timers:
            errors.append(FieldError("offline_grace_s", "too_small", "at least 60 seconds"))
        if not 0 <= body.wrap_up.seconds <= 3600:
            errors.append(FieldError("wrap_up.seconds", "out_of_range", "0..3600"))
        codes = [r.code for r in body.reasons]
        if len(set(codes)) != len(codes):
            errors.append(FieldError("reasons", "duplicate", "reason codes must be unique"))
        if errors:
            raise validation_error(errors)
        team.policy = policy_json(body)
        policy = team_policy(team, ctx.config.offline_grace_s)
        ctx.bus.emit(db, EventType.POLICY_UPDATED, policy, Audience(team_id=team_id, team_min_role=Role.AGENT))
        db.commit()
        return wire(policy)

    # -- broadcasts ----------------------------------------------------------------------------------------
    @router.post("/broadcasts", response_model=Broadcast, status_code=201, responses=_ERRORS)
    def broadcast(body: BroadcastRequest, me: Me, db: DB) -> JSONResponse:
        team_id = body.team_id if body.team_id is not None else me.team_id
        if team_id is None:
            raise field_error("team_id", "required", "no team to broadcast to")
        require_team_access(me, team_id)
        if db.get(Team, team_id) is None:
            raise not_found("team")
        text = body.text.strip()
        if not 1 <= len(text) <= 1000:
            raise field_error("text", "invalid", "1..1000 characters")
        now = utcnow()
        expires = _aware(body.expires_at)
        if expires <= now or expires > now + timedelta(days=7):
            raise field_error("expires_at", "out_of_range", "must be in the future, within 7 days")
        row = BroadcastRow(team_id=team_id, text=text, sender_id=me.user_id, created_at=now, expires_at=expires)
        db.add(row)
        db.flush()
        message = Broadcast(row.id, team_id, text, me.user_id, me.display_name, now, expires)
        ctx.bus.emit(db, EventType.BROADCAST, message, Audience(team_id=team_id, team_min_role=Role.AGENT))
        db.commit()
        return wire(message, 201)

    @router.get("/broadcasts", response_model=list[Broadcast], responses=_ERRORS)
    def active_broadcasts(me: Me, db: ReadDB) -> JSONResponse:
        now = utcnow()
        query = select(BroadcastRow).where(BroadcastRow.expires_at > now)
        if me.role is not Role.ADMIN:
            query = query.where(BroadcastRow.team_id == me.team_id)
        rows = list(db.scalars(query.order_by(BroadcastRow.id)))
        names = _names(db, {r.sender_id for r in rows})
        return wire(
            [
                Broadcast(r.id, r.team_id, r.text, r.sender_id, names.get(r.sender_id, ""), r.created_at, r.expires_at)
                for r in rows
            ]
        )

    # -- metrics -------------------------------------------------------------------------------------------
    @router.get("/teams/{team_id}/metrics", response_model=TeamMetrics, responses=_ERRORS)
    def metrics(
        team_id: IdPath, me: Me, db: ReadDB, since: datetime | None = None, until: datetime | None = None
    ) -> JSONResponse:
        require_team_access(me, team_id)
        end = _aware(until) if until else utcnow()
        start = _aware(since) if since else end - timedelta(hours=12)
        if start >= end:
            raise field_error("since", "out_of_range", "since must be before until")
        return wire(_team_metrics(db, team_id, start, end))

    # -- health reports --------------------------------------------------------------------------------------
    @router.post("/health/reports", response_model=HealthReport, status_code=201, responses=_ERRORS)
    def submit_health(body: HealthReportSubmit, me: Me, db: DB) -> JSONResponse:
        if len(body.checks) > 100:
            raise field_error("checks", "too_many", "at most 100 checks")
        now = utcnow()
        report = HealthReport(
            agent_id=me.user_id,
            agent_name=me.display_name,
            team_id=me.team_id,
            received_at=now,
            verdict=body.verdict,
            checks=[c for c in body.checks],
            client_version=body.client_version[:32],
            mos=body.mos,
        )
        row = db.get(HealthReportRow, me.user_id)
        if row is None:
            row = HealthReportRow(user_id=me.user_id, received_at=now, verdict=body.verdict.value, report={})
            db.add(row)
        row.received_at, row.verdict, row.report = now, body.verdict.value, to_wire(report)
        ctx.bus.emit(
            db,
            EventType.HEALTH_REPORT,
            report,
            Audience(user_id=me.user_id, team_id=me.team_id, team_min_role=Role.SUPERVISOR),
        )
        db.commit()
        return wire(report, 201)

    @router.get("/teams/{team_id}/health", response_model=list[HealthReport], responses=_ERRORS)
    def team_health(team_id: IdPath, me: Me, db: ReadDB) -> JSONResponse:
        require_team_access(me, team_id)
        rows = db.scalars(
            select(HealthReportRow).join(User, User.id == HealthReportRow.user_id).where(User.team_id == team_id)
        )
        return wire([from_wire(HealthReport, r.report) for r in rows])

    @router.get("/agents/{agent_id}/health", response_model=HealthReport, responses=_ERRORS)
    def agent_health(agent_id: IdPath, me: Me, db: ReadDB) -> JSONResponse:
        _visible_agent(db, me, agent_id)
        row = db.get(HealthReportRow, agent_id)
        if row is None:
            raise not_found("health report")
        return wire(from_wire(HealthReport, row.report))

    return router


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _names(db: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).tuples().all())


def _team_metrics(db: Session, team_id: int, start: datetime, end: datetime) -> TeamMetrics:
    """Three queries whatever the team's size (agents, their state history in the window, their calls)."""
    agents = list(
        db.scalars(select(User).where(User.team_id == team_id, User.role == Role.AGENT.value).order_by(User.id))
    )
    ids = [a.id for a in agents]
    now = utcnow()
    times_by_agent: dict[int, dict[str, float]] = {a.id: {s.value: 0.0 for s in AgentState} for a in agents}
    calls_by_agent: dict[int, list[CallRecord]] = {a.id: [] for a in agents}
    if ids:
        entries = db.scalars(
            select(AgentStateHistory).where(
                AgentStateHistory.user_id.in_(ids),
                AgentStateHistory.started_at < end,
                (AgentStateHistory.ended_at.is_(None)) | (AgentStateHistory.ended_at > start),
            )
        )
        for e in entries:
            s = max(e.started_at, start)
            t = min(e.ended_at or now, end)
            if t > s:
                times = times_by_agent[e.user_id]
                times[e.state] = times.get(e.state, 0.0) + (t - s).total_seconds()
        calls = db.scalars(
            select(CallRecord).where(
                CallRecord.user_id.in_(ids), CallRecord.offered_at >= start, CallRecord.offered_at < end
            )
        )
        for c in calls:
            calls_by_agent[c.user_id].append(c)
    per_agent: list[AgentMetrics] = []
    totals_time: dict[str, float] = {s.value: 0.0 for s in AgentState}
    tot_offered = tot_handled = tot_missed = 0
    tot_handle_s = 0.0
    tot_handle_n = 0
    for agent in agents:
        times = times_by_agent[agent.id]
        agent_calls = calls_by_agent[agent.id]
        offered = len(agent_calls)
        handled = sum(1 for c in agent_calls if c.answered_at is not None)
        missed = sum(1 for c in agent_calls if c.missed)
        handle = [c.handle_seconds for c in agent_calls if c.handle_seconds is not None]
        per_agent.append(
            AgentMetrics(
                agent_id=agent.id,
                display_name=agent.display_name,
                seconds_in_state=times,
                calls_offered=offered,
                calls_handled=handled,
                missed_calls=missed,
                answer_rate=handled / offered if offered else None,
                average_handle_s=sum(handle) / len(handle) if handle else None,
            )
        )
        for k, v in times.items():
            totals_time[k] += v
        tot_offered += offered
        tot_handled += handled
        tot_missed += missed
        tot_handle_s += sum(handle)
        tot_handle_n += len(handle)
    totals = AgentMetrics(
        agent_id=0,
        display_name="team",
        seconds_in_state=totals_time,
        calls_offered=tot_offered,
        calls_handled=tot_handled,
        missed_calls=tot_missed,
        answer_rate=tot_handled / tot_offered if tot_offered else None,
        average_handle_s=tot_handle_s / tot_handle_n if tot_handle_n else None,
    )
    return TeamMetrics(team_id=team_id, since=start, until=end, agents=per_agent, totals=totals)
