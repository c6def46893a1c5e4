"""Live push: the sequenced event log, the in-process connection registry and the cross-process fan-out.

Threads: request handlers run in worker threads and call ``EventBus.emit`` inside their database transaction; the
events are delivered after the commit (``after_commit`` hook) by posting to the asyncio loop that owns the WebSocket
connections (``ConnectionHub``, loop thread only). On PostgreSQL each event is also sent with ``pg_notify`` in the same
transaction (so it is delivered on commit, never for a rolled-back change) and a listener thread in every hub process
forwards other processes' events to its own connections. Commit order equals sequence order: SQLite serialises writers
(``BEGIN IMMEDIATE``) and PostgreSQL takes a transaction advisory lock before inserting an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.protocol import ControlType, EventType, Role, WsCloseCode, make_envelope, to_wire
from server.db import Event, is_sqlite, utcnow

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "agentdesk_events"
_NOTIFY_LIMIT = 7000  # PostgreSQL's payload limit is 8000 bytes; bigger events are fetched by seq
_PG_EVENT_LOCK = 0x41474E54  # advisory lock key ("AGNT") serialising event inserts


@dataclasses.dataclass(frozen=True, slots=True)
class Audience:
    user_id: int | None = None
    team_id: int | None = None
    team_min_role: Role | None = None  # AGENT: whole team; SUPERVISOR: team supervisors only
    everyone: bool = False


def visible(audience: Audience, user_id: int, role: Role, team_id: int | None) -> bool:
    if role is Role.ADMIN or audience.everyone or audience.user_id == user_id:
        return True
    if audience.team_id is None or audience.team_id != team_id or audience.team_min_role is None:
        return False
    return audience.team_min_role is Role.AGENT or role is Role.SUPERVISOR


@dataclasses.dataclass(frozen=True, slots=True)
class WireEvent:
    seq: int
    type: str
    payload: dict[str, Any]
    created_at: datetime
    audience: Audience

    def frame(self) -> str:
        return make_envelope(EventType(self.type), self.payload, seq=self.seq, ts=self.created_at)

    @staticmethod
    def from_row(row: Event) -> WireEvent:
        return WireEvent(
            seq=row.seq,
            type=row.type,
            payload=row.payload,
            created_at=row.created_at,
            audience=Audience(
                row.user_id, row.team_id, Role(row.team_min_role) if row.team_min_role else None, row.everyone
            ),
        )


class Connection:
    """One WebSocket client, as the registry sees it. ``queue`` holds serialised frames for its sender task."""

    MAX_QUEUE = 2000

    def __init__(self, user_id: int, role: Role, team_id: int | None, session_id: str) -> None:
        self.user_id = user_id
        self.role = role
        self.team_id = team_id
        self.session_id = session_id
        self.queue: asyncio.Queue[tuple[int | None, str]] = asyncio.Queue(self.MAX_QUEUE)
        self.close_code: int | None = None  # set when the hub wants this connection closed
        self.closed = asyncio.Event()

    def offer(self, seq: int | None, frame: str) -> None:
        try:
            self.queue.put_nowait((seq, frame))
        except asyncio.QueueFull:
            # A consumer this far behind reconnects and resumes from its last seq (or resyncs).
            log.warning("closing slow WebSocket consumer (user %s)", self.user_id)
            self.request_close(1013)

    def request_close(self, code: int) -> None:
        if self.close_code is None:
            self.close_code = code
        self.closed.set()


class ConnectionHub:
    """The connections of this process, indexed for cheap fan-out. Loop thread only."""

    def __init__(self) -> None:
        self._by_user: dict[int, set[Connection]] = {}
        self._by_team: dict[int, set[Connection]] = {}
        self._supervisors_by_team: dict[int, set[Connection]] = {}
        self._admins: set[Connection] = set()
        self._all: set[Connection] = set()
        self._by_session: dict[str, set[Connection]] = {}
        self.delivered = 0

    def __len__(self) -> int:
        return len(self._all)

    def add(self, conn: Connection) -> None:
        self._all.add(conn)
        self._by_user.setdefault(conn.user_id, set()).add(conn)
        self._by_session.setdefault(conn.session_id, set()).add(conn)
        if conn.role is Role.ADMIN:
            self._admins.add(conn)
        if conn.team_id is not None:
            self._by_team.setdefault(conn.team_id, set()).add(conn)
            if conn.role is Role.SUPERVISOR:
                self._supervisors_by_team.setdefault(conn.team_id, set()).add(conn)

    def remove(self, conn: Connection) -> None:
        self._all.discard(conn)
        self._admins.discard(conn)
        _discard(self._by_user, conn.user_id, conn)
        _discard(self._by_session, conn.session_id, conn)
        if conn.team_id is not None:
            _discard(self._by_team, conn.team_id, conn)
            _discard(self._supervisors_by_team, conn.team_id, conn)

    def online_users(self) -> set[int]:
        return set(self._by_user)

    def deliver(self, ev: WireEvent) -> None:
        aud = ev.audience
        if aud.everyone:
            targets: set[Connection] = set(self._all)
        else:
            targets = set(self._admins)
            if aud.user_id is not None:
                targets |= self._by_user.get(aud.user_id, set())
            if aud.team_id is not None and aud.team_min_role is not None:
                index = self._by_team if aud.team_min_role is Role.AGENT else self._supervisors_by_team
                targets |= index.get(aud.team_id, set())
        if not targets:
            return
        frame = ev.frame()
        for conn in targets:
            conn.offer(ev.seq, frame)
        self.delivered += len(targets)

    def end_session(self, session_id: str, frame: str, code: int) -> None:
        for conn in list(self._by_session.get(session_id, ())):
            conn.offer(None, frame)
            conn.request_close(code)

    def close_all(self, code: int = WsCloseCode.SERVER_SHUTDOWN) -> None:
        for conn in list(self._all):
            conn.request_close(code)


def _discard(index: dict[Any, set[Connection]], key: object, conn: Connection) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(conn)
        if not members:
            del index[key]


class EventBus:
    """Writes events into the caller's transaction and delivers them once it commits."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session], instance_id: str) -> None:
        self.engine = engine
        self.sessions = sessions
        self.instance_id = instance_id
        self.hub = ConnectionHub()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.postgres = not is_sqlite(str(engine.url))
        self._listener: _PgListener | None = None
        event.listen(sessions, "after_commit", self._after_commit)
        event.listen(sessions, "after_soft_rollback", self._after_rollback)

    # -- emitting (worker threads, inside a transaction) ---------------------------------------------
    def emit(self, db: Session, kind: EventType, payload: object, audience: Audience) -> Event:
        if self.postgres:
            db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_EVENT_LOCK})
        row = Event(
            type=kind.value,
            payload=to_wire(payload),
            created_at=utcnow(),
            user_id=audience.user_id,
            team_id=audience.team_id,
            team_min_role=audience.team_min_role.value if audience.team_min_role else None,
            everyone=audience.everyone,
        )
        db.add(row)
        db.flush()
        wire = WireEvent.from_row(row)
        if self.postgres:
            self._notify(db, {"k": "event", "ev": _event_json(wire)}, wire.seq)
        db.info.setdefault("agentdesk_events", []).append(wire)
        return row

    def end_session(self, db: Session, session_id: str, frame: str, code: int) -> None:
        """Tell a session's WebSocket(s) why it ended and close them (after commit, in every hub process)."""
        if self.postgres:
            self._notify(db, {"k": "end", "sid": session_id, "frame": frame, "code": code}, None)
        db.info.setdefault("agentdesk_controls", []).append((session_id, frame, code))

    def _notify(self, db: Session, message: dict[str, Any], seq: int | None) -> None:
        message["o"] = self.instance_id
        payload = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        if len(payload.encode()) > _NOTIFY_LIMIT:
            payload = json.dumps({"o": self.instance_id, "k": "ref", "seq": seq})
        db.execute(text("SELECT pg_notify(:c, :p)"), {"c": NOTIFY_CHANNEL, "p": payload})

    def _after_commit(self, db: Session) -> None:
        events: list[WireEvent] = db.info.pop("agentdesk_events", [])
        controls: list[tuple[str, str, int]] = db.info.pop("agentdesk_controls", [])
        for ev in events:
            self._post(self.hub.deliver, ev)
        for sid, frame, code in controls:
            self._post(self.hub.end_session, sid, frame, code)

    def _after_rollback(self, db: Session, _previous: Any) -> None:
        db.info.pop("agentdesk_events", None)
        db.info.pop("agentdesk_controls", None)

    def _post(self, fn: Callable[..., None], *args: Any) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn(*args)
        else:
            with contextlib.suppress(RuntimeError):  # loop shutting down
                loop.call_soon_threadsafe(fn, *args)

    # -- replay ---------------------------------------------------------------------------------------
    def head_seq(self, db: Session) -> int:
        return int(db.scalar(select(func.max(Event.seq))) or 0)

    def oldest_seq(self, db: Session) -> int | None:
        value = db.scalar(select(func.min(Event.seq)))
        return int(value) if value is not None else None

    def replay(self, db: Session, after: int, limit: int = 5000) -> list[WireEvent]:
        rows = db.scalars(select(Event).where(Event.seq > after).order_by(Event.seq).limit(limit))
        return [WireEvent.from_row(r) for r in rows]

    def prune(self, db: Session, window_s: float) -> int:
        """Drop events older than the replay window, always keeping the newest (so sequences never restart)."""
        cutoff = utcnow() - timedelta(seconds=window_s)
        head = self.head_seq(db)
        result = db.execute(delete(Event).where(Event.created_at < cutoff, Event.seq < head))
        return int(getattr(result, "rowcount", 0) or 0)

    # -- cross-process ---------------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        if self.postgres:
            self._listener = _PgListener(self)
            self._listener.start()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        self.hub.close_all()

    def on_notification(self, payload: str) -> None:
        """A message from some hub process (listener thread)."""
        try:
            message = json.loads(payload)
        except ValueError:
            log.warning("ignoring a malformed notification")
            return
        if not isinstance(message, dict) or message.get("o") == self.instance_id:
            return
        kind = message.get("k")
        try:
            if kind == "event":
                self._post(self.hub.deliver, _event_from_json(message["ev"]))
            elif kind == "ref":
                with self.sessions() as db:
                    row = db.get(Event, int(message["seq"]))
                    if row is not None:
                        self._post(self.hub.deliver, WireEvent.from_row(row))
            elif kind == "end":
                self._post(self.hub.end_session, str(message["sid"]), str(message["frame"]), int(message["code"]))
        except (KeyError, TypeError, ValueError):
            log.warning("ignoring a malformed notification of kind %r", kind)


def _event_json(ev: WireEvent) -> dict[str, Any]:
    return {
        "seq": ev.seq,
        "type": ev.type,
        "payload": ev.payload,
        "at": ev.created_at.isoformat(),
        "aud": [
            ev.audience.user_id,
            ev.audience.team_id,
            ev.audience.team_min_role.value if ev.audience.team_min_role else None,
            ev.audience.everyone,
        ],
    }


def _event_from_json(data: dict[str, Any]) -> WireEvent:
    user_id, team_id, min_role, everyone = data["aud"]
    return WireEvent(
        seq=int(data["seq"]),
        type=str(data["type"]),
        payload=dict(data["payload"]),
        created_at=datetime.fromisoformat(data["at"]),
        audience=Audience(user_id, team_id, Role(min_role) if min_role else None, bool(everyone)),
    )


class _PgListener:
    """LISTEN on the events channel in a dedicated thread with its own connection; reconnects on failure."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)

    def _run(self) -> None:
        import psycopg

        url = self.bus.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    log.info("listening for events from other hub processes")
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self.bus.on_notification(note.payload)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    return
                log.warning("event listener lost its connection (%s); reconnecting", type(exc).__name__)
                time.sleep(1.0)


def control_frame(kind: ControlType, payload: object) -> str:
    return make_envelope(kind, payload)
