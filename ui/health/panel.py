"""The health panel in the main window: the VPN banner, the last result with its problems and advice, and a
button for a full check. Main thread only."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from ui.health.monitor import VpnBanner
from ui.health.texts import HealthTexts
from vpn_check.model import Report, Status


class HealthPanel(QWidget):
    """Signals: full_check_requested()."""

    full_check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("healthPanel")
        self._texts = HealthTexts(self)
        self._report: Report | None = None
        self.banner = VpnBanner(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.problems = QListWidget(self)
        self.problems.setWordWrap(True)
        self.run_button = QPushButton(self)
        self.run_button.clicked.connect(self.full_check_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.run_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Health"))
        self.run_button.setText(self.tr("Run full health check"))
        self.banner.retranslate()
        if self._report is None:
            self.summary.setText(self.tr("No health check has run yet."))
        else:
            self.on_report_updated(self._report)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @Slot(object)
    def on_report_updated(self, report: Report) -> None:
        self._report = report
        stamp = time.strftime("%H:%M:%S", time.localtime(report.started_at))
        problems = [r for r in report.results if r.status in (Status.WARN, Status.FAIL)]
        if problems:
            self.summary.setText(self.tr("Last check at %1: %n problem(s).", "", len(problems)).replace("%1", stamp))
        else:
            self.summary.setText(self.tr("Last check at %1: all good.").replace("%1", stamp))
        self.problems.clear()
        for result in problems:
            lines = [
                f"{self._texts.status(result.status)} · {self._texts.title(result.check)}: {self._texts.value(result)}"
            ]
            lines += [f"  → {self._texts.advice(a)}" for a in result.advice]
            self.problems.addItem("\n".join(lines))
