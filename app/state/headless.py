"""A complete agent-state client without Qt: the client's real hub connection (``app.sync.engine.SyncEngine``: REST +
WebSocket push on its network thread) feeding the state controller (and, for supervisors, the team board) on a
:class:`~app.state.loop.LoopThread`, wired exactly as the desktop app wires them on its GUI thread.

Used by the benchmark (``bench/state_push.py``), the integration tests and the demo's simulated second agent. Every
method may be called from any thread; the state objects are only touched on the loop thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from app.protocol import AgentState, Role, TeamPolicy, UserInfo, WrapUpPolicy
from app.state.controller import Notice, StateController, StateView
from app.state.hub_link import STATE_EVENT_TYPES, HubStateLink, StateSync, route_sync_event
from app.state.loop import LoopThread
from app.state.model import AgentEvent, RefusalKind
from app.state.supervisor import BoardNotice, SupervisorBoard
from app.sync.crypto import MemorySecretStore, SecretStore
from app.sync.engine import SyncConfig, SyncEngine
from app.sync.events import ConnectionState, HubEvent, SyncEvent

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: A team policy to start with until the hub's arrives (no reasons: nothing can be picked before it does).
PLACEHOLDER_TEAM = TeamPolicy(team_id=0, team_name="", reasons=[], wrap_up=WrapUpPolicy())


class HeadlessStateClient:
    """One signed-in agent or supervisor. ``views``/``notices``/``board_notices`` record what a UI would show."""

    def __init__(
        self,
        hub_url: str,
        data_dir: Path,
        *,
        secrets: SecretStore | None = None,
        request_timeout_s: float = 5.0,
        ca_file: Path | None = None,
    ) -> None:
        self.loop = LoopThread()
        self.engine = SyncEngine(
            SyncConfig(hub_url=hub_url, data_dir=data_dir, ca_file=ca_file, device="headless"),
            secrets or MemorySecretStore(),
        )
        self.link = HubStateLink(self.engine, self.loop.deliver)
        self.controller = StateController(self.link, self.loop, PLACEHOLDER_TEAM, request_timeout_s=request_timeout_s)
        self.board: SupervisorBoard | None = None
        self.sync: StateSync | None = None
        self.user: UserInfo | None = None
        self.views: list[StateView] = []
        self.notices: list[Notice] = []
        self.board_notices: list[BoardNotice] = []
        self._changed = threading.Condition()
        self.controller.add_view_listener(self._on_view)
        self.controller.add_notice_listener(self._on_notice)
        self._view_hooks: list[Callable[[StateView], None]] = []

    # -- life -----------------------------------------------------------------------------------------------------------
    def sign_in(self, username: str, password: str, timeout: float = 60.0) -> UserInfo:
        """Log in over the engine, then wait until the hub's state snapshot has been adopted."""
        self.engine.start()
        user = self.engine.login(username, password).result(timeout)
        self.user = user

        def wire() -> None:
            board = None
            if user.role in (Role.SUPERVISOR, Role.ADMIN) and user.team_id is not None:
                board = SupervisorBoard(self.link, PLACEHOLDER_TEAM)
                board.on_notice.append(self._on_board_notice)
            self.board = board
            self.sync = StateSync(
                self.link,
                self.controller,
                agent_id=user.id,
                team_id=user.team_id or 0,
                board=board,
                scheduler=self.loop,
            )

        self.loop.call(wire)
        self.engine.subscribe(STATE_EVENT_TYPES, self._on_hub_event)
        self.engine.add_listener(self._on_sync_event)
        if self.engine.state is ConnectionState.ONLINE:
            self.loop.post(self._online)
        self.wait_for(lambda v: v.status is not None, timeout)
        if self.board is not None:
            deadline = time.monotonic() + timeout
            while self.loop.call(lambda: self.sync.team_snapshots if self.sync else 0) == 0:
                if time.monotonic() > deadline:
                    raise TimeoutError("the team board never loaded")
                time.sleep(0.02)
        return user

    def _online(self) -> None:
        if self.sync is not None:
            self.sync.on_online()

    def close(self) -> None:
        self.engine.stop()
        self.loop.stop()

    # -- network thread → loop -----------------------------------------------------------------------------------------
    def _on_hub_event(self, event: HubEvent) -> None:
        self.loop.post(lambda: self.sync.on_hub_event(event.type, event.payload) if self.sync else None)

    def _on_sync_event(self, event: SyncEvent) -> None:
        self.loop.post(lambda: route_sync_event(self.sync, event) if self.sync else None)

    # -- loop → observers ----------------------------------------------------------------------------------------------
    def _on_view(self, view: StateView) -> None:
        with self._changed:
            self.views.append(view)
            self._changed.notify_all()
        for hook in list(self._view_hooks):
            hook(view)

    def _on_notice(self, notice: Notice) -> None:
        with self._changed:
            self.notices.append(notice)
            self._changed.notify_all()

    def _on_board_notice(self, notice: BoardNotice) -> None:
        with self._changed:
            self.board_notices.append(notice)
            self._changed.notify_all()

    def add_view_hook(self, hook: Callable[[StateView], None]) -> None:
        """Called on the loop thread with every new view (e.g. to time-stamp when a change reached the UI model)."""
        self._view_hooks.append(hook)

    # -- driving and observing (any thread) --------------------------------------------------------------------------------
    def call(self, fn: Callable[[], _T]) -> _T:
        return self.loop.call(fn)

    def request(self, event: AgentEvent, reason: str | None = None) -> RefusalKind | None:
        return self.loop.call(lambda: self.controller.request(event, reason))

    def call_event(self, event: AgentEvent, call_id: str) -> RefusalKind | None:
        return self.loop.call(lambda: self.controller.call_event(event, call_id))

    @property
    def view(self) -> StateView:
        return self.loop.call(lambda: self.controller.view)

    def wait_for(self, predicate: Callable[[StateView], bool], timeout: float = 10.0) -> StateView:
        """Wait until the UI model's view satisfies ``predicate`` (checked against the newest view)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if self.views and predicate(self.views[-1]):
                    return self.views[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    last = self.views[-1] if self.views else None
                    raise TimeoutError(f"state view never matched; last: {last}")
                self._changed.wait(left)

    def wait_state(self, state: AgentState, timeout: float = 10.0) -> StateView:
        return self.wait_for(lambda v: v.state is state and v.pending is None, timeout)

    def wait_notice(self, predicate: Callable[[Notice], bool], timeout: float = 10.0) -> Notice:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((n for n in self.notices if predicate(n)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"notice never seen; got {self.notices}")
                self._changed.wait(left)

    def wait_board_notice(self, predicate: Callable[[BoardNotice], bool], timeout: float = 10.0) -> BoardNotice:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((n for n in self.board_notices if predicate(n)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"board notice never seen; got {self.board_notices}")
                self._changed.wait(left)
