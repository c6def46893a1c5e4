"""Live push: the sequenced event log, the in-process connection registry and the cross-process fan-out.

Threads: request handlers run in worker threads and call ``EventBus.emit`` inside their database transaction; the
events are delivered after the commit (``after_commit`` hook) by posting to the asyncio loop that owns the WebSocket
connections (``ConnectionHub``, loop thread only). On PostgreSQL each event is also sent with ``pg_notify`` in the same
transaction (so it is delivered on commit, never for a rolled-back change) and a listener thread in every hub process
forwards other processes' events to its own connections. Commit order equals sequence order: SQLite serialises writers
(``BEGIN IMMEDIATE``) and PostgreSQL takes a transaction advisory lock before inserting an event.

Commit order is not arrival order, though: two request threads (or a request thread and the listener) can post their
events to the loop in the other order. The ``Sequencer`` puts them back in order before any connection sees them, and
closes gaps from the events table (a dropped listener connection, a late notification), so every process delivers
every event once, in sequence order. Each event is serialised once, in the thread that produced it, never per
connection.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import json
import logging
import random
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
    #: The serialised frame, made once where the event is built (a request or listener thread, not the loop).
    text: str = dataclasses.field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.text:
            frame = make_envelope(EventType(self.type), self.payload, seq=self.seq, ts=self.created_at)
            object.__setattr__(self, "text", frame)

    def frame(self) -> str:
        return self.text

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


class LiveGate:
    """Per connection: which live events to send after the replay.

    Everything at or below ``floor`` was covered by the replay's database read (or predates a fresh connection, which
    starts at the head). Above it, each seq is sent once. The sequencer already delivers in order; the gate still
    remembers a window of sent seqs rather than only the highest, so an event that did arrive late is sent, not
    dropped as "already seen".
    """

    WINDOW = 4096

    def __init__(self, floor: int) -> None:
        self.floor = floor
        self._sent: set[int] = set()
        self._order: collections.deque[int] = collections.deque()
        self.highest = floor

    def admit(self, seq: int) -> bool:
        if seq <= self.floor or seq in self._sent:
            return False
        if seq < self.highest:
            log.warning("event %d reached a connection after %d", seq, self.highest)
        self.highest = max(self.highest, seq)
        self._sent.add(seq)
        self._order.append(seq)
        if len(self._order) > self.WINDOW:
            oldest = self._order.popleft()
            self._sent.discard(oldest)
            self.floor = max(self.floor, oldest)
        return True


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


#: Fetches committed events with ``seq > after``, ascending, at most ``limit`` (any thread; reads the database).
FetchEvents = Callable[[int, int], list[WireEvent]]


class Sequencer:
    """Hands events to the connections in sequence order, each exactly once. Loop thread only.

    Events reach the loop from request threads (after their commit) and from the PostgreSQL listener (other processes'
    commits), and two of them can arrive in the other order than they committed. A connection (and the client behind
    it) treats a seq at or below the last one it has as already seen, so a lower seq delivered late would be lost; the
    sequencer holds a higher one back until the lower ones are in.

    Gaps are closed from the events table. Sequence numbers are allocated in commit order (SQLite writers are
    serialised by ``BEGIN IMMEDIATE``; on PostgreSQL the advisory lock taken before the insert is held to the commit),
    so once seq N has committed, every lower seq has either committed too or been rolled back for good. After
    ``gap_wait_s`` without the missing event (normally it is a few milliseconds late), the sequencer reads the events
    after the last delivered one; what the read finds is delivered, and a number still missing below an event known
    to be committed was rolled back and is skipped. The same read catches up after the listener was disconnected.
    """

    PAGE = 1000
    #: A read returns at most this many events; the next read continues (bounded memory after a long outage).
    MAX_READ = 20000

    def __init__(
        self,
        deliver: Callable[[WireEvent], None],
        fetch: FetchEvents,
        *,
        gap_wait_s: float = 0.25,
        retry_max_s: float = 5.0,
        give_up_s: float = 30.0,
    ) -> None:
        self._deliver = deliver
        self._fetch = fetch
        self.gap_wait_s = gap_wait_s
        self.retry_max_s = retry_max_s
        self.give_up_s = give_up_s
        self.loop: asyncio.AbstractEventLoop | None = None
        #: The seq the connections get next; ``None`` until ``start`` (then the first event offered sets it).
        self.next_seq: int | None = None
        self._pending: dict[int, WireEvent] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._reading = False
        self._read_again = False
        self._failures = 0
        self._gap_since: float | None = None
        # counters for logs and tests
        self.read_from_db = 0
        self.skipped = 0
        self.duplicates = 0

    def start(self, loop: asyncio.AbstractEventLoop, head_seq: int | None) -> None:
        self.loop = loop
        if head_seq is not None:
            self.next_seq = head_seq + 1

    @property
    def pending(self) -> int:
        return len(self._pending)

    def offer(self, ev: WireEvent) -> None:
        if self.next_seq is None:
            self.next_seq = ev.seq
        if ev.seq < self.next_seq or ev.seq in self._pending:
            self.duplicates += 1
            return
        self._pending[ev.seq] = ev
        self._drain()
        if self._pending:
            self._schedule_read(self.gap_wait_s)

    def catch_up(self) -> None:
        """Read what was committed but not seen (the listener was away): deliver it now."""
        self._cancel_timer()
        self._read()

    # -- internals -----------------------------------------------------------------------------------------
    def _drain(self) -> None:
        assert self.next_seq is not None
        while (ev := self._pending.pop(self.next_seq, None)) is not None:
            self.next_seq += 1
            try:
                self._deliver(ev)
            except Exception:  # one bad event must not stop the others
                log.exception("delivering event %s failed", ev.seq)
        if not self._pending:
            self._gap_since = None
            self._cancel_timer()
        elif self._gap_since is None:
            self._gap_since = self._now()

    def _now(self) -> float:
        return self.loop.time() if self.loop is not None else time.monotonic()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _schedule_read(self, delay: float) -> None:
        # while a read runs, ``_on_read`` decides what comes next
        if self._timer is None and not self._reading and self.loop is not None:
            self._timer = self.loop.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._read()

    def _read(self) -> None:
        if self.loop is None or self.next_seq is None:
            return
        if self._reading:
            self._read_again = True  # something was committed after this read started
            return
        self._reading = True
        self._read_again = False
        # Events already here committed before the read starts: every lower seq the read does not find is gone.
        known = max(self._pending, default=0)
        after = self.next_seq - 1
        future = self.loop.run_in_executor(None, self._fetch_all, after)
        future.add_done_callback(lambda f: self._on_read(f, known))

    def _fetch_all(self, after: int) -> list[WireEvent]:
        out: list[WireEvent] = []
        while len(out) < self.MAX_READ:
            page = self._fetch(after, self.PAGE)
            out.extend(page)
            if len(page) < self.PAGE:
                break
            after = page[-1].seq
        return out

    def _on_read(self, future: asyncio.Future[list[WireEvent]], known: int) -> None:
        self._reading = False
        try:
            events = future.result()
        except Exception as exc:
            self._failures += 1
            waited = self._now() - self._gap_since if self._gap_since is not None else 0.0
            if self._pending and waited >= self.give_up_s:
                log.error(
                    "cannot read missing events (%s) for %.0f s; delivering the %d held back without them",
                    type(exc).__name__,
                    waited,
                    len(self._pending),
                )
                self._skip_below(max(self._pending))
                return
            delay = min(self.gap_wait_s * 2**self._failures, self.retry_max_s)
            log.warning("reading missing events failed (%s); retrying in %.1f s", type(exc).__name__, delay)
            self._schedule_read(delay)
            return
        self._failures = 0
        assert self.next_seq is not None
        found = 0
        for ev in events:
            if ev.seq >= self.next_seq and ev.seq not in self._pending:
                self._pending[ev.seq] = ev
                found += 1
        self.read_from_db += found
        if found:
            log.info("%d event(s) read from the database to close a gap in the live feed", found)
        # committed before or during the read: the newest one read, and everything held back when it started
        self._skip_below(max(known, events[-1].seq if events else 0))
        if len(events) >= self.MAX_READ or self._read_again:
            self._read_again = False
            self._schedule_read(0)
        elif self._pending:
            self._schedule_read(self.gap_wait_s)

    def _skip_below(self, bound: int) -> None:
        """Deliver everything up to ``bound``: numbers still missing at or below it will never come."""
        assert self.next_seq is not None
        self._drain()
        while self.next_seq <= bound:
            target = min(min(self._pending, default=bound + 1), bound + 1)
            self.skipped += target - self.next_seq
            self.next_seq = target
            self._drain()


class EventBus:
    """Writes events into the caller's transaction and delivers them once it commits."""

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker[Session],
        instance_id: str,
        *,
        read_sessions: sessionmaker[Session] | None = None,
        listen_retry_s: float = 1.0,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.read_sessions = read_sessions or sessions
        self.instance_id = instance_id
        self.listen_retry_s = listen_retry_s
        self.hub = ConnectionHub()
        self.sequencer = Sequencer(self.hub.deliver, self._fetch_after)
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
            self._post(self.sequencer.offer, ev)
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

    def _fetch_after(self, after: int, limit: int) -> list[WireEvent]:
        with self.read_sessions() as db:
            events = self.replay(db, after, limit)
            db.rollback()
        return events

    # -- cross-process ---------------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        with self.read_sessions() as db:
            head = self.head_seq(db)
            db.rollback()
        self.sequencer.start(loop, head)
        if self.postgres:
            self._listener = _PgListener(self, self.listen_retry_s)
            self._listener.start()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        self.hub.close_all()

    def catch_up(self) -> None:
        """Deliver what other processes committed while this one was not listening (listener thread)."""
        self._post(self.sequencer.catch_up)

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
                self._post(self.sequencer.offer, _event_from_json(message["ev"]))
            elif kind == "ref":
                with self.read_sessions() as db:
                    row = db.get(Event, int(message["seq"]))
                    ev = WireEvent.from_row(row) if row is not None else None
                    db.rollback()
                if ev is not None:
                    self._post(self.sequencer.offer, ev)
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
    """LISTEN on the events channel in a dedicated thread with its own connection.

    A lost connection (database restart, a terminated backend, a network cut) is re-established with exponential
    backoff (``retry_s`` doubling to ``RETRY_MAX_S``, with jitter so several hubs do not reconnect in step). After
    every (re)connection the bus catches up from the events table: notifications sent while nobody listened are gone,
    but the events are in the table. An idle connection is probed every ``PROBE_S`` so a silently dead one is noticed.
    """

    RETRY_MAX_S = 30.0
    PROBE_S = 30.0

    def __init__(self, bus: EventBus, retry_s: float) -> None:
        self.bus = bus
        self.retry_s = max(0.05, retry_s)
        self.application_name = f"agentdesk-hub-listen-{bus.instance_id}"
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
        delay = self.retry_s
        lost_at: float | None = None
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    url,
                    autocommit=True,
                    connect_timeout=10,
                    application_name=self.application_name,
                    keepalives=1,
                    keepalives_idle=30,
                    keepalives_interval=10,
                    keepalives_count=3,
                ) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    if lost_at is None:
                        log.info("listening for events from other hub processes")
                    else:
                        log.warning(
                            "event listener reconnected after %.1f s; catching up from the events table",
                            time.monotonic() - lost_at,
                        )
                    lost_at = None
                    delay = self.retry_s
                    self.bus.catch_up()
                    self._listen(conn)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    return
                if lost_at is None:
                    lost_at = time.monotonic()
                wait = delay * random.uniform(0.8, 1.2)
                log.warning(
                    "event listener lost its database connection (%s: %s); reconnecting in %.1f s",
                    type(exc).__name__,
                    str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "",
                    wait,
                )
                self._stop.wait(wait)
                delay = min(delay * 2, self.RETRY_MAX_S)

    def _listen(self, conn: Any) -> None:
        idle_since = time.monotonic()
        while not self._stop.is_set():
            got = False
            for note in conn.notifies(timeout=0.5):
                got = True
                self.bus.on_notification(note.payload)
            if got:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > self.PROBE_S:
                conn.execute("SELECT 1")  # raises if the connection died silently
                idle_since = time.monotonic()


def control_frame(kind: ControlType, payload: object) -> str:
    return make_envelope(kind, payload)
