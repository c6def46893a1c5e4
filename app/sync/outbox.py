"""The outbox: edits made while the hub is unreachable, persisted and replayed exactly once.

Network thread only. Each operation's id is also its idempotency key: a replay after a crash or a lost response
sends the same key, and the hub answers with the result of the first attempt instead of applying the edit again.
Payloads contain customer data, so they are sealed like the cache. The outbox is its own SQLite file: a corrupted
cache is thrown away and rebuilt, the outbox never is (an unreadable outbox file is kept aside for IT, not deleted).
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.sync.crypto import CacheCipher, DecryptError

log = logging.getLogger(__name__)


class OpKind(enum.Enum):
    CREATE_TICKET = "create_ticket"
    UPDATE_TICKET = "update_ticket"
    ADD_NOTE = "add_note"


class OpState(enum.Enum):
    PENDING = "pending"  # waiting for the hub
    CONFLICT = "conflict"  # the hub answered 409: waits for the agent's choice
    REJECTED = "rejected"  # the hub refused it (validation): shown to the agent, kept until dismissed


@dataclass(frozen=True, slots=True)
class OutboxOp:
    id: str  # idempotency key
    kind: OpKind
    target: str  # ticket id (or the local id of a ticket created offline)
    base_version: int | None
    payload: dict[str, Any]
    state: OpState
    attempts: int
    created_at: float
    error: str = ""
    server_copy: dict[str, Any] | None = None  # the hub's version on conflict


_SCHEMA = """
CREATE TABLE IF NOT EXISTS ops (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, base_version INTEGER,
    payload BLOB NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL, error TEXT NOT NULL DEFAULT '', server_copy BLOB);
-- Versions our own replayed edits produced: a later queued edit based on version N of a ticket that our own
-- earlier edit moved to N+1 is sent against N+1 (it is not a conflict with ourselves).
CREATE TABLE IF NOT EXISTS chain (
    target TEXT NOT NULL, from_version INTEGER NOT NULL, to_version INTEGER NOT NULL,
    PRIMARY KEY (target, from_version));
"""


class Outbox:
    """Persisted queue of edits, in the order they were made."""

    def __init__(self, path: Path, cipher: CacheCipher) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._cipher = cipher
        try:
            self._conn = self._connect(path)
        except sqlite3.DatabaseError:
            aside = Path(f"{path}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            log.error("outbox %s unreadable: kept as %s for IT, starting a new one", path, aside)
            path.replace(aside)
            self._conn = self._connect(path)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # an acknowledged edit must survive a power cut
        conn.executescript(_SCHEMA)
        return conn

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def add(self, kind: OpKind, target: str, payload: dict[str, Any], base_version: int | None = None) -> OutboxOp:
        op_id = str(uuid.uuid4())
        now = time.time()
        self._conn.execute(
            "INSERT INTO ops(id, kind, target, base_version, payload, state, created_at) VALUES (?,?,?,?,?,?,?)",
            (op_id, kind.value, target, base_version, self._seal(op_id, payload), OpState.PENDING.value, now),
        )
        return OutboxOp(op_id, kind, target, base_version, dict(payload), OpState.PENDING, 0, now)

    def _seal(self, op_id: str, payload: dict[str, Any]) -> bytes:
        return self._cipher.seal(json.dumps(payload, ensure_ascii=False).encode(), "op:" + op_id)

    def _row(self, row: tuple[Any, ...]) -> OutboxOp | None:
        op_id, kind, target, base, payload, state, attempts, created, error, server = row
        try:
            data = json.loads(self._cipher.open(payload, "op:" + op_id))
            server_copy = json.loads(self._cipher.open(server, "srv:" + op_id)) if server else None
            return OutboxOp(
                op_id, OpKind(kind), target, base, data, OpState(state), attempts, created, error, server_copy
            )
        except (DecryptError, ValueError) as exc:
            log.error("outbox op %s unreadable (%s): kept in place", op_id, exc)
            return None

    _COLS = "id, kind, target, base_version, payload, state, attempts, created_at, error, server_copy"

    def all(self) -> list[OutboxOp]:
        rows = self._conn.execute(f"SELECT {self._COLS} FROM ops ORDER BY seq").fetchall()
        return [op for r in rows if (op := self._row(r)) is not None]

    def pending(self) -> list[OutboxOp]:
        return [op for op in self.all() if op.state is OpState.PENDING]

    def get(self, op_id: str) -> OutboxOp | None:
        row = self._conn.execute(f"SELECT {self._COLS} FROM ops WHERE id = ?", (op_id,)).fetchone()
        return self._row(row) if row else None

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM ops").fetchone()[0])

    def mark_attempt(self, op_id: str) -> None:
        self._conn.execute("UPDATE ops SET attempts = attempts + 1 WHERE id = ?", (op_id,))

    def mark_error(self, op_id: str, error: str) -> None:
        self._conn.execute("UPDATE ops SET error = ? WHERE id = ?", (error, op_id))

    def done(self, op_id: str) -> None:
        self._conn.execute("DELETE FROM ops WHERE id = ?", (op_id,))

    def done_create(self, op_id: str, local_target: str, new_target: str) -> None:
        """The hub created the ticket: drop the op and point later ops on the local id at the real one."""
        with self._tx() as conn:
            conn.execute("DELETE FROM ops WHERE id = ?", (op_id,))
            conn.execute("UPDATE ops SET target = ? WHERE target = ?", (new_target, local_target))

    def done_update(self, op_id: str, target: str, from_version: int, to_version: int) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM ops WHERE id = ?", (op_id,))
            conn.execute(
                "INSERT OR REPLACE INTO chain(target, from_version, to_version) VALUES (?,?,?)",
                (target, from_version, to_version),
            )

    def record_chain(self, target: str, from_version: int, to_version: int) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO chain(target, from_version, to_version) VALUES (?,?,?)",
            (target, from_version, to_version),
        )

    def effective_version(self, target: str, base_version: int) -> int:
        """Follow the versions our own earlier edits produced from ``base_version``."""
        version = base_version
        for _ in range(1000):
            row = self._conn.execute(
                "SELECT to_version FROM chain WHERE target = ? AND from_version = ?", (target, version)
            ).fetchone()
            if row is None:
                break
            version = int(row[0])
        return version

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def mark_conflict(self, op_id: str, server_copy: dict[str, Any]) -> None:
        blob = self._cipher.seal(json.dumps(server_copy, ensure_ascii=False).encode(), "srv:" + op_id)
        self._conn.execute(
            "UPDATE ops SET state = ?, server_copy = ? WHERE id = ?", (OpState.CONFLICT.value, blob, op_id)
        )

    def mark_rejected(self, op_id: str, error: str) -> None:
        self._conn.execute("UPDATE ops SET state = ?, error = ? WHERE id = ?", (OpState.REJECTED.value, error, op_id))

    def retarget(self, old_target: str, new_target: str) -> None:
        """A ticket created offline got its real id: later ops on it now point there."""
        self._conn.execute("UPDATE ops SET target = ? WHERE target = ?", (new_target, old_target))

    def rebase(self, op_id: str, base_version: int) -> OutboxOp | None:
        """'Keep mine' after a conflict: the same change, now on top of the hub's version, as a NEW operation.

        A new id (idempotency key) is required: the hub remembers the old key with its 409 answer.
        """
        op = self.get(op_id)
        if op is None:
            return None
        new_id = str(uuid.uuid4())
        payload = dict(op.payload)
        if "version" in payload:
            payload["version"] = base_version
        with self._tx() as conn:
            conn.execute(
                "UPDATE ops SET id = ?, base_version = ?, state = ?, server_copy = NULL, error = '', attempts = 0, "
                "payload = ? WHERE id = ?",
                (new_id, base_version, OpState.PENDING.value, self._seal(new_id, payload), op_id),
            )
        return self.get(new_id)
