"""The softphone seen from the application: settings mapping, event fan-out and the Qt bridge to the GUI thread.

- :func:`account_settings` turns the configuration's ``[sip]`` section into ``sip.model.AccountSettings``;
- :func:`fan_out` lets several Qt-free consumers (this bridge, the agent-state link of ``app/state``) receive the
  engine's events, each on the SIP thread;
- :class:`PhoneBridge` (the only QtCore code here) re-emits every engine event as a typed Qt signal. The engine
  calls :meth:`PhoneBridge.post` on its own thread; the private signal it emits is queued by Qt to the bridge's
  thread (the GUI thread), which then emits the public signals there, in order.

Signals (GUI thread):
    registration_changed(object): ``RegistrationChanged``
    call_updated(object): ``CallUpdated``
    incoming_call(object): ``IncomingCall``
    call_ended(object): ``CallEnded``
    dtmf_received(object): ``DtmfReceived``
    transfer_progress(object): ``TransferProgress``
    quality_updated(object): ``QualityUpdated``
    network_changed(object): ``NetworkChanged``
    engine_failed(object): ``EngineFailed``
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from sip.model import (
    AccountSettings,
    AutoAnswerMode,
    CallEnded,
    CallUpdated,
    DtmfMode,
    DtmfReceived,
    EngineFailed,
    IncomingCall,
    NetworkChanged,
    QualityUpdated,
    RegistrationChanged,
    SipEvent,
    SrtpMode,
    TransferProgress,
    Transport,
)

log = logging.getLogger(__name__)


def account_settings(sip: Any, *, display_name: str = "") -> AccountSettings:
    """``AccountSettings`` from ``app.config.SipSettings`` (duck-typed, so this module does not pin its import)."""
    auto = bool(getattr(sip, "auto_answer", False))
    return AccountSettings(
        server=str(sip.server),
        user=str(sip.user),
        domain=str(getattr(sip, "domain", "") or ""),
        port=int(getattr(sip, "port", 0) or 0),
        transport=Transport(str(getattr(sip.transport, "value", sip.transport))),
        outbound_proxy=str(getattr(sip, "outbound_proxy", "") or ""),
        display_name=display_name,
        expires_s=int(getattr(sip, "registration_expiry", 300)),
        ca_file=str(getattr(sip, "ca_file", "") or ""),
        srtp=SrtpMode(str(getattr(getattr(sip, "srtp", "optional"), "value", getattr(sip, "srtp", "optional")))),
        dtmf=DtmfMode(str(getattr(getattr(sip, "dtmf", "rfc2833"), "value", getattr(sip, "dtmf", "rfc2833")))),
        auto_answer=AutoAnswerMode.ALWAYS if auto else AutoAnswerMode.OFF,
        auto_answer_delay_s=float(getattr(sip, "auto_answer_delay", 2.0)),
    )


def fan_out(*handlers: Callable[[SipEvent], None]) -> Callable[[SipEvent], None]:
    """One ``on_event`` for the engine that calls every handler (a failing handler does not starve the others)."""

    def deliver(event: SipEvent) -> None:
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("SIP event handler %r failed", handler)

    return deliver


class PhoneBridge(QObject):
    """Engine events → Qt signals on the GUI thread (see the module docstring)."""

    registration_changed = Signal(object)
    call_updated = Signal(object)
    incoming_call = Signal(object)
    call_ended = Signal(object)
    dtmf_received = Signal(object)
    transfer_progress = Signal(object)
    quality_updated = Signal(object)
    network_changed = Signal(object)
    engine_failed = Signal(object)

    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Queued even when posted from the GUI thread itself, so order and re-entrancy are always the same.
        self._posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)
        self._routes: dict[type, Any] = {
            RegistrationChanged: self.registration_changed,
            CallUpdated: self.call_updated,
            IncomingCall: self.incoming_call,
            CallEnded: self.call_ended,
            DtmfReceived: self.dtmf_received,
            TransferProgress: self.transfer_progress,
            QualityUpdated: self.quality_updated,
            NetworkChanged: self.network_changed,
            EngineFailed: self.engine_failed,
        }

    def post(self, event: SipEvent) -> None:
        """Any thread (the SIP thread): hand ``event`` to the GUI thread."""
        self._posted.emit(event)

    @Slot(object)
    def _on_posted(self, event: object) -> None:
        signal = self._routes.get(type(event))
        if signal is None:
            log.warning("unknown SIP event %r", event)
            return
        signal.emit(event)
