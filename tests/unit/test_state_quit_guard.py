"""The quit guard's decisions (offscreen Qt) over a scripted state area: nothing to do, confirm and sign out, refuse
during a call, offline; a close made by the program (Qt's quit closing the windows) is told apart from the agent's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMainWindow, QPushButton

from app.state.shift import QuitCheck, QuitOutcome
from ui.state.quit import QuitGuard

pytestmark = [pytest.mark.unit, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


class FakeBar:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def show_message(self, text: str) -> None:
        self.messages.append(text)


class FakeArea:
    def __init__(self, check: QuitCheck) -> None:
        self.check = check
        self.bar = FakeBar()
        self.sign_outs: list[Callable[[QuitOutcome], None]] = []

    def quit_check(self) -> QuitCheck:
        return self.check

    def sign_out_for_quit(self, on_done: Callable[[QuitOutcome], None], timeout_s: float | None = None) -> None:
        del timeout_s
        self.sign_outs.append(on_done)


def make(qtbot: QtBot, check: QuitCheck) -> tuple[QuitGuard, FakeArea, QMainWindow, list[str]]:
    window = QMainWindow()
    qtbot.addWidget(window)
    area = FakeArea(check)
    guard = QuitGuard(area, window)  # type: ignore[arg-type]  # the area's quit interface only
    events: list[str] = []
    guard.quit_approved.connect(lambda: events.append("approved"))
    guard.quit_cancelled.connect(lambda: events.append("cancelled"))
    return guard, area, window, events


def sign_out_button(guard: QuitGuard) -> QPushButton | None:
    return guard.sign_out_button


def test_nothing_to_do_quits_at_once(qtbot: QtBot) -> None:
    guard, _area, _window, events = make(qtbot, QuitCheck.NOTHING_TO_DO)
    guard.request_quit()
    assert events == ["approved"]
    assert guard.dialog is None


def test_signed_in_confirms_then_waits_for_the_sign_out(qtbot: QtBot) -> None:
    guard, area, _window, events = make(qtbot, QuitCheck.SIGN_OUT)
    guard.request_quit()
    guard.request_quit()  # a second request while the question is open: the same question
    assert guard.sign_out_button is not None
    guard.sign_out_button.click()
    assert len(area.sign_outs) == 1
    assert events == []  # not before the hub answered (or the bounded wait ended)
    guard.request_quit()  # on the way out: ignored
    area.sign_outs[0](QuitOutcome.SIGNED_OUT)
    assert events == ["approved"]
    assert guard.outcome is QuitOutcome.SIGNED_OUT


def test_in_call_is_refused_and_offline_quits_without_sending(qtbot: QtBot) -> None:
    guard, area, _window, events = make(qtbot, QuitCheck.IN_CALL)
    guard.request_quit()
    box = guard.dialog
    assert box is not None
    assert guard.sign_out_button is None
    box.accept()
    assert events == ["cancelled"]
    area.check = QuitCheck.OFFLINE
    guard.request_quit()
    accept = sign_out_button(guard)
    assert accept is not None
    accept.click()
    assert area.sign_outs == []
    assert events == ["cancelled", "approved"]
    assert guard.outcome is QuitOutcome.NOT_SENT


def test_a_close_by_the_program_is_not_the_agents(qtbot: QtBot) -> None:
    guard, _area, window, _events = make(qtbot, QuitCheck.SIGN_OUT)
    window.show()
    window.close()  # what QApplication.quit() does to every window (not spontaneous)
    assert guard.take_programmatic_close()
    assert not guard.take_programmatic_close()  # asked once per close
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.Show))  # other events leave the flag alone
    assert not guard.take_programmatic_close()
