"""Headset audio: pjsua2 (on the null device) bridged to the operating system's audio devices.

The call code uses ``CallAudio`` (``BridgedCallAudio`` here); ``app/`` and ``ui/`` use ``AudioEngine`` (device
lists, choice, meter, test sounds) and the plain types of ``sip.audio.model``. See ``docs/audio.md``.

``sip.audio.pjport`` (the only module that imports pjsua2) is not imported here, so device handling works in
processes that must not load pjsua2.
"""

from sip.audio.backends import DeviceBackend, PortAudioBackend, PulseBackend, default_backend
from sip.audio.engine import AudioEngine
from sip.audio.model import (
    ActiveDeviceChanged,
    AudioDevice,
    AudioError,
    AudioErrorKind,
    AudioEvent,
    AudioProblem,
    AudioSettings,
    BridgeStats,
    ChangeReason,
    DeviceInventory,
    DevicesChanged,
    Direction,
    Role,
)
from sip.audio.policy import auto_answer_allowed, choose, headset_present

__all__ = [
    "ActiveDeviceChanged",
    "AudioDevice",
    "AudioEngine",
    "AudioError",
    "AudioErrorKind",
    "AudioEvent",
    "AudioProblem",
    "AudioSettings",
    "BridgeStats",
    "ChangeReason",
    "DeviceBackend",
    "DeviceInventory",
    "DevicesChanged",
    "Direction",
    "PortAudioBackend",
    "PulseBackend",
    "Role",
    "auto_answer_allowed",
    "choose",
    "default_backend",
    "headset_present",
]
