"""TicketTableModel: in-place updates (never a reset), views, SLA colouring; checked by pytest-qt's model tester."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from app import protocol as proto
from tests.unit.sync.test_cache_outbox import NOW, make_ticket
from ui.tickets.model import TICKET_ROLE, Column, TicketFilterProxy, TicketTableModel, TicketView

pytestmark = pytest.mark.unit


def test_model_passes_the_model_tester_through_pushes(qtmodeltester: ModelTester) -> None:
    model = TicketTableModel(clock=lambda: NOW)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated
    model.apply_snapshot([make_ticket(i) for i in range(1, 6)])
    model.upsert(make_ticket(3, version=2, status=proto.TicketStatus.IN_PROGRESS))
    model.upsert(make_ticket(9))
    model.remove(2)
    model.apply_snapshot([make_ticket(i) for i in (1, 4, 9, 10)])
    assert [t.id for t in model.tickets()] == [1, 4, 9, 10]
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated


def test_pushes_never_reset_the_model(qtbot: QtBot) -> None:
    model = TicketTableModel(clock=lambda: NOW)
    model.apply_snapshot([make_ticket(i) for i in range(1, 4)])
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.upsert(make_ticket(2, version=2, subject="updated"))
    assert changed.args[0].row() == 1
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert(make_ticket(4))
    with qtbot.waitSignal(model.rowsRemoved):
        model.apply_snapshot([make_ticket(i) for i in (1, 2, 4)])
    assert resets == []


def test_local_placeholder_becomes_the_real_ticket() -> None:
    model = TicketTableModel(clock=lambda: NOW)
    model.upsert(make_ticket(-17, number=""), pending=True)
    assert model.is_pending(-17)
    model.replace_local(-17, make_ticket(55))
    assert [t.id for t in model.tickets()] == [55]
    assert not model.is_pending(55)


def test_sla_colours_at_80_percent_and_overdue() -> None:
    created = NOW - timedelta(hours=9)
    tickets = [
        make_ticket(1, created_at=created, sla_due=created + timedelta(hours=20)),  # 45 %
        make_ticket(2, created_at=created, sla_due=created + timedelta(hours=10)),  # 90 %
        make_ticket(3, created_at=created, sla_due=created + timedelta(hours=8)),  # overdue
    ]
    model = TicketTableModel(clock=lambda: NOW)
    model.apply_snapshot(tickets)
    colours = [model.data(model.index(r, Column.SLA_DUE), Qt.ItemDataRole.ForegroundRole) for r in range(3)]
    assert colours[0] is None
    assert colours[1] is not None
    assert colours[2] is not None
    assert colours[1].color() != colours[2].color()
    assert "1" in model.data(model.index(2, Column.SLA_DUE))  # "Overdue 1h 00m"


def test_views(qtmodeltester: ModelTester) -> None:
    model = TicketTableModel(clock=lambda: NOW)
    mine = make_ticket(1, assignee_id=7)
    teammate = make_ticket(2, assignee_id=8, team_id=1)
    other_team = make_ticket(3, assignee_id=9, team_id=2)
    closed_old = make_ticket(4, status=proto.TicketStatus.CLOSED, updated_at=NOW - timedelta(days=30))
    resolved = make_ticket(5, status=proto.TicketStatus.RESOLVED, customer_phone="+8613911112222")
    model.apply_snapshot([mine, teammate, other_team, closed_old, resolved])
    proxy = TicketFilterProxy(clock=lambda: NOW)
    proxy.setSourceModel(model)
    proxy.set_user(7, 1)
    qtmodeltester.check(proxy)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated

    def ids() -> list[int]:
        return sorted(proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1).id for r in range(proxy.rowCount()))

    assert ids() == [1]
    proxy.set_view(TicketView.TEAM_QUEUE)
    assert ids() == [1, 2]
    proxy.set_view(TicketView.RECENT)
    assert ids() == [1, 2, 3, 5]
    proxy.set_view(TicketView.CALLER, "+8613911112222")
    assert ids() == [5]
    proxy.set_view(TicketView.TEAM_QUEUE)
    proxy.set_text("000002")
    assert ids() == [2]
    model.upsert(dataclasses.replace(teammate, version=2, status=proto.TicketStatus.CLOSED))
    assert ids() == []


def test_a_resorted_push_keeps_order_and_the_selected_row(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    """A change that moves a row in the sort order: an unselected row is removed and re-inserted at its place (the
    proxy filters just that row, no layout change); the selected one is moved, so the selection follows it."""
    model = TicketTableModel(clock=lambda: NOW)
    proxy = TicketFilterProxy(clock=lambda: NOW)
    proxy.setSourceModel(model)
    proxy.set_user(7, 1)
    proxy.set_view(TicketView.TEAM_QUEUE)
    qtmodeltester.check(proxy)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated
    model.apply_snapshot([make_ticket(i, sla_due=NOW + timedelta(hours=i)) for i in range(1, 7)])
    model.sort(Column.SLA_DUE, Qt.SortOrder.AscendingOrder)
    layouts: list[bool] = []
    proxy.layoutChanged.connect(lambda *_: layouts.append(True))
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, _last: inserted.append(first))
    with qtbot.waitSignal(model.dataChanged) as changed:  # every update ends with dataChanged for its row
        model.upsert(make_ticket(2, version=2, sla_due=NOW + timedelta(hours=10)))
    assert inserted == [5]
    assert changed.args[0].row() == 5
    assert [t.id for t in model.tickets()] == [1, 3, 4, 5, 6, 2]
    assert layouts == []
    assert proxy.rowCount() == 6

    model.keep_identity([5])
    with qtbot.waitSignal(model.rowsMoved):
        model.upsert(make_ticket(5, version=2, sla_due=NOW - timedelta(hours=1)))
    assert [t.id for t in model.tickets()] == [5, 1, 3, 4, 6, 2]
    assert [proxy.index(r, 0).data(TICKET_ROLE).id for r in range(proxy.rowCount())] == [5, 1, 3, 4, 6, 2]
    qtmodeltester.check(proxy)  # type: ignore[no-untyped-call]  # pytest-qt leaves it unannotated


def test_the_proxy_remembers_verdicts_per_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back to a view seen before (after the caller view, or a search): the rows are not evaluated again, unless
    they changed; a changed ticket gets a fresh verdict."""
    model = TicketTableModel(clock=lambda: NOW)
    proxy = TicketFilterProxy(clock=lambda: NOW)
    proxy.setSourceModel(model)
    proxy.set_user(7, 1)
    evaluated: list[int] = []
    accepts = proxy._accepts

    def counting(ticket: proto.Ticket) -> bool:
        evaluated.append(ticket.id)
        return accepts(ticket)

    monkeypatch.setattr(proxy, "_accepts", counting)
    model.apply_snapshot([make_ticket(i, assignee_id=7 if i % 2 else 8) for i in range(1, 41)])
    assert proxy.rowCount() == 20  # my open tickets: the odd ones
    proxy.set_view(TicketView.TEAM_QUEUE)
    assert proxy.rowCount() == 40
    evaluated.clear()
    proxy.set_view(TicketView.MY_OPEN)
    assert proxy.rowCount() == 20
    assert evaluated == []  # remembered
    model.upsert(make_ticket(3, version=2, assignee_id=7, status=proto.TicketStatus.CLOSED))
    assert evaluated == [3]
    assert proxy.rowCount() == 19
    proxy.set_text("T20261123-000005")
    assert proxy.rowCount() == 1
    proxy.set_text("")
    assert proxy.rowCount() == 19
