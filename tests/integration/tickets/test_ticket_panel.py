"""The ticket panel with the real hub process: pushes in the model, offline edits exactly once, the conflict flow,
a corrupted cache rebuilt without losing the outbox, and Chinese knowledge search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app import protocol as proto
from app.sync.engine import SyncEngine
from app.sync.events import (
    CacheRebuilt,
    ConflictRaised,
    ConnectionChanged,
    ConnectionState,
    DataSource,
    OutboxChanged,
    SyncProgress,
    TicketChanged,
    TicketsReset,
)
from app.sync_bridge import SyncBridge
from tests.integration.sync.conftest import EngineFactory, Recorder
from ui.knowledge.pane import KnowledgePane
from ui.tickets.model import TICKET_ROLE
from ui.tickets.panel import TicketPanel

pytestmark = pytest.mark.integration


def online(event: ConnectionChanged) -> bool:
    return event.state is ConnectionState.ONLINE


def signed_in(engines: EngineFactory, user: str = "agent.li", data: str = "client") -> tuple[SyncEngine, Recorder]:
    engine, rec = engines(data)
    engine.login(user, "agentdesk").result(30)
    rec.wait_for(TicketsReset, predicate=lambda e: e.source is DataSource.HUB)
    rec.wait_for(ConnectionChanged, predicate=online)
    return engine, rec


@pytest.fixture
def panel(engines: EngineFactory, qtbot: QtBot) -> Iterator[tuple[TicketPanel, SyncBridge, Recorder]]:
    engine, rec = engines()
    bridge = SyncBridge(engine)
    widget = TicketPanel(bridge)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.model.rowsInserted, timeout=30_000):
        engine.login("agent.li", "agentdesk").result(30)
    yield widget, bridge, rec
    bridge.close()


def _create(client: Any, assignee_id: int | None, subject: str = "客户反映重复扣款") -> dict[str, Any]:
    body = {
        "subject": subject,
        "customer_name": "周杰",
        "customer_phone": "139 1234 5678",
        "category": "refund",
        "custom_fields": {"amount": 199, "merchant": "京东商城"},
        "assignee_id": assignee_id,
    }
    result: dict[str, Any] = client.ok("POST", "/tickets", 201, json=body)
    return result


def test_hub_pushes_appear_in_the_model_in_place(
    panel: tuple[TicketPanel, SyncBridge, Recorder], engines: EngineFactory, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    widget, _bridge, _ = panel
    model = widget.model
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated
    before = model.rowCount()
    assert before > 0  # the seeded demo tickets
    supervisor = engines.hub.client("sup.zhang", client_kind="service")
    li_id = next(t.assignee_id for t in model.tickets() if t.assignee_name == "李娜")
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.rowsInserted, timeout=20_000):
        created = _create(supervisor, li_id)
    assert model.rowCount() == before + 1
    assert model.row_of(created["id"]) is not None

    def is_created(top_left: Any, bottom_right: Any, *_: Any) -> bool:
        # the row may also move (a new priority changes the SLA due, the panel sorts by it)
        ticket = model.ticket_at(top_left.row())
        return ticket is not None and ticket.id == created["id"] and top_left.row() == bottom_right.row()

    with qtbot.waitSignal(model.dataChanged, timeout=20_000, check_params_cb=is_created):
        supervisor.ok("PATCH", f"/tickets/{created['id']}", json={"version": created["version"], "priority": "urgent"})
    ticket = model.ticket(created["id"])
    assert ticket is not None
    assert ticket.priority is proto.TicketPriority.URGENT
    assert resets == []
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated
    # the agent's own view shows it (assigned to them, open)
    proxy_rows = [widget.proxy.index(r, 0).data(TICKET_ROLE).id for r in range(widget.proxy.rowCount())]
    assert created["id"] in proxy_rows


@pytest.mark.allow_log_warnings
def test_offline_edits_are_applied_exactly_once(engines: EngineFactory) -> None:
    engine, rec = signed_in(engines)
    li = engines.hub.client("agent.li", client_kind="service")
    ticket = _create(li, li.user["id"])
    rec.wait_for(TicketChanged, predicate=lambda e: e.ticket.id == ticket["id"])
    engines.hub.stop()
    rec.wait_for(ConnectionChanged, predicate=lambda e: e.state is ConnectionState.OFFLINE)
    engine.update_ticket(
        ticket["id"], proto.TicketUpdate(version=ticket["version"], status=proto.TicketStatus.IN_PROGRESS)
    ).result(10)
    engine.add_note(ticket["id"], proto.NoteCreate("离线时记录：客户已提供退货凭证")).result(10)
    engine.update_ticket(
        ticket["id"], proto.TicketUpdate(version=ticket["version"], priority=proto.TicketPriority.HIGH)
    ).result(10)
    rec.wait_for(OutboxChanged, predicate=lambda e: e.pending == 3)
    rec.drain()
    engines.hub.start()
    rec.wait_for(ConnectionChanged, predicate=online, timeout=30)
    rec.wait_for(OutboxChanged, predicate=lambda e: e.pending == 0, timeout=30)
    li = engines.hub.client("agent.li", client_kind="service")
    detail = li.ok("GET", f"/tickets/{ticket['id']}")
    assert detail["ticket"]["status"] == "in_progress"
    assert detail["ticket"]["priority"] == "high"  # the second edit was chained on our own first one
    notes = [n for n in detail["notes"] if n["body"].startswith("离线时记录")]
    assert len(notes) == 1

    # A crash after the hub applied an edit but before the outbox forgot it: the replay reuses the key.
    async def replay_applied_op() -> None:
        box = engine._outbox
        assert box is not None
        box._conn.execute(
            "INSERT INTO ops(id, kind, target, base_version, payload, state, created_at) VALUES (?,?,?,?,?,?,?)",
            (
                last_note_key,
                "add_note",
                str(ticket["id"]),
                None,
                box._seal(last_note_key, proto.to_wire(proto.NoteCreate("重放测试"))),
                "pending",
                0.0,
            ),
        )

    last_note_key = "replay-key-0001"
    li.ok(
        "POST",
        f"/tickets/{ticket['id']}/notes",
        201,
        json={"body": "重放测试"},
        headers={proto.IDEMPOTENCY_HEADER: last_note_key},
    )
    engine.run(replay_applied_op()).result(10)
    engine.flush().result(20)
    detail = li.ok("GET", f"/tickets/{ticket['id']}")
    assert [n["body"] for n in detail["notes"]].count("重放测试") == 1
    assert engine.outbox_ops().result(10) == []


def test_conflicting_edit_shows_both_versions_and_keeps_the_choice(
    panel: tuple[TicketPanel, SyncBridge, Recorder], engines: EngineFactory, qtbot: QtBot
) -> None:
    widget, bridge, rec = panel
    wang = engines.hub.client("agent.wang", client_kind="service")
    li_id = next(t.assignee_id for t in widget.model.tickets() if t.assignee_name == "李娜")
    with qtbot.waitSignal(widget.model.rowsInserted, timeout=20_000):
        created = _create(wang, li_id)
    seen_version = created["version"]
    # A colleague changes the ticket; the agent edits the version they had on screen.
    with qtbot.waitSignal(widget.model.dataChanged, timeout=20_000):
        wang.ok("PATCH", f"/tickets/{created['id']}", json={"version": seen_version, "priority": "urgent"})
    rec.drain()
    bridge.engine.update_ticket(
        created["id"], proto.TicketUpdate(version=seen_version, status=proto.TicketStatus.PENDING_CUSTOMER)
    ).result(10)
    conflict = rec.wait_for(ConflictRaised)
    assert conflict.theirs.priority is proto.TicketPriority.URGENT
    assert conflict.mine["status"] == "pending_customer"
    qtbot.waitUntil(lambda: len(widget.open_conflicts()) == 1, timeout=10_000)
    dialog = widget.open_conflicts()[0]
    table = dialog.table.model()
    cells = {
        table.index(r, 0).data(): (table.index(r, 1).data(), table.index(r, 2).data()) for r in range(table.rowCount())
    }
    assert len(cells) == 1
    mine, theirs = next(iter(cells.values()))
    assert mine != theirs  # both versions are shown
    rec.drain()
    dialog.keep_mine.click()
    rec.wait_for(OutboxChanged, predicate=lambda e: e.pending == 0 and e.conflicts == 0, timeout=20)
    final = wang.ok("GET", f"/tickets/{created['id']}")["ticket"]
    assert final["status"] == "pending_customer"  # the agent's choice
    assert final["priority"] == "urgent"  # the colleague's change survived


@pytest.mark.allow_log_warnings
def test_corrupted_cache_is_rebuilt_and_the_outbox_survives(engines: EngineFactory) -> None:
    engine, rec = signed_in(engines)
    li = engines.hub.client("agent.li", client_kind="service")
    ticket = _create(li, li.user["id"])
    rec.wait_for(TicketChanged, predicate=lambda e: e.ticket.id == ticket["id"])
    engines.hub.stop()
    rec.wait_for(ConnectionChanged, predicate=lambda e: e.state is ConnectionState.OFFLINE)
    engine.add_note(ticket["id"], proto.NoteCreate("缓存损坏前的备注")).result(10)
    engine.stop()
    cache = engines.cache_path("agent.li")
    for extra in cache.parent.glob(cache.name + "-*"):
        extra.unlink()
    cache.write_bytes(b"\x00garbage" * 4096)
    engines.hub.start()
    again, rec2 = engines()
    assert again.resume("agent.li").result(20) is None or True  # the cache (and its user info) is gone
    rebuilt = rec2.wait_for(CacheRebuilt)
    assert rebuilt.reason
    reset = rec2.wait_for(TicketsReset, predicate=lambda e: e.source is DataSource.HUB, timeout=30)
    assert any(t.id == ticket["id"] for t in reset.tickets)
    rec2.wait_for(OutboxChanged, predicate=lambda e: e.pending == 0, timeout=30)
    notes = li.ok("GET", f"/tickets/{ticket['id']}")["notes"]
    assert [n["body"] for n in notes].count("缓存损坏前的备注") == 1
    with sqlite3.connect(cache) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(
    ("query", "expected"), [("退款", "退款"), ("挂失", "挂失"), ("宽带", "宽带"), ("refund", "refund")]
)
def test_knowledge_search_finds_chinese_two_character_words(
    engines: EngineFactory, qtbot: QtBot, query: str, expected: str
) -> None:
    engine, rec = engines()
    engine.login("agent.li", "agentdesk").result(30)
    rec.wait_for(ConnectionChanged, predicate=online)
    bridge = SyncBridge(engine)
    pane = KnowledgePane(bridge)
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.results_shown, timeout=20_000) as shown:
        for char in query:  # typed one character at a time (QTest.keyClicks aborts on CJK text offscreen)
            pane.search.insert(char)
    assert shown.args[0] == query
    assert shown.args[1] > 0
    result = engine.search_kb(query).result(20)
    top = result.hits[:3]
    assert top
    assert all(expected.lower() in (h.title + h.snippet + " ".join(h.tags)).lower() for h in top)
    assert any(proto.HIGHLIGHT_START in h.snippet or proto.HIGHLIGHT_START in h.title_highlighted for h in top)
    assert "<span" in pane.results.toHtml()
    # Open the first result: Markdown rendered, added to "recently viewed", available offline later.
    with qtbot.waitSignal(pane.article_shown, timeout=20_000):
        pane.open_article(top[0].id)
    assert pane.viewer.toPlainText().strip()
    _favourites, recent = engine.favourites_and_recent().result(10)
    assert [a.id for a in recent] == [top[0].id]
    bridge.close()


def test_first_sync_shows_its_progress_in_the_panel(engines: EngineFactory, qtbot: QtBot) -> None:
    """The first sync shows "Syncing tickets N / total" above the table, page by page, and hides it when every
    row is in the panel (small pages here, so that there are several)."""
    engine, _rec = engines(sync_page_size=5)
    bridge = SyncBridge(engine)
    widget = TicketPanel(bridge)
    qtbot.addWidget(widget)
    seen: list[tuple[SyncProgress, str, bool, int]] = []

    def on_shown(progress: SyncProgress) -> None:
        seen.append((progress, widget.sync_label.text(), widget.sync_box.isHidden(), widget.model.rowCount()))

    widget.sync_progress_shown.connect(on_shown)
    engine.login("agent.li", "agentdesk").result(30)
    qtbot.waitUntil(lambda: any(p.finished for p, *_ in seen), timeout=30_000)
    steps = [entry for entry in seen if not entry[0].finished]
    finished = [entry for entry in seen if entry[0].finished]
    total = widget.model.rowCount()
    assert total > 10  # several pages of 5
    assert len(finished) == 1
    assert finished[0][2]  # hidden
    assert finished[0][0].fetched == total
    assert steps[0][0] == SyncProgress(0, None)
    assert steps[0][1] == "Syncing tickets 0"
    pages = steps[1:]
    assert len(pages) >= total // 5
    assert [p.fetched for p, *_ in pages] == sorted({p.fetched for p, *_ in pages})  # grows page by page
    assert all(p.total == total for p, *_ in pages)
    assert pages[-1][0].fetched == total
    for progress, text, hidden, _rows in pages:
        assert not hidden
        assert text == f"Syncing tickets {progress.fetched} / {total}"
    assert all(rows == 0 for *_, rows in steps)  # the cache was empty: the rows come in one go at the end
    bridge.close()
