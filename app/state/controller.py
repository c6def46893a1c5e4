"""The agent's state on the client: what the hub holds, what is pending, and the messages to show.

Qt-free; runs on one thread (the GUI thread in the app), with every input (hub replies, pushes, timers, button
presses, call events) delivered on that thread. The hub is authoritative:

* the confirmed status (``StateView.status``) is always the last status the *hub* sent; the controller never writes a
  state of its own there (``apply_event`` is only used to pre-check a change and to describe it as pending);
* a change asked for in the UI is sent to the hub and shown as *pending* until the hub's reply; a refusal or no reply
  within ``request_timeout_s`` reverts it and raises a :class:`Notice` saying why;
* requests are sent one at a time, in order (a call event never overtakes the button press before it);
* a push newer than what we hold is adopted at once (supervisor changes come with who made them); after a reconnect
  (or a resync) the hub's snapshot is adopted whatever we held;
* a lost connection does not sign the agent out; the hub's session take-over does, with a notice.
"""

from __future__ import annotations

import collections
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.protocol import AgentState, AgentStatus, StateCause, SystemReason, TeamPolicy
from app.state.model import (
    AgentEvent,
    Change,
    Effect,
    RefusalKind,
    TransitionRefusedError,
    apply_event,
    rule_for,
    to_request,
)
from app.state.ports import Cancellable, Scheduler, StateChannel, StateReply

log = logging.getLogger(__name__)

#: Sent this long after the hub's wrap-up deadline if the hub has not ended the wrap-up itself by then.
WRAP_UP_EXPIRY_GRACE_S = 0.5


class NoticeKind(enum.Enum):
    """Messages for the agent; ``ui/state`` maps each to a translated text."""

    REVERTED = "reverted"  # a change of ours was refused or timed out (see ``refusal``)
    CHANGED_BY_SUPERVISOR = "changed_by_supervisor"  # ``by_name`` changed our state (or our next state)
    SIGNED_OUT_OFFLINE = "signed_out_offline"  # the hub signed us out after the offline grace
    SESSION_REPLACED = "session_replaced"  # signed in elsewhere: this session is over
    MISSED_CALL = "missed_call"  # an ACD call rang out: now not ready
    REJECTED_BUSY = "rejected_busy"  # an ACD call was refused as busy because we are not ready
    AUTO_ANSWER_NO_HEADSET = "auto_answer_no_headset"  # auto-answer skipped: no headset
    CONNECTION_LOST = "connection_lost"  # still signed in on the hub; changes wait for the connection
    CONNECTION_RESTORED = "connection_restored"


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    event: AgentEvent | None = None
    state: AgentState | None = None  # the state concerned (the one refused, or the one set by a supervisor)
    refusal: RefusalKind | None = None
    by_name: str | None = None
    pending: bool = False  # the supervisor's change waits for the end of the call


@dataclass(frozen=True, slots=True)
class PendingView:
    """A change of ours that the hub has not confirmed yet."""

    event: AgentEvent
    target: AgentState  # what we asked for
    reason: str | None
    deferred: bool  # it will become the pending *next* state (applied after the call), not the state now


class SessionPhase(enum.Enum):
    STARTING = "starting"  # no hub status yet
    ACTIVE = "active"
    ENDED = "ended"  # taken over by another sign-in, or signed out by the user: no more changes


@dataclass(frozen=True, slots=True)
class StateView:
    """Everything the state bar shows. ``status`` is exactly what the hub holds (``None`` before the first status)."""

    status: AgentStatus | None
    pending: PendingView | None
    connected: bool
    phase: SessionPhase
    team: TeamPolicy

    @property
    def state(self) -> AgentState:
        return self.status.state if self.status else AgentState.SIGNED_OUT


@dataclass(slots=True)
class _Request:
    change: Change
    quiet: bool  # automatic (call events, wrap-up expiry): no notice when refused
    view: PendingView | None  # shown while pending (None for call events)
    timer: Cancellable | None = None
    sent: bool = False
    done: bool = False
    based_on: AgentStatus | None = None  # the confirmed status the request was computed from
    retries: int = 0


class StateController:
    """The client-side state machine driver (see module docstring). Listeners are plain callables."""

    def __init__(
        self,
        channel: StateChannel,
        scheduler: Scheduler,
        team: TeamPolicy,
        *,
        request_timeout_s: float = 5.0,
        hub_now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._channel = channel
        self._scheduler = scheduler
        self._team = team
        self._timeout = request_timeout_s
        self._hub_now = hub_now
        self._status: AgentStatus | None = None
        self._queue: collections.deque[_Request] = collections.deque()
        self._connected = False
        self._phase = SessionPhase.STARTING
        self._view_listeners: list[Callable[[StateView], None]] = []
        self._notice_listeners: list[Callable[[Notice], None]] = []
        self._wrap_up_timer: Cancellable | None = None

    # -- observation --------------------------------------------------------------------------------------
    def add_view_listener(self, callback: Callable[[StateView], None]) -> None:
        self._view_listeners.append(callback)

    def remove_view_listener(self, callback: Callable[[StateView], None]) -> None:
        if callback in self._view_listeners:
            self._view_listeners.remove(callback)

    def add_notice_listener(self, callback: Callable[[Notice], None]) -> None:
        self._notice_listeners.append(callback)

    @property
    def view(self) -> StateView:
        shown = next((r.view for r in self._queue if r.view is not None and not r.done), None)
        return StateView(self._status, shown, self._connected, self._phase, self._team)

    @property
    def status(self) -> AgentStatus | None:
        return self._status

    @property
    def team(self) -> TeamPolicy:
        return self._team

    def expected_state(self) -> AgentState:
        """The state the agent will be in once every queued change is confirmed (to decide about an offered call)."""
        status = self._predicted()
        return status.state if status else AgentState.SIGNED_OUT

    def allowed(self, event: AgentEvent, reason: str | None = None) -> bool:
        """Whether the agent may ask for ``event`` now (for enabling buttons)."""
        status = self._predicted()
        if status is None or self._phase is SessionPhase.ENDED:
            return False
        try:
            apply_event(status, Change(event, reason), StateCause.AGENT, team=self._team, now=self._hub_now())
        except TransitionRefusedError:
            return False
        return True

    # -- inputs from the agent and the softphone ------------------------------------------------------------
    def request(self, event: AgentEvent, reason: str | None = None) -> RefusalKind | None:
        """The agent asks for a change. Returns why it is refused locally, or ``None`` when it was queued."""
        return self._enqueue(Change(event, reason), StateCause.AGENT, quiet=False)

    def end_wrap_up(self) -> RefusalKind | None:
        """The agent ends wrap-up early (结束话后整理): to the pending next state chosen during the call (by the
        agent or by a supervisor, whose command then takes effect), else ready."""
        return self.request(AgentEvent.WRAP_UP_END)

    def call_event(self, event: AgentEvent, call_id: str) -> RefusalKind | None:
        """The softphone reports an ACD call event (offered, answered, not answered, abandoned, ended)."""
        return self._enqueue(Change(event, call_id=call_id), StateCause.CALL, quiet=True)

    def _enqueue(self, change: Change, cause: StateCause, *, quiet: bool) -> RefusalKind | None:
        status = self._predicted()
        if status is None or self._phase is SessionPhase.ENDED:
            return RefusalKind.DISCONNECTED
        try:
            apply_event(status, change, cause, team=self._team, now=self._hub_now())
        except TransitionRefusedError as exc:
            log.info("not sending %s: %s", change.event.value, exc.kind.value)
            return exc.kind
        view = None
        if cause is StateCause.AGENT:
            rule = rule_for(status.state, change.event, self._team.wrap_up)
            assert rule is not None
            target = rule.target or status.pending_state or AgentState.READY
            view = PendingView(change.event, target, change.reason, deferred=rule.effect is Effect.DEFER)
        self._queue.append(_Request(change, quiet, view))
        self._pump()
        self._publish()
        return None

    def _predicted(self) -> AgentStatus | None:
        """The confirmed status with every queued change applied in order (refused ones skipped)."""
        status = self._status
        if status is None:
            return None
        for req in self._queue:
            if req.done:
                continue
            cause = StateCause.AGENT if req.view is not None else StateCause.CALL
            try:
                status = apply_event(status, req.change, cause, team=self._team, now=self._hub_now())
            except TransitionRefusedError:
                continue
        return status

    # -- sending ------------------------------------------------------------------------------------------------
    def _pump(self) -> None:
        while self._queue and self._queue[0].done:
            self._queue.popleft()
        if not self._queue or self._queue[0].sent:
            return
        req = self._queue[0]
        if self._status is None:
            return
        try:
            body = to_request(self._status, req.change, self._team)
        except TransitionRefusedError as exc:
            # What we queued no longer applies: the hub's state moved (a supervisor, the call flow) before we sent it.
            self._finish(req, StateReply(refusal=RefusalKind.SUPERSEDED, detail=str(exc)))
            return
        req.sent = True
        req.based_on = self._status
        req.timer = self._scheduler.call_later(self._timeout, lambda: self._on_timeout(req))
        self._channel.request_state(body, lambda reply: self._on_reply(req, reply))

    @staticmethod
    def _only_presence_moved(req: _Request, reply: StateReply) -> bool:
        before, now = req.based_on, reply.current
        if reply.refusal is not RefusalKind.CONFLICT or before is None or now is None or req.retries >= 2:
            return False
        return (before.state, before.reason, before.pending_state, before.pending_reason, before.call_id) == (
            now.state,
            now.reason,
            now.pending_state,
            now.pending_reason,
            now.call_id,
        )

    def _on_timeout(self, req: _Request) -> None:
        if not req.done:
            log.warning("the hub did not answer %s in %.1f s", req.change.event.value, self._timeout)
            self._finish(req, StateReply(refusal=RefusalKind.TIMEOUT))

    def _on_reply(self, req: _Request, reply: StateReply) -> None:
        if reply.status is not None:
            self._adopt(reply.status, from_reply=True)
        elif reply.current is not None:
            self._adopt(reply.current, from_reply=True)
        if not req.done and self._only_presence_moved(req, reply):
            # The version moved for a reason that does not touch the state (the hub records presence, e.g. the
            # agent coming online, as a new version): the change still means the same thing, so send it again.
            req.retries += 1
            req.sent = False
            if req.timer is not None:
                req.timer.cancel()
                req.timer = None
            self._pump()
            return
        if not req.done:
            self._finish(req, reply)
        else:
            self._publish()  # a late answer (after the timeout): the UI follows the hub

    def _finish(self, req: _Request, reply: StateReply) -> None:
        req.done = True
        if req.timer is not None:
            req.timer.cancel()
            req.timer = None
        if not reply.accepted and reply.refusal is not None:
            log.info("%s refused: %s %s", req.change.event.value, reply.refusal.value, reply.detail)
            if not req.quiet and req.view is not None:
                self._notify(
                    Notice(NoticeKind.REVERTED, event=req.change.event, state=req.view.target, refusal=reply.refusal)
                )
        self._pump()
        self._publish()

    # -- inputs from the hub -----------------------------------------------------------------------------------
    def on_hub_status(self, status: AgentStatus) -> None:
        """An ``agent.state`` push about this agent."""
        self._adopt(status, from_reply=False)
        self._publish()

    def on_snapshot(self, status: AgentStatus, team: TeamPolicy | None = None) -> None:
        """The hub's state fetched after (re)connecting or a resync: adopted whatever we held."""
        if team is not None:
            self._team = team
        self._status = None
        self._adopt(status, from_reply=False)
        self._pump()
        self._publish()

    def on_policy(self, team: TeamPolicy) -> None:
        self._team = team
        self._publish()

    def on_connection(self, connected: bool) -> None:
        if connected == self._connected:
            return
        self._connected = connected
        if self._phase is SessionPhase.ACTIVE:
            self._notify(Notice(NoticeKind.CONNECTION_RESTORED if connected else NoticeKind.CONNECTION_LOST))
        self._publish()

    def on_session_replaced(self) -> None:
        """The hub ended this desktop session because the agent signed in elsewhere."""
        self._phase = SessionPhase.ENDED
        for req in list(self._queue):
            if not req.done:
                req.done = True
                if req.timer is not None:
                    req.timer.cancel()
        self._queue.clear()
        self._cancel_wrap_up_timer()
        self._notify(Notice(NoticeKind.SESSION_REPLACED))
        self._publish()

    def notify(self, notice: Notice) -> None:
        """Let another part of the state core (the softphone coupling) raise a notice."""
        self._notify(notice)

    def _adopt(self, status: AgentStatus, *, from_reply: bool) -> None:
        old = self._status
        if old is not None and status.agent_id != old.agent_id:
            log.warning("ignoring a status of agent %s (we are %s)", status.agent_id, old.agent_id)
            return
        if old is not None and status.version <= old.version:
            return  # stale (a replayed push, or a reply overtaken by a push)
        self._status = status
        if self._phase is SessionPhase.STARTING:
            self._phase = SessionPhase.ACTIVE
        self._schedule_wrap_up_expiry()
        if old is None or from_reply:
            return
        if status.cause is StateCause.SUPERVISOR and (
            status.state is not old.state
            or status.pending_state is not old.pending_state
            or status.reason != old.reason
        ):
            deferred = status.state is old.state and status.pending_state is not None
            self._notify(
                Notice(
                    NoticeKind.CHANGED_BY_SUPERVISOR,
                    state=status.pending_state if deferred else status.state,
                    by_name=status.changed_by_name,
                    pending=deferred,
                )
            )
        elif status.state is AgentState.SIGNED_OUT and old.state is not AgentState.SIGNED_OUT:
            if status.reason == SystemReason.OFFLINE.value:
                self._notify(Notice(NoticeKind.SIGNED_OUT_OFFLINE))
            elif status.reason == SystemReason.SESSION_REPLACED.value and self._phase is not SessionPhase.ENDED:
                self._notify(Notice(NoticeKind.SESSION_REPLACED))

    # -- wrap-up --------------------------------------------------------------------------------------------------
    def _cancel_wrap_up_timer(self) -> None:
        if self._wrap_up_timer is not None:
            self._wrap_up_timer.cancel()
            self._wrap_up_timer = None

    def _schedule_wrap_up_expiry(self) -> None:
        """A timed wrap-up ends at the hub's deadline: the hub's sweeper ends it, and so do we, just after the
        deadline, to be prompt (whichever comes first wins; the other is a harmless, silent refusal)."""
        self._cancel_wrap_up_timer()
        status = self._status
        if status is None or status.state is not AgentState.WRAP_UP or status.wrap_up_until is None:
            return
        delay = (status.wrap_up_until - self._hub_now()).total_seconds() + WRAP_UP_EXPIRY_GRACE_S
        version = status.version
        self._wrap_up_timer = self._scheduler.call_later(max(delay, 0.0), lambda: self._on_wrap_up_due(version))

    def _on_wrap_up_due(self, version: int) -> None:
        self._wrap_up_timer = None
        status = self._status
        if status is None or status.version != version or status.state is not AgentState.WRAP_UP:
            return
        self._enqueue(Change(AgentEvent.WRAP_UP_EXPIRED), StateCause.AGENT, quiet=True)

    # -- output -----------------------------------------------------------------------------------------------------
    def _notify(self, notice: Notice) -> None:
        for callback in list(self._notice_listeners):
            callback(notice)

    def _publish(self) -> None:
        view = self.view
        for callback in list(self._view_listeners):
            callback(view)
