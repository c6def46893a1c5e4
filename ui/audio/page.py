"""The audio page of the preferences: device pickers, the priority list, test buttons and a live level meter.

The page talks to ``sip.audio.AudioEngine`` (Qt-free; its control operations run on its own thread and return
Futures, so nothing here blocks) and hears about devices and problems through ``app.audio.AudioEvents`` (signals
on the GUI thread). It saves through ``app.config.ConfigStore``; a key locked by IT is shown disabled.
Main thread only.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio import AudioEvents, audio_settings
from app.bridge import BackgroundRunner
from app.config import ConfigError, ConfigStore
from sip.audio import (
    ActiveDeviceChanged,
    AudioEngine,
    AudioError,
    AudioErrorKind,
    AudioProblem,
    DeviceInventory,
    Direction,
    Role,
    sounds,
)

log = logging.getLogger(__name__)

RECORD_SECONDS = 3.0

_KEYS = {
    Role.MICROPHONE: "audio.microphone",
    Role.SPEAKER: "audio.speaker",
    Role.RINGER: "audio.ringer_device",
}


class AudioPage(QWidget):
    """Preferences → Audio. Implements ``apply()`` (saved when the dialog is accepted)."""

    def __init__(
        self,
        engine: AudioEngine,
        events: AudioEvents,
        store: ConfigStore,
        runner: BackgroundRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AudioPage")
        self._engine = engine
        self._store = store
        self._runner = runner
        self._busy = False

        self.status_label = QLabel(self)
        self.status_label.setObjectName("audioStatus")
        self.status_label.setWordWrap(True)
        self.combos: dict[Role, QComboBox] = {}
        self._labels: dict[Role, QLabel] = {}
        form = QFormLayout()
        for role in Role:
            combo = QComboBox(self)
            combo.setObjectName(f"{role.value}Combo")
            self.combos[role] = combo
            self._labels[role] = QLabel(self)
            form.addRow(self._labels[role], combo)
        self.priority_edit = QPlainTextEdit(self)
        self.priority_edit.setObjectName("priorityEdit")
        self.priority_edit.setMaximumHeight(110)
        self._priority_label = QLabel(self)
        self._priority_hint = QLabel(self)
        self._priority_hint.setWordWrap(True)
        form.addRow(self._priority_label, self.priority_edit)
        form.addRow("", self._priority_hint)
        self.meter = QProgressBar(self)
        self.meter.setObjectName("micLevel")
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self._meter_label = QLabel(self)
        form.addRow(self._meter_label, self.meter)

        self.play_button = QPushButton(self)
        self.play_button.setObjectName("playTest")
        self.record_button = QPushButton(self)
        self.record_button.setObjectName("recordTest")
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(50)
        self._meter_timer.timeout.connect(self._on_meter_timer_timeout)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        events.devices_changed.connect(self._on_events_devices_changed)
        events.problem.connect(self._on_events_problem)
        events.active_device_changed.connect(self._on_events_active_device_changed)

        self._status_kind: AudioErrorKind | None = None
        self._status_text = ""
        self.retranslate_ui()
        self.load()

    # ------------------------------------------------------------------ state
    def load(self) -> None:
        """Show the configuration's choices and the devices present now; lock what IT set."""
        cfg = self._store.config.audio
        self.priority_edit.setPlainText("\n".join(cfg.output_priority))
        self._fill(self._engine.inventory)
        for role, key in _KEYS.items():
            self.combos[role].setEnabled(not self._store.loaded.is_locked(key))
        self.priority_edit.setReadOnly(self._store.loaded.is_locked("audio.output_priority"))

    def _fill(self, inventory: DeviceInventory) -> None:
        cfg = self._store.config.audio
        chosen = {Role.MICROPHONE: cfg.microphone, Role.SPEAKER: cfg.speaker, Role.RINGER: cfg.ringer_device}
        for role, combo in self.combos.items():
            current = combo.currentData() if combo.count() else chosen[role]
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self._automatic_text(role), "")
            direction = Direction.INPUT if role is Role.MICROPHONE else Direction.OUTPUT
            present = set()
            for device in inventory.of(direction):
                if device.is_monitor:
                    continue
                combo.addItem(device.label, device.id)
                present.add(device.id)
            if current and current not in present:
                # Keep the agent's choice visible while the device is unplugged.
                combo.addItem(self.tr("%1 (not connected)").replace("%1", str(current)), current)
            combo.setCurrentIndex(max(0, combo.findData(current or "")))
            combo.blockSignals(False)

    def _automatic_text(self, role: Role) -> str:
        if role is Role.RINGER:
            return self.tr("Automatic (system speaker)")
        return self.tr("Automatic (priority list)")

    def patterns(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.priority_edit.toPlainText().splitlines() if line.strip())

    def changes(self) -> dict[str, object]:
        """What differs from the effective configuration (locked keys never included)."""
        cfg = self._store.config.audio
        wanted: dict[str, object] = {key: str(self.combos[role].currentData() or "") for role, key in _KEYS.items()}
        wanted["audio.output_priority"] = self.patterns()
        wanted["audio.input_priority"] = self.patterns()
        current: dict[str, object] = {
            "audio.microphone": cfg.microphone,
            "audio.speaker": cfg.speaker,
            "audio.ringer_device": cfg.ringer_device,
            "audio.output_priority": cfg.output_priority,
            "audio.input_priority": cfg.input_priority,
        }
        return {k: v for k, v in wanted.items() if v != current[k] and not self._store.loaded.is_locked(k)}

    def apply(self) -> None:
        """Validate the patterns, save, and switch devices now (mid-call too)."""
        changes = self.changes()
        if not changes:
            return
        from app.audio import pattern_to_regex
        from sip.audio.policy import compile_patterns

        try:
            compile_patterns([pattern_to_regex(p) for p in self.patterns()])
        except AudioError as exc:
            self._show_problem(exc.kind, exc.detail)
            return
        try:
            self._store.save(changes)
        except ConfigError as exc:
            log.warning("audio settings not saved: %s", exc)
            self._show_problem(None, str(exc))
            return
        self._engine.set_settings(audio_settings(self._store.config.audio))

    # ------------------------------------------------------------------ meter and tests
    def showEvent(self, event: QShowEvent) -> None:
        self._engine.monitor_microphone(True)
        self._meter_timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._meter_timer.stop()
        self._engine.monitor_microphone(False)
        self.meter.setValue(0)
        super().hideEvent(event)

    @Slot()
    def _on_meter_timer_timeout(self) -> None:
        self.meter.setValue(int(100 * self._engine.mic_level()))

    @Slot()
    def _on_play_button_clicked(self) -> None:
        self._set_busy(True, self.tr("Playing the test sound…"))
        future = self._engine.play_sound(sounds.load("test"))
        self._runner.run(future.result, 30).success(self._on_test_done).failure(self._on_test_failed)

    @Slot()
    def _on_record_button_clicked(self) -> None:
        self._set_busy(True, self.tr("Recording 3 seconds: please speak…"))
        self._runner.run(self._engine.record(RECORD_SECONDS).result, 30).success(self._on_recorded).failure(
            self._on_test_failed
        )

    def _on_recorded(self, pcm: object) -> None:
        assert isinstance(pcm, bytes)
        self._set_busy(True, self.tr("Playing back what was recorded…"))
        future = self._engine.play_sound(pcm)
        self._runner.run(future.result, 30).success(self._on_test_done).failure(self._on_test_failed)

    def _on_test_done(self, _result: object) -> None:
        self._set_busy(False, "")

    def _on_test_failed(self, error: BaseException) -> None:
        self._set_busy(False, "")
        kind = error.kind if isinstance(error, AudioError) else None
        self._show_problem(kind, str(error))

    def _set_busy(self, busy: bool, text: str) -> None:
        self._busy = busy
        self.play_button.setEnabled(not busy)
        self.record_button.setEnabled(not busy)
        if text or not busy:
            self.status_label.setText(text)

    # ------------------------------------------------------------------ events
    @Slot(object)
    def _on_events_devices_changed(self, inventory: object) -> None:
        assert isinstance(inventory, DeviceInventory)
        self._fill(inventory)

    @Slot(object)
    def _on_events_problem(self, problem: object) -> None:
        assert isinstance(problem, AudioProblem)
        self._show_problem(problem.error.kind, problem.error.detail)

    @Slot(object)
    def _on_events_active_device_changed(self, change: object) -> None:
        assert isinstance(change, ActiveDeviceChanged)
        if change.device is not None and change.role is Role.SPEAKER and not self._busy:
            self.status_label.setText(self.tr("Using %1").replace("%1", change.device.label))

    def _show_problem(self, kind: AudioErrorKind | None, detail: str) -> None:
        self._status_kind, self._status_text = kind, detail
        self.status_label.setText(self.problem_text(kind, detail))

    def problem_text(self, kind: AudioErrorKind | None, detail: str) -> str:
        """The translated message for an error kind (also used by the shell's notifications)."""
        messages = {
            AudioErrorKind.NO_SOUND_SERVER: self.tr("No sound system answers: audio devices are not available."),
            AudioErrorKind.NO_INPUT_DEVICE: self.tr("No microphone is connected."),
            AudioErrorKind.NO_OUTPUT_DEVICE: self.tr("No speaker or headset is connected."),
            AudioErrorKind.DEVICE_GONE: self.tr(
                "The audio device in use was disconnected; the call continues on another device."
            ),
            AudioErrorKind.OPEN_FAILED: self.tr("The audio device could not be opened; the system default is used."),
            AudioErrorKind.HEADSET_ABSENT: self.tr("No headset is connected: calls are not answered automatically."),
            AudioErrorKind.BAD_PATTERN: self.tr("A priority pattern is not valid: %1"),
        }
        if kind is None:
            return self.tr("The settings could not be saved: %1").replace("%1", detail)
        return messages[kind].replace("%1", detail)

    # ------------------------------------------------------------------ language
    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Audio"))
        self._labels[Role.MICROPHONE].setText(self.tr("Microphone:"))
        self._labels[Role.SPEAKER].setText(self.tr("Speaker / headset:"))
        self._labels[Role.RINGER].setText(self.tr("Ring on:"))
        self._priority_label.setText(self.tr("Preferred devices:"))
        self._priority_hint.setText(
            self.tr("One pattern per line, best first, e.g. *Jabra* or Plantronics|Poly. Used when plugged in.")
        )
        self._meter_label.setText(self.tr("Microphone level:"))
        self.play_button.setText(self.tr("Play test sound"))
        self.record_button.setText(self.tr("Record 3 s and play back"))
        for role, combo in self.combos.items():
            if combo.count():
                combo.setItemText(0, self._automatic_text(role))
        locked_tip = self.tr("Set by your IT department")
        for role, key in _KEYS.items():
            self.combos[role].setToolTip(locked_tip if self._store.loaded.is_locked(key) else "")
        if self._status_kind is not None:
            self.status_label.setText(self.problem_text(self._status_kind, self._status_text))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
