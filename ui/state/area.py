"""The agent-state area as the composition root builds it: the state core on the GUI thread, its hub traffic over the
client's one hub connection (``app.sync``), the softphone coupling, the state bar, and supervisor mode for users with
the supervisor role. Main thread only.

Wiring (all GUI thread): ``SyncBridge.event_received`` → session start (build the per-user objects) and connection
changes; ``SyncBridge.hub_event`` → state, health, broadcast and policy pushes; ``PhoneBridge`` call signals → the ACD
coupling; the state bar's title/icon/notices → the window, the tray and the notifier.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QWidget

from app.phone import PhoneBridge
from app.protocol import AgentState, Broadcast, Role, StateChangeRequest, UserInfo
from app.state.bridge import QtScheduler, StateBridge
from app.state.controller import StateController
from app.state.coupling import AcdCoupling
from app.state.headless import PLACEHOLDER_TEAM
from app.state.hub_link import STATE_EVENT_TYPES, HubStateLink, StateSync, route_sync_event
from app.state.phone_link import SipCommands, SoftphoneStateLink
from app.state.shift import QuitCheck, QuitOutcome, QuitSignOut, ShiftStarter, quit_check
from app.state.supervisor import SupervisorBoard
from app.sync.engine import SyncEngine
from app.sync.events import HubEvent, SessionStarted, SyncEvent
from app.sync_bridge import SyncBridge
from ui.state.state_bar import StateBar
from ui.supervisor.panel import SupervisorPanel

log = logging.getLogger(__name__)
#: How long shutdown waits for the hub to confirm the sign-out of an agent still signed in.
EXIT_SIGN_OUT_TIMEOUT_S = 3.0


class StateArea(QObject):
    """Builds and wires the state area (see the module docstring).

    Signals:
        supervisor_panel_ready(QWidget): supervisor mode was built for the signed-in supervisor (add it as a tab).
    """

    supervisor_panel_ready = Signal(QWidget)

    def __init__(
        self,
        engine: SyncEngine,
        bridge: SyncBridge,
        *,
        window: QMainWindow,
        set_status: Callable[[str], None] | None = None,
        set_icon: Callable[[QIcon], None] | None = None,
        notify: Callable[[str], None] | None = None,
        sip: SipCommands | None = None,
        phone_bridge: PhoneBridge | None = None,
        headset_present: Callable[[], bool] = lambda: True,
        chinese: bool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._engine = engine
        self._window = window
        self._set_status = set_status
        self._set_icon = set_icon
        self._chinese = chinese
        self.scheduler = QtScheduler(self)
        self.link = HubStateLink(engine, bridge.watch)
        self.controller = StateController(self.link, self.scheduler, PLACEHOLDER_TEAM)
        self.state_bridge = StateBridge(self.controller, self)
        self.bar = StateBar(self.state_bridge, chinese=chinese)
        self.sync: StateSync | None = None
        self.board: SupervisorBoard | None = None
        self.supervisor_panel: SupervisorPanel | None = None
        self.bar.title_changed.connect(self._on_bar_title_changed)
        self.bar.icon_changed.connect(self._on_bar_icon_changed)
        if notify is not None:
            self.bar.notice_shown.connect(notify)
        bridge.subscribe(STATE_EVENT_TYPES)
        bridge.event_received.connect(self._on_sync_event_received)
        bridge.hub_event.connect(self._on_sync_hub_event)

        self.shift_starter: ShiftStarter | None = None
        self.quit_sign_out: QuitSignOut | None = None
        self.phone_link: SoftphoneStateLink | None = None
        if sip is not None and phone_bridge is not None:
            # The phone bridge already delivers SIP events on this (GUI) thread: dispatch them in place.
            self.phone_link = SoftphoneStateLink(sip, lambda fn: fn())
            self.coupling = AcdCoupling(
                self.controller, self.phone_link, self.scheduler, headset_present=headset_present
            )
            self.phone_link.attach(self.coupling)
            phone_bridge.incoming_call.connect(self._on_phone_event)
            phone_bridge.call_updated.connect(self._on_phone_event)
            phone_bridge.call_ended.connect(self._on_phone_event)

    # -- session -------------------------------------------------------------------------------------------------
    @Slot(object)
    def _on_sync_event_received(self, event: SyncEvent) -> None:
        if isinstance(event, SessionStarted):
            self._start_session(event.user)
        if self.sync is not None:
            route_sync_event(self.sync, event)

    def _start_session(self, user: UserInfo) -> None:
        if self.sync is not None and self.sync.agent_id == user.id:
            return
        board = None
        if user.role in (Role.SUPERVISOR, Role.ADMIN) and user.team_id is not None and self.board is None:
            board = SupervisorBoard(self.link, PLACEHOLDER_TEAM)
            self.board = board
            self.supervisor_panel = SupervisorPanel(board, chinese=self._chinese if self._chinese is not None else True)
            self.supervisor_panel.notice_shown.connect(self.bar.show_message)
            self.supervisor_panel_ready.emit(self.supervisor_panel)
        self.sync = StateSync(
            self.link,
            self.controller,
            agent_id=user.id,
            team_id=user.team_id or 0,
            board=self.board,
            on_broadcast=self.bar.show_broadcast,
            scheduler=self.scheduler,
        )
        log.info("state area: session of %s (%s)", user.username, user.role.value)

    @Slot(object)
    def _on_sync_hub_event(self, event: HubEvent) -> None:
        if self.sync is not None:
            self.sync.on_hub_event(event.type, event.payload)

    def show_broadcast(self, broadcast: Broadcast) -> None:
        self.bar.show_broadcast(broadcast)

    # -- shift start and quitting ------------------------------------------------------------------------------
    def start_shift(self, target: AgentState, on_done: Callable[[AgentState], None] | None = None) -> ShiftStarter:
        """签入 (and 示闲 for READY) as soon as the hub's state is known, unless a shift is already under way."""
        self.shift_starter = ShiftStarter(self.controller, target, on_done)
        return self.shift_starter

    def sign_out_on_exit(self, timeout_s: float = EXIT_SIGN_OUT_TIMEOUT_S) -> bool:
        """At shutdown, after a quit nobody could be asked about (the OS session ending, SIGTERM, the program's own
        quit): 签出 on the hub directly, waiting at most ``timeout_s`` (the window is gone; the hub's offline grace
        covers a hub that does not answer). Returns whether the hub confirmed it."""
        if self.quit_check() not in (QuitCheck.SIGN_OUT, QuitCheck.IN_CALL):
            return False
        try:
            future = self._engine.request("PUT", "/agents/me/state", StateChangeRequest(state=AgentState.SIGNED_OUT))
            future.result(timeout_s)
        except Exception as exc:  # any failure: the grace signs the agent out
            log.warning("could not sign out on the hub at exit (%s); the hub's offline grace will", exc)
            return False
        log.info("signed out on the hub at exit")
        return True

    def quit_check(self) -> QuitCheck:
        return quit_check(self.controller.view)

    def sign_out_for_quit(self, on_done: Callable[[QuitOutcome], None], timeout_s: float | None = None) -> None:
        """签出 on the hub before the application closes; ``on_done`` within ``timeout_s`` whatever the hub does."""
        kwargs = {} if timeout_s is None else {"timeout_s": timeout_s}
        self.quit_sign_out = QuitSignOut(self.controller, self.scheduler, on_done, **kwargs)
        self.quit_sign_out.start()

    # -- softphone -----------------------------------------------------------------------------------------------
    @Slot(object)
    def _on_phone_event(self, event: object) -> None:
        if self.phone_link is not None:
            self.phone_link.dispatch(event)

    # -- window and tray -----------------------------------------------------------------------------------------
    @Slot(str)
    def _on_bar_title_changed(self, title: str) -> None:
        if self.controller.view.status is None:
            return  # not signed in to the hub yet: the shell's own title stays
        self._window.setWindowTitle(self.tr("%1 — AgentDesk").replace("%1", title))
        if self._set_status is not None:
            self._set_status(title)

    @Slot(QIcon)
    def _on_bar_icon_changed(self, icon: QIcon) -> None:
        if self.controller.view.status is None:
            return
        self._window.setWindowIcon(icon)
        if self._set_icon is not None:
            self._set_icon(icon)
