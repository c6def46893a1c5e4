"""``Application.shutdown()`` stops everything the composition root built: after it no thread the application started
is alive and no timer in its object tree is active, whether it quits with every area running (the real SIP engine on
pjsua2, the audio engine, the hub connection's network thread, background work in flight) or while the areas are
still being built after the first paint. Tests that build the whole application in the pytest process rely on this:
a thread or timer left behind used to crash or fail a later test."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.credentials import CredentialStore
from sip.engine import SipEngine
from tests.helpers.keyrings import MemoryKeyring
from tests.helpers.ports import free_port
from ui.main import Application, parse_args
from ui.main_window import Panel

pytestmark = pytest.mark.integration


@pytest.fixture
def sip_site() -> None:
    """A SIP server in the site file: the softphone area (pjsua2 on its own thread) is built too."""
    site = Path(os.environ["AGENTDESK_SITE_CONFIG_DIR"])
    site.mkdir(parents=True, exist_ok=True)
    (site / "agentdesk.toml").write_text(
        f'[sip]\nserver = "127.0.0.1"\nport = {free_port("both")}\ntransport = "udp"\n', encoding="utf-8"
    )


@pytest.fixture
def threads_before() -> set[threading.Thread]:
    return set(threading.enumerate())


@pytest.fixture
def make_root(qapp: QApplication, threads_before: set[threading.Thread]) -> Iterator[list[Application]]:
    """Applications a test builds; disposed of in the teardown (again: it is idempotent)."""
    made: list[Application] = []
    yield made
    for application in made:
        application.dispose()  # shutdown, then its Qt objects deleted now


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t not in before]


def _started_threads(before: set[threading.Thread]) -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t not in before and t.is_alive())


def _running(engine: SipEngine) -> bool:
    return engine.running


def _active_timers(application: Application, widgets_before: set[QWidget]) -> list[str]:
    """Active timers of this application: its root, its window, and top-level widgets it made (dialogs, popups);
    widgets an earlier test left for Qt to delete are not this application's."""
    made = [w for w in QApplication.topLevelWidgets() if w not in widgets_before]
    owners: list[QObject] = [application, application.window, *made]
    timers = {timer for owner in owners for timer in owner.findChildren(QTimer) if timer.isActive()}
    return sorted(f"{type(t.parent()).__name__}/{t.objectName() or t.interval()}" for t in timers)


@pytest.mark.usefixtures("sip_site")
def test_shutdown_with_every_area_running_leaves_no_thread_or_timer(
    qtbot: QtBot, make_root: list[Application], threads_before: set[threading.Thread]
) -> None:
    widgets_before = set(QApplication.topLevelWidgets())
    application = Application(parse_args(["--lang", "en"]), credentials=CredentialStore(MemoryKeyring()))
    make_root.append(application)
    application.window.show()
    qtbot.waitExposed(application.window)
    engine = application.sip_engine
    assert engine is not None
    assert _running(engine)
    running = set(_started_threads(threads_before))
    assert {"agentdesk-sync", "sip-engine", "audio-control"} <= running, running
    assert _active_timers(application, widgets_before), "the panels' timers run while the application does"

    # Work in flight on the background runner when the agent quits: its thread is joined, its result dropped.
    started, release = threading.Event(), threading.Event()
    delivered: list[object] = []

    def slow_call() -> str:
        started.set()
        release.wait(1.0)
        return "late"

    application.runner.run(slow_call, name="slow").success(delivered.append)
    assert started.wait(10)

    application.shutdown()

    assert _started_threads(threads_before) == []
    assert _active_timers(application, widgets_before) == []
    assert not _running(engine)
    application.shutdown()  # idempotent
    with qtbot.assertNotEmitted(application.areas_ready, wait=300):
        pass  # queued deliveries (the slow call's result, hub events) are processed here and dropped
    assert delivered == []
    assert _active_timers(application, widgets_before) == []

    window = application.window
    application.dispose()  # the Qt objects go now, on this thread, not whenever the cycle collector finds them
    assert not shiboken6.isValid(window)
    assert not shiboken6.isValid(application)
    left = [type(w).__name__ for w in QApplication.topLevelWidgets() if w not in widgets_before]
    assert left == [], f"top-level widgets left for the garbage collector: {left}"


@pytest.mark.usefixtures("sip_site")
def test_shutdown_while_the_areas_are_being_built(
    qtbot: QtBot, make_root: list[Application], threads_before: set[threading.Thread]
) -> None:
    widgets_before = set(QApplication.topLevelWidgets())
    application = Application(
        parse_args(["--lang", "en"]), credentials=CredentialStore(MemoryKeyring()), defer_areas=True
    )
    make_root.append(application)
    application.window.show()
    # Painted: the build starts with the areas' module preload on the background runner's first thread.
    qtbot.waitUntil(lambda: any(t.name.startswith("background") for t in _new_threads(threads_before)), timeout=10000)
    phone_place = application.window.panel(Panel.PHONE)

    application.shutdown()

    assert _started_threads(threads_before) == []
    assert _active_timers(application, widgets_before) == []
    with qtbot.assertNotEmitted(application.areas_ready, wait=500):
        pass  # the build does not go on after shutdown
    assert application.window.panel(Panel.PHONE) is phone_place
    assert _started_threads(threads_before) == []
    assert _active_timers(application, widgets_before) == []
