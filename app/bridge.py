"""Thin QtCore adapters between Qt-free cores and the GUI thread.

``BackgroundRunner.run(fn, *args)`` runs blocking work (keyring, VPN probes, disk checks, sign-in) on a thread pool
and delivers the result or exception to callbacks **on the GUI thread**, in the spirit of Anki's
``aqt/operations`` and Picard's ``run_task``::

    runner.run(store.load, SecretKind.HUB_PASSWORD, account).success(self._on_password).failure(self._on_error)

Threads: create the runner and call ``run`` on the GUI thread; ``fn`` runs on a worker thread; callbacks run on the
GUI thread (a queued signal on a QObject living there). Nothing here imports QtWidgets/QtGui.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Relay(QObject):
    """Lives on the GUI thread; a worker emits ``finished`` and Qt queues the call to ``_on_finished`` there.

    Signals: finished(object, object): the result and the exception (one of them is None).
    """

    finished = Signal(object, object)

    def __init__(self, task: Task[Any], owner: QObject | None) -> None:
        # A parent makes Qt, not Python's reference count, own the relay: it is deleted with deleteLater() once it
        # has delivered, never while Qt is still inside its slot call.
        super().__init__(owner)
        self._task: Task[Any] | None = task
        # Queued even when emitted on the GUI thread (a future that is already done runs its callback at once, in
        # run()): callbacks registered right after run() must never be missed.
        self.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _on_finished(self, result: object, error: object) -> None:
        task, self._task = self._task, None
        if self.parent() is not None:
            self.deleteLater()
        if task is not None:
            task._deliver(result, error if isinstance(error, BaseException) else None)


class Task(Generic[T]):
    """A running background call. Register callbacks with :meth:`success` and :meth:`failure` (chainable)."""

    def __init__(self, name: str, on_done: Callable[[Task[Any]], None], owner: QObject | None = None) -> None:
        self.name = name
        self._on_done = on_done
        self._success: list[Callable[[T], None]] = []
        self._failure: list[Callable[[BaseException], None]] = []
        self._outcome: tuple[object, BaseException | None] | None = None
        self.relay = _Relay(self, owner)

    def success(self, callback: Callable[[T], None]) -> Task[T]:
        """Call ``callback(result)`` on the GUI thread when ``fn`` returns (at once if it already has)."""
        self._success.append(callback)
        if self._outcome is not None and self._outcome[1] is None:
            callback(self._outcome[0])  # type: ignore[arg-type]  # the result of fn, which returns T
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Task[T]:
        """Call ``callback(exception)`` on the GUI thread when ``fn`` raises. Unhandled failures are logged."""
        self._failure.append(callback)
        if self._outcome is not None and self._outcome[1] is not None:
            callback(self._outcome[1])
        return self

    @property
    def done(self) -> bool:
        return self._outcome is not None

    def _drop(self) -> None:
        """The runner shut down: whatever ``fn`` returns later is not delivered (its callbacks may use stopped
        services)."""
        self.relay._task = None

    def _deliver(self, result: object, error: BaseException | None) -> None:
        self._outcome = (result, error)
        try:
            if error is None:
                for callback in self._success:
                    callback(result)  # type: ignore[arg-type]  # see success()
            elif self._failure:
                for failure in self._failure:
                    failure(error)
            else:
                log.error("background task %s failed", self.name, exc_info=error)
        finally:
            self._on_done(self)


class BackgroundRunner:
    """A small thread pool whose results come back to the GUI thread. One per application (composition root)."""

    def __init__(self, max_workers: int = 4) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="background")
        self._running: set[Task[Any]] = set()  # keeps tasks alive until delivered
        self._owner = QObject()  # parent of the relays (GUI thread)
        self._closed = False

    def run(self, fn: Callable[..., T], *args: object, name: str = "") -> Task[T]:
        """Run ``fn(*args)`` on a worker thread. Call from the GUI thread."""
        task: Task[T] = Task(name or getattr(fn, "__qualname__", repr(fn)), self._running.discard, self._owner)
        if self._closed:
            # A timer or late signal after shutdown (the application is quitting): the work is dropped, like the
            # results of calls still running at shutdown, instead of raising in the GUI thread.
            log.debug("background: %s dropped after shutdown", task.name)
            return task
        self._running.add(task)
        future = self._pool.submit(fn, *args)

        def _done(fut: concurrent.futures.Future[T]) -> None:  # worker thread: only emit
            error = fut.exception()
            task.relay.finished.emit(None if error else fut.result(), error)

        future.add_done_callback(_done)
        return task

    @property
    def pending(self) -> int:
        return len(self._running)

    @property
    def closed(self) -> bool:
        return self._closed

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop accepting work, drop queued calls and the results of running ones, and wait up to ``timeout`` seconds
        for the worker threads to end. Idempotent. Returns True when every worker thread has ended.

        The wait is bounded because a call may be stuck in the OS (a keyring on D-Bus, a TCP connect): an application
        that is quitting must not hang on it. Worker threads are daemon threads, so one still stuck cannot keep the
        process alive."""
        if not self._closed:
            self._closed = True
            for task in self._running:
                task._drop()
            self._running.clear()
        return join_executor(self._pool, timeout, what="background")


def join_executor(pool: concurrent.futures.ThreadPoolExecutor, timeout: float, *, what: str) -> bool:
    """Shut ``pool`` down (queued calls cancelled) and wait up to ``timeout`` seconds for its threads to end.

    ``ThreadPoolExecutor.shutdown(wait=True)`` has no timeout, so the threads are joined here with one deadline.
    ``_threads`` is the executor's set of worker threads (a CPython implementation detail that has been stable since
    Python 3.2; typeshed declares it). Returns True when all have ended; logs the ones still running otherwise."""
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + timeout
    threads: list[threading.Thread] = list(pool._threads)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    alive = [thread.name for thread in threads if thread.is_alive()]
    if alive:
        log.warning("%s: %d worker thread(s) still busy after %.1f s: %s", what, len(alive), timeout, alive)
    return not alive
