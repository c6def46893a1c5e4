"""Qt adapter for the state core: a ``QTimer`` scheduler and signals carrying the controller's view and notices.

Main thread only (QtCore only; no widgets). The controller runs on the GUI thread, so its listeners can emit directly.

Signals (``StateBridge``):
    view_changed(object): a new ``app.state.controller.StateView``.
    notice_raised(object): an ``app.state.controller.Notice`` for the agent.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.state.controller import Notice, StateController, StateView


class QtScheduler(QObject):
    """``app.state.ports.Scheduler`` on single-shot ``QTimer`` objects owned by this (main-thread) object."""

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> _TimerHandle:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        handle = _TimerHandle(timer, callback)
        timer.timeout.connect(handle.fire)
        timer.start(max(0, round(delay_s * 1000)))
        return handle


class _TimerHandle:
    def __init__(self, timer: QTimer, callback: Callable[[], None]) -> None:
        self._timer: QTimer | None = timer
        self._callback = callback

    def fire(self) -> None:
        timer, self._timer = self._timer, None
        if timer is None:
            return
        timer.deleteLater()
        self._callback()

    def cancel(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.stop()
            timer.deleteLater()


class StateBridge(QObject):
    """Re-emits a :class:`StateController`'s view and notices as Qt signals (see the module docstring)."""

    view_changed = Signal(object)
    notice_raised = Signal(object)

    def __init__(self, controller: StateController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        controller.add_view_listener(self._on_view)
        controller.add_notice_listener(self._on_notice)

    def _on_view(self, view: StateView) -> None:
        self.view_changed.emit(view)

    def _on_notice(self, notice: Notice) -> None:
        self.notice_raised.emit(notice)
