"""ThreadPromoter: each audio thread is promoted once, never the GUI (main) thread, RealtimeKit as the fallback."""

from __future__ import annotations

import threading

import pytest

from sip.audio import realtime

pytestmark = pytest.mark.unit


def run_in_thread(fn: object) -> None:
    thread = threading.Thread(target=fn)  # type: ignore[arg-type]
    thread.start()
    thread.join(5)


def test_each_thread_promoted_once_and_never_the_main_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake_fifo(priority: int = realtime.PRIORITY, native_thread_id: int = 0) -> bool:
        calls.append(threading.get_ident())
        return True

    monkeypatch.setattr(realtime, "set_fifo", fake_fifo)
    promoter = realtime.ThreadPromoter()
    promoter.adopt("gui")  # the main thread: left alone
    assert calls == []
    assert promoter.promoted == {"gui": False}

    def callback_thread() -> None:
        for _ in range(100):  # a callback runs many times; the system call happens once
            promoter.adopt("portaudio-output")

    run_in_thread(callback_thread)
    assert len(calls) == 1
    assert promoter.promoted["portaudio-output"] is True


def test_refused_promotion_is_deferred_to_realtimekit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(realtime, "set_fifo", lambda *a, **k: False)
    deferred: list[tuple[int, str]] = []
    promoter = realtime.ThreadPromoter(defer=lambda tid, role: deferred.append((tid, role)))
    run_in_thread(lambda: promoter.adopt("pjmedia-clock"))
    assert len(deferred) == 1
    assert deferred[0][1] == "pjmedia-clock"
    monkeypatch.setattr(realtime, "via_rtkit", lambda *a, **k: False)
    promoter.deferred(*deferred[0])
    assert promoter.promoted["pjmedia-clock"] is False
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "normal priority" in warnings[0].getMessage()
    caplog.clear()


def test_disabled_promoter_touches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*_a: object, **_k: object) -> bool:
        raise AssertionError("must not be called")

    monkeypatch.setattr(realtime, "set_fifo", forbidden)
    monkeypatch.setattr(realtime, "via_rtkit", forbidden)
    promoter = realtime.ThreadPromoter(enabled=False)
    run_in_thread(lambda: promoter.adopt("portaudio-input"))
    promoter.promote_helpers()
    assert promoter.promoted == {"portaudio-input": False}


def test_helper_threads_are_found_by_name() -> None:
    """libpulse's I/O thread is called ``threaded-ml``; the lookup reads /proc and finds threads by name."""
    import ctypes

    libc = ctypes.CDLL(None)
    ready, done = threading.Event(), threading.Event()
    native: list[int] = []

    def named() -> None:
        libc.prctl(15, b"ad-test-helper", 0, 0, 0)  # PR_SET_NAME
        native.append(threading.get_native_id())
        ready.set()
        done.wait(5)

    thread = threading.Thread(target=named)
    thread.start()
    try:
        ready.wait(5)
        assert realtime.helper_threads(("ad-test-helper",)) == native
        assert realtime.helper_threads(("no-such-thread",)) == []
    finally:
        done.set()
        thread.join(5)
