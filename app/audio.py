"""The audio area's application layer: settings from the configuration, and a thin QtCore adapter for events.

``audio_settings(config)`` turns the ``[audio]`` section (IT policy and the agent's choices; glob patterns such as
``*Jabra*`` or regular expressions such as ``Jabra|Plantronics``) into ``sip.audio.AudioSettings``.

``AudioEvents`` relays the engine's events, which arrive on the engine's control thread, to the GUI thread as Qt
signals (queued). It holds no logic.

Signals (all carry plain ``sip.audio`` dataclasses):
- ``devices_changed(DeviceInventory)``
- ``active_device_changed(ActiveDeviceChanged)``
- ``problem(AudioProblem)``
"""

from __future__ import annotations

import fnmatch
import logging
import re

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.config import AudioSettings as AudioConfig
from sip.audio import ActiveDeviceChanged, AudioEvent, AudioProblem, AudioSettings, DevicesChanged

log = logging.getLogger(__name__)

_GLOB = re.compile(r"[*?\[]")


def pattern_to_regex(pattern: str) -> str:
    """A glob (``*Jabra*``, ``*[Hh]eadset*``) becomes a regular expression; anything else is one already.

    A pattern with ``|`` or ``.*`` is taken as a regular expression even if it has glob characters."""
    pattern = pattern.strip()
    if _GLOB.search(pattern) and "|" not in pattern and ".*" not in pattern:
        return fnmatch.translate(pattern)
    return pattern


def audio_settings(config: AudioConfig) -> AudioSettings:
    """The bridge's settings from the configuration's ``[audio]`` section."""
    output = tuple(pattern_to_regex(p) for p in config.output_priority if p.strip())
    microphone = tuple(pattern_to_regex(p) for p in config.input_priority if p.strip())
    return AudioSettings(
        priority=output,
        microphone_priority=microphone if microphone != output else (),
        microphone=config.microphone or None,
        speaker=config.speaker or None,
        ringer=config.ringer_device or None,
        require_headset_for_auto_answer=config.require_headset_for_auto_answer,
    )


class AudioEvents(QObject):
    """Relays ``AudioEngine`` events to the GUI thread (see the module docstring for the signals)."""

    devices_changed = Signal(object)
    active_device_changed = Signal(object)
    problem = Signal(object)
    _event_arrived = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._event_arrived.connect(self._on_event_arrived, Qt.ConnectionType.QueuedConnection)

    def post(self, event: AudioEvent) -> None:
        """Any thread (the engine's ``on_event``)."""
        self._event_arrived.emit(event)

    @Slot(object)
    def _on_event_arrived(self, event: object) -> None:
        if isinstance(event, DevicesChanged):
            self.devices_changed.emit(event.inventory)
        elif isinstance(event, ActiveDeviceChanged):
            self.active_device_changed.emit(event)
        elif isinstance(event, AudioProblem):
            log.info("audio problem: %s (%s)", event.error.kind.value, event.error.detail)
            self.problem.emit(event)
