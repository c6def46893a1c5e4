"""The phone panel and its controller with a scripted engine (no pjsua2): events in, intents out, i18n."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from app.config import Language
from app.phone import PhoneBridge, account_settings, fan_out
from sip.history import CallHistory
from sip.model import (
    CallDirection,
    CallEnded,
    CallOutcome,
    CallSnapshot,
    CallState,
    CallUpdated,
    IncomingCall,
    QualityIssue,
    QualityUpdated,
    RegFailure,
    RegistrationChanged,
    RegState,
    RejectReason,
    SipError,
    SipErrorKind,
    Transport,
)
from sip.quality import make_sample
from ui.i18n import Translations
from ui.phone.controller import PhoneController
from ui.phone.dialogs import TransferMode
from ui.phone.history_model import HistoryModel

pytestmark = pytest.mark.unit


class FakeEngine:
    """Records commands; answers with done futures (or a SipError when told to)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.fail_with: SipErrorKind | None = None

    def _done(self, name: str, *args: Any, result: Any = None) -> concurrent.futures.Future[Any]:
        self.calls.append((name, args))
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        if self.fail_with is not None:
            future.set_exception(SipError(self.fail_with))
        else:
            future.set_result(result)
        return future

    def make_call(self, number: str) -> concurrent.futures.Future[int]:
        return self._done("make_call", number, result=7)

    def redial(self) -> concurrent.futures.Future[int]:
        return self._done("redial", result=8)

    def answer(self, call_id: int) -> concurrent.futures.Future[None]:
        return self._done("answer", call_id)

    def reject(self, call_id: int, reason: RejectReason = RejectReason.BUSY) -> concurrent.futures.Future[None]:
        return self._done("reject", call_id, reason)

    def hangup(self, call_id: int) -> concurrent.futures.Future[None]:
        return self._done("hangup", call_id)

    def hold(self, call_id: int) -> concurrent.futures.Future[None]:
        return self._done("hold", call_id)

    def resume(self, call_id: int) -> concurrent.futures.Future[None]:
        return self._done("resume", call_id)

    def set_mute(
        self, call_id: int, *, mic: bool | None = None, speaker: bool | None = None
    ) -> concurrent.futures.Future[None]:
        return self._done("set_mute", call_id, mic, speaker)

    def send_dtmf(self, call_id: int, digits: str) -> concurrent.futures.Future[None]:
        return self._done("send_dtmf", call_id, digits)

    def transfer_blind(self, call_id: int, number: str) -> concurrent.futures.Future[None]:
        return self._done("transfer_blind", call_id, number)

    def transfer_attended(self, call_id: int, consult_call_id: int) -> concurrent.futures.Future[None]:
        return self._done("transfer_attended", call_id, consult_call_id)

    def conference(self, call_ids: tuple[int, ...]) -> concurrent.futures.Future[None]:
        return self._done("conference", call_ids)


class Harness:
    def __init__(self, qtbot: QtBot, tmp_path: Path) -> None:
        self.engine = FakeEngine()
        self.bridge = PhoneBridge()
        self.history = CallHistory(tmp_path / "calls.sqlite")
        self.errors: list[str] = []
        self.desktop: list[tuple[str, str]] = []
        self.controller = PhoneController(
            self.engine,
            self.bridge,
            self.history,
            notify_error=self.errors.append,
            notify_desktop=lambda title, text: self.desktop.append((title, text)),
        )
        self.panel = self.controller.panel
        qtbot.addWidget(self.panel)
        self.qtbot = qtbot
        self.deliver = fan_out(self.bridge.post)

    def post(self, event: Any) -> None:
        with self.qtbot.waitSignal(self._signal_for(event), timeout=2000):
            self.deliver(event)

    def _signal_for(self, event: Any) -> Any:
        return {
            RegistrationChanged: self.bridge.registration_changed,
            CallUpdated: self.bridge.call_updated,
            IncomingCall: self.bridge.incoming_call,
            CallEnded: self.bridge.call_ended,
            QualityUpdated: self.bridge.quality_updated,
        }[type(event)]

    def last_command(self) -> tuple[str, tuple[Any, ...]]:
        self.qtbot.waitUntil(lambda: bool(self.engine.calls), timeout=2000)
        return self.engine.calls[-1]


@pytest.fixture
def h(qtbot: QtBot, tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(qtbot, tmp_path)
    yield harness
    harness.controller.shutdown()


def _call(state: CallState, **kw: Any) -> CallSnapshot:
    base: dict[str, Any] = {
        "call_id": 1,
        "direction": CallDirection.INCOMING,
        "state": state,
        "remote_number": "13800138000",
        "remote_name": "张伟",
        "started_at": time.time(),
    }
    base.update(kw)
    return CallSnapshot(**base)


def test_registration_state_is_shown(h: Harness) -> None:
    h.post(RegistrationChanged(RegState.FAILED, RegFailure.WRONG_PASSWORD, 403, "Wrong Password"))
    assert "wrong password" in h.panel._status.text()
    assert not h.panel.call_button.isEnabled()
    h.post(RegistrationChanged(RegState.REGISTERED, code=200, expires_s=300))
    assert h.panel._status.text() == "Online"
    assert h.panel.call_button.isEnabled()


def test_incoming_call_toast_answer_and_desktop_notification(h: Harness) -> None:
    h.post(RegistrationChanged(RegState.REGISTERED))
    h.post(IncomingCall(_call(CallState.RINGING), waiting=False))
    assert h.controller.toast.isVisible()
    assert "138 0013 8000" in h.controller.toast._caller.text()
    assert h.desktop == [("Incoming call", "张伟")]
    assert not h.panel.answer_button.isHidden()
    h.controller.toast._answer.click()
    assert h.last_command() == ("answer", (1,))
    assert not h.controller.toast.isVisible()
    h.post(CallUpdated(_call(CallState.CONNECTED, connected_at=time.time() - 65)))
    assert h.panel._timer_label.text() == "01:05"
    assert h.panel.answer_button.isHidden()


def test_reject_from_the_toast(h: Harness) -> None:
    h.post(IncomingCall(_call(CallState.RINGING), waiting=True))
    assert h.controller.toast._title.text() == "Call waiting"
    h.controller.toast._reject.click()
    assert h.last_command() == ("reject", (1, RejectReason.BUSY))


def test_dial_hold_mute_dtmf_and_hangup(h: Harness) -> None:
    h.post(RegistrationChanged(RegState.REGISTERED))
    h.panel.number_edit.setText("138 0013 8000")
    h.panel.call_button.click()
    assert h.last_command() == ("make_call", ("138 0013 8000",))
    connected = _call(CallState.CONNECTED, direction=CallDirection.OUTGOING, connected_at=time.time())
    h.post(CallUpdated(connected))
    h.panel.hold_button.click()
    assert h.last_command() == ("hold", (1,))
    h.post(CallUpdated(_call(CallState.CONNECTED, local_hold=True, connected_at=time.time())))
    assert h.panel.hold_button.text() == "Resume"
    h.panel.hold_button.click()
    assert h.last_command() == ("resume", (1,))
    h.panel.mute_button.click()
    assert h.last_command() == ("set_mute", (1, True, None))
    h.panel._keys["5"].click()
    assert h.last_command() == ("send_dtmf", (1, "5"))
    h.panel.hangup_button.click()
    assert h.last_command() == ("hangup", (1,))


def test_quality_indicator_and_details(h: Harness) -> None:
    h.post(CallUpdated(_call(CallState.CONNECTED, connected_at=time.time())))
    sample = make_sample(rtt_ms=30, jitter_ms=40, loss_pct=6, jbuf_ms=60, codec="PCMA")
    h.post(QualityUpdated(1, sample, frozenset({QualityIssue.HIGH_LOSS, QualityIssue.LOW_MOS})))
    assert h.panel.quality_button.property("level") == "bad"
    h.panel.quality_button.click()
    assert h.controller.quality_dialog.isVisible()
    assert h.controller.quality_dialog._values["loss"].text() == "6.0 %"
    assert "Packet loss" in h.controller.quality_dialog._issues.text()
    h.controller.quality_dialog.close()


def test_blind_and_consult_transfer(h: Harness, qtbot: QtBot) -> None:
    h.post(CallUpdated(_call(CallState.CONNECTED, connected_at=time.time())))
    h.panel.transfer_button.click()
    dialog = h.controller._transfer_dialog
    assert dialog is not None
    dialog._number.setText("1002")
    dialog._blind.click()
    assert h.last_command() == ("transfer_blind", (1, "1002"))
    # consult first: a second call, then "Transfer" completes the attended transfer
    h.panel.transfer_button.click()
    dialog = h.controller._transfer_dialog
    assert dialog is not None
    dialog.transfer_requested.emit("1003", TransferMode.CONSULT)
    assert h.last_command() == ("make_call", ("1003",))
    qtbot.waitUntil(lambda: 7 in h.controller._consult)
    h.post(
        CallUpdated(_call(CallState.CONNECTED, call_id=7, direction=CallDirection.OUTGOING, connected_at=time.time()))
    )
    h.panel.transfer_button.click()
    assert h.last_command() == ("transfer_attended", (1, 7))


def test_conference_needs_two_connected_calls(h: Harness) -> None:
    h.post(CallUpdated(_call(CallState.CONNECTED, connected_at=time.time(), local_hold=True)))
    assert not h.panel.conference_button.isEnabled()
    h.post(CallUpdated(_call(CallState.CONNECTED, call_id=2, remote_number="1002", connected_at=time.time())))
    assert h.panel.conference_button.isEnabled()
    assert h.panel.calls_list.count() == 2
    h.panel.conference_button.click()
    assert h.last_command() == ("conference", ((1, 2),))


def test_a_refused_command_is_shown_translated(h: Harness) -> None:
    h.post(RegistrationChanged(RegState.REGISTERED))
    h.engine.fail_with = SipErrorKind.INVALID_NUMBER
    h.panel.number_edit.setText("abc")
    h.panel.call_button.click()
    h.qtbot.waitUntil(lambda: bool(h.errors))
    assert h.errors == ["That is not a number that can be dialled."]


def test_missed_call_goes_to_history_with_a_count(h: Harness) -> None:
    ended = _call(CallState.ENDED)
    h.history.record(
        number=ended.remote_number,
        name=ended.remote_name,
        direction=CallDirection.INCOMING,
        started_at=ended.started_at,
        answered_at=None,
        outcome=CallOutcome.MISSED,
    )
    h.post(CallEnded(ended, CallOutcome.MISSED, 487, "Request Terminated"))
    assert h.controller.history_model.rowCount() == 1
    assert "1 missed" in h.panel._history_title.text()
    assert ("Missed call", "张伟") in h.desktop
    h.controller.mark_missed_seen()
    assert h.panel._history_title.text() == "Recent calls"


def test_history_model(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "calls.sqlite")
    for i, outcome in enumerate((CallOutcome.ANSWERED, CallOutcome.MISSED, CallOutcome.BUSY)):
        history.record(
            number=f"1380013800{i}",
            name="",
            direction=CallDirection.OUTGOING,
            started_at=time.time() - 100 + i,
            answered_at=time.time() - 90 if outcome is CallOutcome.ANSWERED else None,
            outcome=outcome,
        )
    model = HistoryModel()
    model.set_entries(history.entries())
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt has no annotation here
    assert model.rowCount() == 3


def test_chinese_translation_of_the_panel(h: Harness, qapp: QApplication) -> None:
    translations = Translations(qapp)
    try:
        translations.set_language(Language.ZH_CN)
        assert QCoreApplication.translate("PhonePanel", "Answer") == "接听"
        h.panel.retranslate_ui()
        assert h.panel.call_button.text() == "呼叫"
        h.post(RegistrationChanged(RegState.REGISTERED))
        assert h.panel._status.text() == "在线"
    finally:
        translations.set_language(Language.EN)
        translations.clear()


def test_account_settings_from_the_config_section() -> None:
    from app.config import SipSettings, SipTransport

    settings = account_settings(
        SipSettings(server="pbx.example.com", user="1001", transport=SipTransport.TLS, auto_answer=True),
        display_name="Agent",
    )
    assert settings.transport is Transport.TLS
    assert settings.default_port == 5061
    assert settings.display_name == "Agent"
    assert settings.auto_answer.value == "always"
