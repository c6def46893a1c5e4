"""Tear-down for widgets a test builds without the composition root: none of their timers may fire in a later test."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer


def stop_timers(owner: QObject) -> None:
    """Stop every timer in ``owner``'s tree (for ``qtbot.addWidget(w, before_close_func=stop_timers)``): pytest-qt
    deletes the widget only later, and a state controller's request timeout or a bar's clock left running would log
    into, or be counted by, the next test."""
    for timer in owner.findChildren(QTimer):
        timer.stop()
