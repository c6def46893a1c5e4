"""The softphone side of the state coupling: ``PhoneControl`` over the SIP engine, and the engine's call events routed
to :class:`~app.state.coupling.AcdCoupling` on the controller's thread.

Qt-free. The SIP engine (``sip.engine.SipEngine``) calls ``on_sip_event`` on its own thread; this module only posts
the event to the controller's thread (``post``: ``LoopThread.post`` headless, a queued Qt signal in the app) and
dispatches it there. Commands go the other way through the engine's thread-safe methods (they return futures; a
failure is logged, the call's own events tell the rest).

Which incoming calls are ACD (queue) calls is a site decision: ``is_acd`` sees the call's snapshot. The default treats
every incoming call as an ACD call (a home agent's line is fed by the queue); sites with direct lines pass a
predicate (e.g. internal extensions are not ACD calls). Direct calls never touch the agent state.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from typing import Any, Protocol

from app.state.coupling import AcdCoupling, OfferedCall
from app.state.ports import CallEnd
from sip.model import (
    CallDirection,
    CallEnded,
    CallOutcome,
    CallSnapshot,
    CallState,
    CallUpdated,
    IncomingCall,
    RejectReason,
)

log = logging.getLogger(__name__)


class SipCommands(Protocol):
    """The part of ``sip.engine.SipEngine`` the coupling uses (thread-safe; returns futures)."""

    def answer(self, call_id: int) -> concurrent.futures.Future[None]: ...

    def reject(self, call_id: int, reason: RejectReason = RejectReason.BUSY) -> concurrent.futures.Future[None]: ...


def every_incoming_call_is_acd(call: CallSnapshot) -> bool:
    del call
    return True


_ENDS = {
    CallOutcome.ANSWERED: CallEnd.REMOTE_HANGUP,
    CallOutcome.TRANSFERRED: CallEnd.REMOTE_HANGUP,
    CallOutcome.MISSED: CallEnd.REMOTE_HANGUP,  # the caller gave up before the answer: abandoned
    CallOutcome.REJECTED: CallEnd.LOCAL_HANGUP,  # declined here: a missed ACD call
}


class SoftphoneStateLink:
    """``app.state.ports.PhoneControl`` for the coupling, and the route of SIP events into it."""

    def __init__(
        self,
        engine: SipCommands,
        post: Callable[[Callable[[], None]], None],
        *,
        is_acd: Callable[[CallSnapshot], bool] = every_incoming_call_is_acd,
    ) -> None:
        self._engine = engine
        self._post = post
        self._is_acd = is_acd
        self._coupling: AcdCoupling | None = None
        self._connected: set[int] = set()

    def attach(self, coupling: AcdCoupling) -> None:
        self._coupling = coupling

    # -- PhoneControl (controller thread) ----------------------------------------------------------------------------
    def answer(self, call_id: str) -> None:
        self._watch("answer", self._engine.answer(int(call_id)))

    def reject_busy(self, call_id: str) -> None:
        self._watch("reject busy", self._engine.reject(int(call_id), RejectReason.BUSY))

    def stop_ringing(self, call_id: str) -> None:
        self._watch("stop ringing", self._engine.reject(int(call_id), RejectReason.DECLINE))

    @staticmethod
    def _watch(what: str, future: concurrent.futures.Future[Any]) -> None:
        def done(f: concurrent.futures.Future[Any]) -> None:
            exc = f.exception()
            if exc is not None:
                log.info("%s failed (the call is probably gone): %s", what, exc)

        future.add_done_callback(done)

    # -- SIP thread → controller thread ---------------------------------------------------------------------------------
    def on_sip_event(self, event: object) -> None:
        """Give this to the SIP engine as (part of) its ``on_event``. Runs on the SIP thread: only posts."""
        if isinstance(event, IncomingCall | CallUpdated | CallEnded):
            self._post(lambda: self.dispatch(event))

    def dispatch(self, event: object) -> None:
        """Apply one SIP event, on the controller's thread (the app calls it from the phone bridge's GUI-thread
        signals; ``on_sip_event`` posts here)."""
        coupling = self._coupling
        if coupling is None:
            return
        if isinstance(event, IncomingCall):
            call = event.call
            if call.direction is CallDirection.INCOMING:
                coupling.on_incoming(OfferedCall(str(call.call_id), acd=self._is_acd(call), remote=call.remote_number))
        elif isinstance(event, CallUpdated):
            call = event.call
            if call.state is CallState.CONNECTED and call.call_id not in self._connected:
                self._connected.add(call.call_id)
                coupling.on_answered(str(call.call_id))
        elif isinstance(event, CallEnded):
            self._connected.discard(event.call.call_id)
            coupling.on_ended(str(event.call.call_id), _ENDS.get(event.outcome, CallEnd.FAILED))
