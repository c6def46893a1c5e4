"""The bridge's operating-system side in C (``sip/audio/csrc/pulsebridge.c``, Linux, libpulse), when built.

With the pure-Python path every 10 ms block of each direction is a Python callback on a PortAudio thread (150 a
second with the GIL), and each block crosses PortAudio's thread, ALSA's ``pulse`` plugin and that plugin's own
libpulse thread. The native module instead runs one libpulse threaded main loop for both talk streams; its
callbacks move audio between PulseAudio and two lock-free single-producer/single-consumer rings in C and never take
the GIL. Python only pushes and pops one 20 ms frame per direction per pjmedia tick (``NativeQueue``). Drift is
decided from the fill level over several seconds, not one window (see ``Ring`` in the C source and docs/audio.md).

The engine uses it automatically when the module imports and the backend can open native streams (``PulseBackend``);
otherwise, and on Windows and macOS until it is built there, the pure-Python path (``FrameQueue`` + PortAudio
callbacks) is used. Which one runs is logged and reported in ``BridgeStats.path``. Ringer, test sounds, recording
and the settings page's level meter stay on PortAudio (they are not in the call's hot path).
"""

from __future__ import annotations

import logging
from typing import Any

from sip.audio.model import FRAME_BYTES, StreamStats

log = logging.getLogger(__name__)

try:
    from sip.audio import _pulsebridge  # type: ignore[attr-defined]
except ImportError as exc:  # not built (or not for this platform)
    _pulsebridge = None
    UNAVAILABLE_REASON: str | None = f"native module not built ({exc})"
else:
    UNAVAILABLE_REASON = None


def available() -> bool:
    return _pulsebridge is not None


def module() -> Any:
    """The extension module (raises RuntimeError when it is not built)."""
    if _pulsebridge is None:
        raise RuntimeError(UNAVAILABLE_REASON)
    return _pulsebridge


class NativeQueue:
    """``FrameQueue``'s interface over a C ``Ring``; depths are counted in ``item_bytes`` items like FrameQueue's.

    ``push`` (producer) and ``pop`` (consumer) are one C call each; ``reset``/``clear`` from another thread are
    carried out by the consumer at its next pop (the ring has exactly one reader).
    """

    def __init__(self, *, target: int, headroom: int, capacity: int, item_bytes: int, window: int = 50) -> None:
        self.item_bytes = item_bytes
        self.target = target
        self.ring: Any = module().Ring(
            capacity=capacity * item_bytes,
            target=target * item_bytes,
            headroom=headroom * item_bytes,
            step=item_bytes,
            pop_size=FRAME_BYTES,
            window=window,
        )

    def __len__(self) -> int:
        return len(self.ring) // self.item_bytes

    @property
    def floor(self) -> int:
        return int(self.ring.floor) // self.item_bytes

    def push(self, frame: bytes) -> None:
        self.ring.push(frame)

    def pop(self) -> bytes | None:
        return self.ring.pop()  # type: ignore[no-any-return]

    def clear(self, keep: int = 0) -> int:
        return int(self.ring.clear(keep * self.item_bytes)) // self.item_bytes

    def reset(self) -> None:
        self.ring.reset()

    def reset_stats(self) -> None:
        self.ring.reset_stats()

    @property
    def stats(self) -> StreamStats:
        raw = self.ring.stats()
        return StreamStats(
            frames=raw["frames"],
            underruns=raw["underruns"],
            overruns=raw["overruns"],
            drift_drops=raw["drift_drops"],
            burst_drops=raw["burst_drops"],
            max_depth=raw["max_depth"] // self.item_bytes,
            mean_depth_ms=raw["mean_depth"] / 32.0,  # bytes of 16 kHz mono int16 -> ms
        )
