"""The Qt-free loop thread that plays the GUI thread for headless clients (app/state/loop.py)."""

from __future__ import annotations

import concurrent.futures
import threading

import pytest

from app.state.loop import LoopThread

pytestmark = pytest.mark.unit


def test_runs_posted_work_and_timers_in_order_on_its_thread() -> None:
    loop = LoopThread()
    try:
        seen: list[str] = []
        done = threading.Event()
        loop.call_later(0.05, lambda: seen.append("late"))
        cancelled = loop.call_later(0.01, lambda: seen.append("cancelled"))
        cancelled.cancel()
        loop.call_later(0.1, done.set)
        loop.post(lambda: seen.append("posted"))
        assert loop.call(threading.current_thread) is loop.thread
        assert done.wait(5)
        assert seen == ["posted", "late"]
    finally:
        loop.stop()


def test_deliver_hands_results_and_errors_to_the_loop() -> None:
    loop = LoopThread()
    try:
        results: list[object] = []
        finished = threading.Event()
        ok: concurrent.futures.Future[int] = concurrent.futures.Future()
        bad: concurrent.futures.Future[int] = concurrent.futures.Future()
        loop.deliver(ok, lambda v: results.append((v, threading.current_thread() is loop.thread)), results.append)

        def failed(exc: Exception) -> None:
            results.append(str(exc))
            finished.set()

        loop.deliver(bad, results.append, failed)
        ok.set_result(3)
        bad.set_exception(ValueError("boom"))
        assert finished.wait(5)
        assert results == [(3, True), "boom"]
    finally:
        loop.stop()
