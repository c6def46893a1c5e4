"""Shared route dependencies: the database session, the authenticated caller, JSON responses."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local dependency annotations.

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.protocol import CLIENT_VERSION_HEADER, ErrorCode, Role, client_version_supported, to_wire
from server.auth import Principal
from server.context import HubContext
from server.errors import ApiError, forbidden, unauthenticated

#: Ids are 32-bit integers in the database (PostgreSQL ``integer``); larger ones cannot exist.
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

bearer = HTTPBearer(auto_error=False, description="Access token from /auth/login or /auth/refresh")


def wire(obj: object, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(to_wire(obj), status_code=status, headers=headers)


def db_dependency(ctx: HubContext) -> Callable[[], Iterator[Session]]:
    def get_db() -> Iterator[Session]:
        with ctx.sessions() as db:
            yield db

    return get_db


def read_db_dependency(ctx: HubContext) -> Callable[[], Iterator[Session]]:
    """A session for handlers that only read (SQLite: never waits for writers)."""

    def get_read_db() -> Iterator[Session]:
        with ctx.read_sessions() as db:
            yield db

    return get_read_db


def principal_dependency(ctx: HubContext) -> Callable[..., Principal]:
    def current(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        if creds is None or creds.scheme.lower() != "bearer":
            raise unauthenticated()
        version = request.headers.get(CLIENT_VERSION_HEADER)
        if version is not None and not client_version_supported(version, ctx.config.min_client_version):
            raise ApiError(
                426,
                ErrorCode.CLIENT_TOO_OLD,
                "this client version is no longer supported; please upgrade",
                details={"min_client_version": ctx.config.min_client_version, "update_url": ctx.config.update_url},
            )
        with ctx.read_sessions() as db:
            return ctx.auth.authenticate(db, creds.credentials)

    return current


def require_supervisor(me: Principal) -> None:
    if me.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise forbidden("supervisors only")


def require_admin(me: Principal) -> None:
    if me.role is not Role.ADMIN:
        raise forbidden("administrators only")


def require_team_access(me: Principal, team_id: int) -> None:
    """Supervisors: own team only; admins: any."""
    require_supervisor(me)
    if me.role is not Role.ADMIN and me.team_id != team_id:
        raise forbidden("not your team")


Json = dict[str, Any]
