"""Supervisor mode: the board core (app/state/supervisor.py), its Qt model and filter, and the panel (offscreen)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.protocol import (
    AgentMetrics,
    AgentState,
    AgentStatus,
    Broadcast,
    BroadcastRequest,
    CommandOutcome,
    ForceStateCommand,
    HealthReport,
    HealthVerdict,
    StateCause,
    SupervisorCommandRecord,
    TeamMetrics,
)
from app.state.model import FORCE_TARGETS, Change, RefusalKind, apply_event
from app.state.ports import StateReply
from app.state.supervisor import BoardNotice, BoardNoticeKind, SupervisorBoard
from tests.helpers.state_fakes import T0, TEAM, make_status
from ui.supervisor.audit import AuditColumn, CommandAuditModel
from ui.supervisor.board_model import AGENT_ID_ROLE, Column, StateFilter, TeamBoardFilter, TeamBoardModel
from ui.supervisor.panel import SupervisorPanel

pytestmark = pytest.mark.unit
EVENT_FOR = {state: event for event, state in FORCE_TARGETS.items()}


class FakeSupervisorHub:
    """Answers like the hub: own team only, with the shared transition rules."""

    def __init__(self, agents: list[AgentStatus]) -> None:
        self.agents = {a.agent_id: a for a in agents}
        self.commands: list[tuple[int, ForceStateCommand]] = []
        self.broadcasts: list[BroadcastRequest] = []
        self.metrics_asked: list[tuple[int, datetime, datetime]] = []
        self.metrics: TeamMetrics | RefusalKind = RefusalKind.TIMEOUT
        self.audit: list[SupervisorCommandRecord] | RefusalKind = []
        self.audit_asked = 0

    def force_state(self, agent_id: int, command: ForceStateCommand, on_reply: Callable[[StateReply], None]) -> None:
        self.commands.append((agent_id, command))
        agent = self.agents[agent_id]
        if agent.team_id != TEAM.team_id:
            on_reply(StateReply(refusal=RefusalKind.FORBIDDEN))
            return
        new = apply_event(
            agent,
            Change(EVENT_FOR[command.state], reason=command.reason),
            StateCause.SUPERVISOR,
            team=TEAM,
            now=T0,
            by_id=3,
            by_name="李主管",
        )
        self.agents[agent_id] = new
        on_reply(StateReply(status=new))

    def send_broadcast(self, request: BroadcastRequest, on_done: Callable[[Broadcast | RefusalKind], None]) -> None:
        self.broadcasts.append(request)
        on_done(Broadcast(1, TEAM.team_id, request.text, 3, "李主管", T0, request.expires_at))

    def fetch_metrics(
        self, team_id: int, since: datetime, until: datetime, on_done: Callable[[TeamMetrics | RefusalKind], None]
    ) -> None:
        self.metrics_asked.append((team_id, since, until))
        on_done(self.metrics)

    def fetch_commands(
        self, team_id: int, on_done: Callable[[list[SupervisorCommandRecord] | RefusalKind], None]
    ) -> None:
        assert team_id == TEAM.team_id
        self.audit_asked += 1
        on_done(self.audit)


def agents() -> list[AgentStatus]:
    return [
        make_status(AgentState.READY, agent_id=7, display_name="张三", online=True),
        make_status(AgentState.ON_CALL, agent_id=8, display_name="李四", call_id="c1", online=True),
        make_status(AgentState.NOT_READY, agent_id=9, display_name="王五", reason="lunch", online=False),
    ]


def make_board() -> tuple[SupervisorBoard, FakeSupervisorHub]:
    hub = FakeSupervisorHub(agents())
    board = SupervisorBoard(hub, TEAM, now=lambda: T0 + timedelta(minutes=2))
    board.load(hub.agents.values())
    return board, hub


def test_board_applies_pushes_and_ignores_stale_ones() -> None:
    board, hub = make_board()
    changed: list[int] = []
    board.on_row_changed.append(changed.append)
    newer = dataclasses.replace(hub.agents[7], state=AgentState.NOT_READY, reason="meeting", version=9)
    board.on_status(newer)
    board.on_status(dataclasses.replace(newer, state=AgentState.READY, version=8))
    row = board.row(7)
    assert row is not None
    assert row.status.state is AgentState.NOT_READY
    assert changed == [7]
    board.on_health(HealthReport(8, "李四", 1, T0, HealthVerdict.WARN, [], mos=3.4))
    row = board.row(8)
    assert row is not None
    assert (row.health, row.mos) == (HealthVerdict.WARN, 3.4)
    assert row.call_seconds(T0 + timedelta(minutes=2)) == 120.0


def test_a_board_snapshot_older_than_a_push_keeps_the_push() -> None:
    board, hub = make_board()
    pushed = dataclasses.replace(hub.agents[7], state=AgentState.NOT_READY, reason="meeting", version=9)
    board.on_status(pushed)
    # The reconnect's REST snapshot was read before the push and arrives after it.
    board.load([dataclasses.replace(hub.agents[7], version=8), *(hub.agents[i] for i in (8, 9))])
    row = board.row(7)
    assert row is not None
    assert (row.status.state, row.status.version) == (AgentState.NOT_READY, 9)
    board.load([dataclasses.replace(hub.agents[7], version=10), *(hub.agents[i] for i in (8, 9))])
    row = board.row(7)
    assert row is not None
    assert (row.status.state, row.status.version) == (AgentState.READY, 10)  # a newer snapshot wins


def test_force_during_a_call_is_deferred_and_announced() -> None:
    board, hub = make_board()
    notices: list[BoardNotice] = []
    board.on_notice.append(notices.append)
    assert board.force(8, AgentState.SIGNED_OUT) is None
    assert hub.commands == [(8, ForceStateCommand(state=AgentState.SIGNED_OUT))]
    assert notices[-1].kind is BoardNoticeKind.FORCE_APPLIED
    assert notices[-1].deferred


def test_force_refused_by_the_hub_for_another_team() -> None:
    board, hub = make_board()
    hub.agents[7] = dataclasses.replace(hub.agents[7], team_id=2)  # moved to another team meanwhile
    notices: list[BoardNotice] = []
    board.on_notice.append(notices.append)
    board.force(7, AgentState.NOT_READY)
    assert notices[-1].refusal is RefusalKind.FORBIDDEN
    row = board.row(7)
    assert row is not None
    assert row.pending_force is None
    assert board.force(12345, AgentState.READY) is RefusalKind.FORBIDDEN  # not on this board at all


def test_model_passes_qt_model_tester_and_filters(qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    board, _hub = make_board()
    model = TeamBoardModel(board, chinese=False)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt has no annotation here
    assert model.index(0, Column.AGENT).data() == "张三"
    assert model.index(1, Column.CALL).data() == "02:00"
    assert model.index(2, Column.AGENT).data() == "王五 (offline)"
    assert model.index(2, Column.REASON).data() == "Lunch"
    assert model.index(2, Column.STATE).data() == "Break"
    proxy = TeamBoardFilter()
    proxy.setSourceModel(model)
    proxy.set_state_filter(StateFilter.IN_CALL)
    assert [proxy.index(r, 0).data(AGENT_ID_ROLE) for r in range(proxy.rowCount())] == [8]
    proxy.set_state_filter(StateFilter.OFFLINE)
    assert [proxy.index(r, 0).data(AGENT_ID_ROLE) for r in range(proxy.rowCount())] == [9]
    proxy.set_state_filter(StateFilter.ALL)
    proxy.set_search("李")
    assert proxy.rowCount() == 1
    with qtbot.waitSignal(model.rowsInserted):
        board.on_status(make_status(AgentState.READY, agent_id=10, display_name="赵六"))
    assert model.rowCount() == 4


# The offscreen platform warns when a dialog opens; harmless here.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_panel_forces_with_confirmation_and_reports(qtbot: QtBot) -> None:
    board, hub = make_board()
    panel = SupervisorPanel(board, chinese=False, clock=lambda: T0)
    qtbot.addWidget(panel)
    panel.select_agent(7)
    assert panel.force_not_ready_button.isEnabled()
    assert not panel.force_ready_button.isEnabled()  # already ready
    panel.force_sign_out_button.click()
    box = panel.confirm_dialog()
    assert box is not None
    assert "张三" in box.text()
    box.done(QMessageBox.StandardButton.Cancel)
    assert hub.commands == []
    panel.force_not_ready_menu.actions()[0].trigger()
    box = panel.confirm_dialog()
    assert box is not None
    with qtbot.waitSignal(panel.notice_shown) as blocker:
        box.done(QMessageBox.StandardButton.Yes)
    assert hub.commands == [(7, ForceStateCommand(state=AgentState.NOT_READY))]
    assert blocker.args == ["张三 is now Not ready."]
    assert panel.model.index(0, Column.STATE).data() == "Not ready"


def test_panel_broadcast_and_metrics(qtbot: QtBot) -> None:
    board, hub = make_board()
    panel = SupervisorPanel(board, chinese=False, clock=lambda: T0)
    qtbot.addWidget(panel)
    panel.broadcast_edit.setText("10点开晨会")
    panel.expiry_spin.setValue(15)
    with qtbot.waitSignal(panel.notice_shown):
        panel.broadcast_button.click()
    assert hub.broadcasts == [BroadcastRequest("10点开晨会", T0 + timedelta(minutes=15), TEAM.team_id)]
    assert panel.broadcast_edit.text() == ""
    one = AgentMetrics(7, "张三", {"ready": 3600.0, "on_call": 1800.0}, 10, 9, 1, 0.9, 240.0)
    hub.metrics = TeamMetrics(TEAM.team_id, T0, T0, [one], dataclasses.replace(one, display_name="team"))
    panel.refresh_button.click()
    assert hub.metrics_asked[0][0] == TEAM.team_id
    assert panel.metrics_model.rowCount() == 2
    assert panel.metrics_model.index(0, 4).data() == "90%"
    assert panel.metrics_model.index(1, 0).data() == "Team total"
    panel.resize(600, 400)
    image = panel.metrics_chart.grab()  # paints the chart
    assert not image.isNull()


def audit_record(record_id: int, outcome: CommandOutcome, **kw: object) -> SupervisorCommandRecord:
    base: dict[str, object] = {
        "id": record_id,
        "agent_id": 8,
        "agent_name": "李四",
        "team_id": TEAM.team_id,
        "supervisor_id": 3,
        "supervisor_name": "李主管",
        "state": AgentState.NOT_READY,
        "reason": "meeting",
        "note": "",
        "issued_at": T0,
        "agent_state": AgentState.ON_CALL,
        "deferred": True,
        "outcome": outcome,
    }
    base.update(kw)
    return SupervisorCommandRecord(**base)  # type: ignore[arg-type]


def test_panel_command_log_shows_the_hubs_audit_and_follows_pending_commands(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    board, hub = make_board()
    hub.audit = [
        audit_record(3, CommandOutcome.PENDING),
        audit_record(2, CommandOutcome.APPLIED, applied_at=T0 + timedelta(minutes=3), note="晨会"),
        audit_record(
            1,
            CommandOutcome.SUPERSEDED,
            state=AgentState.SIGNED_OUT,
            reason="supervisor",
            resolved_at=T0,
            resolved_by=8,
            resolved_by_name="李四",
        ),
    ]
    panel = SupervisorPanel(board, chinese=False, clock=lambda: T0)
    qtbot.addWidget(panel)
    assert hub.audit_asked == 0  # fetched when the tab is opened, not before
    panel.tabs.setCurrentIndex(2)
    assert hub.audit_asked == 1
    model = panel.audit_model
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt has no annotation here
    assert model.rowCount() == 3
    assert model.index(0, AuditColumn.SUPERVISOR).data() == "李主管"
    assert model.index(0, AuditColumn.AGENT).data() == "李四"
    assert model.index(0, AuditColumn.COMMAND).data() == "Not ready · Meeting"
    assert model.index(0, AuditColumn.AGENT_STATE).data() == "On call"
    assert model.index(0, AuditColumn.OUTCOME).data() == "Waiting for the call to end"
    applied_at = (T0 + timedelta(minutes=3)).astimezone().strftime("%H:%M:%S")
    assert model.index(1, AuditColumn.OUTCOME).data() == f"Applied after the call at {applied_at}"
    assert model.index(1, AuditColumn.AGENT).data(Qt.ItemDataRole.ToolTipRole) == "Note: 晨会"
    assert model.index(2, AuditColumn.COMMAND).data() == "Signed out · Set by supervisor"
    assert model.index(2, AuditColumn.OUTCOME).data().endswith("by the agent")
    # The agent with the pending command leaves the call: the log is fetched again (once).
    hub.audit = [audit_record(3, CommandOutcome.APPLIED, applied_at=T0 + timedelta(minutes=4))]
    board.on_status(make_status(AgentState.WRAP_UP, agent_id=8, display_name="李四", version=9, online=True))
    qtbot.waitUntil(lambda: hub.audit_asked == 2)
    assert model.rowCount() == 1
    # A refusal is reported and the button re-enabled.
    hub.audit = RefusalKind.FORBIDDEN
    with qtbot.waitSignal(panel.notice_shown) as blocker:
        panel.audit_refresh_button.click()
    assert blocker.args == ["Could not load the command log: Not allowed: this agent is not in your team."]
    assert panel.audit_refresh_button.isEnabled()


def test_audit_model_is_empty_without_records(qtmodeltester: ModelTester) -> None:
    model = CommandAuditModel(TEAM, chinese=True)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt has no annotation here
    assert model.rowCount() == 0
