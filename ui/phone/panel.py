"""``PhonePanel``: the softphone's widget in the main window's phone slot. A view: it shows what it is given and
emits intents; ``PhoneController`` talks to the engine. Main thread only.

Signals:
    dial_requested(str): a number to call
    redial_requested()
    answer_requested(int), reject_requested(int), hangup_requested(int): call id
    hold_requested(int, bool): call id, hold (True) or resume (False)
    mute_requested(int, bool): call id, mute the microphone
    dtmf_requested(int, str): call id, digit (dial pad during a call)
    transfer_requested(int): call id (the controller asks where)
    conference_requested()
    quality_details_requested()
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sip.model import CallDirection, CallSnapshot, CallState, QualityIssue, QualitySample, RegFailure, RegState
from sip.numbers import display_number
from ui.phone.history_model import HistoryModel
from ui.phone.texts import call_state_text, registration_text

_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")


class PhonePanel(QWidget):
    dial_requested = Signal(str)
    redial_requested = Signal()
    answer_requested = Signal(int)
    reject_requested = Signal(int)
    hangup_requested = Signal(int)
    hold_requested = Signal(int, bool)
    mute_requested = Signal(int, bool)
    dtmf_requested = Signal(int, str)
    transfer_requested = Signal(int)
    conference_requested = Signal()
    quality_details_requested = Signal()

    def __init__(self, history_model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phonePanel")
        self._calls: dict[int, CallSnapshot] = {}
        self._current: int | None = None
        self._reg_state = RegState.UNREGISTERED
        self._reg_failure: RegFailure | None = None
        self._quality: dict[int, tuple[QualitySample, frozenset[QualityIssue]]] = {}
        self._missed = 0

        self._status_dot = QLabel("●")
        self._status_dot.setObjectName("registrationDot")
        self._status = QLabel()
        self._status.setObjectName("registrationStatus")
        status_row = QHBoxLayout()
        status_row.addWidget(self._status_dot)
        status_row.addWidget(self._status, 1)

        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("numberEdit")
        self.number_edit.setClearButtonEnabled(True)
        self.number_edit.returnPressed.connect(self._on_call_button_clicked)
        pad = QGridLayout()
        self._keys: dict[str, QPushButton] = {}
        for i, key in enumerate(_KEYS):
            button = QPushButton(key)
            button.setObjectName(f"key_{'star' if key == '*' else 'hash' if key == '#' else key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(self._on_key_clicked)
            pad.addWidget(button, i // 3, i % 3)
            self._keys[key] = button
        self.call_button = QPushButton()
        self.call_button.setObjectName("callButton")
        self.call_button.clicked.connect(self._on_call_button_clicked)
        self.redial_button = QPushButton()
        self.redial_button.setObjectName("redialButton")
        self.redial_button.clicked.connect(self.redial_requested)
        dial_row = QHBoxLayout()
        dial_row.addWidget(self.call_button, 2)
        dial_row.addWidget(self.redial_button, 1)

        # -- the current call
        self._call_box = QGroupBox()
        self._call_box.setObjectName("callBox")
        self._remote = QLabel()
        self._remote.setObjectName("remoteParty")
        self._remote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._state = QLabel()
        self._state.setObjectName("callState")
        self._timer_label = QLabel()
        self._timer_label.setObjectName("callTimer")
        self.quality_button = QPushButton()
        self.quality_button.setObjectName("qualityButton")
        self.quality_button.setFlat(True)
        self.quality_button.clicked.connect(self.quality_details_requested)
        info_row = QHBoxLayout()
        info_row.addWidget(self._state, 1)
        info_row.addWidget(self._timer_label)
        info_row.addWidget(self.quality_button)
        self.answer_button = QPushButton()
        self.answer_button.setObjectName("answerButton")
        self.reject_button = QPushButton()
        self.reject_button.setObjectName("rejectButton")
        self.hangup_button = QPushButton()
        self.hangup_button.setObjectName("hangupButton")
        self.hold_button = QPushButton()
        self.hold_button.setObjectName("holdButton")
        self.hold_button.setCheckable(True)
        self.mute_button = QPushButton()
        self.mute_button.setObjectName("muteButton")
        self.mute_button.setCheckable(True)
        self.transfer_button = QPushButton()
        self.transfer_button.setObjectName("transferButton")
        self.conference_button = QPushButton()
        self.conference_button.setObjectName("conferenceButton")
        self.answer_button.clicked.connect(self._on_answer_clicked)
        self.reject_button.clicked.connect(self._on_reject_clicked)
        self.hangup_button.clicked.connect(self._on_hangup_clicked)
        self.hold_button.clicked.connect(self._on_hold_clicked)
        self.mute_button.clicked.connect(self._on_mute_clicked)
        self.transfer_button.clicked.connect(self._on_transfer_clicked)
        self.conference_button.clicked.connect(self.conference_requested)
        controls = QGridLayout()
        for i, button in enumerate(
            (
                self.answer_button,
                self.reject_button,
                self.hangup_button,
                self.hold_button,
                self.mute_button,
                self.transfer_button,
                self.conference_button,
            )
        ):
            controls.addWidget(button, i // 3, i % 3)
        self.calls_list = QListWidget()
        self.calls_list.setObjectName("callsList")
        self.calls_list.setMaximumHeight(72)
        self.calls_list.currentItemChanged.connect(self._on_calls_list_current_item_changed)
        box_layout = QVBoxLayout(self._call_box)
        box_layout.addWidget(self._remote)
        box_layout.addLayout(info_row)
        box_layout.addLayout(controls)
        box_layout.addWidget(self.calls_list)

        # -- history
        self._history_title = QLabel()
        self._history_title.setObjectName("historyTitle")
        self.history_view = QTableView()
        self.history_view.setObjectName("historyView")
        self.history_view.setModel(history_model)
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history_view.horizontalHeader().setStretchLastSection(True)
        self.history_view.doubleClicked.connect(self._on_history_view_double_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(status_row)
        layout.addWidget(self.number_edit)
        layout.addLayout(pad)
        layout.addLayout(dial_row)
        layout.addWidget(self._call_box)
        layout.addWidget(self._history_title)
        layout.addWidget(self.history_view, 1)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._refresh_timer)
        self.retranslate_ui()
        self._refresh()

    # ------------------------------------------------------------------ input from the controller
    def set_registration(self, state: RegState, failure: RegFailure | None) -> None:
        self._reg_state, self._reg_failure = state, failure
        self._status.setText(registration_text(state, failure))
        color = {
            RegState.REGISTERED: "#27ae60",
            RegState.REGISTERING: "#f39c12",
            RegState.UNREGISTERED: "#95a5a6",
            RegState.FAILED: "#c0392b",
        }[state]
        self._status_dot.setStyleSheet(f"color: {color};")
        self._status_dot.setProperty("state", state.value)
        self._refresh()

    def update_call(self, call: CallSnapshot) -> None:
        new = call.call_id not in self._calls
        self._calls[call.call_id] = call
        if new or self._current is None or (call.state is CallState.CONNECTED and not call.local_hold):
            self._current = call.call_id
        self._refresh()

    def remove_call(self, call_id: int) -> None:
        self._calls.pop(call_id, None)
        self._quality.pop(call_id, None)
        if self._current == call_id:
            live = [c for c in self._calls.values() if not c.local_hold] or list(self._calls.values())
            self._current = live[0].call_id if live else None
        self._refresh()

    def set_quality(self, call_id: int, sample: QualitySample, issues: frozenset[QualityIssue]) -> None:
        self._quality[call_id] = (sample, issues)
        self._refresh()

    def quality_of_current(self) -> tuple[QualitySample | None, frozenset[QualityIssue]]:
        if self._current is None or self._current not in self._quality:
            return None, frozenset()
        return self._quality[self._current]

    def set_missed_count(self, count: int) -> None:
        self._missed = count
        self._retranslate_history_title()

    @property
    def current_call(self) -> CallSnapshot | None:
        return self._calls.get(self._current) if self._current is not None else None

    def calls(self) -> list[CallSnapshot]:
        return list(self._calls.values())

    # ------------------------------------------------------------------ Qt
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.number_edit.setPlaceholderText(self.tr("Number or extension"))
        self.call_button.setText(self.tr("Call"))
        self.redial_button.setText(self.tr("Redial"))
        self._call_box.setTitle(self.tr("Current call"))
        self.answer_button.setText(self.tr("Answer"))
        self.reject_button.setText(self.tr("Reject"))
        self.hangup_button.setText(self.tr("Hang up"))
        self.transfer_button.setText(self.tr("Transfer"))
        self.conference_button.setText(self.tr("Conference"))
        self.answer_button.setToolTip(self.tr("Answer (Ctrl+Shift+A)"))
        self.hangup_button.setToolTip(self.tr("Hang up (Ctrl+Shift+H)"))
        self.mute_button.setToolTip(self.tr("Mute the microphone (Ctrl+Shift+M)"))
        self.hold_button.setToolTip(self.tr("Hold (Ctrl+Shift+P)"))
        self.set_registration(self._reg_state, self._reg_failure)
        self._retranslate_history_title()
        self._refresh()

    def _retranslate_history_title(self) -> None:
        if self._missed:
            self._history_title.setText(self.tr("Recent calls (%n missed)", "", self._missed))
        else:
            self._history_title.setText(self.tr("Recent calls"))

    # ------------------------------------------------------------------ rendering
    def _refresh(self) -> None:
        call = self.current_call
        connected = call is not None and call.state is CallState.CONNECTED
        ringing_in = call is not None and call.state is CallState.RINGING and call.direction is CallDirection.INCOMING
        self.call_button.setEnabled(self._reg_state is RegState.REGISTERED)
        self.redial_button.setEnabled(self._reg_state is RegState.REGISTERED)
        self.answer_button.setVisible(ringing_in)
        self.reject_button.setVisible(ringing_in)
        self.hangup_button.setEnabled(call is not None)
        self.hold_button.setEnabled(connected)
        self.mute_button.setEnabled(connected)
        self.transfer_button.setEnabled(connected)
        connected_calls = [c for c in self._calls.values() if c.state is CallState.CONNECTED]
        self.conference_button.setEnabled(len(connected_calls) >= 2)
        self.hold_button.setChecked(bool(call and call.local_hold))
        self.mute_button.setChecked(bool(call and call.mic_muted))
        self.hold_button.setText(self.tr("Resume") if call and call.local_hold else self.tr("Hold"))
        self.mute_button.setText(self.tr("Unmute") if call and call.mic_muted else self.tr("Mute"))
        if call is None:
            self._remote.setText(self.tr("No call"))
            self._state.setText("")
        else:
            number = display_number(call.remote_number)
            self._remote.setText(f"{call.remote_name}  {number}" if call.remote_name else number)
            state = call_state_text(call.state, call.direction is CallDirection.INCOMING)
            if call.local_hold:
                state = self.tr("On hold")
            elif call.remote_hold:
                state = self.tr("Held by the other party")
            if call.in_conference:
                state = self.tr("Conference") + " · " + state
            if call.auto_answer_in_s is not None:
                state += " · " + self.tr("answering automatically")
            if call.srtp:
                state += " · 🔒"
            self._state.setText(state)
        sample, issues = self.quality_of_current()
        self.quality_button.setVisible(connected)
        if sample is None:
            self.quality_button.setText(self.tr("Quality: measuring"))
            self.quality_button.setProperty("level", "unknown")
        else:
            level = "bad" if issues else "good" if sample.mos >= 4.0 else "fair"
            self.quality_button.setText(self.tr("Quality: %1").replace("%1", f"{sample.mos:.1f}"))
            self.quality_button.setProperty("level", level)
            color = {"bad": "#c0392b", "fair": "#f39c12", "good": "#27ae60"}[level]
            self.quality_button.setStyleSheet(f"color: {color};")
        self._refresh_calls_list()
        self._refresh_timer()
        if connected_calls and not self._tick.isActive():
            self._tick.start()
        elif not connected_calls:
            self._tick.stop()

    def _refresh_calls_list(self) -> None:
        self.calls_list.blockSignals(True)
        self.calls_list.clear()
        for c in self._calls.values():
            label = c.remote_name or display_number(c.remote_number)
            if c.local_hold:
                label += " · " + self.tr("On hold")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, c.call_id)
            self.calls_list.addItem(item)
            if c.call_id == self._current:
                self.calls_list.setCurrentItem(item)
        self.calls_list.setVisible(len(self._calls) > 1)
        self.calls_list.blockSignals(False)

    @Slot()
    def _refresh_timer(self) -> None:
        call = self.current_call
        if call is None or call.connected_at is None or call.state is not CallState.CONNECTED:
            self._timer_label.setText("")
            return
        seconds = max(0, int(time.time() - call.connected_at))
        hours, rest = divmod(seconds, 3600)
        text = f"{rest // 60:02d}:{rest % 60:02d}"
        self._timer_label.setText(f"{hours}:{text}" if hours else text)

    # ------------------------------------------------------------------ slots
    @Slot()
    def _on_key_clicked(self) -> None:
        button = self.sender()
        if not isinstance(button, QPushButton):
            return
        digit = button.text()
        call = self.current_call
        if call is not None and call.state is CallState.CONNECTED:
            self.dtmf_requested.emit(call.call_id, digit)
        else:
            self.number_edit.insert(digit)

    @Slot()
    def _on_call_button_clicked(self) -> None:
        number = self.number_edit.text().strip()
        if number:
            self.dial_requested.emit(number)

    @Slot()
    def _on_answer_clicked(self) -> None:
        if self.current_call is not None:
            self.answer_requested.emit(self.current_call.call_id)

    @Slot()
    def _on_reject_clicked(self) -> None:
        if self.current_call is not None:
            self.reject_requested.emit(self.current_call.call_id)

    @Slot()
    def _on_hangup_clicked(self) -> None:
        if self.current_call is not None:
            self.hangup_requested.emit(self.current_call.call_id)

    @Slot()
    def _on_hold_clicked(self) -> None:
        call = self.current_call
        if call is not None:
            self.hold_requested.emit(call.call_id, not call.local_hold)
        self._refresh()

    @Slot()
    def _on_mute_clicked(self) -> None:
        call = self.current_call
        if call is not None:
            self.mute_requested.emit(call.call_id, not call.mic_muted)
        self._refresh()

    @Slot()
    def _on_transfer_clicked(self) -> None:
        if self.current_call is not None:
            self.transfer_requested.emit(self.current_call.call_id)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_calls_list_current_item_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self._current = int(current.data(Qt.ItemDataRole.UserRole))
            self._refresh()

    @Slot()
    def _on_history_view_double_clicked(self) -> None:
        index = self.history_view.currentIndex()
        if not index.isValid():
            return
        model = self.history_view.model()
        if isinstance(model, HistoryModel):
            self.number_edit.setText(model.entry(index.row()).number)
