"""Shutdown: the knowledge pane's and the ticket panel's timers stop for good and nothing reaches the hub after."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app import protocol as proto
from app.sync.crypto import MemorySecretStore
from app.sync.engine import SyncConfig, SyncEngine
from app.sync_bridge import SyncBridge
from tests.helpers.ports import free_port
from ui.knowledge.pane import SEARCH_DEBOUNCE_MS, SUGGEST_DEBOUNCE_MS, KnowledgePane
from ui.tickets.panel import TicketPanel

pytestmark = pytest.mark.unit


class CountingEngine(SyncEngine):
    """The real engine (hub unreachable) counting the knowledge requests made of it."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.kb_calls: list[str] = []

    def suggest_kb(
        self, category: str | None, text: str, limit: int = 5
    ) -> concurrent.futures.Future[proto.KbSearchResult]:
        self.kb_calls.append("suggest")
        return super().suggest_kb(category, text, limit)

    def search_kb(self, query: str, limit: int = 20) -> concurrent.futures.Future[proto.KbSearchResult]:
        self.kb_calls.append("search")
        return super().search_kb(query, limit)


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[SyncBridge]:
    config = SyncConfig(hub_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    engine = CountingEngine(config, MemorySecretStore())
    engine.start()
    bridge = SyncBridge(engine)
    yield bridge
    bridge.close()
    engine.stop()


def test_suggestion_timer_does_not_fire_after_stop(qtbot: QtBot, bridge: SyncBridge) -> None:
    pane = KnowledgePane(bridge)
    qtbot.addWidget(pane)
    engine = bridge.engine
    assert isinstance(engine, CountingEngine)
    pane.suggest_for("card_loss", "客户信用卡丢失要求挂失")
    pane.search.setText("挂失")
    assert pane._suggest_timer.isActive()
    assert pane._search_timer.isActive()
    pane.stop()
    assert not pane._suggest_timer.isActive()
    assert not pane._search_timer.isActive()
    # Late signals after shutdown (the panel's suggestions, a call ending, typing) must not start them again.
    pane.suggest_for("refund", "退款")
    pane.on_call_context("+8613800138000")
    pane.search.setText("退款")
    with qtbot.assertNotEmitted(pane._suggest_timer.timeout, wait=SUGGEST_DEBOUNCE_MS + 200):
        pass
    assert not pane._search_timer.isActive()
    assert engine.kb_calls == []
    pane.stop()  # idempotent


def test_knowledge_pane_still_works_before_stop(qtbot: QtBot, bridge: SyncBridge) -> None:
    """The control for the test above: without stop() the same input does reach the engine."""
    pane = KnowledgePane(bridge)
    qtbot.addWidget(pane)
    engine = bridge.engine
    assert isinstance(engine, CountingEngine)
    pane.suggest_for("card_loss", "客户信用卡丢失要求挂失")
    with qtbot.waitSignal(pane._suggest_timer.timeout, timeout=SUGGEST_DEBOUNCE_MS + 2000):
        pass
    pane.search.setText("挂失")
    with qtbot.waitSignal(pane._search_timer.timeout, timeout=SEARCH_DEBOUNCE_MS + 2000):
        pass
    assert engine.kb_calls == ["suggest", "search"]


def test_ticket_panel_stop_ends_its_timers_and_ignores_events(qtbot: QtBot, bridge: SyncBridge) -> None:
    panel = TicketPanel(bridge)
    qtbot.addWidget(panel)
    assert panel._sla_timer.isActive()
    panel.detail.note_edit.setPlainText("保本保收益")
    assert panel.detail._compliance_timer.isActive()
    panel.stop()
    assert panel.stopped
    assert not panel._sla_timer.isActive()
    assert not panel.detail._compliance_timer.isActive()
    panel.detail.note_edit.setPlainText("稳赚不赔")
    assert not panel.detail._compliance_timer.isActive()
    panel.on_call_incoming("c1", "13800138000")  # a call ringing during shutdown: no screen pop asked for
    panel.stop()


def test_bridge_close_drops_results_still_on_their_way(qtbot: QtBot, bridge: SyncBridge) -> None:
    future: concurrent.futures.Future[int] = concurrent.futures.Future()
    delivered: list[object] = []
    bridge.watch(future, delivered.append, delivered.append)
    bridge.close()
    future.set_result(1)
    with qtbot.assertNotEmitted(bridge.event_received, wait=100):
        pass
    assert delivered == []
