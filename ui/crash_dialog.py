"""Shows uncaught exceptions to the user: a non-modal dialog with "copy diagnostics", never a silent death.

``CrashReporter`` receives ``app.crash.CrashReport`` objects from any thread (``report`` only emits a signal; Qt
queues it to this main-thread object) and opens one :class:`CrashDialog` at a time; further crashes while it is open
are added to it, so an exception in a timer does not bury the agent in dialogs. The native crash of a previous run is
shown the same way at start-up.

Signals (CrashReporter):
    crash_received(object): a ``CrashReport`` (emitted from any thread; delivered on the GUI thread).
    dialog_shown(object): the ``CrashDialog`` just shown (tests).

Main thread, except ``CrashReporter.report`` (any thread).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.crash import CrashOrigin, CrashReport


class CrashDialog(QDialog):
    """Explains that something went wrong, shows the details and copies diagnostics to the clipboard."""

    def __init__(self, diagnostics: Callable[[list[CrashReport]], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CrashDialog")
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._diagnostics = diagnostics
        self.reports: list[CrashReport] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("crashSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.details, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copyDiagnostics")
        self.copy_button.clicked.connect(self.copy_diagnostics)
        self.buttons.rejected.connect(self.close)
        layout.addWidget(self.buttons)
        self.resize(640, 420)
        self.retranslate_ui()

    def add_report(self, report: CrashReport) -> None:
        self.reports.append(report)
        self.details.setPlainText("\n\n".join(r.traceback.rstrip() for r in self.reports))
        self.retranslate_ui()

    @Slot()
    def copy_diagnostics(self) -> None:
        """Put versions, the crash details and the recent (redacted) log on the clipboard."""
        QGuiApplication.clipboard().setText(self._diagnostics(self.reports))
        self.copy_button.setText(self.tr("Copied"))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("AgentDesk problem report"))
        native = any(r.origin is CrashOrigin.NATIVE for r in self.reports)
        if native:
            text = self.tr(
                "AgentDesk stopped unexpectedly last time. If it happens again, copy the diagnostics and send them "
                "to IT support."
            )
        else:
            text = self.tr(
                "An internal error occurred. AgentDesk keeps running, but something may not work as expected. "
                "Copy the diagnostics and send them to IT support."
            )
        if len(self.reports) > 1:
            text += "\n" + self.tr("%n error(s) so far.", "", len(self.reports))
        self.summary.setText(text)
        self.copy_button.setText(self.tr("Copy diagnostics"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class CrashReporter(QObject):
    """Marshals crash reports to the GUI thread and shows them (see the module docstring)."""

    crash_received = Signal(object)
    dialog_shown = Signal(object)

    def __init__(
        self,
        diagnostics: Callable[[list[CrashReport]], str],
        parent_window: Callable[[], QWidget | None] = lambda: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._diagnostics = diagnostics
        self._parent_window = parent_window
        self.dialog: CrashDialog | None = None
        self.crash_received.connect(self._on_self_crash_received, Qt.ConnectionType.QueuedConnection)

    def report(self, report: CrashReport) -> None:
        """Any thread: queue ``report`` for display."""
        self.crash_received.emit(report)

    @Slot(object)
    def _on_self_crash_received(self, report: CrashReport) -> None:
        if self.dialog is None:
            self.dialog = CrashDialog(self._diagnostics, self._parent_window())
            self.dialog.destroyed.connect(self._on_dialog_destroyed)
            self.dialog.add_report(report)
            self.dialog.show()
            self.dialog_shown.emit(self.dialog)
        else:
            self.dialog.add_report(report)
            self.dialog.raise_()

    @Slot()
    def _on_dialog_destroyed(self) -> None:
        self.dialog = None
