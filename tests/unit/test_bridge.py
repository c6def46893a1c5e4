"""BackgroundRunner: work on a worker thread, results and errors delivered on the GUI thread."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication

from app.bridge import BackgroundRunner

pytestmark = pytest.mark.unit


def _thread_name(value: int) -> tuple[str, int]:
    return threading.current_thread().name, value * 2


def _fail() -> None:
    raise OSError("disk gone")


def test_results_and_errors_arrive_on_the_gui_thread(qapp: QApplication, qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    results: list[tuple[str, tuple[str, int]]] = []
    errors: list[tuple[str, BaseException]] = []
    try:
        runner.run(_thread_name, 21).success(lambda r: results.append((threading.current_thread().name, r)))
        runner.run(_fail).failure(lambda e: errors.append((threading.current_thread().name, e)))
        qtbot.waitUntil(lambda: bool(results and errors))
    finally:
        runner.shutdown()
    ((gui_thread, (worker_thread, value)),) = results
    assert gui_thread == "MainThread"
    assert worker_thread.startswith("background")
    assert value == 42
    assert errors[0][0] == "MainThread"
    assert isinstance(errors[0][1], OSError)
    assert runner.pending == 0


def test_callbacks_added_after_completion_still_run(qapp: QApplication, qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    try:
        task = runner.run(_thread_name, 1)
        qtbot.waitUntil(lambda: task.done)
        late: list[object] = []
        task.success(late.append)
        assert late
    finally:
        runner.shutdown()


def test_unhandled_failures_are_logged(qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    runner = BackgroundRunner()
    try:
        task = runner.run(_fail, name="probe")
        qtbot.waitUntil(lambda: task.done)
    finally:
        runner.shutdown()
    assert "background task probe failed" in caplog.text
