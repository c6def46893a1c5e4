"""The sync engine with no hub reachable: the cache opens, edits queue, malformed pushes are skipped."""

from __future__ import annotations

import json
import queue
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import protocol as proto
from app.sync.cache import LocalCache
from app.sync.crypto import CacheCipher, MemorySecretStore
from app.sync.engine import SyncConfig, SyncEngine
from app.sync.events import (
    ConnectionChanged,
    ConnectionState,
    MalformedSkipped,
    OutboxChanged,
    SessionStarted,
    SyncEvent,
    TicketChanged,
    TicketsReset,
)
from tests.helpers.ports import free_port
from tests.unit.sync.test_cache_outbox import make_ticket

pytestmark = pytest.mark.unit

USER = proto.UserInfo(id=7, username="agent.li", display_name="李娜", role=proto.Role.AGENT, team_id=1)


class Recorder:
    def __init__(self) -> None:
        self.events: queue.Queue[SyncEvent] = queue.Queue()

    def __call__(self, event: SyncEvent) -> None:
        self.events.put(event)

    def wait_for(self, kind: type[SyncEvent], timeout: float = 10.0, predicate: object = None) -> SyncEvent:
        while True:
            event = self.events.get(timeout=timeout)
            if isinstance(event, kind) and (predicate is None or predicate(event)):  # type: ignore[operator]
                return event


@pytest.fixture
def offline_setup(tmp_path: Path) -> Iterator[tuple[SyncEngine, Recorder, MemorySecretStore]]:
    """An engine whose hub is a closed port, with a saved session and a cache holding two tickets."""
    secrets = MemorySecretStore()
    hub = f"http://127.0.0.1:{free_port()}"
    config = SyncConfig(hub_url=hub, data_dir=tmp_path, reconnect_min_s=0.2, reconnect_max_s=0.5)
    engine = SyncEngine(config, secrets)
    account = f"agent.li@{hub}"
    secrets.set_secret("refresh-token:" + account, "opaque-refresh-token")
    cipher, _ = CacheCipher.from_store(secrets, "cache-key:" + account)
    import hashlib

    stem = hashlib.sha256(account.encode()).hexdigest()[:16]
    cache = LocalCache.open(tmp_path / f"cache-{stem}.sqlite3", cipher, user=account)
    cache.upsert_tickets([make_ticket(1), make_ticket(2, phone="+8613911112222")], last_seq=40)
    cache.set_meta("user_info", proto.dumps(USER))
    cache.close()
    recorder = Recorder()
    engine.add_listener(recorder)
    engine.start()
    yield engine, recorder, secrets
    engine.stop()


def test_resume_offline_shows_the_cache_and_retries(
    offline_setup: tuple[SyncEngine, Recorder, MemorySecretStore],
) -> None:
    engine, rec, _ = offline_setup
    user = engine.resume("agent.li").result(10)
    assert user == USER
    reset = rec.wait_for(TicketsReset)
    assert isinstance(reset, TicketsReset)
    assert sorted(t.id for t in reset.tickets) == [1, 2]
    started = rec.wait_for(SessionStarted)
    assert isinstance(started, SessionStarted)
    assert started.offline
    offline = rec.wait_for(ConnectionChanged, predicate=lambda e: e.state is ConnectionState.OFFLINE)
    assert isinstance(offline, ConnectionChanged)
    assert offline.retry_in_s is not None
    assert engine.last_seq == 40


def test_edits_made_offline_are_queued_and_shown(offline_setup: tuple[SyncEngine, Recorder, MemorySecretStore]) -> None:
    engine, rec, _ = offline_setup
    engine.resume("agent.li").result(10)
    engine.update_ticket(1, proto.TicketUpdate(version=1, status=proto.TicketStatus.IN_PROGRESS)).result(10)
    changed = rec.wait_for(TicketChanged)
    assert isinstance(changed, TicketChanged)
    assert changed.pending
    assert changed.ticket.status is proto.TicketStatus.IN_PROGRESS
    box = rec.wait_for(OutboxChanged, predicate=lambda e: e.pending == 1)
    assert isinstance(box, OutboxChanged)
    local_id = engine.create_ticket(
        proto.TicketCreate(subject="宽带无法上网", customer_name="赵敏", category="broadband_fault")
    ).result(10)
    assert local_id < 0
    ops = engine.outbox_ops().result(10)
    assert [op.kind.value for op in ops] == ["update_ticket", "create_ticket"]
    assert ops[0].id != ops[1].id


@pytest.mark.allow_log_warnings
def test_malformed_pushes_are_skipped_and_cache_untouched(
    offline_setup: tuple[SyncEngine, Recorder, MemorySecretStore],
) -> None:
    engine, rec, _ = offline_setup
    engine.resume("agent.li").result(10)
    rec.wait_for(TicketsReset)
    good = make_ticket(1, version=5, subject="新版本")
    frames: list[str | bytes] = [
        b"\xff\xfe not json",
        "[]",
        json.dumps({"type": "ticket.updated", "seq": 41, "payload": {"id": "x"}}),
        json.dumps({"type": "ticket.updated", "payload": proto.to_wire(good)}),  # no seq
        json.dumps({"type": "ticket.updated", "seq": 42, "payload": {**proto.to_wire(good), "status": "??"}}),
        json.dumps({"type": "something.new", "seq": 43, "payload": {}}),
        proto.make_envelope(proto.EventType.TICKET_UPDATED, good, seq=44, ts=datetime.now(UTC)),
    ]

    async def feed() -> None:
        for frame in frames:
            await engine._on_frame(frame)

    engine.run(feed()).result(10)
    skipped = [rec.wait_for(MalformedSkipped) for _ in range(5)]
    assert len(skipped) == 5  # the unknown type from a newer hub is ignored quietly
    changed = rec.wait_for(TicketChanged)
    assert isinstance(changed, TicketChanged)
    assert changed.ticket.subject == "新版本"
    assert engine.last_seq == 44
