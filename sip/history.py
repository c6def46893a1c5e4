"""The local call history: one SQLite file with every call (number, name, direction, times, outcome, quality).

Each operation opens its own short-lived connection, so the SIP thread (which records calls as they end) and the
GUI thread (which lists them) never share a connection; WAL mode lets them read and write at the same time.
Qt-free; any thread.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from sip.model import CallDirection, CallOutcome, QualitySample

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL,
    started_at REAL NOT NULL,
    answered_at REAL,
    ended_at REAL NOT NULL,
    duration_s REAL NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    code INTEGER NOT NULL DEFAULT 0,
    mos_avg REAL,
    mos_min REAL,
    quality TEXT NOT NULL DEFAULT '[]',
    seen INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS calls_started ON calls(started_at DESC);
"""
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    number: str
    name: str
    direction: CallDirection
    started_at: float
    answered_at: float | None
    ended_at: float
    duration_s: float
    outcome: CallOutcome
    code: int
    mos_avg: float | None
    mos_min: float | None
    quality: tuple[QualitySample, ...]
    seen: bool


class CallHistory:
    """The history file at ``path`` (created on first use)."""

    def __init__(self, path: Path, keep: int = 5000) -> None:
        self.path = path
        self.keep = keep
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5.0)
        try:
            with db:
                yield db
        finally:
            db.close()

    def record(
        self,
        *,
        number: str,
        name: str,
        direction: CallDirection,
        started_at: float,
        answered_at: float | None,
        ended_at: float | None = None,
        outcome: CallOutcome,
        code: int = 0,
        quality: tuple[QualitySample, ...] = (),
    ) -> int:
        ended = ended_at if ended_at is not None else time.time()
        duration = max(0.0, ended - answered_at) if answered_at else 0.0
        moses = [q.mos for q in quality]
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO calls (number, name, direction, started_at, answered_at, ended_at, duration_s, outcome,"
                " code, mos_avg, mos_min, quality, seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    number,
                    name,
                    direction.value,
                    started_at,
                    answered_at,
                    ended,
                    duration,
                    outcome.value,
                    code,
                    round(sum(moses) / len(moses), 2) if moses else None,
                    min(moses) if moses else None,
                    json.dumps([asdict(q) for q in quality]),
                    0 if outcome is CallOutcome.MISSED else 1,
                ),
            )
            db.execute(
                "DELETE FROM calls WHERE id NOT IN (SELECT id FROM calls ORDER BY started_at DESC LIMIT ?)",
                (self.keep,),
            )
            return int(cur.lastrowid or 0)

    def entries(self, limit: int = 200) -> list[HistoryEntry]:
        with self._db() as db:
            rows = db.execute(
                "SELECT id, number, name, direction, started_at, answered_at, ended_at, duration_s, outcome, code,"
                " mos_avg, mos_min, quality, seen FROM calls ORDER BY started_at DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [_entry(row) for row in rows]

    def missed_count(self) -> int:
        with self._db() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM calls WHERE outcome = ? AND seen = 0", ("missed",)).fetchone()
        return int(count)

    def mark_missed_seen(self) -> None:
        with self._db() as db:
            db.execute("UPDATE calls SET seen = 1 WHERE seen = 0")

    def last_dialled(self) -> str | None:
        with self._db() as db:
            row = db.execute(
                "SELECT number FROM calls WHERE direction = 'outgoing' ORDER BY started_at DESC, id DESC LIMIT 1"
            ).fetchone()
        return str(row[0]) if row else None

    def clear(self) -> None:
        with self._db() as db:
            db.execute("DELETE FROM calls")


def _entry(row: tuple[object, ...]) -> HistoryEntry:
    (id_, number, name, direction, started, answered, ended, duration, outcome, code, mos_avg, mos_min, q, seen) = row
    try:
        quality = tuple(QualitySample(**item) for item in json.loads(str(q)))
    except (ValueError, TypeError):
        quality = ()
    return HistoryEntry(
        id=int(str(id_)),
        number=str(number),
        name=str(name),
        direction=CallDirection(direction),
        started_at=float(str(started)),
        answered_at=float(str(answered)) if answered is not None else None,
        ended_at=float(str(ended)),
        duration_s=float(str(duration)),
        outcome=CallOutcome(outcome),
        code=int(str(code)),
        mos_avg=float(str(mos_avg)) if mos_avg is not None else None,
        mos_min=float(str(mos_min)) if mos_min is not None else None,
        quality=quality,
        seen=bool(seen),
    )
