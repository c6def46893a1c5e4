"""The screen pop's caller view: only the caller's tickets, kept live, and back to the agent's view afterwards."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app import protocol as proto
from app.sync.crypto import MemorySecretStore
from app.sync.engine import SyncConfig, SyncEngine
from app.sync.events import DataSource, ScreenPop, SessionStarted, TicketChanged, TicketsReset
from app.sync_bridge import SyncBridge
from tests.helpers.ports import free_port
from tests.unit.sync.test_cache_outbox import make_ticket
from ui.tickets.model import TICKET_ROLE, TicketView
from ui.tickets.panel import TicketPanel

pytestmark = pytest.mark.unit

CALLER = "+8613800138000"
USER = proto.UserInfo(id=7, username="agent.li", display_name="李娜", role=proto.Role.AGENT, team_id=1)


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path) -> Iterator[TicketPanel]:
    engine = SyncEngine(SyncConfig(hub_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path), MemorySecretStore())
    engine.start()  # its hub is a closed port: the detail and categories calls fail fast; events are fed directly
    bridge = SyncBridge(engine)
    widget = TicketPanel(bridge)
    qtbot.addWidget(widget)
    widget._on_sync_event(SessionStarted(USER, offline=True))
    tickets = [make_ticket(i, phone=f"+86139{i:08d}") for i in range(1, 301)]
    tickets += [make_ticket(1001, phone=CALLER), make_ticket(1002, phone=CALLER, status=proto.TicketStatus.RESOLVED)]
    widget._on_sync_event(TicketsReset(tuple(tickets), DataSource.CACHE, frozenset()))
    yield widget
    widget.stop()
    bridge.close()
    engine.stop()


def shown(panel: TicketPanel) -> set[int]:
    return {panel.proxy.index(r, 0).data(TICKET_ROLE).id for r in range(panel.proxy.rowCount())}


def pop(call_id: str, source: DataSource, tickets: list[proto.Ticket]) -> ScreenPop:
    result = proto.CustomerTickets(
        phone=CALLER,
        customer_name="张伟",
        open_tickets=[t for t in tickets if t.status in proto.OPEN_TICKET_STATUSES],
        recent_tickets=[t for t in tickets if t.status not in proto.OPEN_TICKET_STATUSES],
    )
    return ScreenPop(call_id, "13800138000", CALLER, datetime.now(UTC), result, source)


def test_caller_view_shows_only_the_callers_tickets_live(panel: TicketPanel, qtmodeltester: ModelTester) -> None:
    assert len(shown(panel)) == 301  # my open tickets (1002 is resolved)
    panel._on_sync_event(pop("c1", DataSource.CACHE, [panel.model.ticket(1001), panel.model.ticket(1002)]))  # type: ignore[list-item]
    assert panel.proxy.view is TicketView.CALLER
    assert shown(panel) == {1001, 1002}
    assert panel.table.selectionModel().selectedRows()[0].data(TICKET_ROLE).id == 1001
    # The hub's answer brings a ticket the cache did not have, and a push changes one in place.
    newer = make_ticket(1003, phone=CALLER, subject="宽带报障")
    panel._on_sync_event(pop("c1", DataSource.HUB, [newer, make_ticket(1001, phone=CALLER)]))
    assert shown(panel) == {1001, 1002, 1003}
    panel._on_sync_event(TicketChanged(dataclasses.replace(newer, version=2, subject="宽带已修复")))
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.index(r, 0).data(TICKET_ROLE).id == 1003)
    assert panel.proxy.index(row, 0).data(TICKET_ROLE).subject == "宽带已修复"
    assert panel.model.ticket(1003) is not None  # the full model has it too
    panel._on_sync_event(TicketChanged(make_ticket(5000, phone="+8613700000000")))  # someone else's: not shown
    assert 5000 not in shown(panel)
    qtmodeltester.check(panel.proxy)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated
    # Dismissed: back to the agent's own view, with every ticket (including the one the pop brought).
    panel.pop_close_button.click()
    assert panel.proxy.view.value == TicketView.MY_OPEN.value  # (a plain ``is`` confuses mypy's narrowing)
    assert shown(panel) == {*range(1, 301), 1001, 1003, 5000}
    qtmodeltester.check(panel.proxy)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated
