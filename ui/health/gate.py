"""The pre-shift gate: runs the full health check before sign-in with progress, asks the agent about the speaker
tone, shows each result with advice, and lets the agent continue only when the site policy allows it.

Main thread only; the checks run on a worker through :class:`HealthJob`. Prefer ``open()`` to ``exec()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.health.background import ConfirmBridge, HealthJob
from ui.health.texts import HealthTexts
from vpn_check.audio import SpeakerConfirm
from vpn_check.model import Report, Status
from vpn_check.runner import Progress, ProgressCallback

#: The full run: (progress callback, cancel event, speaker confirmation) → report. ``HealthService.run_full``.
FullRun = Callable[[ProgressCallback, threading.Event, SpeakerConfirm], Report]

STATUS_COLOURS = {
    Status.PASS: QColor("#1b7f3b"),
    Status.WARN: QColor("#a15c00"),
    Status.FAIL: QColor("#b3261e"),
    Status.SKIP: QColor("#666666"),
}


class PreShiftGateDialog(QDialog):
    """Signals: report_ready(object): a finished :class:`Report` (for upload and the monitor).

    ``accept()`` (the Continue button) is only possible when the report does not block sign-in; with
    ``blocking=False`` (run from the menu during a shift) the dialog only informs.
    """

    report_ready = Signal(object)

    def __init__(
        self,
        run: FullRun,
        executor: ThreadPoolExecutor,
        *,
        blocking: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("healthGate")
        self.setMinimumSize(720, 520)
        self._run = run
        self._blocking = blocking
        self._texts = HealthTexts(self)
        self.report: Report | None = None
        self._job = HealthJob(executor, self)
        self._job.progress.connect(self._on_job_progress)
        self._job.finished.connect(self._on_job_finished)
        self._job.failed.connect(self._on_job_failed)
        self._confirm = ConfirmBridge(parent=self)
        self._confirm.asked.connect(self._on_confirm_asked)

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.progress_bar = QProgressBar(self)
        self.step_label = QLabel(self)
        self.speaker_frame = QFrame(self)
        self.speaker_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.speaker_question = QLabel(self.speaker_frame)
        self.speaker_question.setWordWrap(True)
        self.heard_button = QPushButton(self.speaker_frame)
        self.not_heard_button = QPushButton(self.speaker_frame)
        self.heard_button.clicked.connect(self._on_heard_clicked)
        self.not_heard_button.clicked.connect(self._on_not_heard_clicked)
        speaker_layout = QHBoxLayout(self.speaker_frame)
        speaker_layout.addWidget(self.speaker_question, 1)
        speaker_layout.addWidget(self.heard_button)
        speaker_layout.addWidget(self.not_heard_button)
        self.speaker_frame.hide()

        self.results = QTreeWidget(self)
        self.results.setColumnCount(4)
        self.results.setRootIsDecorated(True)
        self.results.setWordWrap(True)
        self.results.setUniformRowHeights(False)
        header = self.results.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.buttons = QDialogButtonBox(self)
        self.rerun_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.continue_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.rerun_button.clicked.connect(self._on_rerun_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.step_label)
        layout.addWidget(self.speaker_frame)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._set_running(False)

    # ------------------------------------------------------------------------------------------ text
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Health check"))
        self.intro.setText(
            self.tr("AgentDesk checks the VPN, the network path to the phone server, your headset and this computer.")
            if self._blocking
            else self.tr("Checking the VPN, the voice path, your headset and this computer.")
        )
        self.results.setHeaderLabels([self.tr("Result"), self.tr("Check"), self.tr("Measured"), self.tr("Limit")])
        self.speaker_question.setText(self.tr("A test tone is playing in your headset. Did you hear it?"))
        self.heard_button.setText(self.tr("Yes, I heard it"))
        self.not_heard_button.setText(self.tr("No"))
        self.rerun_button.setText(self.tr("Check again"))
        self.continue_button.setText(self.tr("Continue to sign-in") if self._blocking else self.tr("OK"))
        self.close_button.setText(self.tr("Cancel") if self._blocking else self.tr("Close"))
        if self.report is not None:
            self._show_report(self.report)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------------------------------ running
    def start(self) -> None:
        """Start a run (does nothing while one is running)."""
        if self._job.running:
            return
        self.report = None
        self.results.clear()
        self.summary.clear()
        self.progress_bar.setRange(0, 0)
        self.step_label.setText(self.tr("Starting…"))
        self._set_running(True)
        run, confirm = self._run, self._confirm

        def work(job: HealthJob) -> Report:
            return run(job.report_progress, job.cancel, confirm.ask)

        self._job.start(work)

    def _set_running(self, running: bool) -> None:
        self.rerun_button.setEnabled(not running)
        allowed = not running and self.report is not None and not (self._blocking and self.report.blocks_sign_in)
        self.continue_button.setEnabled(allowed)

    @Slot(object)
    def _on_job_progress(self, progress: Progress) -> None:
        self.progress_bar.setRange(0, progress.total)
        self.progress_bar.setValue(progress.done)
        if progress.current is not None:
            self.step_label.setText(self.tr("Checking: %1").replace("%1", self._texts.title(progress.current)))

    @Slot(object)
    def _on_job_finished(self, report: Report) -> None:
        self.speaker_frame.hide()
        self.report = report
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.step_label.setText(self.tr("Finished in %1 s").replace("%1", f"{report.duration_s:.1f}"))
        self._show_report(report)
        self._set_running(False)
        self.report_ready.emit(report)

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self.speaker_frame.hide()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.step_label.setText(self.tr("The health check could not run."))
        self.summary.setText(message)
        self._set_running(False)

    def _show_report(self, report: Report) -> None:
        self.results.clear()
        for result in report.results:
            item = QTreeWidgetItem(
                [
                    self._texts.status(result.status),
                    self._texts.title(result.check),
                    self._texts.value(result),
                    result.threshold,
                ]
            )
            item.setForeground(0, QBrush(STATUS_COLOURS[result.status]))
            item.setData(0, Qt.ItemDataRole.UserRole, result.check.value)
            self.results.addTopLevelItem(item)
            for advice in result.advice:
                child = QTreeWidgetItem(["→ " + self._texts.advice(advice)])
                child.setToolTip(0, self._texts.advice(advice))
                item.addChild(child)
                # Advice is a sentence: give it the whole row (and wrap it) instead of one narrow column.
                child.setFirstColumnSpanned(True)
            if result.status in (Status.WARN, Status.FAIL):
                item.setExpanded(True)
        if report.blocks_sign_in and self._blocking:
            names = "、".join(self._texts.title(c) for c in report.blocking)
            self.summary.setText(self.tr("Sign-in is blocked until these are fixed: %1").replace("%1", names))
        elif report.status is Status.FAIL:
            self.summary.setText(self.tr("Some checks failed. Follow the advice above."))
        elif report.status is Status.WARN:
            self.summary.setText(self.tr("You can sign in, but some checks warn. Follow the advice above."))
        else:
            self.summary.setText(self.tr("Everything is ready for your shift."))

    # ------------------------------------------------------------------------------------------ speaker
    @Slot()
    def _on_confirm_asked(self) -> None:
        self.speaker_frame.show()
        self.heard_button.setFocus()

    @Slot()
    def _on_heard_clicked(self) -> None:
        self.speaker_frame.hide()
        self._confirm.answer(True)

    @Slot()
    def _on_not_heard_clicked(self) -> None:
        self.speaker_frame.hide()
        self._confirm.answer(False)

    @Slot()
    def _on_rerun_clicked(self) -> None:
        self.start()

    # ------------------------------------------------------------------------------------------ closing
    def accept(self) -> None:
        if self.report is None or (self._blocking and self.report.blocks_sign_in):
            return  # the policy blocks sign-in; the button is disabled, this guards keyboard shortcuts
        super().accept()

    def done(self, result: int) -> None:
        # Closing while a run is in progress: stop after the current step and release a waiting speaker prompt.
        self._job.cancel.set()
        self._confirm.abandon()
        super().done(result)
