"""Wires the health area into the application: the pre-shift gate before sign-in, the in-shift monitor while
signed in, the panel, the status-bar indicator and the report upload. Built once by ``ui/main.py``.

Main thread only. All checks and uploads run on this controller's worker pool (two threads: the monitor's cheap
fingerprint poll must never wait behind a full check).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QWidget

from app.health import HealthService
from ui.health.background import HealthJob
from ui.health.gate import PreShiftGateDialog
from ui.health.monitor import HealthIndicator, HealthMonitor
from ui.health.panel import HealthPanel
from vpn_check.model import Report

log = logging.getLogger(__name__)


class HealthController(QObject):
    """Owns the health widgets and workers. ``gate_required``: run the gate before the first sign-in."""

    def __init__(
        self,
        service: HealthService,
        window: QWidget,
        *,
        gate_required: bool,
        upload: Callable[[Report], None] | None = None,
        keep: Callable[[Report], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.service = service
        self.window = window
        self.gate_required = gate_required
        self.gate_passed = False
        self.agent = ""
        # Sends a report over the signed-in hub session (app/sync adds the token); default: the service's own POST.
        self._upload = upload
        # Keeps the latest report on disk for the diagnostics bundle (worker thread; file I/O off the GUI thread).
        self._keep = keep
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="health")
        self.panel = HealthPanel()
        self.indicator = HealthIndicator()
        self.monitor = self._new_monitor()
        self.gate: PreShiftGateDialog | None = None
        self._after_gate: Callable[[], None] | None = None
        self._pending_upload: Report | None = None
        self._upload_job = HealthJob(self.executor, self)
        self._upload_job.failed.connect(self._on_upload_failed)
        self.panel.full_check_requested.connect(self._on_panel_full_check_requested)

    def _new_monitor(self) -> HealthMonitor:
        monitor = HealthMonitor(
            self.service.run_light,
            self.service.fingerprint,
            self.executor,
            interval_s=self.service.config.monitor_interval_s,
            parent=self,
        )
        monitor.vpn_dropped.connect(self.panel.banner.on_vpn_dropped)
        monitor.vpn_restored.connect(self.panel.banner.on_vpn_restored)
        monitor.report_updated.connect(self.panel.on_report_updated)
        monitor.report_updated.connect(self.indicator.on_report_updated)
        monitor.report_updated.connect(self._on_report_updated)
        self.panel.banner.recheck_button.clicked.connect(monitor.check_now)
        return monitor

    def set_service(self, service: HealthService) -> None:
        """New configuration: rebuild the monitor (restarting it if it was running)."""
        running = self.monitor.is_running()
        self.monitor.stop()
        self.monitor.deleteLater()
        self.service = service
        self.monitor = self._new_monitor()
        if running:
            self.monitor.start()

    # ------------------------------------------------------------------------------------------ gate
    def run_gate(self, on_passed: Callable[[], None], *, blocking: bool = True) -> None:
        """Open the gate dialog (non-modal ``open()``); ``on_passed`` runs when the agent may continue."""
        if self.gate is not None:
            self.gate.raise_()
            return
        service = self.service
        gate = PreShiftGateDialog(
            lambda progress, cancel, confirm: service.run_full(progress, cancel, confirm),
            self.executor,
            blocking=blocking,
            parent=self.window,
        )
        gate.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        gate.report_ready.connect(self._on_gate_report_ready)
        gate.accepted.connect(self._on_gate_accepted)
        gate.destroyed.connect(self._on_gate_destroyed)
        self.gate = gate
        self._after_gate = on_passed
        gate.open()
        gate.start()

    @Slot(object)
    def _on_report_updated(self, report: Report) -> None:
        keep = self._keep
        if keep is not None:
            with contextlib.suppress(RuntimeError):  # the pool is shut down: the application is quitting
                self.executor.submit(self._keep_safely, keep, report)

    @staticmethod
    def _keep_safely(keep: Callable[[Report], None], report: Report) -> None:
        try:
            keep(report)
        except OSError:
            log.warning("could not keep the latest health report for diagnostics", exc_info=True)

    @Slot(object)
    def _on_gate_report_ready(self, report: Report) -> None:
        self._on_report_updated(report)
        self.monitor.seed(report)
        self._pending_upload = report
        self._upload_if_signed_in()

    @Slot()
    def _on_gate_accepted(self) -> None:
        self.gate_passed = True
        after, self._after_gate = self._after_gate, None
        if after is not None:
            after()

    @Slot()
    def _on_gate_destroyed(self) -> None:
        self.gate = None

    @Slot()
    def _on_panel_full_check_requested(self) -> None:
        self.run_gate(lambda: None, blocking=False)

    # ------------------------------------------------------------------------------------------ shift
    def signed_in(self, agent: str) -> None:
        self.agent = agent
        self.monitor.start()
        self._upload_if_signed_in()

    def signed_out(self) -> None:
        self.agent = ""
        self.monitor.stop()

    def _upload_if_signed_in(self) -> None:
        report = self._pending_upload
        if report is None or not self.agent or self._upload_job.running:
            return
        self._pending_upload = None
        send = self._upload or self.service.upload
        self._upload_job.start(lambda _job: send(report))

    @Slot(str)
    def _on_upload_failed(self, message: str) -> None:
        # The report stays in the log and the panel; the supervisor board just misses this one.
        log.warning("health report upload failed: %s", message)

    def shutdown(self) -> None:
        self.monitor.stop()
        if self.gate is not None:
            self.gate.reject()
        self.executor.shutdown(wait=False, cancel_futures=True)
