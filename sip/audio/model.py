"""Plain data of the audio bridge: devices, roles, settings, statistics, events and the typed error.

Qt-free and pjsua2-free: everything here may cross into ``app/`` and ``ui/``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

#: The bridge's fixed format: what pjmedia's conference bridge exchanges with our port.
SAMPLE_RATE = 16000
CHANNELS = 1
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000  # 320
FRAME_BYTES = FRAME_SAMPLES * 2  # 16-bit mono: 640
SILENCE = bytes(FRAME_BYTES)


class Direction(enum.Enum):
    """Whether a device records (microphone) or plays (speaker, headphones)."""

    INPUT = "input"
    OUTPUT = "output"


class Role(enum.Enum):
    """What a device is used for: the talk path (microphone, earpiece) or the ringer."""

    MICROPHONE = "microphone"
    SPEAKER = "speaker"
    RINGER = "ringer"

    @property
    def direction(self) -> Direction:
        return Direction.INPUT if self is Role.MICROPHONE else Direction.OUTPUT


@dataclass(frozen=True)
class AudioDevice:
    """One input or output device.

    ``id`` is stable across restarts and re-plugging (PulseAudio's device name on Linux, e.g.
    ``alsa_output.usb-GN_Netcom_A_S_Jabra_EVOLVE_LINK-00.analog-stereo``; the PortAudio host API plus device name
    elsewhere) and is what settings store. ``label`` is what people read ("Jabra EVOLVE LINK Analog Stereo").
    """

    id: str
    label: str
    direction: Direction
    is_default: bool = False
    #: A monitor of an output (loopback of what a sink plays): listed, but never picked automatically.
    is_monitor: bool = False

    def matches(self, text: str) -> bool:
        return text.lower() in self.id.lower() or text.lower() in self.label.lower()


@dataclass(frozen=True)
class DeviceInventory:
    """All devices at one moment."""

    inputs: tuple[AudioDevice, ...] = ()
    outputs: tuple[AudioDevice, ...] = ()

    def of(self, direction: Direction) -> tuple[AudioDevice, ...]:
        return self.inputs if direction is Direction.INPUT else self.outputs

    def find(self, device_id: str, direction: Direction) -> AudioDevice | None:
        return next((d for d in self.of(direction) if d.id == device_id), None)

    def default(self, direction: Direction) -> AudioDevice | None:
        devices = [d for d in self.of(direction) if not d.is_monitor]
        return next((d for d in devices if d.is_default), devices[0] if devices else None)


@dataclass(frozen=True)
class AudioSettings:
    """What the agent (or IT policy, which wins) chose.

    ``priority`` is a list of regular expressions tried in order against each device's label and id
    (case-insensitive), e.g. ``["Jabra|Plantronics|Poly", "Headset"]``: the first pattern that matches any present
    device decides. An explicit device id (the agent picked one in the settings page) comes before the patterns
    when that device is present. The ringer has its own choice and falls back to the system's default output
    (the laptop speaker), so the phone rings even when the headset is on the desk.
    """

    priority: tuple[str, ...] = ("Jabra|Plantronics|Poly|EPOS|Sennheiser|Logitech.*Headset", "Headset|Headphone")
    #: Patterns for microphones when they differ from the output list (empty: ``priority`` for both).
    microphone_priority: tuple[str, ...] = ()
    microphone: str | None = None
    speaker: str | None = None
    ringer: str | None = None
    ringer_priority: tuple[str, ...] = ()
    #: Refuse auto-answer unless a device matching ``priority`` (or the chosen one) is present for both directions.
    require_headset_for_auto_answer: bool = True
    ring_volume: float = 0.8


class AudioErrorKind(enum.Enum):
    """Why audio is not (fully) working; ``ui/`` maps each kind to a translated message."""

    NO_SOUND_SERVER = "no_sound_server"  # no PulseAudio/PipeWire (Linux) or no host audio API answering
    NO_INPUT_DEVICE = "no_input_device"
    NO_OUTPUT_DEVICE = "no_output_device"
    DEVICE_GONE = "device_gone"  # the device in use vanished; the call continues on the fallback
    OPEN_FAILED = "open_failed"  # the OS refused to open the device (busy, wrong format)
    HEADSET_ABSENT = "headset_absent"  # auto-answer refused: the configured headset is not connected
    BAD_PATTERN = "bad_pattern"  # a priority pattern is not a valid regular expression


class AudioError(Exception):
    """A typed audio failure; ``detail`` is for logs, ``kind`` for the user."""

    def __init__(self, kind: AudioErrorKind, detail: str = "") -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail


class ChangeReason(enum.Enum):
    """Why the device of a role changed."""

    STARTUP = "startup"
    SETTINGS = "settings"  # the agent or policy chose another device
    PLUGGED = "plugged"  # a preferred device appeared
    FALLBACK = "fallback"  # the device in use vanished


@dataclass(frozen=True)
class DevicesChanged:
    """The device list changed (hot-plug)."""

    inventory: DeviceInventory


@dataclass(frozen=True)
class ActiveDeviceChanged:
    """The device used for ``role`` changed; ``device`` is None when there is none at all."""

    role: Role
    device: AudioDevice | None
    reason: ChangeReason


@dataclass(frozen=True)
class AudioProblem:
    """Something the user should know (the call goes on where it can)."""

    error: AudioError
    role: Role | None = None


AudioEvent = DevicesChanged | ActiveDeviceChanged | AudioProblem


@dataclass
class StreamStats:
    """Counters of one direction of the talk path (read them from any thread; they only grow)."""

    frames: int = 0  # frames delivered to the consumer
    underruns: int = 0  # consumer wanted a frame, queue was empty: it got silence
    overruns: int = 0  # queue full: the oldest frame was dropped
    drift_drops: int = 0  # a frame dropped because the queue stayed above its target (producer clock faster)
    #: Native path: audio dropped because it piled up after a stall (the producer catching up after an underrun,
    #: or a large backlog removed in one skip); the stall itself shows as underruns or device xruns. Not clock
    #: drift. The pure-Python path counts these as drift drops.
    burst_drops: int = 0
    os_flags: int = 0  # PortAudio reported an xrun on the device side
    max_depth: int = 0
    #: Native path: the long (~5 s) average fill seen by the consumer (ms); 0 on the pure-Python path.
    mean_depth_ms: float = 0.0
    #: Audio the queue keeps beyond the frame being taken (ms): 0 at the start of a stream, one step more after an
    #: underrun (FrameQueue's floor).
    cushion_ms: float = 0.0


@dataclass
class BridgeStats:
    """Both directions: ``capture`` is microphone → call, ``playback`` is call → speaker."""

    capture: StreamStats = field(default_factory=StreamStats)
    playback: StreamStats = field(default_factory=StreamStats)
    #: Longest interval between two output callbacks (s): a stall of the speaker path shows here.
    max_output_gap: float = 0.0
    max_input_gap: float = 0.0
    output_latency: float = 0.0  # PortAudio's reported device latency (s)
    input_latency: float = 0.0
    #: Mean device-side delay PortAudio reported per callback (s): from capture to the input callback, and from the
    #: output callback to playback (``inputBufferAdcTime`` / ``outputBufferDacTime`` against ``currentTime``).
    input_device_delay: float = 0.0
    output_device_delay: float = 0.0
    blocks_per_frame: int = 1  # PortAudio blocks per 20 ms frame
    #: Which OS side moves the audio: "native" (C on libpulse, ``sip/audio/native.py``) or "python" (PortAudio
    #: callbacks through sounddevice).
    path: str = "python"
    #: Which audio threads run at real-time priority (thread role -> promoted).
    realtime_threads: dict[str, bool] = field(default_factory=dict)

    @property
    def glitches(self) -> int:
        """Audible discontinuities after start-up: underruns, overruns, drift corrections and device xruns."""
        return sum(
            s.underruns + s.overruns + s.drift_drops + s.burst_drops + s.os_flags for s in (self.capture, self.playback)
        )
