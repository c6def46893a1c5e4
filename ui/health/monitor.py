"""The in-shift monitor: light checks every few minutes and at once on any network change; a VPN drop raises a
banner at once and the recovery is noticed without a restart.

:class:`HealthMonitor` (QtCore only, main thread) polls a cheap network fingerprint every ``poll_s`` seconds on a
worker and runs the light check on a worker; while the VPN is down it re-checks every ``down_recheck_s`` so a
recovery that changes no interface (the VPN server coming back) is noticed too. :class:`VpnBanner` and
:class:`HealthIndicator` are the widgets that show it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.health.background import HealthJob
from ui.health.texts import HealthTexts
from vpn_check.model import Report, Status
from vpn_check.monitor import VpnState, vpn_state


class HealthMonitor(QObject):
    """Signals: vpn_dropped(), vpn_restored(), report_updated(object), network_changed(), check_failed(str)."""

    vpn_dropped = Signal()
    vpn_restored = Signal()
    report_updated = Signal(object)
    network_changed = Signal()
    check_failed = Signal(str)

    def __init__(
        self,
        run_light: Callable[[], Report],
        fingerprint: Callable[[], str],
        executor: ThreadPoolExecutor,
        *,
        interval_s: float = 180.0,
        poll_s: float = 2.0,
        down_recheck_s: float = 10.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._run_light = run_light
        self._fingerprint = fingerprint
        self.state = VpnState.UNKNOWN
        self.last_report: Report | None = None
        self._last_fingerprint: str | None = None
        self._pending = False
        self.checks_run = 0
        self._light_job = HealthJob(executor, self)
        self._light_job.finished.connect(self._on_light_finished)
        self._light_job.failed.connect(self._on_light_failed)
        self._poll_job = HealthJob(executor, self)
        self._poll_job.finished.connect(self._on_poll_finished)
        self._poll_job.failed.connect(self._on_poll_failed)
        self._interval = QTimer(self)
        self._interval.setInterval(int(interval_s * 1000))
        self._interval.timeout.connect(self._on_interval_timeout)
        self._poll = QTimer(self)
        self._poll.setInterval(int(poll_s * 1000))
        self._poll.timeout.connect(self._on_poll_timeout)
        self._down_recheck_ms = int(down_recheck_s * 1000)
        self._interval_ms = int(interval_s * 1000)

    def start(self) -> None:
        self._interval.start()
        self._poll.start()
        self._on_poll_timeout()
        self.check_now()

    def stop(self) -> None:
        self._interval.stop()
        self._poll.stop()

    def is_running(self) -> bool:
        return self._interval.isActive()

    def seed(self, report: Report) -> None:
        """Start from a full report (the pre-shift gate's), without running a light check."""
        self._apply(report)

    @Slot()
    def check_now(self) -> None:
        """Run a light check now (or right after the one in progress)."""
        if self._light_job.running:
            self._pending = True
            return
        run = self._run_light
        self._light_job.start(lambda _job: run())

    # ------------------------------------------------------------------------------------------ slots
    @Slot()
    def _on_interval_timeout(self) -> None:
        self.check_now()

    @Slot()
    def _on_poll_timeout(self) -> None:
        if not self._poll_job.running:
            fingerprint = self._fingerprint
            self._poll_job.start(lambda _job: fingerprint())

    @Slot(object)
    def _on_poll_finished(self, fingerprint: str) -> None:
        previous, self._last_fingerprint = self._last_fingerprint, fingerprint
        if previous is not None and previous != fingerprint:
            self.network_changed.emit()
            self.check_now()

    @Slot(str)
    def _on_poll_failed(self, message: str) -> None:
        self.check_failed.emit(message)

    @Slot(object)
    def _on_light_finished(self, report: Report) -> None:
        self.checks_run += 1
        self._apply(report)
        if self._pending:
            self._pending = False
            self.check_now()

    @Slot(str)
    def _on_light_failed(self, message: str) -> None:
        self.check_failed.emit(message)

    def _apply(self, report: Report) -> None:
        self.last_report = report
        new = vpn_state(report)
        old, self.state = self.state, new
        # While down, re-check often so a recovery that changes no interface is still noticed quickly.
        self._interval.setInterval(self._down_recheck_ms if new is VpnState.DOWN else self._interval_ms)
        self.report_updated.emit(report)
        if new is VpnState.DOWN and old is not VpnState.DOWN:
            self.vpn_dropped.emit()
        elif new is VpnState.UP and old is VpnState.DOWN:
            self.vpn_restored.emit()


class VpnBanner(QFrame):
    """A strip across the top of the window: red while the VPN is down, green for a few seconds after it is back."""

    def __init__(self, parent: QWidget | None = None, *, restored_visible_ms: int = 5000) -> None:
        super().__init__(parent)
        self.setObjectName("vpnBanner")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.recheck_button = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.recheck_button)
        self._restored_visible_ms = restored_visible_ms
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.hide)
        self.down = False
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.recheck_button.setText(self.tr("Check again"))
        if self.down:
            self._show_down()
        elif self.isVisible():
            self._show_restored()

    def _show_down(self) -> None:
        self.label.setText(
            self.tr("VPN connection lost: calls and tickets will not work until it is back. Reconnect the VPN.")
        )
        self.setStyleSheet("#vpnBanner { background: #b3261e; } #vpnBanner QLabel { color: white; font-weight: bold; }")
        self.recheck_button.show()

    def _show_restored(self) -> None:
        self.label.setText(self.tr("VPN connection restored."))
        self.setStyleSheet("#vpnBanner { background: #1b7f3b; } #vpnBanner QLabel { color: white; }")
        self.recheck_button.hide()

    @Slot()
    def on_vpn_dropped(self) -> None:
        self.down = True
        self._hide_timer.stop()
        self._show_down()
        self.show()

    @Slot()
    def on_vpn_restored(self) -> None:
        self.down = False
        self._show_restored()
        self.show()
        self._hide_timer.start(self._restored_visible_ms)


class HealthIndicator(QLabel):
    """The status-bar light: the last result's worst status and when it was taken."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("healthIndicator")
        self._texts = HealthTexts(self)
        self._report: Report | None = None
        self.retranslate()

    def retranslate(self) -> None:
        if self._report is None:
            self.setText(self.tr("Health: not checked"))
            return
        self.on_report_updated(self._report)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @Slot(object)
    def on_report_updated(self, report: Report) -> None:
        self._report = report
        status = report.status
        colour = {Status.PASS: "#1b7f3b", Status.WARN: "#a15c00", Status.FAIL: "#b3261e"}.get(status, "#666666")
        stamp = time.strftime("%H:%M", time.localtime(report.started_at))
        self.setText(self.tr("Health: %1 (%2)").replace("%1", self._texts.status(status)).replace("%2", stamp))
        self.setStyleSheet(f"#healthIndicator {{ color: {colour}; }}")
        problems = [r for r in report.results if r.status in (Status.WARN, Status.FAIL)]
        self.setToolTip("\n".join(f"{self._texts.title(r.check)}: {self._texts.value(r)}" for r in problems))
