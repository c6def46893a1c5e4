"""A Qt-free "GUI thread" for the state core: one thread that runs posted callables and timers in order.

Used where there is no Qt event loop: headless clients (benchmarks, the test harness driving real hub connections, the
demo's simulated second agent). In the desktop app the Qt main thread plays this role (``app/state/bridge.py``).
Thread-safe ``post``/``call``; ``call_later`` implements ``app.state.ports.Scheduler``.
"""

from __future__ import annotations

import concurrent.futures
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class _Timer:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class LoopThread:
    """Runs callbacks one at a time on its own thread (posted work first, then due timers)."""

    def __init__(self, name: str = "state-loop") -> None:
        self._cond = threading.Condition()
        self._posted: list[Callable[[], None]] = []
        self._timers: list[tuple[float, int, Callable[[], None], _Timer]] = []
        self._seq = itertools.count()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def post(self, fn: Callable[[], None]) -> None:
        with self._cond:
            self._posted.append(fn)
            self._cond.notify()

    def call(self, fn: Callable[[], _T], timeout: float = 10.0) -> _T:
        """Run ``fn`` on the loop thread and return its result (from any other thread)."""
        if threading.current_thread() is self._thread:
            return fn()
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

        self.post(run)
        return future.result(timeout)

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> _Timer:
        handle = _Timer()
        with self._cond:
            heapq.heappush(self._timers, (time.monotonic() + max(0.0, delay_s), next(self._seq), callback, handle))
            self._cond.notify()
        return handle

    def deliver(
        self,
        future: concurrent.futures.Future[Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
    ) -> None:
        """``app.state.hub_link.Deliver``: hand a finished future to this thread."""

        def done(f: concurrent.futures.Future[Any]) -> None:
            def run() -> None:
                exc = f.exception()
                if exc is None:
                    on_success(f.result())
                elif isinstance(exc, Exception):
                    on_failure(exc)
                else:
                    raise exc

            self.post(run)

        future.add_done_callback(done)

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._posted and not self._due():
                    wait = self._timers[0][0] - time.monotonic() if self._timers else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                if self._posted:
                    work = self._posted.pop(0)
                else:
                    _at, _n, work, handle = heapq.heappop(self._timers)
                    if handle.cancelled:
                        continue
            try:
                work()
            except Exception:
                log.exception("state loop callback failed")

    def _due(self) -> bool:
        while self._timers and self._timers[0][3].cancelled:
            heapq.heappop(self._timers)
        return bool(self._timers) and self._timers[0][0] <= time.monotonic()
