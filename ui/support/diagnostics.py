"""Help → "Save diagnostics bundle…": asks where, writes the zip in the background, says where it went.

Main thread only. The collection itself (``app.diagnostics``) runs on the background runner so the window never
freezes while log files are read and compressed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.bridge import BackgroundRunner
from app.diagnostics import BundleSummary, DiagnosticsInput, write_bundle
from app.logs import Redactor

log = logging.getLogger(__name__)


class DiagnosticsSaver(QObject):
    """Owns the Help-menu action and one bundle at a time.

    Signals:
        saved(str): the path of a bundle that was written.
        failed(str): why a bundle could not be written.
    """

    saved = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        parent_widget: QWidget,
        runner: BackgroundRunner,
        collect: Callable[[], DiagnosticsInput],
        redactor: Redactor,
        *,
        ask_path: Callable[[QWidget, str], str] | None = None,
        confirm: bool = True,
    ) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._runner = runner
        self._collect = collect
        self._redactor = redactor
        self._ask_path = ask_path or self._ask_path_with_dialog
        self._confirm = confirm
        self._busy = False
        self.action = QAction(self.tr("Save diagnostics bundle…"), parent_widget)
        self.action.setObjectName("action_save_diagnostics")
        self.action.triggered.connect(self._on_action_triggered)

    def _ask_path_with_dialog(self, parent: QWidget, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            parent, self.tr("Save diagnostics bundle"), suggested, self.tr("Diagnostics bundle (*.zip)")
        )
        return path

    @Slot()
    def _on_action_triggered(self) -> None:
        if self._busy:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation) or str(Path.home())
        suggested = str(Path(folder) / f"agentdesk-diagnostics-{datetime.now():%Y%m%d-%H%M%S}.zip")
        chosen = self._ask_path(self._parent_widget, suggested)
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> None:
        """Collect and write in the background (reading logs, history and compressing take a moment)."""
        self._busy = True
        self.action.setEnabled(False)
        self.action.setText(self.tr("Collecting diagnostics…"))
        self._runner.run(self._collect_and_write, path, name="diagnostics bundle").success(self._on_written).failure(
            self._on_failed
        )

    def _collect_and_write(self, path: Path) -> BundleSummary:  # worker thread: touches no widget
        return write_bundle(path, self._collect(), self._redactor)

    def _finish(self) -> None:
        self._busy = False
        self.action.setEnabled(True)
        self.action.setText(self.tr("Save diagnostics bundle…"))

    def _on_written(self, summary: BundleSummary) -> None:
        self._finish()
        log.info("diagnostics bundle written: %s (%d bytes)", summary.path, summary.size)
        self.saved.emit(str(summary.path))
        if self._confirm:
            QMessageBox.information(
                self._parent_widget,
                self.tr("Diagnostics saved"),
                self.tr(
                    "The diagnostics bundle was saved to %1. Send this file to your IT service desk. "
                    "Passwords, tokens, phone numbers and names have been removed."
                ).replace("%1", str(summary.path)),
            )

    def _on_failed(self, error: BaseException) -> None:
        self._finish()
        log.error("diagnostics bundle failed: %s", error)
        self.failed.emit(str(error))
        if self._confirm:
            QMessageBox.warning(
                self._parent_widget,
                self.tr("Diagnostics failed"),
                self.tr("The diagnostics bundle could not be written: %1").replace("%1", str(error)),
            )
