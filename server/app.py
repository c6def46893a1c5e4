"""The FastAPI application: middleware (body limit, request id), error mapping to ``ErrorBody``, routers, and the
background loop (presence flush, offline sweep, event pruning)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.protocol import API_PREFIX, PROTOCOL_VERSION, ErrorCode, FieldError
from app.version import __version__
from server.config import HubConfig
from server.context import HubContext, build_context
from server.db import is_sqlite, utcnow
from server.errors import ApiError
from server.ticket_sync import warm

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclasses.dataclass(frozen=True)
class HubStatus:
    version: str
    protocol_version: int
    min_client_version: str
    instance: str
    database: str
    connections: int
    update_url: str = ""  # the site's download page for clients older than min_client_version


class BodyLimitMiddleware:
    """Refuse request bodies above ``limit`` bytes with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._reject(send)
                    return
        if any(name == b"content-length" for name, _ in scope.get("headers", [])):
            # the server never delivers more than Content-Length bytes
            await self.app(scope, receive, send)
            return
        # Chunked (or unannounced) body: read it whole, within the limit, before the application sees it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._reject(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([replayed], receive), send)

    async def _reject(self, send: Send) -> None:
        body = ApiError(413, ErrorCode.BODY_TOO_LARGE, f"request body larger than {self.limit} bytes").body()
        response = JSONResponse(body, status_code=413)
        await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})


class RequestIdMiddleware:
    """``request.state.request_id`` from the caller's ``X-Request-Id`` (or a new one), echoed on the response.

    Plain ASGI: Starlette's ``BaseHTTPMiddleware`` runs every request through an extra task and memory streams.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                given = value.decode("latin-1")[:64]
                break
        request_id = given or uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, receive, send_with_id)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            exc.body(request.state.request_id if hasattr(request.state, "request_id") else None),
            status_code=exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields: list[FieldError] = []
        malformed = False
        for err in exc.errors()[:50]:
            kind = str(err.get("type", "invalid"))
            loc = tuple(err.get("loc", ()))
            if kind == "json_invalid" or (kind in ("model_attributes_type", "dataclass_type") and len(loc) <= 1):
                malformed = True
                loc = ("body",)
            fields.append(FieldError(_loc_to_field(loc), kind, str(err.get("msg", ""))[:200]))
        if malformed:
            error = ApiError(
                400, ErrorCode.MALFORMED, "the request body is not valid JSON of the expected shape", fields=fields
            )
        else:
            error = ApiError(422, ErrorCode.VALIDATION, "invalid input", fields=fields)
        return JSONResponse(error.body(getattr(request.state, "request_id", None)), status_code=error.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: ErrorCode.NOT_FOUND,
            405: ErrorCode.METHOD_NOT_ALLOWED,
            401: ErrorCode.UNAUTHENTICATED,
            403: ErrorCode.FORBIDDEN,
            413: ErrorCode.BODY_TOO_LARGE,
            415: ErrorCode.UNSUPPORTED_MEDIA,
        }.get(exc.status_code, ErrorCode.MALFORMED if exc.status_code < 500 else ErrorCode.INTERNAL)
        error = ApiError(exc.status_code, code, str(exc.detail)[:200])
        return JSONResponse(
            error.body(getattr(request.state, "request_id", None)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
        # A number in the body too large for its column: the database refuses it; that is the client's error.
        del exc
        error = ApiError(
            422,
            ErrorCode.VALIDATION,
            "a value is out of range",
            fields=[FieldError("body", "out_of_range", "a number is too large")],
        )
        return JSONResponse(error.body(getattr(request.state, "request_id", None)), status_code=422)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        rid = getattr(request.state, "request_id", None)
        log.error("internal error on %s %s (request %s)", request.method, request.url.path, rid, exc_info=exc)
        error = ApiError(500, ErrorCode.INTERNAL, "internal error; the hub log has details")
        return JSONResponse(error.body(rid), status_code=500)


async def _background(ctx: HubContext) -> None:
    """Presence flush, offline sweep and event pruning, every ``sweep_interval_s``."""
    last_prune = 0.0
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(ctx.config.sweep_interval_s)
        seen, ctx.seen = ctx.seen, {}
        try:
            await run_in_threadpool(_sweep_once, ctx, seen)
            if loop.time() - last_prune > 60:
                last_prune = loop.time()
                await run_in_threadpool(_prune_once, ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            # keep the heartbeats of the failed batch (newer ones win) so nobody is wrongly left offline
            for user_id, at in seen.items():
                if user_id not in ctx.seen or ctx.seen[user_id] < at:
                    ctx.seen[user_id] = at
            log.exception("background sweep failed; retrying")


def _sweep_once(ctx: HubContext, seen: dict[int, Any]) -> None:
    """Flush the heartbeats, then sweep. On SQLite each write transaction holds the one write lock that every REST
    change waits for, so the flush is one short transaction and the sweep first looks (read-only) whether it has
    anything to change at all."""
    if seen:
        with ctx.sessions() as db:
            ctx.states.seen(db, seen)
            db.commit()
    now = utcnow()
    with ctx.read_sessions() as db:
        due = ctx.states.sweep_due(db, now)
        db.rollback()
    if due:
        with ctx.sessions() as db:
            ctx.states.sweep(db, now, due)
            db.commit()


def _prune_once(ctx: HubContext) -> None:
    with ctx.sessions() as db:
        ctx.bus.prune(db, ctx.config.replay_window_s)
        db.commit()


async def _warm_ticket_json(ctx: HubContext, stop: threading.Event) -> None:
    """Prepare the tickets' wire JSON for full syncs in the background (``server.ticket_sync.warm``): after a restart
    the first agents' syncs need not build it. Best effort: a failure only leaves the cache to fill on demand."""
    started = time.monotonic()
    try:
        stored = await asyncio.to_thread(warm, ctx.wire_cache, ctx.read_sessions, stop)
    except Exception as exc:
        log.info("ticket JSON not prepared at start-up (%s): built on demand", type(exc).__name__)
        return
    log.info("ticket JSON prepared for %d ticket(s) in %.1f s", stored, time.monotonic() - started)


def create_app(config: HubConfig, ctx: HubContext | None = None) -> FastAPI:
    from server.routes import admin, agents, auth, health_check, kb, tickets, ws
    from server.routes import ticket_sync as ticket_sync_routes

    ctx = ctx or build_context(config)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.bus.start(asyncio.get_running_loop())
        task = asyncio.create_task(_background(ctx), name="hub-background")
        stop_warming = threading.Event()
        warming = asyncio.create_task(_warm_ticket_json(ctx, stop_warming), name="hub-ticket-json")
        log.info("hub %s ready (instance %s)", __version__, ctx.instance_id)
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            stop_warming.set()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await warming
            ctx.bus.stop()
            ctx.engine.dispose()

    app = FastAPI(
        title="AgentDesk hub",
        version=__version__,
        description="Accounts, teams, agent states, tickets, knowledge base and live push for AgentDesk clients.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx

    _install_error_handlers(app)

    @app.get(f"{API_PREFIX}/status", response_model=HubStatus, tags=["hub"])
    def status() -> HubStatus:
        """Liveness and versions; no sign-in needed."""
        return HubStatus(
            version=__version__,
            protocol_version=PROTOCOL_VERSION,
            min_client_version=config.min_client_version,
            instance=ctx.instance_id,
            database="sqlite" if is_sqlite(config.database_url) else "postgresql",
            connections=len(ctx.bus.hub),
            update_url=config.update_url,
        )

    for module in (auth, agents, tickets, kb, health_check):
        app.include_router(module.build_router(ctx), prefix=API_PREFIX)
    app.include_router(admin.build_router(ctx), prefix=API_PREFIX)
    app.include_router(ticket_sync_routes.build_router(ctx), prefix=API_PREFIX)
    app.include_router(ws.build_router(ctx))
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit=config.max_body_bytes)
    return app
