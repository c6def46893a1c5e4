"""The local cache: tickets, customers, templates and knowledge articles in one SQLite file, customer data sealed.

Network thread only (the engine owns the single connection). The panel opens from here instantly and keeps working
while the hub is down. The cache is disposable: when the file is unreadable (corruption, a lost key, a schema from
another version) it is moved aside and rebuilt from the hub, and ``rebuilt_reason`` says why. The outbox lives in a
separate file (``outbox.py``) precisely so that losing the cache never loses an edit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from app.protocol import (
    OPEN_TICKET_STATUSES,
    KbArticle,
    ProtocolError,
    Ticket,
    TicketCategory,
    TicketDetail,
    from_wire,
    to_wire,
)
from app.sync.codec import ticket_from_wire, ticket_to_wire
from app.sync.crypto import CacheCipher, DecryptError
from app.sync.errors import SyncError, SyncErrorKind

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
#: A ticket as stored: (id, version, updated_at, is_open, phone blind index, sealed wire JSON).
SealedTicketRow = tuple[str, int, str, int, str, bytes]
_CANARY = "agentdesk-cache-canary"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
    id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL,
    is_open INTEGER NOT NULL, phone_idx TEXT NOT NULL, blob BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS tickets_phone ON tickets(phone_idx);
CREATE TABLE IF NOT EXISTS details (id TEXT PRIMARY KEY, blob BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS categories (code TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, updated_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS favourites (article_id TEXT PRIMARY KEY, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS recent (article_id TEXT PRIMARY KEY, viewed_at REAL NOT NULL);
"""


class LocalCache:
    """Sealed SQLite cache. Construct with ``LocalCache.open(path, cipher)``."""

    def __init__(self, path: Path, cipher: CacheCipher, conn: sqlite3.Connection, rebuilt_reason: str | None) -> None:
        self.path = path
        self._cipher = cipher
        self._conn = conn
        self.rebuilt_reason = rebuilt_reason

    # ------------------------------------------------------------------------------------------ open / rebuild
    @classmethod
    def open(cls, path: Path, cipher: CacheCipher, *, user: str, key_is_new: bool = False) -> LocalCache:
        """Open the cache for ``user``; a file that cannot be used is moved aside and a fresh one created."""
        path.parent.mkdir(parents=True, exist_ok=True)
        reason: str | None = None
        if path.exists():
            try:
                conn = cls._connect(path)
                cls._check(conn, cipher, user, key_is_new)
                return cls(path, cipher, conn, None)
            except (sqlite3.DatabaseError, SyncError) as exc:
                reason = str(exc) or type(exc).__name__
                log.warning("local cache %s unusable (%s): rebuilding it from the hub", path, reason)
                with contextlib.suppress(Exception):
                    conn.close()
                cls._move_aside(path)
        conn = cls._connect(path)
        conn.executescript(_SCHEMA)
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                [
                    ("schema", SCHEMA_VERSION),
                    ("user", user),
                    ("canary", cipher.seal(_CANARY.encode(), "canary").hex()),
                    ("last_seq", "0"),
                ],
            )
        return cls(path, cipher, conn, reason)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @staticmethod
    def _check(conn: sqlite3.Connection, cipher: CacheCipher, user: str, key_is_new: bool) -> None:
        row = conn.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")
        conn.executescript(_SCHEMA)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") != SCHEMA_VERSION:
            raise SyncError(SyncErrorKind.CACHE, f"cache schema {meta.get('schema')!r}, expected {SCHEMA_VERSION}")
        if meta.get("user") != user:
            raise SyncError(SyncErrorKind.CACHE, "cache belongs to another user")
        if key_is_new:
            raise SyncError(SyncErrorKind.CACHE, "cache key was missing from the keyring")
        try:
            if cipher.open(bytes.fromhex(meta.get("canary", "")), "canary").decode() != _CANARY:
                raise SyncError(SyncErrorKind.CACHE, "cache key does not match")
        except ValueError as exc:
            raise SyncError(SyncErrorKind.CACHE, "cache canary unreadable") from exc

    @staticmethod
    def _move_aside(path: Path) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(path) + suffix)
            if src.exists():
                try:
                    src.replace(Path(f"{path}.corrupt-{stamp}{suffix}"))
                except OSError:
                    src.unlink(missing_ok=True)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # ------------------------------------------------------------------------------------------ meta
    def get_meta(self, key: str, default: str = "") -> str:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def last_seq(self) -> int:
        """The resume point: every push up to it is accounted for (``app.sync.seqs.PushPosition.floor``)."""
        try:
            return int(self.get_meta("last_seq", "0"))
        except ValueError:
            return 0

    @property
    def seen_seqs(self) -> list[int]:
        """Pushes above ``last_seq`` already processed (``PushPosition.seen``)."""
        try:
            return [int(s) for s in self.get_meta("seen_seqs").split(",") if s]
        except ValueError:
            return []  # unreadable: the hub's replay may then repeat a few events; tickets are versioned

    @staticmethod
    def _position_rows(last_seq: int, seen: Iterable[int]) -> list[tuple[str, str]]:
        return [("last_seq", str(last_seq)), ("seen_seqs", ",".join(str(s) for s in seen))]

    def set_position(self, last_seq: int, seen: Iterable[int] = ()) -> None:
        """Save the push position (``last_seq`` = the floor, and the events seen above it) atomically."""
        with self._tx() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", self._position_rows(last_seq, seen)
            )

    # ------------------------------------------------------------------------------------------ tickets
    def _seal_json(self, obj: object, ad: str) -> bytes:
        return self._cipher.seal(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode(), ad)

    def _open_json(self, blob: bytes, ad: str) -> object:
        return json.loads(self._cipher.open(blob, ad))

    def _ticket_row(self, t: Ticket) -> SealedTicketRow:
        return self.seal_ticket(t, ticket_to_wire(t))

    def seal_ticket(self, t: Ticket, wire: dict[str, Any]) -> SealedTicketRow:
        """The row for ``t``, whose wire form ``wire`` has been checked into ``t`` (``ticket_from_wire``). Uses only
        the cipher: safe on any thread (the full sync seals each page on the worker thread that fetched it)."""
        key = str(t.id)
        return (
            key,
            t.version,
            t.updated_at.isoformat(),
            int(t.status in OPEN_TICKET_STATUSES),
            self._cipher.blind_index(t.customer_phone) if t.customer_phone else "",
            self._seal_json(wire, "ticket:" + key),
        )

    def upsert_tickets(
        self, tickets: Iterable[Ticket], *, last_seq: int | None = None, seen: Iterable[int] = ()
    ) -> None:
        """Store tickets (a newer or equal version wins) and, atomically with them, the push position reached."""
        with self._tx() as conn:
            conn.executemany(
                "INSERT INTO tickets(id, version, updated_at, is_open, phone_idx, blob) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET version=excluded.version, updated_at=excluded.updated_at, "
                "is_open=excluded.is_open, phone_idx=excluded.phone_idx, blob=excluded.blob "
                "WHERE excluded.version >= tickets.version",
                [self._ticket_row(t) for t in tickets],
            )
            if last_seq is not None:
                conn.executemany(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", self._position_rows(last_seq, seen)
                )

    def replace_all_tickets(self, tickets: Iterable[Ticket], *, last_seq: int) -> None:
        """A full resync: the hub's answer replaces every ticket we held."""
        self.replace_all_rows([self._ticket_row(t) for t in tickets], last_seq=last_seq)

    def replace_all_rows(self, rows: list[SealedTicketRow], *, last_seq: int, seen: Iterable[int] = ()) -> None:
        """``replace_all_tickets`` with rows already sealed (``seal_ticket``), in one transaction."""
        with self._tx() as conn:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep_ids (id TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM keep_ids")
            conn.executemany("INSERT OR IGNORE INTO keep_ids(id) VALUES (?)", [(r[0],) for r in rows])
            conn.execute("DELETE FROM tickets WHERE id NOT IN (SELECT id FROM keep_ids)")
            # A push processed while the pages were being fetched may be newer than the page: keep it.
            conn.executemany(
                "INSERT INTO tickets(id, version, updated_at, is_open, phone_idx, blob) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET version=excluded.version, updated_at=excluded.updated_at, "
                "is_open=excluded.is_open, phone_idx=excluded.phone_idx, blob=excluded.blob "
                "WHERE excluded.version >= tickets.version",
                rows,
            )
            conn.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", self._position_rows(last_seq, seen)
            )

    def _open_ticket(self, key: str, blob: bytes) -> Ticket | None:
        try:
            return ticket_from_wire(self._open_json(blob, "ticket:" + key))
        except (DecryptError, ProtocolError, ValueError) as exc:
            log.warning("cached ticket %s unreadable (%s): skipped", key, exc)
            return None

    def tickets(self) -> list[Ticket]:
        rows = self._conn.execute("SELECT id, blob FROM tickets").fetchall()
        return [t for key, blob in rows if (t := self._open_ticket(key, blob)) is not None]

    def ticket(self, ticket_id: int) -> Ticket | None:
        row = self._conn.execute("SELECT blob FROM tickets WHERE id = ?", (str(ticket_id),)).fetchone()
        return self._open_ticket(str(ticket_id), row[0]) if row else None

    def tickets_for_phone(self, e164: str) -> list[Ticket]:
        rows = self._conn.execute(
            "SELECT id, blob FROM tickets WHERE phone_idx = ?", (self._cipher.blind_index(e164),)
        ).fetchall()
        return [t for key, blob in rows if (t := self._open_ticket(key, blob)) is not None]

    def versions(self) -> dict[int, int]:
        """Every cached ticket's version (nothing decrypted)."""
        return {int(tid): int(version) for tid, version in self._conn.execute("SELECT id, version FROM tickets")}

    def ticket_count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])

    # ------------------------------------------------------------------------------------------ details
    def put_detail(self, detail: TicketDetail) -> None:
        key = str(detail.ticket.id)
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO details(id, blob) VALUES (?, ?)",
                (key, self._seal_json(to_wire(detail), "detail:" + key)),
            )

    def detail(self, ticket_id: int) -> TicketDetail | None:
        key = str(ticket_id)
        row = self._conn.execute("SELECT blob FROM details WHERE id = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return from_wire(TicketDetail, self._open_json(row[0], "detail:" + key))
        except (DecryptError, ProtocolError, ValueError):
            return None

    # ------------------------------------------------------------------------------------------ categories
    def set_categories(self, categories: Iterable[TicketCategory]) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM categories")
            conn.executemany(
                "INSERT OR REPLACE INTO categories(code, body) VALUES (?, ?)",
                [(c.code, json.dumps(to_wire(c), ensure_ascii=False)) for c in categories],
            )

    def categories(self) -> list[TicketCategory]:
        result = []
        for (body,) in self._conn.execute("SELECT body FROM categories ORDER BY code").fetchall():
            with contextlib.suppress(ProtocolError, ValueError):
                result.append(from_wire(TicketCategory, json.loads(body)))
        return result

    # ------------------------------------------------------------------------------------------ knowledge
    def upsert_articles(self, articles: Iterable[KbArticle]) -> None:
        with self._tx() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO articles(id, updated_at, body) VALUES (?,?,?)",
                [(str(a.id), a.updated_at.isoformat(), json.dumps(to_wire(a), ensure_ascii=False)) for a in articles],
            )

    def delete_article(self, article_id: int) -> None:
        self._conn.execute("DELETE FROM articles WHERE id = ?", (str(article_id),))

    def article(self, article_id: int) -> KbArticle | None:
        row = self._conn.execute("SELECT body FROM articles WHERE id = ?", (str(article_id),)).fetchone()
        if row is None:
            return None
        try:
            return from_wire(KbArticle, json.loads(row[0]))
        except (ProtocolError, ValueError):
            return None

    def articles(self, ids: Iterable[int]) -> list[KbArticle]:
        found = [self.article(i) for i in ids]
        return [a for a in found if a is not None]

    def search_articles(self, terms: list[str], limit: int = 20) -> list[KbArticle]:
        """Offline fallback search: every term appears somewhere in a cached article (title, tags or body)."""
        terms = [t for t in terms if t.strip()]
        if not terms:
            return []
        where = " AND ".join("body LIKE ? ESCAPE '\\'" for _ in terms)
        params: list[object] = [
            "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for t in terms
        ]
        rows = self._conn.execute(
            f"SELECT body FROM articles WHERE {where} ORDER BY updated_at DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
        result = []
        for (body,) in rows:
            with contextlib.suppress(ProtocolError, ValueError):
                result.append(from_wire(KbArticle, json.loads(body)))
        return result

    def set_favourite(self, article_id: int, on: bool) -> None:
        if on:
            self._conn.execute(
                "INSERT OR REPLACE INTO favourites(article_id, added_at) VALUES (?, ?)", (str(article_id), time.time())
            )
        else:
            self._conn.execute("DELETE FROM favourites WHERE article_id = ?", (str(article_id),))

    def favourite_ids(self) -> list[int]:
        return [int(r[0]) for r in self._conn.execute("SELECT article_id FROM favourites ORDER BY added_at DESC")]

    def touch_recent(self, article_id: int, keep: int = 30) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO recent(article_id, viewed_at) VALUES (?, ?)", (str(article_id), time.time())
            )
            conn.execute(
                "DELETE FROM recent WHERE article_id NOT IN "
                "(SELECT article_id FROM recent ORDER BY viewed_at DESC LIMIT ?)",
                (keep,),
            )

    def recent_ids(self) -> list[int]:
        return [int(r[0]) for r in self._conn.execute("SELECT article_id FROM recent ORDER BY viewed_at DESC")]
