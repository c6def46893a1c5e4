"""The pjsua2 half of the bridge: one long-lived ``AudioMediaPort`` between pjmedia's conference bridge and the
``AudioEngine``; and ``BridgedCallAudio``, the small interface the call code talks to.

pjsua2 runs on the null sound device (the installable ``pjsua2-python`` wheel has none), so its media clock thread
pulls and pushes 20 ms frames of 16 kHz mono through this port:

- ``onFrameRequested`` (what the call sends): a frame from the microphone queue, or silence;
- ``onFrameReceived`` (what the call receives): into the speaker queue.

Both run on pjmedia's ``clock`` thread (a pjlib thread; Python may be called there without registration), take
well under a millisecond, never block, and catch every exception without keeping its traceback (a traceback would
keep the SWIG ``MediaFrame`` alive past ``libDestroy()`` and abort the process at exit).

The port is created **once** per endpoint: deleting it while the media clock runs crashes pjmedia, and creating
one per call exhausts conference slots. ``destroy()`` follows the only order that survived 600/600 runs:
``setNoDev()`` → drop the port → ``setNullDev()``, before the endpoint's ``libDestroy()``.

Threads: ``connect``/``disconnect``/``destroy`` and every ``BridgedCallAudio`` method run on the thread that owns
pjsua2 (the call code's); the engine's control operations they trigger are queued to its own thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import traceback
from typing import Any, Protocol

import pjsua2 as pj

from sip.audio.engine import AudioEngine
from sip.audio.model import CHANNELS, FRAME_BYTES, FRAME_MS, SAMPLE_RATE

log = logging.getLogger(__name__)


class CallAudio(Protocol):
    """What the call code needs from any audio implementation (this bridge, or a native build's sound device).

    ``media`` is the call's ``pj.AudioMedia`` (from ``call.getAudioMedia(-1)`` in ``onCallMediaState``); it never
    leaves ``sip/``.
    """

    def incoming_ringing(self) -> None: ...

    def outgoing_started(self) -> None: ...

    def answered(self) -> None: ...

    def media_active(self, media: Any) -> None: ...

    def media_inactive(self, media: Any) -> None: ...

    def call_waiting(self) -> None: ...

    def call_ended(self, calls_left: int, ringing_left: int) -> None: ...

    def auto_answer_allowed(self) -> bool: ...

    def shutdown(self) -> None: ...


_PTR = ctypes.sizeof(ctypes.c_void_p)


def _vector_bytes_fast(vector: Any) -> bytes:
    """The bytes of a SWIG ``std::vector<unsigned char>`` without walking it element by element.

    ``bytes(frame.buf)`` goes through SWIG's iterator one byte at a time: 0.6–1.6 ms per 640-byte frame, measured
    here, i.e. 3–8 % of a core at 50 frames/s. Every mainstream C++ library (libstdc++, libc++, MSVC) lays a vector
    out as three pointers, begin first and end second; ``vector.this`` is the vector's address. This reads the
    frame in ~1 µs. ``_BridgePort`` checks it against the slow path on the first frame and falls back for good
    if they ever differ.
    """
    address = int(vector.this)
    begin = ctypes.c_void_p.from_address(address).value
    end = ctypes.c_void_p.from_address(address + _PTR).value
    if not begin or not end or not 0 <= end - begin <= 65536:
        raise ValueError("unexpected std::vector layout")
    return ctypes.string_at(begin, end - begin)


def _vector_data(vector: Any) -> int:
    """The address of a SWIG ``std::vector<unsigned char>``'s first element (same layout rule as above)."""
    address = int(vector.this)
    begin = ctypes.c_void_p.from_address(address).value
    if not begin:
        raise ValueError("unexpected std::vector layout")
    return int(begin)


class _BridgePort(pj.AudioMediaPort):  # type: ignore[misc]  # SWIG class, untyped
    """The pjmedia side. Only the two callbacks run on the clock thread.

    Outgoing frames are copied into one preallocated ``ByteVector`` (``ctypes.memmove``, about 1 µs) that is then
    assigned to the frame (a C++ vector copy): building a new ``pj.ByteVector(bytes)`` per frame converts the 640
    bytes one Python int at a time, 70 µs a frame measured here.
    """

    def __init__(self, engine: AudioEngine) -> None:
        super().__init__()
        self._engine = engine
        self.errors = 0
        self._fast_copy: bool | None = None  # None: not verified yet
        self._out_vector = pj.ByteVector(bytes(FRAME_BYTES))
        self._out_address: int | None = None  # None: direct write not verified (or not possible)
        try:
            address = _vector_data(self._out_vector)
            ctypes.memmove(address, bytes(range(256)) * 2 + bytes(FRAME_BYTES - 512), FRAME_BYTES)
            if bytes(self._out_vector) == bytes(range(256)) * 2 + bytes(FRAME_BYTES - 512):
                self._out_address = address
        except (ValueError, OSError):
            pass
        log.info("audio port: %s outgoing frames", "direct" if self._out_address else "element-wise")

    def onFrameRequested(self, frame: Any) -> None:  # noqa: N802  (pjsua2 API)
        try:
            self._engine.adopt_audio_thread("pjmedia-clock")
            frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
            data = self._engine.read_mic_frame()
            if self._out_address is not None:
                ctypes.memmove(self._out_address, data, FRAME_BYTES)
                frame.buf = self._out_vector
            else:
                frame.buf = pj.ByteVector(data)
            frame.size = FRAME_BYTES
        except Exception:
            self._failed()

    def onFrameReceived(self, frame: Any) -> None:  # noqa: N802  (pjsua2 API)
        try:
            if frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO and frame.size == FRAME_BYTES:
                self._engine.write_speaker_frame(self._frame_bytes(frame.buf))
        except Exception:
            self._failed()

    def _frame_bytes(self, vector: Any) -> bytes:
        if self._fast_copy:
            return _vector_bytes_fast(vector)
        slow = bytes(vector)
        if self._fast_copy is None:
            try:
                self._fast_copy = _vector_bytes_fast(vector) == slow
            except (ValueError, OSError):
                self._fast_copy = False
            log.info("audio port: %s frame copy", "fast" if self._fast_copy else "element-wise")
        return slow

    def _failed(self) -> None:
        self.errors += 1
        if self.errors <= 5:
            # A string, not exc_info: a kept traceback would hold the MediaFrame past libDestroy().
            log.error("audio port callback failed:\n%s", traceback.format_exc())


class PjAudioBridge:
    """Owns the endpoint's single bridge port. Create it after ``libStart()``; ``destroy()`` before ``libDestroy()``."""

    def __init__(self, engine: AudioEngine, name: str = "agentdesk-bridge") -> None:
        self.engine = engine
        fmt = pj.MediaFormatAudio()
        fmt.type = pj.PJMEDIA_TYPE_AUDIO
        fmt.clockRate = SAMPLE_RATE
        fmt.channelCount = CHANNELS
        fmt.bitsPerSample = 16
        fmt.frameTimeUsec = FRAME_MS * 1000
        self._port: _BridgePort | None = _BridgePort(engine)
        self._port.createPort(name, fmt)
        self._connected: list[Any] = []

    @property
    def callback_errors(self) -> int:
        return self._port.errors if self._port is not None else 0

    def connect(self, media: Any) -> None:
        """Wire a call's audio both ways (redo in every ``onCallMediaState``: hold/unhold re-creates its port)."""
        if self._port is None:
            return
        media.startTransmit(self._port)
        self._port.startTransmit(media)
        self._connected.append(media)

    def disconnect(self, media: Any) -> None:
        if self._port is None:
            return
        for m in list(self._connected):
            if m is media:
                self._connected.remove(m)
        try:
            media.stopTransmit(self._port)
            self._port.stopTransmit(media)
        except pj.Error as exc:  # the call's port is already gone
            log.debug("disconnect: %s", exc.info())

    def destroy(self) -> None:
        """Drop the port safely (idempotent). Must run before ``libDestroy()``."""
        if self._port is None:
            return
        self._connected.clear()
        adm = pj.Endpoint.instance().audDevManager()
        adm.setNoDev()  # stop the media clock so no callback runs while the port goes away
        self._port = None
        adm.setNullDev()


class BridgedCallAudio:
    """``CallAudio`` over the bridge: the ringer on the ring device, the talk path through the engine.

    The port is created on first use, on the SIP thread (after ``libStart()``), unless one is given.
    """

    def __init__(self, engine: AudioEngine, bridge: PjAudioBridge | None = None) -> None:
        self.engine = engine
        self._bridge = bridge

    @property
    def bridge(self) -> PjAudioBridge:
        if self._bridge is None:
            self._bridge = PjAudioBridge(self.engine)
        return self._bridge

    def incoming_ringing(self) -> None:
        self.engine.start_ringing()
        self.engine.open_call_audio()  # early: a PulseAudio output can take a while to start

    def outgoing_started(self) -> None:
        self.engine.open_call_audio()

    def answered(self) -> None:
        self.engine.stop_ringing()
        self.engine.trim_stale()

    def media_active(self, media: Any) -> None:
        self.engine.open_call_audio()  # idempotent; covers calls whose media comes up without a ringing phase
        self.bridge.connect(media)

    def media_inactive(self, media: Any) -> None:
        if self._bridge is not None:
            self._bridge.disconnect(media)

    def call_waiting(self) -> None:
        self.engine.call_waiting_tone()

    def call_ended(self, calls_left: int, ringing_left: int) -> None:
        if ringing_left == 0:
            self.engine.stop_ringing()
        if calls_left == 0:
            self.engine.close_call_audio()

    def auto_answer_allowed(self) -> bool:
        return self.engine.auto_answer_allowed()

    def shutdown(self) -> None:
        """Before ``libDestroy()``: close the talk streams and drop the port. The engine itself belongs to whoever
        built it (the composition root), which shuts it down after the SIP side."""
        self.engine.stop_ringing()
        with contextlib.suppress(RuntimeError):  # the engine was shut down first
            self.engine.close_call_audio().result(10)
        if self._bridge is not None:
            self._bridge.destroy()
