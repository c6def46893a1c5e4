"""Qt adapter for ``app.sync``: re-emits the network thread's events and future results on the GUI thread.

Main thread only (construct it there). The engine calls ``_from_network`` on its own thread; that method does nothing
but emit a signal whose receiver is this main-thread object, so Qt queues it and the bound slot runs on the GUI
thread (never a lambda across threads: it would run in the sender's thread).

Signals:
    event_received(object): every ``app.sync.events.SyncEvent``.
    hub_event(object): every raw ``HubEvent`` of the types passed to ``subscribe()``.
"""

from __future__ import annotations

import concurrent.futures
import functools
import itertools
import logging
from collections.abc import Callable, Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.sync.engine import SyncEngine
from app.sync.events import HubEvent, SyncEvent

log = logging.getLogger(__name__)


class SyncBridge(QObject):
    """GUI-thread face of the ``SyncEngine`` (see the module docstring for the signals)."""

    event_received = Signal(object)
    hub_event = Signal(object)
    _event_hop = Signal(object)
    _hub_hop = Signal(object)
    _future_hop = Signal(int)

    def __init__(self, engine: SyncEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._event_hop.connect(self._on_event_hop, Qt.ConnectionType.QueuedConnection)
        self._hub_hop.connect(self._on_hub_hop, Qt.ConnectionType.QueuedConnection)
        self._future_hop.connect(self._on_future_hop, Qt.ConnectionType.QueuedConnection)
        self._pending: dict[
            int,
            tuple[
                concurrent.futures.Future[Any],
                Callable[[Any], None] | None,
                Callable[[Exception], None] | None,
                QObject | None,
            ],
        ] = {}
        self._tokens = itertools.count(1)
        self._closed = False
        self._unsubscribers: list[Callable[[], None]] = [engine.add_listener(self._from_network)]

    # -------------------------------------------------------------------------------------- network-thread side
    def _from_network(self, event: SyncEvent) -> None:
        self._event_hop.emit(event)

    def _hub_from_network(self, event: HubEvent) -> None:
        self._hub_hop.emit(event)

    def subscribe(self, types: Iterable[str] | None) -> None:
        """Forward raw hub pushes of these ``EventType`` values as ``hub_event``."""
        self._unsubscribers.append(self.engine.subscribe(types, self._hub_from_network))

    def close(self) -> None:
        """Stop forwarding: no event or result is delivered after this, not even one already queued (the application
        is quitting; its receivers would call into stopped services). Idempotent."""
        self._closed = True
        for remove in self._unsubscribers:
            remove()
        self._unsubscribers.clear()
        self._pending.clear()

    # -------------------------------------------------------------------------------------- GUI-thread side
    @Slot(object)
    def _on_event_hop(self, event: SyncEvent) -> None:
        if not self._closed:
            self.event_received.emit(event)

    @Slot(object)
    def _on_hub_hop(self, event: HubEvent) -> None:
        if not self._closed:
            self.hub_event.emit(event)

    def watch(
        self,
        future: concurrent.futures.Future[Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        context: QObject | None = None,
    ) -> None:
        """Call ``on_success(result)`` or ``on_failure(exc)`` on the GUI thread when ``future`` completes.

        With ``context``, nothing is called once that object has been deleted (a closed dialog)."""
        if self._closed:
            return
        token = next(self._tokens)
        self._pending[token] = (future, on_success, on_failure, context)
        # Runs on whichever thread completes the future; it only emits (queued to this main-thread object).
        future.add_done_callback(functools.partial(self._future_from_network, token))

    def _future_from_network(self, token: int, _future: concurrent.futures.Future[Any]) -> None:
        self._future_hop.emit(token)

    @Slot(int)
    def _on_future_hop(self, token: int) -> None:
        entry = self._pending.pop(token, None)
        if entry is None:
            return
        future, on_success, on_failure, context = entry
        if context is not None and not shiboken6.isValid(context):
            return
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            if on_success is not None:
                on_success(future.result())
        elif isinstance(exc, Exception):
            if on_failure is not None:
                on_failure(exc)
            else:
                log.warning("background hub call failed: %s", exc)
        else:
            raise exc
