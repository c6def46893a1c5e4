"""A status-bar indicator for the audio bridge: which headset is in use, or why there is no audio.

Listens to ``app.audio.AudioEvents``; main thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Slot
from PySide6.QtWidgets import QLabel, QWidget

from app.audio import AudioEvents
from sip.audio import ActiveDeviceChanged, AudioDevice, AudioErrorKind, AudioProblem, Role


class AudioIndicator(QLabel):
    """Shows the talk device, or "no sound system" when there is none (the demo says so this way too)."""

    def __init__(self, events: AudioEvents, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audioIndicator")
        self._device: AudioDevice | None = None
        self._no_server = False
        events.active_device_changed.connect(self._on_events_active_device_changed)
        events.problem.connect(self._on_events_problem)
        events.devices_changed.connect(self._on_events_devices_changed)
        self.retranslate_ui()

    @Slot(object)
    def _on_events_active_device_changed(self, change: object) -> None:
        if isinstance(change, ActiveDeviceChanged) and change.role is Role.SPEAKER:
            self._device = change.device
            self._no_server = False
            self.retranslate_ui()

    @Slot(object)
    def _on_events_problem(self, problem: object) -> None:
        if isinstance(problem, AudioProblem) and problem.error.kind is AudioErrorKind.NO_SOUND_SERVER:
            self._no_server = True
            self.retranslate_ui()

    @Slot(object)
    def _on_events_devices_changed(self, _inventory: object) -> None:
        if self._no_server:
            self._no_server = False
            self.retranslate_ui()

    def retranslate_ui(self) -> None:
        if self._no_server:
            self.setText(self.tr("Audio: no sound system"))
            self.setToolTip(self.tr("No sound server answers; calls have no audio devices until one is running."))
        elif self._device is None:
            self.setText(self.tr("Audio: no device"))
            self.setToolTip("")
        else:
            self.setText(self.tr("Audio: %1").replace("%1", self._device.label))
            self.setToolTip(self._device.id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
