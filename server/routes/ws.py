"""The WebSocket push endpoint (``protocol.WS_PATH``).

Handshake: the client connects (``Authorization: Bearer`` on the upgrade, or the token in ``hello``), sends ``hello``
within ``HELLO_TIMEOUT_S``; the hub answers ``welcome`` and then either the events after ``hello.last_seq`` that the
user may see (replay) or ``resync_required``; live events follow, in sequence order, without duplicates. ``ping`` is
answered with ``pong`` and counts as a heartbeat. Malformed client frames are answered with an ``error`` frame and
ignored (the connection stays up), except a bad ``hello``, which closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from app.protocol import (
    WS_PATH,
    ControlType,
    ErrorBody,
    ErrorCode,
    Hello,
    Ping,
    Pong,
    ProtocolError,
    ProtocolErrorKind,
    ResyncRequired,
    Welcome,
    WsCloseCode,
    client_version_supported,
    envelope_payload,
    parse_envelope,
)
from server.auth import Principal, user_info
from server.context import HubContext
from server.db import User, utcnow
from server.errors import ApiError
from server.push import Connection, LiveGate, WireEvent, control_frame, visible

log = logging.getLogger(__name__)
HELLO_TIMEOUT_S = 10.0
MAX_FRAME_BYTES = 65536


def build_router(ctx: HubContext) -> APIRouter:
    router = APIRouter()

    def _authenticate(token: str) -> tuple[Principal, Welcome | None]:
        with ctx.read_sessions() as db:
            principal = ctx.auth.authenticate(db, token)
            user = db.get(User, principal.user_id)
            assert user is not None
            info = user_info(db, user)
            db.rollback()
        welcome = Welcome(
            session_id=principal.session_id,
            user=info,
            head_seq=0,
            replay_from=None,
            replay_window_s=ctx.config.replay_window_s,
            heartbeat_interval_s=ctx.config.heartbeat_interval_s,
            min_client_version=ctx.config.min_client_version,
            hub_instance=ctx.instance_id,
        )
        return principal, welcome

    def _replay_plan(principal: Principal, last_seq: int | None) -> tuple[int, list[WireEvent] | None, str]:
        """(head, events to replay or None for resync, resync reason)."""
        with ctx.read_sessions() as db:
            head = ctx.bus.head_seq(db)
            if last_seq is None:
                return head, [], ""
            if last_seq > head:
                return head, None, "unknown_seq"
            oldest = ctx.bus.oldest_seq(db)
            if oldest is not None and last_seq + 1 < oldest:
                return head, None, "too_old"
            events = ctx.bus.replay(db, last_seq)
            if len(events) >= 5000:
                return head, None, "too_old"
            db.rollback()
        mine = [e for e in events if visible(e.audience, principal.user_id, principal.role, principal.team_id)]
        return head, mine, ""

    async def _send_error(ws: WebSocket, code: ErrorCode, message: str, close: int | None) -> None:
        with contextlib.suppress(Exception):
            await ws.send_text(control_frame(ControlType.ERROR, ErrorBody(code, message)))
            if close is not None:
                await ws.close(close)

    @router.websocket(WS_PATH)
    async def push(ws: WebSocket) -> None:
        await ws.accept()
        header = ws.headers.get("authorization", "")
        try:
            raw = await asyncio.wait_for(ws.receive_text(), HELLO_TIMEOUT_S)
            env = parse_envelope(raw)
            if env.type != ControlType.HELLO.value:
                raise ProtocolError(ProtocolErrorKind.UNKNOWN_MESSAGE, "type", "expected hello")
            hello = envelope_payload(env)
            assert isinstance(hello, Hello)
        except (TimeoutError, WebSocketDisconnect):
            with contextlib.suppress(Exception):
                await ws.close(WsCloseCode.BAD_HELLO)
            return
        except (ProtocolError, KeyError, AssertionError):
            await _send_error(ws, ErrorCode.MALFORMED, "the first frame must be a valid hello", WsCloseCode.BAD_HELLO)
            return
        if not client_version_supported(hello.client_version, ctx.config.min_client_version):
            await _send_error(ws, ErrorCode.CLIENT_TOO_OLD, "please upgrade", WsCloseCode.CLIENT_TOO_OLD)
            return
        token = hello.access_token or (header[7:] if header.lower().startswith("bearer ") else "")
        try:
            principal, welcome = await run_in_threadpool(_authenticate, token)
        except ApiError as exc:
            await _send_error(ws, exc.code, exc.message, WsCloseCode.UNAUTHENTICATED)
            return
        assert welcome is not None
        conn = Connection(principal.user_id, principal.role, principal.team_id, principal.session_id)
        ctx.bus.hub.add(conn)  # live events queue up from now on; replayed ones are de-duplicated by seq
        try:
            head, replay, reason = await run_in_threadpool(_replay_plan, principal, hello.last_seq)
            first = replay[0].seq if replay else None
            welcome = dataclasses.replace(welcome, head_seq=head, replay_from=first)
            await ws.send_text(control_frame(ControlType.WELCOME, welcome))
            # live events at or below the floor were covered by the replay read (or predate a fresh connection)
            floor = head
            if replay is None:
                await ws.send_text(control_frame(ControlType.RESYNC_REQUIRED, ResyncRequired(head, reason)))
            else:
                for ev in replay:
                    await ws.send_text(ev.frame())
                    floor = max(floor, ev.seq)
            ctx.seen[principal.user_id] = utcnow()
            reader = asyncio.create_task(_reader(ws, conn, principal))
            writer = asyncio.create_task(_writer(ws, conn, LiveGate(floor)))
            closer = asyncio.create_task(conn.closed.wait())
            _done, pending = await asyncio.wait({reader, writer, closer}, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if conn.close_code is not None:
                # drain what was queued before the close request (e.g. session_taken_over)
                while not conn.queue.empty():
                    _seq, frame = conn.queue.get_nowait()
                    if frame:
                        with contextlib.suppress(Exception):
                            await ws.send_text(frame)
                with contextlib.suppress(Exception):
                    await ws.close(conn.close_code)
        except WebSocketDisconnect:
            pass
        finally:
            ctx.bus.hub.remove(conn)

    async def _reader(ws: WebSocket, conn: Connection, principal: Principal) -> None:
        while True:
            try:
                raw = await ws.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                conn.closed.set()
                return
            except KeyError:  # a binary frame
                conn.offer(None, control_frame(ControlType.ERROR, ErrorBody(ErrorCode.MALFORMED, "text frames only")))
                continue
            if len(raw) > MAX_FRAME_BYTES:
                conn.offer(None, control_frame(ControlType.ERROR, ErrorBody(ErrorCode.BODY_TOO_LARGE, "frame too big")))
                continue
            try:
                env = parse_envelope(raw)
                payload = envelope_payload(env)
            except ProtocolError as exc:
                conn.offer(None, control_frame(ControlType.ERROR, ErrorBody(ErrorCode.MALFORMED, str(exc)[:200])))
                continue
            if isinstance(payload, Ping):
                ctx.seen[principal.user_id] = utcnow()
                conn.offer(None, control_frame(ControlType.PONG, Pong(utcnow(), payload.client_time)))

    async def _writer(ws: WebSocket, conn: Connection, gate: LiveGate) -> None:
        while True:
            seq, frame = await conn.queue.get()
            if seq is not None and not gate.admit(seq):
                continue  # covered by the replay, or sent already
            if frame:
                await ws.send_text(frame)

    return router
