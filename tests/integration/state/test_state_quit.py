"""Quitting the application with the agent signed in, end to end with the real hub process (SQLite): the state area
and its quit guard as the composition root builds them (Qt offscreen), over the real sync engine signed in to the
hub. A confirmed quit signs the agent out on the hub (签出) before closing; quitting during a call is refused; a hub
that does not answer (stopped with SIGSTOP) does not make quitting hang — the agent stays signed in on the hub, for
its offline grace to handle."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.protocol import AgentState
from app.state.model import AgentEvent
from app.state.shift import QuitOutcome
from app.sync.crypto import MemorySecretStore
from app.sync.engine import SyncConfig, SyncEngine
from app.sync_bridge import SyncBridge
from tests.helpers.hub import DEMO_PASSWORD, HubProcess
from tests.helpers.qt_cleanup import stop_timers
from ui.state.area import StateArea
from ui.state.quit import QuitGuard

# The sync engine logs warnings for hub parts it syncs besides agent state, and the quit guard when the hub is stopped.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.allow_log_warnings,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),  # offscreen dialogs
]


@pytest.fixture
def engine(hub_sqlite: HubProcess, tmp_path: Path) -> Iterator[SyncEngine]:
    sync = SyncEngine(
        SyncConfig(hub_url=hub_sqlite.url, data_dir=tmp_path / "sync", request_timeout_s=30.0), MemorySecretStore()
    )
    sync.start()
    yield sync
    sync.stop()


class App:
    """What ``ui/main.py`` builds for the state area and quitting, with a record of the quit decisions."""

    def __init__(self, qtbot: QtBot, engine: SyncEngine, timeout_s: float | None = None) -> None:
        self.window = QMainWindow()
        qtbot.addWidget(self.window, before_close_func=stop_timers)
        self.bridge = SyncBridge(engine, self.window)
        self.area = StateArea(engine, self.bridge, window=self.window, chinese=False, parent=self.window)
        self.window.setCentralWidget(self.area.bar)
        self.guard = QuitGuard(self.area, self.window, self.window, timeout_s=timeout_s)
        self.approved = 0
        self.cancelled = 0
        self.guard.quit_approved.connect(self._on_approved)
        self.guard.quit_cancelled.connect(self._on_cancelled)

    def _on_approved(self) -> None:
        self.approved += 1

    def _on_cancelled(self) -> None:
        self.cancelled += 1

    def dialog(self) -> QMessageBox:
        box = self.guard.dialog
        assert box is not None
        return box


def start_shift(qtbot: QtBot, app: App, engine: SyncEngine) -> int:
    engine.login("agent.li", DEMO_PASSWORD).result(30)
    done: list[AgentState] = []
    app.area.start_shift(AgentState.READY, done.append)
    qtbot.waitUntil(lambda: done == [AgentState.READY], timeout=20000)
    status = app.area.controller.view.status
    assert status is not None
    return status.agent_id


def hub_state(hub: HubProcess, agent_id: int) -> dict[str, object]:
    state: dict[str, object] = hub.client("sup.zhang", client_kind="service").ok("GET", f"/agents/{agent_id}/state")
    return state


def test_confirmed_quit_signs_the_agent_out_on_the_hub(
    qtbot: QtBot, engine: SyncEngine, hub_sqlite: HubProcess
) -> None:
    app = App(qtbot, engine)
    agent_id = start_shift(qtbot, app, engine)
    assert hub_state(hub_sqlite, agent_id)["state"] == "ready"

    # First the agent changes their mind: nothing happens on the hub.
    app.guard.request_quit()
    app.dialog().reject()
    qtbot.waitUntil(lambda: app.cancelled == 1)
    assert app.approved == 0
    assert hub_state(hub_sqlite, agent_id)["state"] == "ready"

    # Then confirms: 签出 on the hub, then the application may close.
    app.guard.request_quit()
    box = app.dialog()
    assert "Sign out and quit" in [b.text() for b in box.buttons()]
    assert app.guard.sign_out_button is not None
    app.guard.sign_out_button.click()
    qtbot.waitUntil(lambda: app.approved == 1, timeout=15000)
    assert app.guard.outcome is QuitOutcome.SIGNED_OUT
    hub = hub_state(hub_sqlite, agent_id)
    assert (hub["state"], hub["cause"]) == ("signed_out", "agent")
    # Signed out: quitting again asks nothing.
    app.guard.request_quit()
    assert app.guard.dialog is None
    assert app.approved == 2
    app.bridge.close()


def test_quit_is_refused_during_a_call(qtbot: QtBot, engine: SyncEngine, hub_sqlite: HubProcess) -> None:
    app = App(qtbot, engine)
    agent_id = start_shift(qtbot, app, engine)
    controller = app.area.controller
    assert controller.call_event(AgentEvent.CALL_OFFERED, "quit-call") is None
    assert controller.call_event(AgentEvent.CALL_ANSWERED, "quit-call") is None
    qtbot.waitUntil(lambda: controller.view.state is AgentState.ON_CALL and controller.view.pending is None)
    app.guard.request_quit()
    box = app.dialog()
    assert "End the call before quitting" in box.text()
    assert app.guard.sign_out_button is None  # nothing to confirm: only OK
    box.accept()
    qtbot.waitUntil(lambda: app.cancelled == 1)
    assert app.approved == 0
    assert hub_state(hub_sqlite, agent_id)["state"] == "on_call"
    app.bridge.close()


def test_quit_does_not_hang_when_the_hub_does_not_answer(
    qtbot: QtBot, engine: SyncEngine, hub_sqlite: HubProcess
) -> None:
    app = App(qtbot, engine, timeout_s=3.0)
    agent_id = start_shift(qtbot, app, engine)
    app.guard.request_quit()
    assert app.guard.sign_out_button is not None
    pid = hub_sqlite.process.pid
    os.kill(pid, signal.SIGSTOP)  # the hub takes the connection but never answers
    try:
        app.guard.sign_out_button.click()
        qtbot.waitUntil(lambda: app.approved == 1, timeout=15000)
        assert app.guard.outcome is QuitOutcome.TIMEOUT
    finally:
        os.kill(pid, signal.SIGCONT)
    # The sign-out never reached the hub in time; whatever it does with the late request, the agent is not left in
    # a state the client claims: the hub's record is authoritative (signed out late, or still ready until the grace).
    assert hub_state(hub_sqlite, agent_id)["state"] in ("ready", "signed_out")
    app.bridge.close()
