"""The agent's state bar: the current state, large and coloured, with time in state, reason picker, wrap-up countdown,
next-state selector, sign-in / sign-out, hotkeys, messages and supervisor broadcasts. Main thread only.

It shows exactly what the hub holds (``StateView.status``); a change of ours waiting for the hub is shown next to it
as "switching to …", never in its place.

Signals:
    title_changed(str): text for the window title (state and time are *not* in it; the title changes with the state).
    icon_changed(QIcon): a coloured dot for the window and tray icon.
    notice_shown(str): a translated message for the shell's notification area / tray balloon.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.protocol import AgentState, Broadcast, ReasonCategory, StateCause
from app.state.bridge import StateBridge
from app.state.controller import Notice, SessionPhase, StateController, StateView
from app.state.model import AgentEvent, can_end_wrap_up_early, can_extend_wrap_up, reasons_of
from ui.state.names import StateNames, state_color, state_icon, ui_language_is_chinese

#: Hotkeys (window-wide). Alt+digit stays clear of the phone panel's Ctrl shortcuts and of F-keys the OS takes.
HOTKEYS: dict[str, str] = {
    "ready": "Alt+1",
    "busy": "Alt+2",
    "break": "Alt+3",
    "end_wrap_up": "Alt+4",
    "sign": "Alt+0",
}


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class StateBar(QWidget):
    """See the module docstring for what it shows and its signals."""

    title_changed = Signal(str)
    icon_changed = Signal(QIcon)
    notice_shown = Signal(str)

    def __init__(
        self,
        bridge: StateBridge,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        chinese: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stateBar")
        self._bridge = bridge
        self._controller: StateController = bridge.controller
        self._names = StateNames(self)
        self._clock = clock
        # Reason labels come from the hub in both languages: pick by the UI language (default: the locale's).
        self._chinese = QLocale().language() == QLocale.Language.Chinese if chinese is None else chinese
        self._view: StateView = self._controller.view
        self._broadcasts: list[Broadcast] = []
        self._last_title = ""

        self.state_label = QLabel(self)
        self.state_label.setObjectName("stateLabel")
        font = QFont(self.state_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.state_label.setFont(font)
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setMinimumWidth(150)
        self.state_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.time_label = QLabel(self)
        self.time_label.setObjectName("timeInState")
        self.pending_label = QLabel(self)
        self.pending_label.setObjectName("pendingLabel")
        self.next_label = QLabel(self)
        self.wrap_label = QLabel(self)
        self.wrap_label.setObjectName("wrapUpCountdown")
        self.connection_label = QLabel(self)
        self.connection_label.setObjectName("connectionLabel")

        self.next_combo = QComboBox(self)
        self.next_combo.setObjectName("nextStateCombo")
        self.next_combo.activated.connect(self._on_next_combo_activated)

        self.ready_action = self._action(HOTKEYS["ready"], self._on_ready_triggered)
        self.sign_action = self._action(HOTKEYS["sign"], self._on_sign_triggered)
        self.end_wrap_action = self._action(HOTKEYS["end_wrap_up"], self._on_end_wrap_triggered)
        self.extend_action = self._action(None, self._on_extend_triggered)
        self.busy_menu = QMenu(self)
        self.break_menu = QMenu(self)
        self.busy_button = self._menu_button(self.busy_menu, HOTKEYS["busy"], "busyButton")
        self.break_button = self._menu_button(self.break_menu, HOTKEYS["break"], "breakButton")
        self.ready_button = self._button(self.ready_action, "readyButton")
        self.sign_button = self._button(self.sign_action, "signButton")
        self.end_wrap_button = self._button(self.end_wrap_action, "endWrapUpButton")
        self.extend_button = self._button(self.extend_action, "extendWrapUpButton")

        self.message_label = QLabel(self)
        self.message_label.setObjectName("stateMessage")
        self.message_label.setWordWrap(True)
        self.broadcast_label = QLabel(self)
        self.broadcast_label.setObjectName("broadcastBanner")
        self.broadcast_label.setWordWrap(True)
        self.broadcast_label.setStyleSheet("background:#fff8e1;border:1px solid #ffb300;padding:4px;border-radius:3px")

        top = QHBoxLayout()
        top.addWidget(self.state_label)
        top.addWidget(self.time_label)
        top.addWidget(self.pending_label)
        top.addWidget(self.wrap_label)
        top.addWidget(self.end_wrap_button)
        top.addWidget(self.extend_button)
        top.addWidget(self.next_label)
        top.addWidget(self.next_combo)
        top.addStretch(1)
        top.addWidget(self.ready_button)
        top.addWidget(self.busy_button)
        top.addWidget(self.break_button)
        top.addWidget(self.sign_button)
        top.addWidget(self.connection_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.broadcast_label)

        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message_label.clear)
        # One tick a second while signed in, for the clocks; stopped while signed out (no idle wake-ups).
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick_timeout)

        bridge.view_changed.connect(self._on_view_changed)
        bridge.notice_raised.connect(self._on_notice_raised)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Set every fixed text (again, after a language switch) and redraw the state."""
        self.time_label.setToolTip(self.tr("Time in this state"))
        self.next_combo.setToolTip(self.tr("What to do after this call"))
        self._label(self.ready_action, self.tr("Ready"), HOTKEYS["ready"])
        self._label(self.end_wrap_action, self.tr("End wrap-up"), HOTKEYS["end_wrap_up"])
        self._label(self.extend_action, self.tr("Extend wrap-up"), None)
        self._label(self.busy_button, self.tr("Not ready"), HOTKEYS["busy"])
        self._label(self.break_button, self.tr("Break"), HOTKEYS["break"])
        self._last_title = ""  # the title text changes with the language
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._chinese = ui_language_is_chinese()  # reason labels (menus, next-state list) follow the switch
            self.retranslate_ui()
        super().changeEvent(event)

    @staticmethod
    def _label(target: QAction | QPushButton, text: str, shortcut: str | None) -> None:
        target.setText(text)
        hint = (
            f"{text} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})" if shortcut else text
        )
        target.setToolTip(hint)

    # -- construction helpers -----------------------------------------------------------------------------------
    def _action(self, shortcut: str | None, slot: object) -> QAction:
        action = QAction(self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _button(self, action: QAction, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def _menu_button(self, menu: QMenu, shortcut: str, name: str) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setMenu(menu)
        opener = QAction(self)
        opener.setShortcut(QKeySequence(shortcut))
        opener.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        opener.triggered.connect(button.showMenu)
        self.addAction(opener)
        return button

    # -- user actions ---------------------------------------------------------------------------------------------
    @Slot()
    def _on_ready_triggered(self) -> None:
        self._controller.request(AgentEvent.GO_READY)

    @Slot()
    def _on_sign_triggered(self) -> None:
        if self._view.state is AgentState.SIGNED_OUT:
            self._controller.request(AgentEvent.SIGN_IN)
        else:
            self._controller.request(AgentEvent.SIGN_OUT)

    @Slot()
    def _on_end_wrap_triggered(self) -> None:
        refusal = self._controller.end_wrap_up()
        if refusal is not None:
            self.show_message(self._names.refusal(refusal))

    @Slot()
    def _on_extend_triggered(self) -> None:
        self._controller.request(AgentEvent.WRAP_UP_EXTEND)

    def request_not_ready(self, reason: str) -> None:
        """Pick a not-ready (示忙) or break (小休) reason."""
        self._controller.request(AgentEvent.GO_NOT_READY, reason)

    @Slot(int)
    def _on_next_combo_activated(self, index: int) -> None:
        data = self.next_combo.itemData(index)
        if not isinstance(data, tuple):
            return
        event_name, reason = data
        self._controller.request(AgentEvent(event_name), reason)

    # -- hub input ------------------------------------------------------------------------------------------------
    @Slot(object)
    def _on_view_changed(self, view: StateView) -> None:
        self._view = view
        self._render()

    @Slot(object)
    def _on_notice_raised(self, notice: Notice) -> None:
        self.show_message(self._names.notice(notice))

    def show_message(self, text: str, seconds: int = 15) -> None:
        if not text:
            return
        self.message_label.setText(text)
        self._message_timer.start(seconds * 1000)
        self.notice_shown.emit(text)

    def show_broadcast(self, broadcast: Broadcast) -> None:
        """A supervisor's broadcast: shown until it expires."""
        self._broadcasts = [b for b in self._broadcasts if b.id != broadcast.id] + [broadcast]
        self._render_broadcasts()
        self.notice_shown.emit(self._broadcast_text(broadcast))

    def _broadcast_text(self, b: Broadcast) -> str:
        return self.tr("Message from %1: %2").replace("%1", b.sender_name).replace("%2", b.text)

    # -- rendering --------------------------------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self._clock()

    @Slot()
    def _on_tick_timeout(self) -> None:
        self._render_clocks()
        self._render_broadcasts()

    def _render(self) -> None:
        view = self._view
        team = view.team
        status = view.status
        state = view.state
        text, category = self._names.state_with_reason(team, state, status.reason if status else None, self._chinese)
        if view.phase is SessionPhase.STARTING:
            text, category = self.tr("Connecting…"), None
        color = state_color(state, category)
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color:white;background:{color.name()};border-radius:4px;padding:4px 12px;")
        if status is not None and status.changed_by_name and status.cause is StateCause.SUPERVISOR:
            self.state_label.setToolTip(self.tr("Set by %1").replace("%1", status.changed_by_name))
        else:
            self.state_label.setToolTip("")

        pending = view.pending
        if pending is not None:
            target = self._names.state_with_reason(team, pending.target, pending.reason, self._chinese)[0]
            template = self.tr("After this call: %1…") if pending.deferred else self.tr("Switching to %1…")
            self.pending_label.setText(template.replace("%1", target))
        else:
            self.pending_label.clear()
        self.pending_label.setVisible(pending is not None)

        if status is not None and status.pending_state is not None:
            nxt = self._names.state_with_reason(team, status.pending_state, status.pending_reason, self._chinese)[0]
            self.next_label.setText(self.tr("Next: %1").replace("%1", nxt))
            self.next_label.setVisible(True)
        else:
            self.next_label.setVisible(False)

        ended = view.phase is not SessionPhase.ACTIVE
        in_call = state in (AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP)
        self._fill_menu(self.busy_menu, ReasonCategory.BUSY)
        self._fill_menu(self.break_menu, ReasonCategory.BREAK)
        self._fill_next_combo(in_call)
        self.ready_action.setEnabled(not ended and self._controller.allowed(AgentEvent.GO_READY))
        self.ready_button.setVisible(state is not AgentState.WRAP_UP)
        self.busy_button.setEnabled(not ended and state is not AgentState.SIGNED_OUT)
        self.break_button.setEnabled(not ended and state is not AgentState.SIGNED_OUT)
        signed_out = state is AgentState.SIGNED_OUT
        self.sign_action.setText(self.tr("Sign in") if signed_out else self.tr("Sign out"))
        self.sign_action.setEnabled(
            not ended and self._controller.allowed(AgentEvent.SIGN_IN if signed_out else AgentEvent.SIGN_OUT)
        )
        wrap_up = state is AgentState.WRAP_UP
        self.end_wrap_action.setEnabled(wrap_up and can_end_wrap_up_early(team.wrap_up) and not ended)
        self.end_wrap_button.setVisible(wrap_up and can_end_wrap_up_early(team.wrap_up))
        self.extend_button.setVisible(wrap_up and status is not None and can_extend_wrap_up(team.wrap_up, status))
        self.extend_action.setEnabled(not ended)

        if view.phase is SessionPhase.ENDED:
            self.connection_label.setText(self.tr("Session ended"))
        elif not view.connected:
            self.connection_label.setText(self.tr("Offline — reconnecting"))
        else:
            self.connection_label.clear()
        self.connection_label.setVisible(bool(self.connection_label.text()))

        if signed_out or ended:
            self._tick.stop()
        elif not self._tick.isActive():
            self._tick.start()
        self._render_clocks()
        self._render_broadcasts()

        title = self.state_label.text()
        if title != self._last_title:
            self._last_title = title
            self.title_changed.emit(title)
            self.icon_changed.emit(state_icon(color))

    def _fill_menu(self, menu: QMenu, category: ReasonCategory) -> None:
        menu.clear()
        for reason in reasons_of(self._view.team, category):
            label = reason.label_zh if self._chinese else reason.label_en
            action = menu.addAction(label)
            action.setData(reason.code)
            action.setEnabled(self._controller.allowed(AgentEvent.GO_NOT_READY, reason.code))
            action.triggered.connect(self._on_reason_triggered)

    @Slot()
    def _on_reason_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction) and isinstance(action.data(), str):
            self.request_not_ready(action.data())

    def _fill_next_combo(self, in_call: bool) -> None:
        self.next_combo.setVisible(in_call)
        if not in_call:
            return
        self.next_combo.blockSignals(True)
        self.next_combo.clear()
        self.next_combo.addItem(self.tr("Next state…"), None)
        self.next_combo.addItem(self._names.state(AgentState.READY), (AgentEvent.GO_READY.value, None))
        for category in (ReasonCategory.BUSY, ReasonCategory.BREAK):
            for reason in reasons_of(self._view.team, category):
                label = reason.label_zh if self._chinese else reason.label_en
                name = self._names.state(AgentState.NOT_READY, category)
                self.next_combo.addItem(
                    self.tr("%1 · %2").replace("%1", name).replace("%2", label),
                    (AgentEvent.GO_NOT_READY.value, reason.code),
                )
        self.next_combo.addItem(self._names.state(AgentState.SIGNED_OUT), (AgentEvent.SIGN_OUT.value, None))
        self.next_combo.setCurrentIndex(0)
        self.next_combo.blockSignals(False)

    def _render_clocks(self) -> None:
        status = self._view.status
        now = self._now()
        if status is None or status.state is AgentState.SIGNED_OUT:
            self.time_label.clear()
        else:
            self.time_label.setText(format_duration((now - status.since).total_seconds()))
        if status is not None and status.state is AgentState.WRAP_UP and status.wrap_up_until is not None:
            left = (status.wrap_up_until - now).total_seconds()
            self.wrap_label.setText(self.tr("Wrap-up left: %1").replace("%1", format_duration(left)))
            self.wrap_label.setVisible(True)
        else:
            self.wrap_label.setVisible(False)

    def _render_broadcasts(self) -> None:
        now = self._now()
        self._broadcasts = [b for b in self._broadcasts if b.expires_at > now]
        if self._broadcasts:
            self.broadcast_label.setText("\n".join(self._broadcast_text(b) for b in self._broadcasts))
        self.broadcast_label.setVisible(bool(self._broadcasts))
