"""Route Qt's own messages (qDebug/qWarning/...) into Python logging, on the ``qt`` logger.

After qutebrowser's ``utils/qtlog.py``. ``install_qt_message_handler()`` is called once by the composition root,
before the ``QApplication`` exists, so that early platform-plugin warnings are captured too. Qt may call the handler
from any thread; it only forwards to ``logging`` (thread-safe).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

# Messages that are harmless and would otherwise look like problems in every log. Each is a known upstream quirk.
_IGNORED = (
    # WORKAROUND: the offscreen/minimal platforms have no font database configuration; irrelevant for tests.
    "QFont::setPointSizeF: Point size <= 0",
    # WORKAROUND: the offscreen platform (tests, screenshots) lacks some window operations (propagateSizeHints(),
    # raise(), grabbing); harmless there and never printed by real platforms.
    "This plugin does not support ",
)


def qt_message_handler(msg_type: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Forward one Qt message to the ``qt`` (or ``qt.<category>``) logger."""
    if any(message.startswith(prefix) for prefix in _IGNORED):
        return
    category = context.category or "default"
    name = "qt" if category == "default" else f"qt.{category}"
    logging.getLogger(name).log(_LEVELS.get(msg_type, logging.WARNING), "%s", message)


def install_qt_message_handler() -> Callable[[QtMsgType, QMessageLogContext, str], None] | None:
    """Install :func:`qt_message_handler` for the whole process; returns the previous handler (to restore)."""
    previous: Callable[[QtMsgType, QMessageLogContext, str], None] | None = qInstallMessageHandler(qt_message_handler)
    return previous


def restore_qt_message_handler(previous: Callable[[QtMsgType, QMessageLogContext, str], None] | None) -> None:
    """Put back the handler :func:`install_qt_message_handler` replaced (shutdown, tests)."""
    qInstallMessageHandler(previous)
