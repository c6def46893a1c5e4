"""Switching the interface language at run time (zh_CN ↔ en, as the shell's language menu does through
``ui.i18n.Translations``) retranslates every text of the state bar and the supervisor panel: buttons, the filter and
period lists (keeping their selection), the reason menus and next-state list (the hub's labels in the new
language), the board's and the metrics' headers and cells."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QApplication

from app.config import Language
from app.protocol import AgentMetrics, AgentState, TeamMetrics
from app.state.bridge import StateBridge
from app.state.controller import StateController
from app.state.supervisor import SupervisorBoard
from tests.helpers.state_fakes import T0, TEAM, Clock, FakeHub, make_status
from ui.i18n import Translations
from ui.state.state_bar import StateBar
from ui.supervisor.board_model import Column, StateFilter
from ui.supervisor.metrics import MetricsColumn
from ui.supervisor.panel import SupervisorPanel

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def translations(qtbot: QtBot, tmp_path: Path) -> Iterator[Translations]:
    """The shell's translation switcher over freshly compiled catalogues of the state and supervisor areas."""
    del qtbot  # the QApplication
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    for area in ("state", "supervisor"):
        for lang in ("zh_CN", "en"):
            source = ROOT / "resources" / "i18n" / f"{area}_{lang}.ts"
            target = tmp_path / f"{area}_{lang}.qm"
            subprocess.run([str(lrelease), "-silent", str(source), "-qm", str(target)], check=True)
    app = QCoreApplication.instance()
    assert isinstance(app, QApplication)
    previous = QLocale()
    switcher = Translations(app, i18n_dir=tmp_path)
    yield switcher
    switcher.clear()
    QLocale.setDefault(previous)


class NoSupervisorHub:
    """The board's channel; this test sends no commands."""

    def force_state(self, *args: object) -> None:
        raise AssertionError("no command expected")

    send_broadcast = fetch_metrics = fetch_commands = force_state


def test_state_bar_and_supervisor_panel_follow_a_language_switch(qtbot: QtBot, translations: Translations) -> None:
    translations.set_language(Language.ZH_CN)
    clock = Clock()
    status = make_status(AgentState.ON_CALL, call_id="c1")
    hub = FakeHub(clock, status)
    controller = StateController(hub, clock, TEAM, hub_now=clock.now)
    bar = StateBar(StateBridge(controller), clock=clock.now, chinese=True)
    qtbot.addWidget(bar)
    controller.on_connection(True)
    controller.on_snapshot(status)

    board = SupervisorBoard(NoSupervisorHub(), TEAM, now=lambda: T0 + timedelta(minutes=2))
    board.load([make_status(AgentState.NOT_READY, agent_id=9, display_name="王五", reason="lunch", online=True)])
    panel = SupervisorPanel(board, chinese=True, clock=lambda: T0)
    qtbot.addWidget(panel)
    panel.metrics_model.set_metrics(TeamMetrics(1, T0, T0, [], AgentMetrics(0, "team", {}, 0, 0, 0, None, None)))
    panel.filter_combo.setCurrentIndex(panel.filter_combo.findData(StateFilter.NOT_READY))
    panel.period_combo.setCurrentIndex(1)

    def texts() -> dict[str, object]:
        reason_cell = panel.model.index(0, Column.REASON).data()
        panel.force_not_ready_menu.aboutToShow.emit()
        return {
            "state": bar.state_label.text(),
            "busy": bar.busy_button.text(),
            "next": [bar.next_combo.itemText(i) for i in range(bar.next_combo.count())],
            "break menu": [a.text() for a in bar.break_menu.actions()],
            "filters": [panel.filter_combo.itemText(i) for i in range(panel.filter_combo.count())],
            "periods": [panel.period_combo.itemText(i) for i in range(panel.period_combo.count())],
            "expires": panel.expires_label.text(),
            "force menu": [a.text() for a in panel.force_not_ready_menu.actions()],
            "header": panel.model.headerData(Column.STATE, Qt.Orientation.Horizontal),
            "reason cell": reason_cell,
            "metrics header": panel.metrics_model.headerData(MetricsColumn.MISSED, Qt.Orientation.Horizontal),
            "metrics total": panel.metrics_model.index(0, MetricsColumn.AGENT).data(),
            "tab": panel.tabs.tabText(1),
        }

    chinese = texts()
    assert chinese["state"] == "通话中"
    assert chinese["filters"] == ["全部坐席", "已签入", "示闲", "示忙", "通话中", "话后整理", "离线", "健康检查异常"]
    assert chinese["periods"] == ["最近 8 小时", "最近 24 小时", "最近 7 天"]
    assert chinese["break menu"] == ["午餐"]
    assert "小休 · 午餐" in chinese["next"]  # type: ignore[operator]
    assert chinese["force menu"] == ["班长设置（不指定原因）", "开会", "午餐"]
    assert chinese["reason cell"] == "午餐"
    assert chinese["header"] == "状态"

    translations.set_language(Language.EN)
    english = texts()
    assert english["state"] == "On call"
    assert english["busy"] == "Not ready"
    assert english["filters"] == [
        "All agents",
        "Signed in",
        "Ready",
        "Not ready",
        "On call",
        "Wrap-up",
        "Offline",
        "Health problems",
    ]
    assert english["periods"] == ["Last 8 hours", "Last 24 hours", "Last 7 days"]
    assert english["expires"] == "Expires in"
    assert english["break menu"] == ["Lunch"]
    assert "Break · Lunch" in english["next"]  # type: ignore[operator]
    assert english["force menu"] == ["Supervisor (no reason)", "Meeting", "Lunch"]
    assert english["reason cell"] == "Lunch"
    assert english["header"] == "State"
    assert english["metrics header"] == "Missed calls"
    assert english["metrics total"] == "Team total"
    assert english["tab"] == "Shift metrics"
    # the selections survived the switch
    assert panel.filter_combo.currentData() is StateFilter.NOT_READY
    assert panel.period_combo.currentData() == 24

    translations.set_language(Language.ZH_CN)
    assert texts() == chinese
