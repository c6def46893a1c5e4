"""Python's cycle collector, run on the GUI thread only.

CPython runs a collection in whichever thread happens to allocate when a generation's threshold is crossed. When the
garbage holds Qt wrappers (a closed dialog in a reference cycle, a widget's lambda capturing itself), their C++ objects
are then destroyed on a worker thread — the sync engine's, the background runner's, pjsua2's — in the middle of
unrelated Qt work, which can crash in Qt's timer or event code. This is the crash a leftover application once caused
in pytest-qt. The client therefore turns automatic collection off and collects here, from a GUI-thread timer, with
the interpreter's own thresholds; :meth:`stop` restores automatic collection.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer, Slot

log = logging.getLogger(__name__)


class GuiThreadCollector(QObject):
    """Checks the collector's counters every ``interval_ms`` and collects the generations that are due."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._was_enabled = False
        self.active = False
        self.collections = 0

    def start(self) -> None:
        if self.active:
            return
        self.active = True
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect once more here, then give collection back to the interpreter (as it was before :meth:`start`).
        Call it once the threads are stopped; it does not depend on the timer still running."""
        if not self.active:
            return
        self.active = False
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    @Slot()
    def check(self) -> None:
        if collect_due():
            self.collections += 1


def collect_due() -> bool:
    """Collect the oldest generation whose counter passed its threshold, as the interpreter would; whether it did."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    generation = -1
    for index in range(3):
        if thresholds[index] and counts[index] > thresholds[index]:
            generation = index
    if generation < 0:
        return False
    gc.collect(generation)
    return True
