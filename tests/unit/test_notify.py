"""The notifier façade: logs everything, queues until a window exists, never blocks with modal boxes."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from ui.notify import Notifier

pytestmark = pytest.mark.unit


def test_messages_before_the_window_are_shown_on_attach(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    notifier = Notifier()
    notifier.info("hub connected")
    notifier.error("microphone missing", "no capture device matched")
    assert "microphone missing" in caplog.text  # logged at once
    window = QMainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignals([notifier.message_shown, notifier.message_shown]):
        notifier.attach(window)
    assert window.statusBar().currentMessage() == "hub connected"
    (box,) = notifier.open_boxes()
    assert box.text() == "microphone missing"
    assert box.detailedText() == "no capture device matched"
    assert box.windowModality() == Qt.WindowModality.NonModal
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    box.close()
