"""The state area as the composition root wires it (Qt, offscreen): the real sync engine signed in to the real hub,
the state bar showing the hub's state, the window title following it, and supervisor mode for a supervisor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QMainWindow, QWidget

from app.protocol import AgentState
from app.state.model import AgentEvent
from app.sync.crypto import MemorySecretStore
from app.sync.engine import SyncConfig, SyncEngine
from app.sync_bridge import SyncBridge
from tests.helpers.hub import DEMO_PASSWORD, HubProcess
from tests.helpers.qt_cleanup import stop_timers
from ui.state.area import StateArea

# The sync engine logs warnings for parts of the hub it syncs besides agent state, when absent.
pytestmark = [pytest.mark.integration, pytest.mark.allow_log_warnings]


@pytest.fixture
def engine(hub_sqlite: HubProcess, tmp_path: Path) -> Iterator[SyncEngine]:
    sync = SyncEngine(SyncConfig(hub_url=hub_sqlite.url, data_dir=tmp_path / "sync"), MemorySecretStore())
    sync.start()
    yield sync
    sync.stop()


def build(qtbot: QtBot, engine: SyncEngine) -> tuple[StateArea, QMainWindow, SyncBridge]:
    window = QMainWindow()
    qtbot.addWidget(window, before_close_func=stop_timers)
    bridge = SyncBridge(engine, window)
    statuses: list[str] = []
    area = StateArea(engine, bridge, window=window, set_status=statuses.append, chinese=False, parent=window)
    window.setCentralWidget(area.bar)
    return area, window, bridge


def test_agent_state_bar_follows_the_hub(qtbot: QtBot, engine: SyncEngine) -> None:
    area, window, bridge = build(qtbot, engine)
    engine.login("agent.li", DEMO_PASSWORD).result(30)
    qtbot.waitUntil(lambda: area.controller.view.status is not None, timeout=20000)
    assert area.controller.view.state is AgentState.SIGNED_OUT
    area.bar.sign_action.trigger()
    qtbot.waitUntil(lambda: area.controller.view.state is AgentState.NOT_READY, timeout=10000)
    area.bar.ready_action.trigger()
    qtbot.waitUntil(lambda: area.bar.state_label.text() == "Ready", timeout=10000)
    assert window.windowTitle() == "Ready — AgentDesk"
    assert area.supervisor_panel is None
    area.controller.request(AgentEvent.GO_NOT_READY, "lunch")
    qtbot.waitUntil(lambda: area.bar.state_label.text() == "Break · Lunch", timeout=10000)
    bridge.close()


def test_supervisor_gets_the_team_board(qtbot: QtBot, engine: SyncEngine) -> None:
    area, _window, bridge = build(qtbot, engine)
    panels: list[QWidget] = []
    area.supervisor_panel_ready.connect(panels.append)
    engine.login("sup.zhang", DEMO_PASSWORD).result(30)
    qtbot.waitUntil(lambda: len(panels) == 1, timeout=20000)
    board = area.board
    assert board is not None
    qtbot.waitUntil(lambda: len(board) >= 2, timeout=20000)  # agent.li and agent.wang
    names = {board.row_at(i).status.display_name for i in range(len(board))}
    assert {"李娜", "王强"} <= names
    bridge.close()
