"""One façade for telling the user something: log it, show it, and keep it until there is a window to show it in.

After qutebrowser's ``utils/message.py``. ``Notifier.info/warning/error`` always log; once a window is attached the
message appears in its status bar (info) or in a non-modal message box (warning, error); desktop notifications go
through the tray when one is attached and the window is hidden. Messages sent before :meth:`Notifier.attach` are
queued and shown on attach. Callers pass already translated text (``self.tr(...)`` in ``ui/``).

Signals:
    message_shown(int, str): level (a ``logging`` level) and text of every message shown.

Main thread only (cores report through their own signals/bridges, never by calling this from a worker).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSystemTrayIcon, QWidget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Pending:
    level: int
    text: str
    details: str


class Notifier(QObject):
    """Shows messages to the user (see the module docstring)."""

    message_shown = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window: QMainWindow | None = None
        self._tray: QSystemTrayIcon | None = None
        self._pending: list[_Pending] = []
        self._boxes: list[QMessageBox] = []

    def attach(self, window: QMainWindow, tray: QSystemTrayIcon | None = None) -> None:
        """Start showing messages in ``window`` (and ``tray``); flush the queue."""
        self._window = window
        self._tray = tray
        pending, self._pending = self._pending, []
        for item in pending:
            self._show(item)

    def info(self, text: str) -> None:
        self._emit(logging.INFO, text, "")

    def warning(self, text: str, details: str = "") -> None:
        self._emit(logging.WARNING, text, details)

    def error(self, text: str, details: str = "") -> None:
        self._emit(logging.ERROR, text, details)

    def desktop(self, title: str, text: str) -> None:
        """A desktop notification (incoming call, supervisor change) when the window is not in front."""
        log.info("notify: %s: %s", title, text)
        window_active = self._window is not None and self._window.isVisible() and self._window.isActiveWindow()
        if self._tray is not None and self._tray.isVisible() and not window_active:
            self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        elif self._window is not None:
            self._window.statusBar().showMessage(f"{title}: {text}", 8000)
        self.message_shown.emit(logging.INFO, text)

    def open_boxes(self) -> list[QMessageBox]:
        """Message boxes currently shown (tests, and closing them on shutdown)."""
        return [box for box in self._boxes if box.isVisible()]

    def _emit(self, level: int, text: str, details: str) -> None:
        log.log(level, "notify: %s%s", text, f" ({details})" if details else "")
        item = _Pending(level, text, details)
        if self._window is None:
            self._pending.append(item)
        else:
            self._show(item)

    def _show(self, item: _Pending) -> None:
        assert self._window is not None
        if item.level <= logging.INFO:
            self._window.statusBar().showMessage(item.text, 10000)
        else:
            icon = QMessageBox.Icon.Critical if item.level >= logging.ERROR else QMessageBox.Icon.Warning
            box = QMessageBox(icon, self._window.windowTitle(), item.text, QMessageBox.StandardButton.Ok, self._window)
            box.setWindowModality(Qt.WindowModality.NonModal)  # never blocks the agent's work
            if item.details:
                box.setDetailedText(item.details)
            box.finished.connect(box.deleteLater)
            self._boxes = [b for b in self._boxes if _alive(b)] + [box]
            box.show()
        self.message_shown.emit(item.level, item.text)


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(widget))
