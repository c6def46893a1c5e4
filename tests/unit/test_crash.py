"""Crash handling: uncaught exceptions (GUI and worker threads) open one non-modal dialog with redacted diagnostics;
a native crash leaves a faulthandler file that the next start reports."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.crash import CrashHandler, CrashOrigin, CrashReport, diagnostics_text
from app.logs import Redactor
from ui.crash_dialog import CrashDialog, CrashReporter

pytestmark = [pytest.mark.unit, pytest.mark.allow_log_warnings]  # the handler logs every crash at CRITICAL
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def reporter(qapp: QApplication) -> Iterator[CrashReporter]:
    redactor = Redactor(["hunter2-secret"])

    def diagnostics(reports: list[CrashReport]) -> str:
        return diagnostics_text(
            versions=[("AgentDesk", "test")], log_lines=["a log line"], reports=reports, redact=redactor.redact
        )

    crash_reporter = CrashReporter(diagnostics)
    yield crash_reporter
    if crash_reporter.dialog is not None:
        crash_reporter.dialog.close()


@pytest.fixture
def handler(tmp_path: Path, reporter: CrashReporter) -> Iterator[CrashHandler]:
    crash_handler = CrashHandler(tmp_path / "state", reporter.report, Redactor(["hunter2-secret"]).redact)
    crash_handler.install()
    yield crash_handler
    crash_handler.uninstall()


def _fail_in_worker() -> None:
    raise RuntimeError("worker failed with password=hunter2-secret")


@pytest.mark.qt_no_exception_capture
def test_worker_thread_exception_opens_a_non_modal_dialog(
    handler: CrashHandler, reporter: CrashReporter, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(reporter.dialog_shown, timeout=10000) as blocker:
        thread = threading.Thread(target=_fail_in_worker, name="sync-worker")
        thread.start()
        thread.join()
    dialog = blocker.args[0]
    assert isinstance(dialog, CrashDialog)
    assert dialog.isVisible()
    assert not dialog.isModal()
    assert dialog.windowModality() == Qt.WindowModality.NonModal
    report = dialog.reports[0]
    assert report.origin is CrashOrigin.THREAD
    assert report.thread == "sync-worker"
    assert "RuntimeError" in dialog.details.toPlainText()
    assert "hunter2-secret" not in dialog.details.toPlainText()

    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert "RuntimeError: worker failed" in copied
    assert "AgentDesk: test" in copied
    assert "a log line" in copied
    assert "hunter2-secret" not in copied


def _boom() -> None:
    raise ValueError("slot failed")


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_qt_slot_reaches_the_dialog_and_more_crashes_join_it(
    handler: CrashHandler, reporter: CrashReporter, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(reporter.dialog_shown, timeout=10000) as blocker:
        QTimer.singleShot(0, _boom)
    dialog = blocker.args[0]
    assert dialog.reports[0].origin is CrashOrigin.MAIN
    assert dialog.reports[0].exc_type == "ValueError"
    QTimer.singleShot(0, _boom)
    assert isinstance(dialog, CrashDialog)
    qtbot.waitUntil(lambda: len(dialog.reports) == 2)
    assert reporter.dialog is dialog  # one dialog, not one per error
    assert "2" in dialog.summary.text()


def test_native_crash_is_reported_on_next_start(tmp_path: Path) -> None:
    state = tmp_path / "state"
    script = (
        "import faulthandler, sys\n"
        "from pathlib import Path\n"
        "from app.crash import CrashHandler\n"
        "CrashHandler(Path(sys.argv[1]), lambda report: None).install()\n"
        "faulthandler._sigsegv()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(state)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0  # it really crashed
    reports: list[CrashReport] = []
    next_start = CrashHandler(state, reports.append)
    previous = next_start.previous_native_crash()
    assert previous is not None
    assert previous.origin is CrashOrigin.NATIVE
    assert "Segmentation fault" in previous.traceback
    next_start.install()  # keeps the old report aside and starts a fresh file
    try:
        assert next_start.previous_native_crash() is None
        assert list(state.glob("native-crash-*.log"))
    finally:
        next_start.uninstall()
    assert not (state / "native-crash.log").exists()  # a clean exit leaves nothing to report


def test_native_crash_dialog_text(qtbot: QtBot) -> None:
    from datetime import UTC, datetime

    dialog = CrashDialog(lambda reports: "diag")
    qtbot.addWidget(dialog)
    dialog.add_report(CrashReport(CrashOrigin.NATIVE, "native", "Fatal Python error", "trace", "", datetime.now(UTC)))
    assert "last time" in dialog.summary.text()
