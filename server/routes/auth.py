"""``/auth``: login, refresh, logout, and ``/me``."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local Annotated aliases.
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.protocol import (
    ControlType,
    ErrorCode,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    SessionTakenOver,
    TokenPair,
    UserInfo,
    WsCloseCode,
    client_version_supported,
)
from server.auth import Principal, user_info
from server.context import HubContext
from server.db import User, utcnow
from server.errors import ApiError, field_error, not_found
from server.push import control_frame
from server.routes.deps import db_dependency, principal_dependency, wire


def build_router(ctx: HubContext) -> APIRouter:
    router = APIRouter(tags=["auth"])
    get_db = db_dependency(ctx)
    current = principal_dependency(ctx)
    DB = Annotated[Session, Depends(get_db)]  # noqa: N806 - a type alias for FastAPI dependencies
    Me = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias for FastAPI dependencies

    @router.post("/auth/login", response_model=TokenPair, responses={401: {}, 423: {}, 426: {}, 422: {}})
    def login(body: LoginRequest, db: DB) -> JSONResponse:
        if not body.username or len(body.username) > 64:
            raise field_error("username", "invalid", "user name must be 1..64 characters")
        if not body.password or len(body.password) > 256:
            raise field_error("password", "invalid", "password must be 1..256 characters")
        if not client_version_supported(body.client_version, ctx.config.min_client_version):
            raise ApiError(
                426,
                ErrorCode.CLIENT_TOO_OLD,
                "this client version is no longer supported; please upgrade",
                details={"min_client_version": ctx.config.min_client_version, "update_url": ctx.config.update_url},
            )
        outcome = ctx.auth.login(db, body.username, body.password, body.client_kind, body.device, body.client_version)
        if outcome.replaced_sessions:
            user = db.get(User, outcome.user_id)
            assert user is not None
            ctx.states.sign_out_for_takeover(db, user)
            frame = control_frame(
                ControlType.SESSION_TAKEN_OVER, SessionTakenOver(new_session_device=body.device[:200], at=utcnow())
            )
            for sid in outcome.replaced_sessions:
                ctx.bus.end_session(db, sid, frame, WsCloseCode.SESSION_TAKEN_OVER)
        db.commit()
        return wire(outcome.tokens)

    @router.post("/auth/refresh", response_model=TokenPair, responses={401: {}, 422: {}})
    def refresh(body: RefreshRequest, db: DB) -> JSONResponse:
        tokens = ctx.auth.refresh(db, body.refresh_token)
        db.commit()
        return wire(tokens)

    @router.post("/auth/logout", status_code=204, responses={401: {}})
    def logout(me: Me, db: DB, body: LogoutRequest | None = None) -> Response:
        del body  # the session (and all its refresh tokens) ends, whichever token was given
        ctx.auth.logout(db, me.session_id)
        ctx.bus.end_session(db, me.session_id, "", WsCloseCode.SESSION_REVOKED)
        db.commit()
        return Response(status_code=204)

    @router.get("/me", response_model=UserInfo, responses={401: {}})
    def me_info(me: Me, db: DB) -> JSONResponse:
        user = db.get(User, me.user_id)
        if user is None:
            raise not_found("user")
        return wire(user_info(db, user))

    return router
