"""Pushes arriving out of sequence order are all applied, once: ``PushPosition`` and the engine's use of it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import protocol as proto
from app.sync.cache import LocalCache
from app.sync.crypto import CacheCipher, MemorySecretStore
from app.sync.engine import SyncEngine
from app.sync.events import TicketChanged, TicketsReset
from app.sync.seqs import PushPosition
from tests.unit.sync.test_cache_outbox import make_ticket
from tests.unit.sync.test_engine_offline import Recorder, offline_setup

__all__ = ["offline_setup"]  # the fixture, shared with the offline engine tests

pytestmark = pytest.mark.unit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_late_lower_seq_is_still_new_and_repeats_are_not() -> None:
    clock = FakeClock()
    pos = PushPosition(10, clock=clock)
    pos.mark(12)
    assert pos.is_new(11)  # delivered after 12: must not be dropped as "already processed"
    pos.mark(11)
    assert not pos.is_new(11)
    assert not pos.is_new(12)
    assert not pos.is_new(10)
    assert pos.highest == 12
    assert pos.floor == 10  # resume point: a reconnect now asks for everything after 10 (11 and 12 are skipped)


def test_the_floor_settles_only_after_the_settle_time() -> None:
    clock = FakeClock()
    pos = PushPosition(10, settle_s=30, clock=clock)
    pos.mark(12)
    clock.now += 29
    assert not pos.settle()
    pos.mark(15)
    clock.now += 2  # 12 is 31 s old, 15 only 2 s
    assert pos.settle()
    assert pos.floor == 12
    assert pos.seen == [15]
    assert pos.is_new(14)


def test_a_snapshot_covers_everything_up_to_its_head() -> None:
    pos = PushPosition(10, [12, 20])
    pos.cover(15)
    assert pos.floor == 15
    assert pos.seen == [20]
    assert not pos.is_new(13)
    assert pos.is_new(16)


def test_the_seen_set_is_bounded() -> None:
    clock = FakeClock()
    pos = PushPosition(0, clock=clock)
    for seq in range(1, 2100):
        pos.mark(seq)
    assert len(pos.seen) <= 2000
    assert pos.floor >= 99
    assert not pos.is_new(1)


def _frame(ticket: proto.Ticket, seq: int) -> str:
    return proto.make_envelope(proto.EventType.TICKET_UPDATED, ticket, seq=seq, ts=datetime.now(UTC))


def test_engine_applies_out_of_order_pushes_once_and_resumes_without_a_gap(
    offline_setup: tuple[SyncEngine, Recorder, MemorySecretStore], tmp_path: Path
) -> None:
    engine, rec, secrets = offline_setup  # the cache holds tickets 1 and 2 (version 1) and last_seq 40
    engine.resume("agent.li").result(10)
    rec.wait_for(TicketsReset)
    frames = [
        _frame(make_ticket(1, version=2, subject="v2 of 1"), 46),  # committed second, delivered first
        _frame(make_ticket(2, version=2, subject="v2 of 2"), 45),  # committed first, delivered late
        _frame(make_ticket(2, version=2, subject="v2 of 2"), 45),  # the hub's replay after a reconnect repeats it
        _frame(make_ticket(1, version=2, subject="v2 of 1"), 46),
        _frame(make_ticket(1, version=3, subject="v3 of 1"), 47),  # a marker: everything before it was handled
    ]

    async def feed() -> None:
        for frame in frames:
            await engine._on_frame(frame)

    engine.run(feed()).result(10)
    changed = []
    while True:
        event = rec.wait_for(TicketChanged)
        assert isinstance(event, TicketChanged)
        changed.append((event.ticket.id, event.ticket.subject))
        if event.ticket.subject == "v3 of 1":
            break
    assert changed == [(1, "v2 of 1"), (2, "v2 of 2"), (1, "v3 of 1")]  # the late one shown, nothing twice
    assert engine.last_seq == 47
    engine.stop()
    # After a restart the resume point is still the old floor, and the three count as seen: a replay from 40
    # can repeat them (skipped) but cannot leave one out.
    account = f"agent.li@{engine.hub_url}"
    cipher, _ = CacheCipher.from_store(secrets, "cache-key:" + account)
    stem = hashlib.sha256(account.encode()).hexdigest()[:16]
    reopened = LocalCache.open(tmp_path / f"cache-{stem}.sqlite3", cipher, user=account)
    assert reopened.last_seq == 40
    assert reopened.seen_seqs == [45, 46, 47]
    assert {t.id: t.subject for t in reopened.tickets()} == {1: "v3 of 1", 2: "v2 of 2"}
    reopened.close()
