"""Live push ordering on the hub: the sequencer puts events that reach the loop out of commit order back in order,
closes gaps from the events table, skips rolled-back numbers, and a connection never drops an event it did not send.

Pure asyncio (no server process): the sequencer's database read is a function over an in-memory "events table".
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest

from app.protocol import EventType, Role
from server.push import Audience, Connection, ConnectionHub, LiveGate, Sequencer, WireEvent

pytestmark = pytest.mark.unit

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ev(seq: int) -> WireEvent:
    return WireEvent(seq, EventType.AGENT_STATE.value, {"n": seq}, AT, Audience(user_id=7))


class Table:
    """The committed events, as the sequencer's database read sees them (thread-safe, counts reads)."""

    def __init__(self, seqs: list[int] | None = None) -> None:
        self.rows = {s: ev(s) for s in seqs or []}
        self.reads = 0
        self.fail = 0
        self._lock = threading.Lock()

    def commit(self, *seqs: int) -> list[WireEvent]:
        with self._lock:
            for s in seqs:
                self.rows[s] = ev(s)
        return [self.rows[s] for s in seqs]

    def fetch(self, after: int, limit: int) -> list[WireEvent]:
        with self._lock:
            self.reads += 1
            if self.fail:
                self.fail -= 1
                raise OSError("database unreachable")
            return [self.rows[s] for s in sorted(self.rows) if s > after][:limit]


def run(body: Callable[[asyncio.AbstractEventLoop], Coroutine[Any, Any, None]]) -> None:
    """Run ``body`` on a fresh event loop in its own thread (as the hub's loop owns the sockets), leaving the main
    thread's asyncio and signal state alone for the Qt tests that run later in the same process."""
    errors: list[BaseException] = []

    async def main() -> None:
        await body(asyncio.get_running_loop())

    def thread() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)

    runner = threading.Thread(target=thread, name="test-loop")
    runner.start()
    runner.join(60)
    assert not runner.is_alive(), "the test's event loop did not finish"
    if errors:
        raise errors[0]


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.01)


def make(
    loop: asyncio.AbstractEventLoop, table: Table, head: int, gap_wait_s: float = 0.05
) -> tuple[Sequencer, list[int]]:
    delivered: list[int] = []
    seq = Sequencer(lambda e: delivered.append(e.seq), table.fetch, gap_wait_s=gap_wait_s, retry_max_s=0.1)
    seq.start(loop, head)
    return seq, delivered


def test_events_arriving_out_of_commit_order_are_delivered_in_order() -> None:
    async def body(loop: asyncio.AbstractEventLoop) -> None:
        table = Table([1, 2, 3])
        seq, delivered = make(loop, table, head=3, gap_wait_s=5.0)
        e4, e5, e6 = table.commit(4, 5, 6)
        # two request threads: the one that committed 5 posts before the one that committed 4
        seq.offer(e5)
        seq.offer(e6)
        assert delivered == []  # held back until 4 is in
        seq.offer(e4)
        assert delivered == [4, 5, 6]
        assert table.reads == 0  # closed without the database
        # a late duplicate (a replayed or re-read event) is dropped
        seq.offer(e5)
        assert delivered == [4, 5, 6]
        assert seq.pending == 0

    run(body)


def test_a_connection_sends_a_late_event_it_has_not_sent(caplog: pytest.LogCaptureFixture) -> None:
    """The defect this guards against: a connection that only remembers the highest seq sent drops a lower one."""
    caplog.set_level(logging.WARNING, "server.push")
    gate = LiveGate(floor=10)
    assert gate.admit(12)
    assert gate.admit(11)  # late, but never sent: sent (the max rule dropped it) and logged (the sequencer failed)
    assert "event 11 reached a connection after 12" in caplog.text
    assert not gate.admit(11)
    assert not gate.admit(12)
    assert not gate.admit(10)  # covered by the replay
    assert not gate.admit(3)


def test_the_gate_window_is_bounded() -> None:
    gate = LiveGate(floor=0)
    for s in range(1, LiveGate.WINDOW + 101):
        assert gate.admit(s)
    assert gate.floor == 100  # the oldest ones left the window: older seqs count as sent
    assert not gate.admit(50)
    assert not gate.admit(LiveGate.WINDOW + 100)


def test_a_gap_is_closed_from_the_events_table() -> None:
    """The listener missed 5 (it was reconnecting): once 6 has waited ``gap_wait_s``, 5 is read and both go out."""

    async def body(loop: asyncio.AbstractEventLoop) -> None:
        table = Table([1, 2, 3, 4])
        seq, delivered = make(loop, table, head=4)
        _e5, e6 = table.commit(5, 6)
        seq.offer(e6)
        await until(lambda: delivered == [5, 6])
        assert seq.read_from_db == 1
        assert seq.skipped == 0

    run(body)


def test_a_rolled_back_number_is_skipped_not_waited_for() -> None:
    """PostgreSQL sequences are not transactional: a rolled-back insert leaves a hole that must not stall the feed."""

    async def body(loop: asyncio.AbstractEventLoop) -> None:
        table = Table([1, 2])
        seq, delivered = make(loop, table, head=2)
        (e4,) = table.commit(4)  # 3 was rolled back
        seq.offer(e4)
        await until(lambda: delivered == [4])
        assert seq.skipped == 1
        (e5,) = table.commit(5)
        seq.offer(e5)
        assert delivered == [4, 5]

    run(body)


def test_catch_up_delivers_what_was_committed_while_nobody_listened() -> None:
    async def body(loop: asyncio.AbstractEventLoop) -> None:
        table = Table([1])
        seq, delivered = make(loop, table, head=1)
        table.commit(2, 3, 4)  # other hubs' events; their notifications went to a dead connection
        seq.catch_up()
        await until(lambda: delivered == [2, 3, 4])
        # the notifications that do arrive later are duplicates
        for e in table.commit(5):
            seq.offer(e)
        seq.offer(table.rows[3])
        assert delivered == [2, 3, 4, 5]

    run(body)


def test_a_gap_read_never_skips_an_event_committed_after_it_started() -> None:
    """Only numbers below an event known to be committed when the read started can be declared rolled back."""

    async def body(loop: asyncio.AbstractEventLoop) -> None:
        table = Table([1])
        reading = threading.Event()
        release = threading.Event()
        plain = table.fetch

        def slow_fetch(after: int, limit: int) -> list[WireEvent]:
            rows = plain(after, limit)
            reading.set()
            release.wait(5)
            return rows

        delivered: list[int] = []
        seq = Sequencer(lambda e: delivered.append(e.seq), slow_fetch, gap_wait_s=0.05)
        seq.start(loop, 1)
        (e3,) = table.commit(3)  # 2 rolled back
        seq.offer(e3)
        await until(reading.is_set)
        # while the read runs, 4 and 5 commit; 5's notification arrives first, 4's is still on its way
        e4, e5 = table.commit(4, 5)
        seq.offer(e5)
        release.set()
        await until(lambda: delivered == [3])
        await asyncio.sleep(0.02)
        assert delivered == [3]  # 5 waits for 4: 4 was committed after the read started, it is not skipped
        seq.offer(e4)
        assert delivered == [3, 4, 5]
        assert seq.skipped == 1

    run(body)


@pytest.mark.allow_log_warnings
def test_a_failing_read_is_retried() -> None:
    async def body(loop: asyncio.AbstractEventLoop) -> None:
        table = Table([1])
        table.fail = 2
        seq, delivered = make(loop, table, head=1)
        _e2, e3 = table.commit(2, 3)
        seq.offer(e3)
        await until(lambda: delivered == [2, 3])
        assert table.reads >= 3

    run(body)


def test_the_hub_fans_out_one_frame_per_event_in_order() -> None:
    """End of the chain: out-of-order arrivals reach every targeted connection's queue in sequence order, as the
    same serialised frame object (encoded once, not per connection)."""

    async def body(loop: asyncio.AbstractEventLoop) -> None:
        hub = ConnectionHub()
        conns = [Connection(7, Role.AGENT, 1, f"s{i}") for i in range(3)]
        for c in conns:
            hub.add(c)
        table = Table([1])
        seq = Sequencer(hub.deliver, table.fetch, gap_wait_s=5.0)
        seq.start(loop, 1)
        e2, e3 = table.commit(2, 3)
        seq.offer(e3)
        seq.offer(e2)
        for c in conns:
            got = [c.queue.get_nowait() for _ in range(2)]
            assert [s for s, _ in got] == [2, 3]
            assert got[0][1] is e2.text
        assert hub.delivered == 6

    run(body)


def test_delivery_from_many_threads_stays_in_order() -> None:
    """Request threads commit in sequence order but post to the loop in any order; nothing is lost or reordered."""

    async def body(loop: asyncio.AbstractEventLoop) -> None:
        table = Table([])
        seq, delivered = make(loop, table, head=0, gap_wait_s=0.2)
        lock = threading.Lock()
        counter = iter(range(1, 401))

        def worker() -> None:
            for _ in range(100):
                with lock:  # the database's write lock: numbers commit in order
                    (e,) = table.commit(next(counter))
                loop.call_soon_threadsafe(seq.offer, e)  # the after-commit post, outside the lock

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        await until(lambda: all(not t.is_alive() for t in threads))
        await until(lambda: len(delivered) == 400)
        assert delivered == list(range(1, 401))

    run(body)
