"""Bulk ticket sync: every ticket a caller may see, in large keyset pages, serialised straight from the rows.

The client's first sync (and every resync the hub asks for) fetches all visible tickets — 10,000 for a busy team.
The general ``GET /tickets`` listing is built for screens (offset paging, filters, a count, an ORM object and a
``Ticket`` dataclass per row, reflection-based ``to_wire``), which costs about a millisecond per ticket. This path
selects plain columns with the assignee's name joined in, pages by id (``WHERE id > :after ORDER BY id``, the primary
key index, so page 3 costs what page 1 costs and tickets changed meanwhile are never skipped or repeated) and builds
the wire dicts directly: the same fields and values as ``to_wire(Ticket)`` (``tests/unit/hub/test_ticket_sync.py``
holds the two to the same parsed tickets).

Each ticket's wire JSON is kept ready (``WireCache``): a page is one light query (id, version, update time, the
assignee's name) and a concatenation of ready bytes; only tickets changed since they were last served (a new
version) are read in full and serialised. The first sync after the hub starts fills the cache; with 10,000 tickets
it holds about 7 MB (bounded, least recently used first out).

Runs inside the caller's (read) transaction; raises nothing of its own.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session, sessionmaker

from server.auth import Principal
from server.db import TicketRow, User
from server.tickets import TicketService

#: Largest page a client may ask for (about 7 MB of JSON before compression).
MAX_SYNC_PAGE = 10_000
DEFAULT_SYNC_PAGE = 5_000

_JSON = frozenset({"custom_fields", "linked_call_ids"})
_TIMES = frozenset({"sla_due", "created_at", "updated_at", "resolved_at", "closed_at"})
# JSON and time columns are read as the driver's raw values (``type_coerce`` to String skips SQLAlchemy's per-value
# result processors, which were three quarters of the cost): SQLite gives text, PostgreSQL (psycopg) gives parsed
# JSON and naive UTC datetimes. ``_json`` and ``_time`` accept both.
_COLUMNS = tuple(
    type_coerce(column, String) if column.key in _JSON | _TIMES else column
    for column in (
        TicketRow.id,
        TicketRow.number,
        TicketRow.subject,
        TicketRow.description,
        TicketRow.customer_name,
        TicketRow.customer_phone,
        TicketRow.category,
        TicketRow.priority,
        TicketRow.status,
        TicketRow.assignee_id,
        TicketRow.team_id,
        TicketRow.sla_due,
        TicketRow.custom_fields,
        TicketRow.linked_call_ids,
        TicketRow.created_by,
        TicketRow.created_at,
        TicketRow.updated_at,
        TicketRow.version,
        TicketRow.closing_template,
        TicketRow.resolved_at,
        TicketRow.closed_at,
    )
)
#: SQLAlchemy's SQLite storage format for DateTime: "2026-11-23 13:38:48.976386" (naive UTC).
_SQLITE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?")


def _time(value: object) -> str | None:
    """A stored time as the wire's ISO 8601 text with its UTC offset (what ``to_wire`` gives)."""
    if value is None:
        return None
    if isinstance(value, str):
        if _SQLITE_TIME.fullmatch(value):
            return value.replace(" ", "T", 1) + "+00:00"
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"unexpected time value {type(value).__name__}")
    if value.tzinfo is None:  # stored as naive UTC (UtcDateTime)
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _json(value: object, empty: dict[str, Any] | list[Any]) -> Any:
    """A JSON column's value (a copy of ``empty`` for NULL)."""
    if value is None:
        return empty.copy()
    if value == "[]":  # most tickets: no call linked yet
        return []
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


class _Key(NamedTuple):
    """What a ticket's cached wire JSON depends on: every change through the service bumps ``version`` (and sets
    ``updated_at``); the assignee's name comes from the users table and can change on its own."""

    version: int
    updated_at: str | None
    assignee_id: int | None
    assignee_name: str | None


class WireCache:
    """Each ticket's wire JSON (UTF-8 bytes) by id, valid for one ``_Key``; bounded by ``max_bytes`` (least recently
    served dropped first). Thread-safe: sync pages are served from the hub's worker threads."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[int, tuple[_Key, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._size

    def lookup(self, keys: list[tuple[int, _Key]]) -> list[bytes | None]:
        out: list[bytes | None] = []
        with self._lock:
            for tid, key in keys:
                entry = self._entries.get(tid)
                if entry is not None and entry[0] == key:
                    self._entries.move_to_end(tid)
                    out.append(entry[1])
                else:
                    out.append(None)
            hits = sum(data is not None for data in out)
            self.hits += hits
            self.misses += len(out) - hits
        return out

    def store(self, items: Iterable[tuple[int, _Key, bytes]]) -> None:
        with self._lock:
            for tid, key, data in items:
                old = self._entries.pop(tid, None)
                if old is not None:
                    self._size -= len(old[1])
                self._entries[tid] = (key, data)
                self._size += len(data)
            while self._size > self.max_bytes and self._entries:
                _tid, (_key, data) = self._entries.popitem(last=False)
                self._size -= len(data)


class SyncPage(NamedTuple):
    """One page: the tickets' wire JSON (each a complete object), the next ``after`` (None at the end), and the number
    of tickets the caller may see in all (first page only, else None: it is for a progress indicator)."""

    items: list[bytes]
    next_after: int | None
    total: int | None

    def body(self) -> bytes:
        """The ``TicketSyncPage`` JSON document."""
        tail = json.dumps({"next_after": self.next_after, "total": self.total}, separators=(",", ":")).encode()
        return b'{"items":[' + b",".join(self.items) + b"]," + tail[1:]


def _wire(row: Any) -> dict[str, Any]:
    (
        tid,
        number,
        subject,
        description,
        customer_name,
        customer_phone,
        category,
        priority,
        status,
        assignee_id,
        team_id,
        sla_due,
        custom_fields,
        linked_call_ids,
        created_by,
        created_at,
        updated_at,
        version,
        closing_template,
        resolved_at,
        closed_at,
        assignee_name,
    ) = row
    return {
        "id": tid,
        "number": number,
        "subject": subject,
        "description": description,
        "customer_name": customer_name,
        "customer_phone": customer_phone,
        "category": category,
        "priority": priority,
        "status": status,
        "assignee_id": assignee_id,
        "assignee_name": assignee_name if assignee_id is not None else None,
        "team_id": team_id,
        "sla_due": _time(sla_due),
        "custom_fields": _json(custom_fields, {}),
        "linked_call_ids": _json(linked_call_ids, []),
        "created_by": created_by,
        "created_at": _time(created_at),
        "updated_at": _time(updated_at),
        "version": version,
        "closing_template": closing_template,
        "resolved_at": _time(resolved_at),
        "closed_at": _time(closed_at),
    }


def _build(db: Session, ids: list[int]) -> dict[int, bytes]:
    """The wire JSON of these tickets, read in full (``id IN (…)``, 1,000 at a time)."""
    built: dict[int, bytes] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        query = (
            select(*_COLUMNS, User.display_name)
            .select_from(TicketRow)
            .outerjoin(User, User.id == TicketRow.assignee_id)
            .where(TicketRow.id.in_(chunk))
        )
        for row in db.execute(query):
            built[row[0]] = json.dumps(_wire(row), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return built


def _keys(query: Any) -> Any:
    return (
        query.with_only_columns(
            TicketRow.id,
            TicketRow.version,
            type_coerce(TicketRow.updated_at, String),
            TicketRow.assignee_id,
            User.display_name,
            maintain_column_froms=False,
        )
        .select_from(TicketRow)
        .outerjoin(User, User.id == TicketRow.assignee_id)
    )


def warm(cache: WireCache, sessions: sessionmaker[Session], stop: threading.Event, *, chunk: int = 2000) -> int:
    """Fill ``cache`` with the newest tickets (highest ids first) until it is nine tenths full or every ticket is in:
    the first agents to sync after a hub restart (a shift start) then get ready JSON. Runs on a worker thread at
    start-up; checks ``stop`` between chunks. Returns how many tickets it stored."""
    stored = 0
    before: int | None = None
    while not stop.is_set() and cache.size < cache.max_bytes * 0.9:
        with sessions() as db:
            query = _keys(select(TicketRow)).order_by(TicketRow.id.desc()).limit(chunk)
            if before is not None:
                query = query.where(TicketRow.id < before)
            keys = [(tid, _Key(v, str(updated), aid, name)) for tid, v, updated, aid, name in db.execute(query)]
            if not keys:
                break
            built = _build(db, [tid for tid, _key in keys])
            db.rollback()
        key_of = dict(keys)
        cache.store((tid, key_of[tid], data) for tid, data in built.items())
        stored += len(built)
        before = keys[-1][0]
    return stored


def sync_page(
    service: TicketService, db: Session, me: Principal, cache: WireCache, *, after: int, limit: int
) -> SyncPage:
    """Tickets visible to ``me`` with ``id > after``, by id, as wire JSON from ``cache`` (filled as needed)."""
    visible = service.visible_query(me)
    keys_query = _keys(visible).where(TicketRow.id > after).order_by(TicketRow.id).limit(limit)
    keys = [
        (tid, _Key(version, str(updated), assignee_id, name))
        for tid, version, updated, assignee_id, name in db.execute(keys_query)
    ]
    items = cache.lookup(keys)
    missing = [tid for (tid, _key), data in zip(keys, items, strict=True) if data is None]
    if missing:
        built = _build(db, missing)
        key_of = dict(keys)
        # A ticket changed between the two reads is served as read now and cached under the key read first: the
        # next page request sees its newer version and rebuilds it. (Changes after the snapshot arrive as pushes.)
        cache.store((tid, key_of[tid], data) for tid, data in built.items())
        items = [data if data is not None else built.get(tid) for (tid, _key), data in zip(keys, items, strict=True)]
    total = None
    if after == 0:
        total = int(db.scalar(visible.with_only_columns(func.count(TicketRow.id)).order_by(None)) or 0)
    next_after = keys[-1][0] if len(keys) == limit else None
    return SyncPage([data for data in items if data is not None], next_after, total)
