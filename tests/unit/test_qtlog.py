"""Qt's own messages reach Python logging on the ``qt`` logger."""

from __future__ import annotations

import pytest

from PySide6.QtCore import qWarning

from ui.qtlog import install_qt_message_handler, restore_qt_message_handler

pytestmark = pytest.mark.unit


@pytest.mark.no_qt_log
def test_qt_warnings_go_to_the_qt_logger(caplog: pytest.LogCaptureFixture) -> None:
    previous = install_qt_message_handler()
    try:
        qWarning("QObject::connect: something odd")
        qWarning("This plugin does not support raise()")  # an offscreen-only quirk: dropped
    finally:
        restore_qt_message_handler(previous)
    records = [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("qt")]
    assert records == [("qt", "WARNING", "QObject::connect: something odd")]
