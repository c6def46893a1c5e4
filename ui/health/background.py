"""Run blocking health work off the GUI thread and get the results back on it.

:class:`HealthJob` runs one callable on a worker thread; ``progress``/``finished``/``failed`` are signals of a
QObject living on the GUI thread, so slots connected to them run there (Qt queues cross-thread emits). The
foundation's ``app.bridge.BackgroundRunner`` does the same for one-shot calls; this one also carries progress and
the speaker-confirmation round trip the gate needs.

:class:`ConfirmBridge` lets a worker thread ask the agent a yes/no question and wait for the answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class HealthJob(QObject):
    """One background run. Signals: progress(object), finished(object), failed(str)."""

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, executor: ThreadPoolExecutor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = executor
        self.cancel = threading.Event()
        self.running = False

    def start(self, fn: Callable[[HealthJob], Any]) -> None:
        """Run ``fn(self)`` on a worker; ``fn`` may call :meth:`report_progress` from there."""
        self.running = True
        self.cancel.clear()
        self._executor.submit(self._work, fn)

    def report_progress(self, value: object) -> None:
        self.progress.emit(value)

    def _work(self, fn: Callable[[HealthJob], Any]) -> None:
        try:
            result = fn(self)
        except Exception as exc:
            if hasattr(exc, "kind"):  # a typed core error (UploadError, ...): expected, the slot reports it
                log.info("health job: %s", exc)
            else:
                log.exception("health job failed")
            self.running = False
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.running = False
        self.finished.emit(result)


class ConfirmBridge(QObject):
    """A worker asks (``ask()`` blocks it), the GUI answers (``answer()``). Signals: asked()."""

    asked = Signal()

    def __init__(self, timeout_s: float = 60.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._event = threading.Event()
        self._answer: bool | None = None

    def ask(self) -> bool | None:
        """Worker thread: emit ``asked`` and wait for :meth:`answer` (None after the timeout)."""
        self._event.clear()
        self._answer = None
        self.asked.emit()
        if not self._event.wait(self.timeout_s):
            return None
        return self._answer

    @Slot(bool)
    def answer(self, heard: bool) -> None:
        """GUI thread: the agent's answer."""
        self._answer = heard
        self._event.set()

    def abandon(self) -> None:
        """GUI thread: nobody will answer (dialog closed)."""
        self._answer = None
        self._event.set()
