"""The small interfaces the state core needs from the outside: a timer, the hub, the softphone.

Qt-free. The application implements them with a ``QTimer`` adapter (``app/state/bridge.py``), the sync engine
(``app/state/hub_channel.py``) and the softphone adapter; unit tests with fakes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.protocol import (
    AgentStatus,
    Broadcast,
    BroadcastRequest,
    ForceStateCommand,
    StateChangeRequest,
    SupervisorCommandRecord,
    TeamMetrics,
)
from app.state.model import RefusalKind


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """Runs a callback later on the caller's (the controller's) thread."""

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> Cancellable: ...


@dataclass(frozen=True, slots=True)
class StateReply:
    """The hub's answer to a state request or a supervisor command.

    Accepted: ``status`` is the agent's new status. Refused: ``refusal`` says why and ``current`` carries the hub's
    current status when it sent one (a 409 conflict does)."""

    status: AgentStatus | None = None
    refusal: RefusalKind | None = None
    current: AgentStatus | None = None
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.refusal is None and self.status is not None


class StateChannel(Protocol):
    """How the agent's state controller reaches the hub. ``on_reply`` must run on the controller's thread, exactly
    once per request (with ``RefusalKind.DISCONNECTED`` when the request could not be sent)."""

    def request_state(self, request: StateChangeRequest, on_reply: Callable[[StateReply], None]) -> None: ...


class SupervisorChannel(Protocol):
    """How the supervisor board reaches the hub (same threading contract as :class:`StateChannel`)."""

    def force_state(
        self, agent_id: int, command: ForceStateCommand, on_reply: Callable[[StateReply], None]
    ) -> None: ...

    def send_broadcast(self, request: BroadcastRequest, on_done: Callable[[Broadcast | RefusalKind], None]) -> None: ...

    def fetch_metrics(
        self, team_id: int, since: datetime, until: datetime, on_done: Callable[[TeamMetrics | RefusalKind], None]
    ) -> None: ...

    def fetch_commands(
        self, team_id: int, on_done: Callable[[list[SupervisorCommandRecord] | RefusalKind], None]
    ) -> None:
        """The hub's audit of force commands on the team's agents, newest first."""


class CallEnd(enum.Enum):
    """How a call ended, as the softphone saw it."""

    REMOTE_HANGUP = "remote_hangup"  # the customer hung up (before the answer: abandoned)
    LOCAL_HANGUP = "local_hangup"  # the agent hung up (before the answer: declined = missed)
    FAILED = "failed"  # network or media failure


class PhoneControl(Protocol):
    """What the state coupling asks of the softphone for ACD calls."""

    def answer(self, call_id: str) -> None: ...

    def reject_busy(self, call_id: str) -> None:
        """Refuse an offered call with 486 Busy Here: the ACD routes it to the next agent."""

    def stop_ringing(self, call_id: str) -> None:
        """End an unanswered offered call after the ring timeout (480 Temporarily Unavailable)."""
