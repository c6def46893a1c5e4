"""``PhoneController``: the softphone's presenter. Builds the panel and its windows, sends the agent's intents to the
``SipEngine`` (futures; a failure comes back as a translated message), and shows the engine's events (through
``app.phone.PhoneBridge``, already on the GUI thread). Main thread only.

Keyboard shortcuts (window-wide): answer Ctrl+Shift+A, hang up Ctrl+Shift+H, mute Ctrl+Shift+M, hold Ctrl+Shift+P.

Signals:
    command_failed(object): a ``SipError`` from a command (already shown to the agent)
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.phone import PhoneBridge
from sip.history import CallHistory
from sip.model import (
    CallDirection,
    CallEnded,
    CallOutcome,
    CallSnapshot,
    CallState,
    CallUpdated,
    IncomingCall,
    QualityUpdated,
    RegistrationChanged,
    RejectReason,
    SipError,
    SipErrorKind,
    TransferProgress,
)
from sip.numbers import display_number
from ui.phone.dialogs import IncomingCallToast, QualityDialog, TransferDialog, TransferMode
from ui.phone.history_model import HistoryModel
from ui.phone.panel import PhonePanel
from ui.phone.texts import error_text, issue_text

log = logging.getLogger(__name__)
_USER_ERRORS = {
    SipErrorKind.INVALID_NUMBER,
    SipErrorKind.WRONG_STATE,
    SipErrorKind.NO_SUCH_CALL,
    SipErrorKind.NOTHING_TO_REDIAL,
    SipErrorKind.TOO_MANY_CALLS,
}


class PhoneCommands(Protocol):
    """The part of ``sip.engine.SipEngine`` the controller uses (thread-safe; returns futures)."""

    def make_call(self, number: str) -> concurrent.futures.Future[int]: ...
    def redial(self) -> concurrent.futures.Future[int]: ...
    def answer(self, call_id: int) -> concurrent.futures.Future[None]: ...
    def reject(self, call_id: int, reason: RejectReason = RejectReason.BUSY) -> concurrent.futures.Future[None]: ...
    def hangup(self, call_id: int) -> concurrent.futures.Future[None]: ...
    def hold(self, call_id: int) -> concurrent.futures.Future[None]: ...
    def resume(self, call_id: int) -> concurrent.futures.Future[None]: ...
    def set_mute(
        self, call_id: int, *, mic: bool | None = None, speaker: bool | None = None
    ) -> concurrent.futures.Future[None]: ...
    def send_dtmf(self, call_id: int, digits: str) -> concurrent.futures.Future[None]: ...
    def transfer_blind(self, call_id: int, number: str) -> concurrent.futures.Future[None]: ...
    def transfer_attended(self, call_id: int, consult_call_id: int) -> concurrent.futures.Future[None]: ...
    def conference(self, call_ids: tuple[int, ...]) -> concurrent.futures.Future[None]: ...


class _FutureRelay(QObject):
    """Brings a future's failure back to the GUI thread (queued signal)."""

    failed = Signal(object)
    succeeded = Signal(object)


class PhoneController(QObject):
    command_failed = Signal(object)

    def __init__(
        self,
        engine: PhoneCommands,
        bridge: PhoneBridge,
        history: CallHistory | None,
        *,
        notify_error: Callable[[str], None] | None = None,
        notify_desktop: Callable[[str, str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.bridge = bridge
        self.history = history
        self._notify_error = notify_error
        self._notify_desktop = notify_desktop
        self.history_model = HistoryModel(self)
        self.panel = PhonePanel(self.history_model)
        self.toast = IncomingCallToast()
        self.quality_dialog = QualityDialog(self.panel)
        self._transfer_dialog: TransferDialog | None = None
        self._transfer_call: int | None = None
        self._consult: dict[int, int] = {}  # consultation call id -> the call to transfer
        self._relay = _FutureRelay(self)
        self._relay.failed.connect(self._on_relay_failed, Qt.ConnectionType.QueuedConnection)
        self._relay.succeeded.connect(self._on_relay_succeeded, Qt.ConnectionType.QueuedConnection)
        self._pending_consult: dict[int, int] = {}

        bridge.registration_changed.connect(self._on_bridge_registration_changed)
        bridge.call_updated.connect(self._on_bridge_call_updated)
        bridge.incoming_call.connect(self._on_bridge_incoming_call)
        bridge.call_ended.connect(self._on_bridge_call_ended)
        bridge.quality_updated.connect(self._on_bridge_quality_updated)
        bridge.transfer_progress.connect(self._on_bridge_transfer_progress)

        p = self.panel
        p.dial_requested.connect(self._on_panel_dial_requested)
        p.redial_requested.connect(self._on_panel_redial_requested)
        p.answer_requested.connect(self._on_answer_requested)
        p.reject_requested.connect(self._on_reject_requested)
        p.hangup_requested.connect(self._on_panel_hangup_requested)
        p.hold_requested.connect(self._on_panel_hold_requested)
        p.mute_requested.connect(self._on_panel_mute_requested)
        p.dtmf_requested.connect(self._on_panel_dtmf_requested)
        p.transfer_requested.connect(self._on_panel_transfer_requested)
        p.conference_requested.connect(self._on_panel_conference_requested)
        p.quality_details_requested.connect(self._on_panel_quality_details_requested)
        p.history_view.clicked.connect(self._on_history_view_clicked)
        self.toast.answer_requested.connect(self._on_answer_requested)
        self.toast.reject_requested.connect(self._on_reject_requested)
        self._shortcuts: list[QShortcut] = []
        self.reload_history()

    # ------------------------------------------------------------------ setup
    def install_shortcuts(self, window: QWidget) -> None:
        for keys, slot in (
            ("Ctrl+Shift+A", self._on_shortcut_answer_activated),
            ("Ctrl+Shift+H", self._on_shortcut_hangup_activated),
            ("Ctrl+Shift+M", self._on_shortcut_mute_activated),
            ("Ctrl+Shift+P", self._on_shortcut_hold_activated),
        ):
            shortcut = QShortcut(QKeySequence(keys), window)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    def reload_history(self) -> None:
        if self.history is None:
            return
        try:
            self.history_model.set_entries(self.history.entries())
            self.panel.set_missed_count(self.history.missed_count())
        except Exception:
            log.exception("could not read the call history")

    def mark_missed_seen(self) -> None:
        if self.history is not None:
            self.history.mark_missed_seen()
            self.reload_history()

    def shutdown(self) -> None:
        self.toast.hide()
        self.toast.deleteLater()

    # ------------------------------------------------------------------ commands
    def _run(self, future: concurrent.futures.Future[Any], on_success: Callable[[Any], None] | None = None) -> None:
        relay = self._relay

        def done(f: concurrent.futures.Future[Any]) -> None:
            exc = f.exception()
            if exc is not None:
                relay.failed.emit(exc)
            elif on_success is not None:
                relay.succeeded.emit((on_success, f.result()))

        future.add_done_callback(done)

    @Slot(object)
    def _on_relay_failed(self, exc: object) -> None:
        kind = exc.kind if isinstance(exc, SipError) else SipErrorKind.OPERATION_FAILED
        # The agent's own input (a bad number, a click on an ended call) is not a fault of the program.
        level = logging.INFO if kind in _USER_ERRORS else logging.WARNING
        log.log(level, "phone command failed: %s", exc)
        if self._notify_error is not None:
            self._notify_error(error_text(kind))
        self.command_failed.emit(exc)

    @Slot(object)
    def _on_relay_succeeded(self, payload: object) -> None:
        if isinstance(payload, tuple) and len(payload) == 2 and callable(payload[0]):
            payload[0](payload[1])

    @Slot(str)
    def _on_panel_dial_requested(self, number: str) -> None:
        self._run(self.engine.make_call(number))

    @Slot()
    def _on_panel_redial_requested(self) -> None:
        self._run(self.engine.redial())

    @Slot(int)
    def _on_answer_requested(self, call_id: int) -> None:
        self.toast.hide()
        self._run(self.engine.answer(call_id))

    @Slot(int)
    def _on_reject_requested(self, call_id: int) -> None:
        self.toast.hide()
        self._run(self.engine.reject(call_id, RejectReason.BUSY))

    @Slot(int)
    def _on_panel_hangup_requested(self, call_id: int) -> None:
        self._run(self.engine.hangup(call_id))

    @Slot(int, bool)
    def _on_panel_hold_requested(self, call_id: int, hold: bool) -> None:
        self._run(self.engine.hold(call_id) if hold else self.engine.resume(call_id))

    @Slot(int, bool)
    def _on_panel_mute_requested(self, call_id: int, mute: bool) -> None:
        self._run(self.engine.set_mute(call_id, mic=mute))

    @Slot(int, str)
    def _on_panel_dtmf_requested(self, call_id: int, digit: str) -> None:
        self._run(self.engine.send_dtmf(call_id, digit))

    @Slot(int)
    def _on_panel_transfer_requested(self, call_id: int) -> None:
        # A consultation call already up for this call: complete the attended transfer.
        for consult, original in self._consult.items():
            if call_id in (consult, original):
                self._run(self.engine.transfer_attended(original, consult))
                return
        self._transfer_call = call_id
        dialog = TransferDialog(self.panel)
        dialog.transfer_requested.connect(self._on_transfer_dialog_transfer_requested)
        dialog.finished.connect(dialog.deleteLater)
        self._transfer_dialog = dialog
        dialog.open()

    @Slot(str, object)
    def _on_transfer_dialog_transfer_requested(self, number: str, mode: object) -> None:
        call_id = self._transfer_call
        if call_id is None:
            return
        if mode is TransferMode.BLIND:
            self._run(self.engine.transfer_blind(call_id, number))
        else:
            self._run(
                self.engine.make_call(number), lambda consult_id: self._consult.update({int(consult_id): call_id})
            )

    @Slot()
    def _on_panel_conference_requested(self) -> None:
        ids = tuple(c.call_id for c in self.panel.calls() if c.state is CallState.CONNECTED)
        self._run(self.engine.conference(ids))

    @Slot()
    def _on_panel_quality_details_requested(self) -> None:
        sample, issues = self.panel.quality_of_current()
        self.quality_dialog.show_sample(sample, issues)
        self.quality_dialog.open()

    @Slot()
    def _on_history_view_clicked(self) -> None:
        # The agent has looked at the history: missed calls are no longer "new".
        if self.history is not None and self.history.missed_count():
            self.mark_missed_seen()

    # shortcuts
    @Slot()
    def _on_shortcut_answer_activated(self) -> None:
        ringing = [
            c for c in self.panel.calls() if c.state is CallState.RINGING and c.direction is CallDirection.INCOMING
        ]
        if ringing:
            self._on_answer_requested(ringing[0].call_id)

    @Slot()
    def _on_shortcut_hangup_activated(self) -> None:
        call = self.panel.current_call
        if call is not None:
            self._on_panel_hangup_requested(call.call_id)

    @Slot()
    def _on_shortcut_mute_activated(self) -> None:
        call = self.panel.current_call
        if call is not None and call.state is CallState.CONNECTED:
            self._on_panel_mute_requested(call.call_id, not call.mic_muted)

    @Slot()
    def _on_shortcut_hold_activated(self) -> None:
        call = self.panel.current_call
        if call is not None and call.state is CallState.CONNECTED:
            self._on_panel_hold_requested(call.call_id, not call.local_hold)

    # ------------------------------------------------------------------ events
    @Slot(object)
    def _on_bridge_registration_changed(self, event: RegistrationChanged) -> None:
        self.panel.set_registration(event.state, event.failure)

    @Slot(object)
    def _on_bridge_call_updated(self, event: CallUpdated) -> None:
        self.panel.update_call(event.call)
        if (
            self.toast.isVisible()
            and self.toast.call_id == event.call.call_id
            and event.call.state is not CallState.RINGING
        ):
            self.toast.hide()

    @Slot(object)
    def _on_bridge_incoming_call(self, event: IncomingCall) -> None:
        call: CallSnapshot = event.call
        self.panel.update_call(call)
        self.toast.show_call(call, event.waiting)
        if self._notify_desktop is not None:
            who = call.remote_name or display_number(call.remote_number)
            title = self.tr("Call waiting") if event.waiting else self.tr("Incoming call")
            self._notify_desktop(title, who)

    @Slot(object)
    def _on_bridge_call_ended(self, event: CallEnded) -> None:
        call_id = event.call.call_id
        self.panel.remove_call(call_id)
        self._consult.pop(call_id, None)
        for consult, original in list(self._consult.items()):
            if original == call_id:
                del self._consult[consult]
        if self.toast.call_id == call_id:
            self.toast.hide()
        if event.outcome is CallOutcome.MISSED and self._notify_desktop is not None:
            who = event.call.remote_name or display_number(event.call.remote_number)
            self._notify_desktop(self.tr("Missed call"), who)
        self.reload_history()

    @Slot(object)
    def _on_bridge_quality_updated(self, event: QualityUpdated) -> None:
        self.panel.set_quality(event.call_id, event.sample, event.issues)
        current = self.panel.current_call
        if self.quality_dialog.isVisible() and current is not None and current.call_id == event.call_id:
            self.quality_dialog.show_sample(event.sample, event.issues)
        if event.issues:
            log.info("call %s quality warnings: %s", event.call_id, ", ".join(issue_text(i) for i in event.issues))

    @Slot(object)
    def _on_bridge_transfer_progress(self, event: TransferProgress) -> None:
        if event.final and not event.ok and self._notify_error is not None:
            self._notify_error(self.tr("The transfer failed (%1).").replace("%1", str(event.code)))
