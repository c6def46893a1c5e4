"""Starting and ending the agent's shift around the application's life: signing in to the queue (签入) at start when
asked to (the demo, kiosk-style sites), and signing out (签出) on the hub when the application quits.

Qt-free; runs on the controller's thread (the GUI thread in the app). Both drive the :class:`StateController` like
the state bar's buttons do, so the hub stays authoritative: they only ever report the state the hub confirmed.

Quitting: :func:`quit_check` says what quitting means now (nothing to do; confirm and sign out; refused because a
call is in progress; signed in but offline); :class:`QuitSignOut` sends 签出 and reports within a bounded time,
so quitting never hangs on an unreachable hub (the hub's offline grace then signs the agent out).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from app.protocol import AgentState
from app.state.controller import SessionPhase, StateController, StateView
from app.state.model import AgentEvent, RefusalKind
from app.state.ports import Cancellable, Scheduler

log = logging.getLogger(__name__)

#: States in which quitting is refused: the customer is on the line (ringing: the call would be lost silently).
CALL_STATES = frozenset({AgentState.RINGING, AgentState.ON_CALL})
#: How long quitting waits for the hub to confirm 签出.
QUIT_SIGN_OUT_TIMEOUT_S = 4.0


class ShiftStarter:
    """Once the hub's state is known: 签入 when the agent is signed out, then 示闲 when ``target`` is READY.

    A shift already under way (a restart of the client) is left as the hub holds it. ``on_done(state)`` is called
    once with the hub's state at the end (the target, or what the hub held when a step was refused)."""

    def __init__(
        self, controller: StateController, target: AgentState, on_done: Callable[[AgentState], None] | None = None
    ) -> None:
        if target not in (AgentState.READY, AgentState.NOT_READY):
            raise ValueError(f"a shift starts ready or not ready, not {target.value}")
        self._controller = controller
        self._target = target
        self._on_done = on_done
        self._signed_in_here = False
        self._asked_ready = False
        self.done = False
        controller.add_view_listener(self._on_view)
        self._on_view(controller.view)

    def _on_view(self, view: StateView) -> None:
        if self.done or view.status is None or view.phase is not SessionPhase.ACTIVE:
            return
        if view.pending is not None or not view.connected:
            return  # a step in flight, or changes would not reach the hub yet
        state = view.state
        if state is self._target:
            self._finish(state)
        elif state is AgentState.SIGNED_OUT and not self._signed_in_here:
            self._signed_in_here = True
            log.info("starting the shift: 签入")
            self._refused(self._controller.request(AgentEvent.SIGN_IN), state)
        elif (
            state is AgentState.NOT_READY
            and self._signed_in_here
            and self._target is AgentState.READY
            and not self._asked_ready
        ):
            self._asked_ready = True
            log.info("starting the shift: 示闲")
            self._refused(self._controller.request(AgentEvent.GO_READY), state)
        elif not self._signed_in_here or self._asked_ready or state is AgentState.SIGNED_OUT:
            # A shift already under way, or a step the hub refused (its notice is shown): the hub's state stands.
            self._finish(state)

    def _refused(self, refusal: RefusalKind | None, state: AgentState) -> None:
        if refusal is not None:
            log.warning("starting the shift: refused (%s)", refusal.value)
            self._finish(state)

    def _finish(self, state: AgentState) -> None:
        if self.done:
            return
        self.done = True
        self._controller.remove_view_listener(self._on_view)
        log.info("shift started: %s", state.value)
        if self._on_done is not None:
            self._on_done(state)


class QuitCheck(enum.Enum):
    """What quitting the application means for the agent's state now."""

    NOTHING_TO_DO = "nothing_to_do"  # not signed in to the queue (or no hub session): quit at once
    SIGN_OUT = "sign_out"  # signed in: confirm, then 签出 on the hub before closing
    IN_CALL = "in_call"  # ringing or on a call: quitting is refused until the call ends
    OFFLINE = "offline"  # signed in, but the hub is unreachable: confirm; the hub's offline grace signs out


def quit_check(view: StateView) -> QuitCheck:
    if view.status is None or view.phase is not SessionPhase.ACTIVE or view.state is AgentState.SIGNED_OUT:
        return QuitCheck.NOTHING_TO_DO
    if view.state in CALL_STATES:
        return QuitCheck.IN_CALL
    if not view.connected:
        return QuitCheck.OFFLINE
    return QuitCheck.SIGN_OUT


class QuitOutcome(enum.Enum):
    SIGNED_OUT = "signed_out"  # the hub confirmed 签出
    AFTER_WRAP_UP = "after_wrap_up"  # a locked wrap-up: 签出 is the next state, the hub applies it at the timer
    REFUSED = "refused"  # the hub refused (its reason is in the log): the offline grace signs the agent out
    TIMEOUT = "timeout"  # no answer in time: likewise
    NOT_SENT = "not_sent"  # nothing to sign out, or no connection


class QuitSignOut:
    """Sends 签出 for quitting and calls ``on_done(QuitOutcome)`` exactly once, within ``timeout_s``."""

    def __init__(
        self,
        controller: StateController,
        scheduler: Scheduler,
        on_done: Callable[[QuitOutcome], None],
        *,
        timeout_s: float = QUIT_SIGN_OUT_TIMEOUT_S,
    ) -> None:
        self._controller = controller
        self._scheduler = scheduler
        self._on_done = on_done
        self._timeout_s = timeout_s
        self._timer: Cancellable | None = None
        self.outcome: QuitOutcome | None = None

    def start(self) -> None:
        check = quit_check(self._controller.view)
        if check is not QuitCheck.SIGN_OUT:
            self._finish(QuitOutcome.NOT_SENT)
            return
        log.info("quit: signing out on the hub")
        self._timer = self._scheduler.call_later(self._timeout_s, self._on_timeout)
        self._controller.add_view_listener(self._on_view)  # before the request: its answer may come at once
        refusal = self._controller.request(AgentEvent.SIGN_OUT)
        if refusal is not None:
            log.warning("quit: 签出 refused locally (%s)", refusal.value)
            self._finish(QuitOutcome.REFUSED)

    def _on_view(self, view: StateView) -> None:
        status = view.status
        if status is None:
            return
        if status.state is AgentState.SIGNED_OUT:
            self._finish(QuitOutcome.SIGNED_OUT)
        elif view.pending is None:  # our request is answered
            if status.pending_state is AgentState.SIGNED_OUT:
                self._finish(QuitOutcome.AFTER_WRAP_UP)
            else:
                self._finish(QuitOutcome.REFUSED)

    def _on_timeout(self) -> None:
        self._timer = None
        log.warning(
            "quit: the hub did not confirm 签出 within %.0f s; its offline grace will sign out", self._timeout_s
        )
        self._finish(QuitOutcome.TIMEOUT)

    def _finish(self, outcome: QuitOutcome) -> None:
        if self.outcome is not None:
            return
        self.outcome = outcome
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._controller.remove_view_listener(self._on_view)
        log.info("quit: %s", outcome.value)
        self._on_done(outcome)
