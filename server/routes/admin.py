"""``/admin``: user accounts and teams (administrators only; everyone else gets 403). See ``server.admin``."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local Annotated aliases.
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.protocol import (
    AdminAuditEntry,
    AdminUser,
    AdminUserPage,
    PasswordSet,
    Role,
    TeamCreate,
    TeamInfo,
    TeamUpdate,
    UserCreate,
    UserUpdate,
)
from server.admin import MAX_PAGE, Actor, AdminService
from server.auth import Principal
from server.context import HubContext
from server.routes.deps import MAX_ID, IdPath, db_dependency, principal_dependency, require_admin, wire

_ERRORS: dict[int | str, dict[str, str]] = {401: {}, 403: {}, 404: {}, 422: {}}


def build_router(ctx: HubContext) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])
    service = AdminService(ctx.bus, ctx.states, ctx.config.offline_grace_s)
    get_db = db_dependency(ctx)
    current = principal_dependency(ctx)
    short_timers = ctx.config.allow_short_timers

    def admin(me: Annotated[Principal, Depends(current)]) -> Principal:
        require_admin(me)
        return me

    DB = Annotated[Session, Depends(get_db)]  # noqa: N806 - a type alias for FastAPI dependencies
    Admin = Annotated[Principal, Depends(admin)]  # noqa: N806 - a type alias for FastAPI dependencies

    def actor(me: Principal) -> Actor:
        return Actor(me.user_id, me.session_id)

    # -- users ----------------------------------------------------------------------------------------------
    @router.get("/users", response_model=AdminUserPage, responses=_ERRORS)
    def list_users(
        me: Admin,
        db: DB,
        team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
        role: Role | None = None,
        active: bool | None = None,
        q: Annotated[str | None, Query(max_length=100)] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    ) -> JSONResponse:
        """Users, by user name; filter by team, role, active, or text in the user or display name."""
        del me
        return wire(service.list_users(db, team_id=team_id, role=role, active=active, q=q, offset=offset, limit=limit))

    @router.post("/users", response_model=AdminUser, status_code=201, responses=_ERRORS)
    def create_user(body: UserCreate, me: Admin, db: DB) -> JSONResponse:
        user = service.create_user(db, actor(me), body)
        db.commit()
        return wire(user, 201)

    @router.get("/users/{user_id}", response_model=AdminUser, responses=_ERRORS)
    def get_user(user_id: IdPath, me: Admin, db: DB) -> JSONResponse:
        del me
        return wire(service.get_user(db, user_id))

    @router.patch("/users/{user_id}", response_model=AdminUser, responses=_ERRORS)
    def update_user(user_id: IdPath, body: UserUpdate, me: Admin, db: DB) -> JSONResponse:
        """Change display name, role, team, locale; ``active: false`` disables (sessions end, agent signed out)."""
        user = service.update_user(db, actor(me), user_id, body)
        db.commit()
        return wire(user)

    @router.post("/users/{user_id}/password", status_code=204, responses=_ERRORS)
    def set_password(user_id: IdPath, body: PasswordSet, me: Admin, db: DB) -> Response:
        """Set a new password (the hub's policy applies); the user's sessions end and any lockout is cleared."""
        service.set_password(db, actor(me), user_id, body)
        db.commit()
        return Response(status_code=204)

    # -- teams ----------------------------------------------------------------------------------------------
    @router.get("/teams", response_model=list[TeamInfo], responses=_ERRORS)
    def list_teams(me: Admin, db: DB) -> JSONResponse:
        del me
        return wire(service.list_teams(db))

    @router.post("/teams", response_model=TeamInfo, status_code=201, responses=_ERRORS)
    def create_team(body: TeamCreate, me: Admin, db: DB) -> JSONResponse:
        team = service.create_team(db, actor(me), body, allow_short_timers=short_timers)
        db.commit()
        return wire(team, 201)

    @router.get("/teams/{team_id}", response_model=TeamInfo, responses=_ERRORS)
    def get_team(team_id: IdPath, me: Admin, db: DB) -> JSONResponse:
        del me
        return wire(service.get_team(db, team_id))

    @router.patch("/teams/{team_id}", response_model=TeamInfo, responses=_ERRORS)
    def update_team(team_id: IdPath, body: TeamUpdate, me: Admin, db: DB) -> JSONResponse:
        """Rename and/or replace the policy; the team's members get ``policy.updated``."""
        team = service.update_team(db, actor(me), team_id, body, allow_short_timers=short_timers)
        db.commit()
        return wire(team)

    # -- audit ----------------------------------------------------------------------------------------------
    @router.get("/audit", response_model=list[AdminAuditEntry], responses=_ERRORS)
    def audit(
        me: Admin,
        db: DB,
        target_type: Annotated[str | None, Query(pattern="^(user|team)$")] = None,
        target_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
        before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    ) -> JSONResponse:
        """Administrative changes, newest first; page with ``before`` = the last ``id`` seen."""
        del me
        return wire(service.audit(db, target_type=target_type, target_id=target_id, before=before, limit=limit))

    return router
