"""The local cache and the outbox: sealed at rest, rebuilt when corrupt, outbox kept and replay-safe."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import protocol as proto
from app.sync.cache import LocalCache
from app.sync.crypto import CacheCipher, MemorySecretStore
from app.sync.engine import caller_phone, offline_search
from app.sync.outbox import OpKind, OpState, Outbox

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_ticket(tid: int, phone: str | None = "+8613800138000", version: int = 1, **kw: object) -> proto.Ticket:
    base: dict[str, object] = {
        "id": tid,
        "number": f"T20261123-{tid:06d}",
        "subject": "信用卡挂失",
        "description": "客户来电称信用卡丢失，要求挂失。",
        "customer_name": "张伟",
        "customer_phone": phone,
        "category": "card_loss",
        "priority": proto.TicketPriority.HIGH,
        "status": proto.TicketStatus.NEW,
        "assignee_id": 7,
        "assignee_name": "李娜",
        "team_id": 1,
        "sla_due": NOW + timedelta(hours=4),
        "custom_fields": {"card_last4": "1234"},
        "linked_call_ids": [],
        "created_by": 7,
        "created_at": NOW,
        "updated_at": NOW,
        "version": version,
    }
    base.update(kw)
    return proto.Ticket(**base)  # type: ignore[arg-type]


@pytest.fixture
def cipher() -> CacheCipher:
    c, _ = CacheCipher.from_store(MemorySecretStore(), "cache-key:test")
    return c


def test_cipher_key_lives_in_the_store_and_is_reused() -> None:
    store = MemorySecretStore()
    first, new = CacheCipher.from_store(store, "k")
    second, again = CacheCipher.from_store(store, "k")
    assert new
    assert not again
    blob = first.seal(b"secret", "ad")
    assert second.open(blob, "ad") == b"secret"
    assert store.get_secret("k")


def test_customer_data_is_not_stored_in_clear(tmp_path: Path, cipher: CacheCipher) -> None:
    cache = LocalCache.open(tmp_path / "c.db", cipher, user="u@hub")
    cache.upsert_tickets([make_ticket(1)])
    cache.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for needle in ("张伟", "13800138000", "信用卡挂失", "1234"):
        assert needle.encode() not in raw
    reopened = LocalCache.open(tmp_path / "c.db", cipher, user="u@hub")
    assert reopened.rebuilt_reason is None
    assert [t.customer_name for t in reopened.tickets()] == ["张伟"]
    assert [t.id for t in reopened.tickets_for_phone("+8613800138000")] == [1]
    assert reopened.tickets_for_phone("+8613900000000") == []


def test_older_versions_never_overwrite_newer(tmp_path: Path, cipher: CacheCipher) -> None:
    cache = LocalCache.open(tmp_path / "c.db", cipher, user="u")
    cache.upsert_tickets([make_ticket(1, version=3, subject="v3")], last_seq=10)
    cache.upsert_tickets([make_ticket(1, version=2, subject="v2")], last_seq=11)
    ticket = cache.ticket(1)
    assert ticket is not None
    assert ticket.subject == "v3"
    assert cache.last_seq == 11


def test_garbage_cache_file_is_moved_aside_and_rebuilt(
    tmp_path: Path, cipher: CacheCipher, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.db"
    cache = LocalCache.open(path, cipher, user="u")
    cache.upsert_tickets([make_ticket(1)], last_seq=5)
    cache.close()
    for extra in tmp_path.glob("c.db-*"):
        extra.unlink()
    path.write_bytes(b"this is not a database" * 200)
    rebuilt = LocalCache.open(path, cipher, user="u")
    assert rebuilt.rebuilt_reason
    assert rebuilt.tickets() == []
    assert rebuilt.last_seq == 0
    assert list(tmp_path.glob("c.db.corrupt-*"))
    assert "rebuilding it from the hub" in caplog.text


def test_cache_with_a_lost_key_is_rebuilt(
    tmp_path: Path, cipher: CacheCipher, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.db"
    LocalCache.open(path, cipher, user="u").upsert_tickets([make_ticket(1)])
    other, _ = CacheCipher.from_store(MemorySecretStore(), "k")
    rebuilt = LocalCache.open(path, other, user="u", key_is_new=True)
    assert rebuilt.rebuilt_reason
    assert rebuilt.tickets() == []
    assert "key was missing" in caplog.text


def test_cache_of_another_user_is_not_reused(
    tmp_path: Path, cipher: CacheCipher, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.db"
    LocalCache.open(path, cipher, user="alice").upsert_tickets([make_ticket(1)])
    assert LocalCache.open(path, cipher, user="bob").tickets() == []
    assert "another user" in caplog.text


def test_tampered_row_is_skipped_not_fatal(
    tmp_path: Path, cipher: CacheCipher, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.db"
    cache = LocalCache.open(path, cipher, user="u")
    cache.upsert_tickets([make_ticket(1), make_ticket(2)])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE tickets SET blob = X'00112233445566778899aabbccddeeff00112233445566778899' WHERE id = '1'")
    conn.commit()
    conn.close()
    assert [t.id for t in cache.tickets()] == [2]
    assert "ticket 1 unreadable" in caplog.text


def test_outbox_survives_restarts_and_keeps_order(tmp_path: Path, cipher: CacheCipher) -> None:
    box = Outbox(tmp_path / "o.db", cipher)
    a = box.add(OpKind.UPDATE_TICKET, "1", {"version": 1, "status": "in_progress"}, base_version=1)
    b = box.add(OpKind.ADD_NOTE, "1", {"body": "客户要求回电", "visibility": "internal"})
    box.close()
    again = Outbox(tmp_path / "o.db", cipher)
    assert [op.id for op in again.pending()] == [a.id, b.id]
    assert again.pending()[1].payload["body"] == "客户要求回电"
    assert "客户要求回电".encode() not in (tmp_path / "o.db").read_bytes()


def test_outbox_version_chain_follows_our_own_edits(tmp_path: Path, cipher: CacheCipher) -> None:
    box = Outbox(tmp_path / "o.db", cipher)
    first = box.add(OpKind.UPDATE_TICKET, "9", {"version": 4, "priority": "high"}, base_version=4)
    second = box.add(OpKind.UPDATE_TICKET, "9", {"version": 4, "status": "resolved"}, base_version=4)
    assert box.effective_version("9", 4) == 4
    box.done_update(first.id, "9", 4, 5)
    assert box.effective_version("9", 4) == 5
    assert [op.id for op in box.pending()] == [second.id]


def test_conflict_then_keep_mine_gets_a_new_idempotency_key(tmp_path: Path, cipher: CacheCipher) -> None:
    box = Outbox(tmp_path / "o.db", cipher)
    op = box.add(OpKind.UPDATE_TICKET, "3", {"version": 1, "status": "resolved"}, base_version=1)
    box.mark_conflict(op.id, {"id": 3, "version": 2})
    conflicted = box.get(op.id)
    assert conflicted is not None
    assert conflicted.state is OpState.CONFLICT
    assert conflicted.server_copy == {"id": 3, "version": 2}
    rebased = box.rebase(op.id, 2)
    assert rebased is not None
    assert rebased.id != op.id
    assert rebased.state is OpState.PENDING
    assert rebased.payload["version"] == 2


def test_created_ticket_retargets_later_ops(tmp_path: Path, cipher: CacheCipher) -> None:
    box = Outbox(tmp_path / "o.db", cipher)
    create = box.add(OpKind.CREATE_TICKET, "-5", {"subject": "x"})
    note = box.add(OpKind.ADD_NOTE, "-5", {"body": "n"})
    box.done_create(create.id, "-5", "42")
    assert [(op.id, op.target) for op in box.all()] == [(note.id, "42")]


def test_unreadable_outbox_file_is_kept_aside(
    tmp_path: Path, cipher: CacheCipher, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "o.db").write_bytes(b"garbage" * 1000)
    box = Outbox(tmp_path / "o.db", cipher)
    assert box.all() == []
    assert list(tmp_path.glob("o.db.unreadable-*"))
    assert "kept as" in caplog.text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sip:13800138000@127.0.0.1", "+8613800138000"),
        ('"张伟" <sip:+8613800138000@pbx.example;user=phone>', "+8613800138000"),
        ("tel:010-6552-1234", "+861065521234"),
        ("sip:008613800138000@pbx", "+8613800138000"),
        ("sip:agent007@pbx", None),
        ("anonymous", None),
    ],
)
def test_caller_phone(raw: str, expected: str | None) -> None:
    assert caller_phone(raw) == expected


def test_offline_search_highlights_cached_articles(tmp_path: Path, cipher: CacheCipher) -> None:
    cache = LocalCache.open(tmp_path / "c.db", cipher, user="u")
    article = proto.KbArticle(
        id=5,
        title="信用卡挂失流程",
        body="# 信用卡挂失\n\n核实身份后为客户办理挂失，并告知补卡费用。",
        category="card",
        tags=["挂失"],
        updated_at=NOW,
        version=1,
    )
    cache.upsert_articles([article])
    result = offline_search(cache, "挂失", 10)
    assert [h.id for h in result.hits] == [5]
    assert proto.HIGHLIGHT_START + "挂失" + proto.HIGHLIGHT_END in result.hits[0].snippet
    assert offline_search(cache, "退款", 10).hits == []
