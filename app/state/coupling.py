"""Agent state ↔ softphone: which ACD calls ring, which are refused as busy, auto-answer, ring timeout, and the call
events that move the agent through ringing → on call → wrap-up.

Qt-free; runs on the controller's thread. Rules (documented for agents and IT in ``docs/agent_states.md``):

* Only **ACD calls** (offered by the queue; the softphone marks them, see ``OfferedCall.acd``) are coupled to the agent
  state. Direct calls (a colleague, an outbound call) ring as usual and never change the state.
* An ACD call offered while the agent is **not ready** (示忙 / 小休 / 话后整理 / any state but 示闲, including a
  change to 示忙 still waiting for the hub) is refused at once with **486 Busy Here**, so the ACD routes it to another
  agent at once instead of waiting for a ring timeout.
* **Ready** + auto-answer (the team's ``auto_answer_delay_s``): the call is answered after the delay, but only when
  ``headset_present()`` says a headset is connected; otherwise it rings and the agent is told why.
* A call still ringing after the team's ``ring_timeout_s`` is ended (480) and counts as a **missed call**: the agent
  goes not ready with reason ``missed_call``. Declining an ACD call by hand counts the same.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.protocol import AgentState
from app.state.controller import Notice, NoticeKind, StateController
from app.state.model import AgentEvent
from app.state.ports import CallEnd, Cancellable, PhoneControl, Scheduler

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OfferedCall:
    call_id: str
    acd: bool  # offered by the ACD queue (the softphone's adapter decides from the INVITE)
    remote: str = ""


class Decision(enum.Enum):
    """What happened to an offered call (for logs and tests)."""

    RING = "ring"  # rings at the agent (direct call, or ACD call without auto-answer)
    AUTO_ANSWER = "auto_answer"  # will be answered after the delay
    REJECTED_BUSY = "rejected_busy"


@dataclass(slots=True)
class _Call:
    call_id: str
    answered: bool = False
    timed_out: bool = False
    auto_answer: Cancellable | None = None
    ring_timer: Cancellable | None = None

    def cancel_timers(self) -> None:
        for timer in (self.auto_answer, self.ring_timer):
            if timer is not None:
                timer.cancel()
        self.auto_answer = self.ring_timer = None


class AcdCoupling:
    """Feeds the softphone's ACD call events to the :class:`StateController` and applies the state's call rules."""

    def __init__(
        self,
        controller: StateController,
        phone: PhoneControl,
        scheduler: Scheduler,
        *,
        headset_present: Callable[[], bool] = lambda: True,
        auto_answer_enabled: Callable[[], bool] = lambda: True,
    ) -> None:
        self._controller = controller
        self._phone = phone
        self._scheduler = scheduler
        self._headset_present = headset_present
        self._auto_answer_enabled = auto_answer_enabled
        self._calls: dict[str, _Call] = {}

    @property
    def active_call_ids(self) -> list[str]:
        return list(self._calls)

    def on_incoming(self, call: OfferedCall) -> Decision:
        """A call is offered. Returns the :class:`Decision`."""
        if not call.acd:
            return Decision.RING
        if self._controller.expected_state() is not AgentState.READY or self._calls:
            log.info("ACD call %s refused as busy (state %s)", call.call_id, self._controller.expected_state().value)
            self._phone.reject_busy(call.call_id)
            self._controller.notify(Notice(NoticeKind.REJECTED_BUSY))
            return Decision.REJECTED_BUSY
        tracked = _Call(call.call_id)
        self._calls[call.call_id] = tracked
        self._controller.call_event(AgentEvent.CALL_OFFERED, call.call_id)
        team = self._controller.team
        tracked.ring_timer = self._scheduler.call_later(
            float(team.ring_timeout_s), lambda: self._on_ring_timeout(call.call_id)
        )
        delay = team.auto_answer_delay_s
        if delay is None or not self._auto_answer_enabled():
            return Decision.RING
        if not self._headset_present():
            self._controller.notify(Notice(NoticeKind.AUTO_ANSWER_NO_HEADSET))
            return Decision.RING
        tracked.auto_answer = self._scheduler.call_later(
            max(float(delay), 0.0), lambda: self._auto_answer(call.call_id)
        )
        return Decision.AUTO_ANSWER

    def _auto_answer(self, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.answered:
            return
        call.auto_answer = None
        if not self._headset_present():  # unplugged during the delay
            self._controller.notify(Notice(NoticeKind.AUTO_ANSWER_NO_HEADSET))
            return
        self._phone.answer(call_id)

    def _on_ring_timeout(self, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.answered:
            return
        call.ring_timer = None
        call.timed_out = True
        self._phone.stop_ringing(call_id)
        self._missed(call)

    def _missed(self, call: _Call) -> None:
        call.cancel_timers()
        self._calls.pop(call.call_id, None)
        self._controller.call_event(AgentEvent.CALL_NOT_ANSWERED, call.call_id)
        self._controller.notify(Notice(NoticeKind.MISSED_CALL))

    def on_answered(self, call_id: str) -> None:
        """The call is connected (answered by the agent or by auto-answer)."""
        call = self._calls.get(call_id)
        if call is None or call.answered:
            return
        call.cancel_timers()
        call.answered = True
        self._controller.call_event(AgentEvent.CALL_ANSWERED, call_id)

    def on_ended(self, call_id: str, how: CallEnd) -> None:
        """The call is over (any reason)."""
        call = self._calls.get(call_id)
        if call is None:
            return  # a direct call, a refused one, or a missed one already reported
        if call.answered:
            call.cancel_timers()
            self._calls.pop(call_id, None)
            self._controller.call_event(AgentEvent.CALL_ENDED, call_id)
        elif how is CallEnd.LOCAL_HANGUP:
            self._missed(call)  # declined by the agent
        else:
            call.cancel_timers()
            self._calls.pop(call_id, None)
            self._controller.call_event(AgentEvent.CALL_ABANDONED, call_id)
