"""The cycle collector runs on the GUI thread only while the client runs (ui/gui_gc.py)."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject

from ui.gui_gc import GuiThreadCollector

pytestmark = pytest.mark.unit


class _Cycle(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.me = self  # a reference cycle holding a Qt object, as a lambda capturing its widget makes


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[GuiThreadCollector]:
    del qtbot
    was_enabled = gc.isenabled()
    owner = QObject()
    c = GuiThreadCollector(owner, interval_ms=20)
    c.start()
    try:
        yield c
    finally:
        c.stop()
        assert gc.isenabled() is was_enabled
        owner.deleteLater()


def _cycle_made_and_dropped_on_a_worker_thread(keep: list[object]) -> weakref.ref[_Cycle]:
    ref: list[weakref.ref[_Cycle]] = []

    def work() -> None:
        obj = _Cycle()
        ref.append(weakref.ref(obj))
        del obj
        # Enough live allocations to cross generation 0's threshold many times over on this thread.
        keep.extend([i] for i in range(50_000))

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return ref[0]


def test_cycles_dropped_on_a_worker_thread_are_collected_on_the_gui_thread(
    collector: GuiThreadCollector, qtbot: QtBot
) -> None:
    assert not gc.isenabled()
    keep: list[object] = []
    ref = _cycle_made_and_dropped_on_a_worker_thread(keep)
    assert ref() is not None  # no automatic collection ran on the worker thread
    qtbot.waitUntil(lambda: ref() is None, timeout=5000)  # the timer's check collected it, on this thread
    assert collector.collections >= 1


def test_stop_collects_and_gives_collection_back() -> None:
    owner = QObject()
    c = GuiThreadCollector(owner)
    was_enabled = gc.isenabled()
    c.start()
    c.start()  # idempotent
    assert not gc.isenabled()
    obj = _Cycle()
    ref = weakref.ref(obj)
    del obj
    c.stop()
    c.stop()
    assert ref() is None
    assert gc.isenabled() is was_enabled
