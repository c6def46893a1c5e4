"""The agent-state side of the client's one hub connection (``app/sync``'s engine): REST calls for state changes,
supervisor commands, broadcasts, metrics and snapshots, and the routing of hub pushes to the state controller and
the supervisor board.

Qt-free. It opens no connection of its own: ``requester`` is the sync engine (its ``request()`` runs on the network
thread and returns a ``concurrent.futures.Future``) and ``deliver`` hands a finished future's result to the
controller's thread (the app passes ``SyncBridge.watch``; tests may call back directly). Every callback therefore runs
on the controller's thread, as ``StateChannel`` requires.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from app.protocol import (
    AgentStatus,
    Broadcast,
    BroadcastRequest,
    ErrorCode,
    EventType,
    ForceStateCommand,
    HealthReport,
    ProtocolError,
    StateChangeRequest,
    SupervisorCommandRecord,
    TeamMetrics,
    TeamPolicy,
    from_wire,
)
from app.state.controller import StateController
from app.state.model import RefusalKind
from app.state.ports import Scheduler, StateReply
from app.state.supervisor import SupervisorBoard
from app.sync.errors import SyncErrorKind
from app.sync.events import ConnectionChanged, ConnectionState, SessionEnded, SyncEvent

log = logging.getLogger(__name__)

#: How long to wait before fetching a failed snapshot again.
SNAPSHOT_RETRY_S = 2.0


class Requester(Protocol):
    """The sync engine's REST entry point (``app.sync.engine.SyncEngine.request``)."""

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> concurrent.futures.Future[Any]: ...


#: ``deliver(future, on_success, on_failure)``: call one of them on the controller's thread when ``future`` is done.
Deliver = Callable[[concurrent.futures.Future[Any], Callable[[Any], None], Callable[[Exception], None]], None]


def refusal_of(exc: BaseException) -> tuple[RefusalKind, AgentStatus | None]:
    """Map a failed hub call (``app.sync.errors.SyncError``: ``code``, ``status``, ``details``) to a refusal, with
    the hub's current status when the error carries it (409 answers do)."""
    code = getattr(exc, "code", None)
    status = getattr(exc, "status", None)
    details = getattr(exc, "details", None) or {}
    current: AgentStatus | None = None
    raw = details.get("current") if isinstance(details, dict) else None
    if raw is not None:
        try:
            current = from_wire(AgentStatus, raw)
        except ProtocolError:
            current = None
    if code == ErrorCode.CONFLICT.value:
        return RefusalKind.CONFLICT, current
    if code == ErrorCode.INVALID_TRANSITION.value:
        return RefusalKind.NOT_ALLOWED, current
    if code == ErrorCode.FORBIDDEN.value:
        return RefusalKind.FORBIDDEN, current
    if code == ErrorCode.NOT_FOUND.value:
        return RefusalKind.FORBIDDEN, current  # an agent the supervisor may not see
    if code == ErrorCode.VALIDATION.value:
        fields = getattr(exc, "fields", None) or {}
        return (RefusalKind.UNKNOWN_REASON if "reason" in fields else RefusalKind.NOT_ALLOWED), current
    if status is None:  # never reached the hub: offline, TLS, session over
        return RefusalKind.DISCONNECTED, current
    return RefusalKind.HUB_ERROR, current


class HubStateLink:
    """``StateChannel`` and ``SupervisorChannel`` over the sync engine."""

    def __init__(self, requester: Requester, deliver: Deliver) -> None:
        self._requester = requester
        self._deliver = deliver

    def _call(
        self,
        method: str,
        path: str,
        body: object,
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
        params: dict[str, Any] | None = None,
    ) -> None:
        try:
            future = self._requester.request(method, path, body, params=params)
        except Exception as exc:  # the engine is stopped or signed out
            on_failure(exc)
            return
        self._deliver(future, on_success, on_failure)

    # -- StateChannel -------------------------------------------------------------------------------------------------
    def request_state(self, request: StateChangeRequest, on_reply: Callable[[StateReply], None]) -> None:
        self._call("PUT", "/agents/me/state", request, _status_reply(on_reply), _refusal_reply(on_reply))

    # -- SupervisorChannel ----------------------------------------------------------------------------------------------
    def force_state(self, agent_id: int, command: ForceStateCommand, on_reply: Callable[[StateReply], None]) -> None:
        self._call("POST", f"/agents/{agent_id}/force", command, _status_reply(on_reply), _refusal_reply(on_reply))

    def send_broadcast(self, request: BroadcastRequest, on_done: Callable[[Broadcast | RefusalKind], None]) -> None:
        self._call(
            "POST",
            "/broadcasts",
            request,
            _parsed(Broadcast, on_done),
            lambda exc: on_done(refusal_of(exc)[0]),
        )

    def fetch_metrics(
        self, team_id: int, since: datetime, until: datetime, on_done: Callable[[TeamMetrics | RefusalKind], None]
    ) -> None:
        self._call(
            "GET",
            f"/teams/{team_id}/metrics",
            None,
            _parsed(TeamMetrics, on_done),
            lambda exc: on_done(refusal_of(exc)[0]),
            params={"since": since.isoformat(), "until": until.isoformat()},
        )

    def fetch_commands(
        self, team_id: int, on_done: Callable[[list[SupervisorCommandRecord] | RefusalKind], None]
    ) -> None:
        def done(raw: Any) -> None:
            try:
                records = [from_wire(SupervisorCommandRecord, item) for item in raw or []]
            except ProtocolError as exc:
                log.warning("malformed command audit from the hub: %s", exc)
                on_done(RefusalKind.HUB_ERROR)
                return
            on_done(records)

        self._call(
            "GET",
            f"/teams/{team_id}/commands",
            None,
            done,
            lambda exc: on_done(refusal_of(exc)[0]),
            params={"limit": 200},
        )

    # -- snapshots --------------------------------------------------------------------------------------------------------
    def fetch_own(
        self, on_done: Callable[[AgentStatus, TeamPolicy], None], on_failure: Callable[[Exception], None]
    ) -> None:
        """The agent's current status and team policy (after every (re)connect)."""

        def got_policy(policy_raw: Any) -> None:
            policy = from_wire(TeamPolicy, policy_raw)

            def got_status(status_raw: Any) -> None:
                on_done(from_wire(AgentStatus, status_raw), policy)

            self._call("GET", "/agents/me/state", None, got_status, on_failure)

        self._call("GET", "/agents/me/policy", None, got_policy, on_failure)

    def fetch_team(
        self,
        team_id: int,
        on_done: Callable[[list[AgentStatus], list[HealthReport]], None],
        on_failure: Callable[[Exception], None],
    ) -> None:
        """The whole team board and the latest health reports (supervisors, after every (re)connect)."""

        def got_agents(raw: Any) -> None:
            agents = [from_wire(AgentStatus, item) for item in raw or []]

            def got_health(health_raw: Any) -> None:
                on_done(agents, [from_wire(HealthReport, item) for item in health_raw or []])

            self._call("GET", f"/teams/{team_id}/health", None, got_health, lambda _exc: on_done(agents, []))

        self._call("GET", f"/teams/{team_id}/agents", None, got_agents, on_failure)

    def fetch_team_policy(
        self, team_id: int, on_done: Callable[[TeamPolicy], None], on_failure: Callable[[Exception], None]
    ) -> None:
        self._call("GET", f"/teams/{team_id}/policy", None, lambda raw: on_done(from_wire(TeamPolicy, raw)), on_failure)


def _status_reply(on_reply: Callable[[StateReply], None]) -> Callable[[Any], None]:
    def done(raw: Any) -> None:
        try:
            status = from_wire(AgentStatus, raw)
        except ProtocolError as exc:
            log.warning("malformed state answer from the hub: %s", exc)
            on_reply(StateReply(refusal=RefusalKind.HUB_ERROR, detail=str(exc)))
            return
        on_reply(StateReply(status=status))

    return done


def _refusal_reply(on_reply: Callable[[StateReply], None]) -> Callable[[Exception], None]:
    def failed(exc: Exception) -> None:
        kind, current = refusal_of(exc)
        on_reply(StateReply(refusal=kind, current=current, detail=str(exc)))

    return failed


def _parsed(cls: type[Any], on_done: Callable[[Any], None]) -> Callable[[Any], None]:
    def done(raw: Any) -> None:
        try:
            value = from_wire(cls, raw)
        except ProtocolError as exc:
            log.warning("malformed %s from the hub: %s", cls.__name__, exc)
            on_done(RefusalKind.HUB_ERROR)
            return
        on_done(value)

    return done


class StateSync:
    """Routes the hub connection's life and pushes to the agent's controller and (supervisors) the team board.

    The composition root calls ``on_online()`` / ``on_offline()`` / ``on_session_replaced()`` from the sync engine's
    connection events and ``on_hub_event(type, payload)`` for every push, all on the controller's thread."""

    def __init__(
        self,
        link: HubStateLink,
        controller: StateController,
        *,
        agent_id: int,
        team_id: int = 0,
        board: SupervisorBoard | None = None,
        on_broadcast: Callable[[Broadcast], None] | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        self._link = link
        self._scheduler = scheduler
        self._online = False
        self._controller = controller
        self._agent_id = agent_id
        self._team_id = team_id
        self._board = board
        self._on_broadcast = on_broadcast
        self.snapshots = 0  # for diagnostics and tests
        self.team_snapshots = 0

    @property
    def controller(self) -> StateController:
        return self._controller

    @property
    def agent_id(self) -> int:
        return self._agent_id

    @property
    def board(self) -> SupervisorBoard | None:
        return self._board

    def on_online(self) -> None:
        """Connected (first time or again): adopt the hub's state, whatever we held (missed pushes included)."""
        self._online = True
        self._controller.on_connection(True)
        self._fetch_own()
        self._fetch_team()

    def _fetch_own(self) -> None:
        self._link.fetch_own(self._on_own_snapshot, lambda exc: self._on_snapshot_failed(exc, self._fetch_own))

    def _fetch_team(self) -> None:
        board = self._board
        if board is None:
            return

        def got_policy(policy: TeamPolicy) -> None:
            board.set_team(policy)
            self._link.fetch_team(
                policy.team_id, self._on_team_snapshot, lambda exc: self._on_snapshot_failed(exc, self._fetch_team)
            )

        self._link.fetch_team_policy(
            self._team_id, got_policy, lambda exc: self._on_snapshot_failed(exc, self._fetch_team)
        )

    def _on_team_snapshot(self, agents: list[AgentStatus], health: list[HealthReport]) -> None:
        if self._board is not None:
            self._board.load(agents, health)
            self.team_snapshots += 1

    def _on_own_snapshot(self, status: AgentStatus, policy: TeamPolicy) -> None:
        self.snapshots += 1
        self._controller.on_snapshot(status, policy)

    def _on_snapshot_failed(self, exc: Exception, retry: Callable[[], None]) -> None:
        """A snapshot that could not be fetched is fetched again while the connection is up (a busy hub, a
        timeout): without it the state bar would keep showing nothing, or an old state."""
        log.warning("could not fetch the state snapshot (retrying in %.0f s): %s", SNAPSHOT_RETRY_S, exc)
        if self._scheduler is not None:
            self._scheduler.call_later(SNAPSHOT_RETRY_S, lambda: retry() if self._online else None)

    def on_offline(self) -> None:
        self._online = False
        self._controller.on_connection(False)

    def on_session_replaced(self) -> None:
        self._online = False
        self._controller.on_connection(False)
        self._controller.on_session_replaced()

    def on_hub_event(self, event_type: str, payload: object) -> None:
        if event_type == EventType.AGENT_STATE.value and isinstance(payload, AgentStatus):
            if payload.agent_id == self._agent_id:
                self._controller.on_hub_status(payload)
            if self._board is not None:
                self._board.on_status(payload)
        elif event_type == EventType.HEALTH_REPORT.value and isinstance(payload, HealthReport):
            if self._board is not None:
                self._board.on_health(payload)
        elif event_type == EventType.BROADCAST.value and isinstance(payload, Broadcast):
            if self._on_broadcast is not None:
                self._on_broadcast(payload)
        elif event_type == EventType.POLICY_UPDATED.value and isinstance(payload, TeamPolicy):
            self._controller.on_policy(payload)
            if self._board is not None and payload.team_id == self._board.team.team_id:
                self._board.set_team(payload)


#: The push types the state area needs (``SyncBridge.subscribe``).
STATE_EVENT_TYPES = (
    EventType.AGENT_STATE.value,
    EventType.HEALTH_REPORT.value,
    EventType.BROADCAST.value,
    EventType.POLICY_UPDATED.value,
)


def route_sync_event(sync: StateSync, event: SyncEvent) -> None:
    """What the state area does with the sync engine's connection events (on the controller's thread)."""
    if isinstance(event, ConnectionChanged):
        if event.state is ConnectionState.ONLINE:
            sync.on_online()
        elif event.state in (ConnectionState.OFFLINE, ConnectionState.CONNECTING):
            sync.on_offline()
    elif isinstance(event, SessionEnded) and event.kind is SyncErrorKind.SESSION_TAKEN_OVER:
        sync.on_session_replaced()
