"""The operating-system half of the audio bridge: device choice, the two half-duplex streams, and the queues.

``AudioEngine`` knows nothing of pjsua2: pjmedia's side (``sip/audio/pjport.py``) only calls ``read_mic_frame()``
and ``write_speaker_frame()``, so a native pjproject build with real sound devices can replace the whole package
behind ``CallAudio`` without touching the call code.

Threads (none of them ever waits for another on the audio path):

- **pjmedia clock thread** (a pjlib thread, 50 Hz while a call is connected): ``read_mic_frame`` /
  ``write_speaker_frame`` — one or two ``deque`` pops / one push each.
- **PortAudio input / output threads** (one per stream, created by PortAudio's ALSA, WASAPI or Core Audio host
  API): ``_on_input`` / ``_on_output`` — one ``deque`` push/pop, a ``bytes`` copy and a few counters. They never
  touch pjsua2 objects, so they need no ``libRegisterThread``.
- **libpulse threads** (Linux: one ``threaded-ml`` per stream, inside ALSA's pulse plugin): never call Python.
- **audio-control thread** (ours): every open, close, device switch and hot-plug re-selection runs here, one
  at a time, so the GUI thread never waits for PortAudio (opening a PulseAudio stream can take 10–300 ms) and no
  lock is needed between control operations. Public control methods queue work and return a ``Future``.
- **audio-hotplug thread** (the backend's watcher): only queues a ``refresh`` on the control thread.

The first three kinds run at real-time priority where the OS allows it (``sip/audio/realtime.py``), and the GIL
switch interval is 1 ms while the talk streams are open: a loaded machine or a busy GUI thread otherwise delays
them by 100 ms and more (measured; see docs/audio.md).

``on_event`` is called on the control thread; ``app/`` marshals it to the GUI (queued signal).

Latency and floors (measured with ``bench/audio_bridge.py`` through PulseAudio, see ``docs/audio.md``): 10 ms
PortAudio blocks, a 20 ms output and input buffer asked of PortAudio, a speaker queue floor of one 20 ms frame and
a microphone queue of 10 ms blocks of which pjmedia takes the newest two; each floor rises by one step after an
underrun (``FrameQueue``); stale microphone audio is trimmed when a call is answered.
"""

from __future__ import annotations

import collections
import concurrent.futures
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from sip.audio import native, policy, sounds
from sip.audio.backends import DeviceBackend, OsStream, Watcher
from sip.audio.framequeue import FrameQueue
from sip.audio.model import (
    FRAME_BYTES,
    FRAME_MS,
    FRAME_SAMPLES,
    SILENCE,
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
from sip.audio.realtime import PRIORITY, ThreadPromoter

log = logging.getLogger(__name__)
T = TypeVar("T")

# Chosen with bench/audio_bridge.py on this 2-core machine under load (docs/audio.md, "Latency"): asking PortAudio
# for 20 ms of output buffer gives 25–28 ms of measured device delay through PulseAudio, 40 ms gave 52 ms; 10 ms
# is below what ALSA's pulse plugin can do (the delay went *up*, 29 ms, with xruns). The input's device delay
# (5–15 ms) does not change below 20 ms. These only hold with the audio threads at real-time priority
# (sip/audio/realtime.py): at normal priority a loaded machine starved 20 ms buffers into 100 ms+ silences.
OUTPUT_LATENCY = 0.02
INPUT_LATENCY = 0.02
#: When the output device underruns anyway (``XRUN_LIMIT`` device xruns on one stream after its warm-up: the
#: callback came too late, e.g. a GUI thread holding the GIL in a long C call on a loaded machine), the output
#: stream is reopened with ``XRUN_STEP`` more buffer, up to ``MAX_OUTPUT_LATENCY``. Each device xrun through ALSA's
#: pulse plugin costs a restart of the stream, measured at ~70 ms of silence and lost time; a 10-minute call with a
#: busy GUI thread at load average 15 had 1,616 of them at a fixed 20 ms. One reopen costs one short gap, once.
XRUN_LIMIT = 3
XRUN_STEP = 0.02
MAX_OUTPUT_LATENCY = 0.1
#: PortAudio's ALSA host API needs at least two periods of buffer: with one 20 ms frame per callback the device
#: latency cannot go below 40 ms; with two 10 ms blocks per frame it is 20 ms.
BLOCKS_PER_FRAME = 2
#: Queue floors (frames of 20 ms) the queues settle at; see FrameQueue.
SPEAKER_TARGET = 1
MIC_TARGET = 1
#: Output callbacks are ignored for xrun counting while a stream starts (PulseAudio primes its buffer).
WARMUP_S = 1.0
#: Python's GIL switch interval while the talk streams are open (s). Every audio callback needs the GIL; when
#: another thread (the GUI's) holds it, a waiting thread asks for it only after the switch interval (5 ms by
#: default), and with a busy GUI thread that wait came on top of every one of the 150 callbacks a second. Measured
#: at load average 10 with a busy GUI thread: 100–350 ms gaps at 5 ms, none longer than one frame at 1 ms. The
#: previous value is restored when the call audio closes.
GIL_SWITCH_INTERVAL = 0.001


class _Stream:
    """One open OS stream with the device it is on and when it started."""

    def __init__(self, stream: OsStream, device: AudioDevice | None) -> None:
        self.stream = stream
        self.device = device
        self.started = time.monotonic()

    def close(self) -> None:
        _close(self.stream)


class _Playback:
    """A sound played from memory on its own output stream (ringtone, test sound); the callback only slices."""

    def __init__(self, pcm: bytes, loop: bool) -> None:
        usable = len(pcm) - len(pcm) % FRAME_BYTES
        self.pcm = pcm[:usable] or SILENCE
        self.loop = loop
        self.pos = 0
        self.done = threading.Event()
        self.stream: OsStream | None = None
        self.device: AudioDevice | None = None

    def attach(self, stream: OsStream, device: AudioDevice | None) -> None:
        self.stream = stream
        self.device = device

    def callback(self, outdata: Any, _frames: int, _time_info: Any, _status: Any) -> None:
        if self.pos >= len(self.pcm):
            if not self.loop:
                outdata[:] = SILENCE
                self.done.set()
                return
            self.pos = 0
        outdata[:] = self.pcm[self.pos : self.pos + FRAME_BYTES]
        self.pos += FRAME_BYTES

    def close(self) -> None:
        if self.stream is not None:
            _close(self.stream)
            self.stream = None
        self.done.set()


class AudioEngine:
    """Devices, streams and queues of the talk path, plus the microphone level meter and in-call cues.

    Control methods are safe from any thread; they run on the engine's control thread and return Futures.
    """

    def __init__(
        self,
        backend: DeviceBackend,
        settings: AudioSettings | None = None,
        on_event: Callable[[AudioEvent], None] | None = None,
        *,
        output_latency: float = OUTPUT_LATENCY,
        input_latency: float = INPUT_LATENCY,
        speaker_target: int = SPEAKER_TARGET,
        mic_target: int = MIC_TARGET,
        blocks_per_frame: int = BLOCKS_PER_FRAME,
        realtime: bool = True,
        switch_interval: float | None = GIL_SWITCH_INTERVAL,
        native_path: bool | None = None,
    ) -> None:
        self.backend = backend
        self._settings = settings or AudioSettings()
        self._on_event = on_event
        self.output_latency = output_latency
        # Device xruns on the current output stream (after its warm-up); native path: the stream's own count when
        # its buffer last grew (the stream counts for the whole call's statistics).
        self._out_xruns = 0
        self._growing = False  # a reopen with more output buffer is queued
        self.input_latency = input_latency
        if blocks_per_frame not in (1, 2):
            raise ValueError("blocks_per_frame must be 1 or 2")
        self._blocks = blocks_per_frame
        self._block_bytes = FRAME_BYTES // blocks_per_frame
        self._pending_out: memoryview | None = None  # second half of a speaker frame
        #: Real-time priority for the audio threads (see ``sip/audio/realtime.py``); off for fake backends.
        self._rt = ThreadPromoter(realtime, defer=self._defer_realtime)
        self._switch_interval = switch_interval
        self._saved_switch_interval: float | None = None
        self._native = self._choose_path(backend, native_path)
        self._cue_ring: Any = None
        self._speaker_q: FrameQueue | native.NativeQueue
        self._mic_q: FrameQueue | native.NativeQueue
        if self._native:
            # The C rings (sip/audio/native.py): the speaker ring in 20 ms frames, the microphone ring in 10 ms
            # steps (PulseAudio delivers 10 ms fragments), pjmedia takes 20 ms per tick from either.
            half = FRAME_BYTES // 2
            self._speaker_q = native.NativeQueue(
                target=speaker_target, headroom=1, capacity=speaker_target + 6, item_bytes=FRAME_BYTES
            )
            self._mic_q = native.NativeQueue(
                target=mic_target * 2, headroom=2, capacity=(mic_target + 6) * 2, item_bytes=half
            )
            # Cues (the call-waiting tone) mixed in C into the talk output: up to 10 s queued.
            self._cue_ring = native.module().Ring(
                capacity=FRAME_BYTES * 500, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES
            )
        else:
            self._speaker_q = FrameQueue(target=speaker_target, capacity=speaker_target + 6)
            # The microphone queue holds PortAudio's blocks; pjmedia takes ``blocks_per_frame`` of them per tick.
            self._mic_q = FrameQueue(
                target=mic_target * blocks_per_frame,
                capacity=(mic_target + 6) * blocks_per_frame,
                headroom=blocks_per_frame,
                per_pop=blocks_per_frame,
            )
        self._inventory = DeviceInventory()
        self._selected: dict[Role, AudioDevice | None] = dict.fromkeys(Role)
        self._input: _Stream | None = None
        self._output: _Stream | None = None
        self._wanted_open = False  # a call wants the talk streams
        self._watcher: Watcher | None = None
        self._last_mic = SILENCE
        self._last_out_cb = 0.0
        self._last_in_cb = 0.0
        self._max_out_gap = 0.0
        self._max_in_gap = 0.0
        self._out_flags = 0
        self._in_flags = 0
        # Device-side latency as PortAudio reports it per callback (s): sum and count, for the benchmark.
        self._in_dev = [0.0, 0]
        self._out_dev = [0.0, 0]
        # Native path: statistics of talk streams already closed in this measurement (gap, xruns, delay sum, n).
        self._native_in: list[float] = [0.0, 0, 0.0, 0]
        self._native_out: list[float] = [0.0, 0, 0.0, 0]
        self._cue: collections.deque[bytes] = collections.deque()
        self._ring: _Playback | None = None
        self._meter: _Stream | None = None
        self._side_streams: set[_Stream | _Playback] = set()
        self._commands: queue.SimpleQueue[tuple[Callable[[], Any], concurrent.futures.Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._control = threading.Thread(target=self._control_loop, name="audio-control", daemon=True)
        self._control.start()
        self._closed = False

    @staticmethod
    def _choose_path(backend: DeviceBackend, wanted: bool | None) -> bool:
        """The native OS side when it is built and the backend supports it (None: automatic), else pure Python."""
        supports = getattr(backend, "supports_native", None)
        possible = bool(supports is not None and supports())
        if wanted and not possible:
            raise AudioError(
                AudioErrorKind.OPEN_FAILED,
                f"native audio path unavailable: {native.UNAVAILABLE_REASON or 'backend ' + backend.name}",
            )
        use = possible if wanted is None else wanted
        if use:
            log.info("audio bridge: native OS side (C on libpulse): no Python in the sound server's callbacks")
        else:
            why = native.UNAVAILABLE_REASON if not native.available() else f"backend {backend.name} has none"
            log.info("audio bridge: pure-Python OS side (PortAudio callbacks)%s", "" if wanted is False else f": {why}")
        return use

    @property
    def native_path(self) -> bool:
        """True when the talk streams run on the native (C) OS side."""
        return self._native

    # ------------------------------------------------------------------ control thread plumbing
    def _control_loop(self) -> None:
        while True:
            item = self._commands.get()
            if item is None:
                return
            fn, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

    def _submit(self, fn: Callable[[], T]) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        if self._closed:
            future.set_exception(RuntimeError("audio engine shut down"))
            return future
        self._commands.put((fn, future))
        return future

    def _emit(self, event: AudioEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("audio event handler failed")

    # ------------------------------------------------------------------ public control API
    def start(self) -> concurrent.futures.Future[DeviceInventory]:
        """List devices, choose them, and start watching for hot-plug."""
        return self._submit(self._do_start)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop watching, close every stream, stop the control thread (idempotent)."""
        if self._closed:
            return
        done = self._submit(self._do_shutdown)
        self._closed = True
        try:
            done.result(timeout)
        finally:
            self._commands.put(None)
            self._control.join(timeout)

    def refresh(self) -> concurrent.futures.Future[DeviceInventory]:
        """Re-list devices and re-apply the choice (the hot-plug watcher calls this)."""
        return self._submit(lambda: self._do_refresh(ChangeReason.PLUGGED))

    def set_settings(self, settings: AudioSettings) -> concurrent.futures.Future[None]:
        """New choice or priority list: re-applied at once, switching open streams without dropping the call."""
        for patterns in (settings.priority, settings.microphone_priority, settings.ringer_priority):
            policy.compile_patterns(patterns)  # raise BAD_PATTERN here, in the caller's thread

        def apply() -> None:
            self._settings = settings
            self._reselect(ChangeReason.SETTINGS)

        return self._submit(apply)

    def open_call_audio(self) -> concurrent.futures.Future[None]:
        """Open and start both talk streams (call this at *ringing*: a PulseAudio output can take a while to
        start). Idempotent."""

        def do() -> None:
            self._wanted_open = True
            self._open_streams()

        return self._submit(do)

    def trim_stale(self) -> concurrent.futures.Future[int]:
        """At answer: drop microphone audio queued while ringing (it would arrive late) and old speaker audio."""

        def do() -> int:
            self._speaker_q.reset()
            return self._mic_q.clear(keep=self._mic_q.target)

        return self._submit(do)

    def close_call_audio(self) -> concurrent.futures.Future[None]:
        """Close the talk streams (no call left): no audio threads run while idle."""

        def do() -> None:
            self._wanted_open = False
            self._close_streams()

        return self._submit(do)

    # ------------------------------------------------------------------ ringer, cues, test sounds
    def start_ringing(self, pcm: bytes | None = None) -> concurrent.futures.Future[None]:
        """Loop the ringtone on the ring device (by default the system's speaker, not the headset)."""

        def do() -> None:
            if self._ring is not None:
                return
            sound = pcm if pcm is not None else sounds.load("ring")
            self._ring = self._start_playback(Role.RINGER, _scale(sound, self._settings.ring_volume), loop=True)

        return self._submit(do)

    def stop_ringing(self) -> concurrent.futures.Future[None]:
        def do() -> None:
            ring, self._ring = self._ring, None
            if ring is not None:
                ring.close()

        return self._submit(do)

    @property
    def ringing(self) -> bool:
        return self._ring is not None

    def call_waiting_tone(self) -> None:
        """Mix the call-waiting signal into the headset (a second call arrived during a call)."""
        self.play_cue(sounds.load("call_waiting"))

    def play_sound(self, pcm: bytes, role: Role = Role.SPEAKER) -> concurrent.futures.Future[None]:
        """Play 16 kHz mono PCM once on the device of ``role``; the Future resolves when it has been heard."""
        finished: concurrent.futures.Future[None] = concurrent.futures.Future()

        def do() -> None:
            playback = self._start_playback(role, pcm, loop=False)
            if playback is None:
                finished.set_exception(AudioError(AudioErrorKind.NO_OUTPUT_DEVICE))
                return
            self._side_streams.add(playback)

            def wait() -> None:
                playback.done.wait(len(pcm) / 32000 + 5.0)
                self._submit(lambda: self._close_side(playback)).add_done_callback(lambda _f: finished.set_result(None))

            threading.Thread(target=wait, name="audio-playback-wait", daemon=True).start()

        self._submit(do).add_done_callback(lambda f: _forward_error(f, finished))
        return finished

    def record(self, seconds: float) -> concurrent.futures.Future[bytes]:
        """Record ``seconds`` from the microphone (the settings page's "record 3 s and play back")."""
        result: concurrent.futures.Future[bytes] = concurrent.futures.Future()
        wanted = int(seconds * 1000 / FRAME_MS)
        frames: list[bytes] = []
        done = threading.Event()

        def on_input(indata: Any, _frames: int, _time_info: Any, _status: Any) -> None:
            frame = bytes(indata)
            self._last_mic = frame
            if len(frames) < wanted:
                frames.append(frame)
            elif not done.is_set():
                done.set()

        def do() -> None:
            device = self._selected[Role.MICROPHONE]
            stream = self.backend.open_input(device, on_input, self.input_latency)
            stream.start()
            holder = _Stream(stream, device)
            self._side_streams.add(holder)

            def wait() -> None:
                done.wait(seconds + 10.0)
                self._submit(lambda: self._close_side(holder)).add_done_callback(
                    lambda _f: result.set_result(b"".join(frames))
                )

            threading.Thread(target=wait, name="audio-record-wait", daemon=True).start()

        self._submit(do).add_done_callback(lambda f: _forward_error(f, result))
        return result

    def monitor_microphone(self, on: bool) -> concurrent.futures.Future[None]:
        """Keep a microphone stream open for the level meter (the settings page) even without a call; it follows
        the microphone choice."""
        return self._submit(lambda: self._set_meter(on))

    def _meter_input(self, indata: Any, _frames: int, _time_info: Any, _status: Any) -> None:
        self._last_mic = bytes(indata)

    def _set_meter(self, on: bool) -> None:
        if self._meter is not None:
            meter, self._meter = self._meter, None
            meter.close()
            self._last_mic = SILENCE
        if not on:
            return
        device = self._selected[Role.MICROPHONE]
        try:
            stream = self.backend.open_input(device, self._meter_input, self.input_latency)
            stream.start()
        except AudioError as exc:
            self._emit(AudioProblem(exc, Role.MICROPHONE))
            return
        self._meter = _Stream(stream, device)

    def _start_playback(self, role: Role, pcm: bytes, loop: bool) -> _Playback | None:
        device = self._selected[role]
        playback = _Playback(pcm, loop)
        try:
            stream = self.backend.open_output(device, playback.callback, self.output_latency, role="event")
        except AudioError as exc:
            self._emit(AudioProblem(exc, role))
            if device is None:
                return None
            device = None
            try:
                stream = self.backend.open_output(None, playback.callback, self.output_latency, role="event")
            except AudioError as exc2:
                self._emit(AudioProblem(exc2, role))
                return None
        playback.attach(stream, device)
        stream.start()
        return playback

    def _close_side(self, holder: _Stream | _Playback) -> None:
        self._side_streams.discard(holder)
        holder.close()

    # ------------------------------------------------------------------ state (any thread)
    @property
    def settings(self) -> AudioSettings:
        return self._settings

    @property
    def inventory(self) -> DeviceInventory:
        return self._inventory

    def selected(self, role: Role) -> AudioDevice | None:
        return self._selected[role]

    def active_device(self, role: Role) -> AudioDevice | None:
        """The device a talk stream is open on right now (None when closed or on the system default)."""
        stream = self._input if role is Role.MICROPHONE else self._output if role is Role.SPEAKER else None
        return stream.device if stream is not None else None

    @property
    def streams_open(self) -> bool:
        return self._input is not None and self._output is not None

    def headset_present(self) -> bool:
        return policy.headset_present(self._inventory, self._settings)

    def auto_answer_allowed(self) -> bool:
        """The auto-answer guard: False while the configured headset is absent (see ``policy``)."""
        return policy.auto_answer_allowed(self._inventory, self._settings)

    def mic_level(self) -> float:
        """Peak level of the latest microphone frame, 0.0–1.0 (poll it from the GUI, e.g. every 50 ms)."""
        if self._native and self._input is not None and self._meter is None:
            return min(1.0, int(getattr(self._input.stream, "peak", 0)) / 32767)
        # Computed here, on the caller's (GUI) thread, from the latest frame: nothing extra on the audio threads.
        peak = int(np.max(np.abs(np.frombuffer(self._last_mic, dtype=np.int16).astype(np.int32))))
        return min(1.0, peak / 32767)

    def stats(self) -> BridgeStats:
        stats = BridgeStats(capture=self._mic_q.stats, playback=self._speaker_q.stats)
        stats.capture.os_flags = self._in_flags
        stats.playback.os_flags = self._out_flags
        stats.max_output_gap = self._max_out_gap
        stats.max_input_gap = self._max_in_gap
        stats.output_latency = self._output.stream.latency if self._output else 0.0
        stats.input_latency = self._input.stream.latency if self._input else 0.0
        in_sum, in_n = self._in_dev
        out_sum, out_n = self._out_dev
        stats.input_device_delay = in_sum / in_n if in_n else 0.0
        stats.output_device_delay = out_sum / out_n if out_n else 0.0
        stats.realtime_threads = dict(self._rt.promoted)
        stats.capture.cushion_ms = (self._mic_q.floor - self._blocks) * FRAME_MS / self._blocks
        stats.playback.cushion_ms = (self._speaker_q.floor - 1) * FRAME_MS
        stats.blocks_per_frame = self._blocks
        if self._native:
            stats.path = "native"
            stats.blocks_per_frame = 2  # PulseAudio fragments of 10 ms
            stats.capture.cushion_ms = (self._mic_q.floor - 2) * FRAME_MS / 2
            stats.max_input_gap, stats.capture.os_flags, stats.input_device_delay = self._native_stats(
                self._input, self._native_in
            )
            stats.max_output_gap, stats.playback.os_flags, stats.output_device_delay = self._native_stats(
                self._output, self._native_out
            )
        return stats

    @staticmethod
    def _native_stats(stream: _Stream | None, earlier: list[float]) -> tuple[float, int, float]:
        """(longest callback gap, device xruns, mean device delay) of a native stream plus its closed
        predecessors in this measurement (``earlier``: gap, xruns, delay sum, delay count)."""
        gap, xruns, delay_sum, delay_n = earlier
        if stream is not None:
            raw = stream.stream.stats()  # type: ignore[attr-defined]
            gap = max(gap, raw["max_gap"])
            xruns += raw["xruns"]
            delay_sum += raw["delay_sum"]
            delay_n += raw["delay_n"]
        return gap, int(xruns), delay_sum / delay_n if delay_n else 0.0

    def queue_depths(self) -> tuple[float, float]:
        """(microphone, speaker) 20 ms frames queued right now (the microphone's in halves with 10 ms blocks)."""
        return len(self._mic_q) / self._blocks, float(len(self._speaker_q))

    def reset_stats(self) -> None:
        """Zero the counters (e.g. after call set-up, to measure only the call)."""
        self._mic_q.reset_stats()
        self._speaker_q.reset_stats()
        self._native_in = [0.0, 0, 0.0, 0]
        self._native_out = [0.0, 0, 0.0, 0]
        for stream in (self._input, self._output):
            if self._native and stream is not None:
                stream.stream.reset_stats()  # type: ignore[attr-defined]
        self._max_out_gap = self._max_in_gap = 0.0
        self._out_flags = self._in_flags = 0
        self._in_dev = [0.0, 0]
        self._out_dev = [0.0, 0]

    # ------------------------------------------------------------------ data path: pjmedia clock thread
    def read_mic_frame(self) -> bytes:
        """One 20 ms frame for the call (silence when the microphone has nothing yet)."""
        frame = self._mic_q.pop()
        return SILENCE if frame is None else frame

    def write_speaker_frame(self, frame: bytes) -> None:
        """One 20 ms frame from the call, to be played."""
        output = self._output
        if output is not None and len(frame) == FRAME_BYTES:
            self._speaker_q.push(frame)
            if (
                self._native
                and output.stream.xruns - self._out_xruns >= XRUN_LIMIT  # type: ignore[attr-defined]
                and not self._growing
                and not self._closed
            ):
                self._growing = True
                self._submit(self._grow_output_buffer)

    def adopt_audio_thread(self, role: str) -> None:
        """Called first thing by every audio callback (ours and pjmedia's clock thread through the port): the
        first call on a new thread raises it to real-time priority; later calls cost a set lookup."""
        self._rt.adopt(role)

    def play_cue(self, pcm: bytes) -> None:
        """Mix a short cue (16 kHz mono int16, e.g. the call-waiting tone) into the talk output."""
        if self._cue_ring is not None:
            self._cue_ring.push(pcm[: len(pcm) - len(pcm) % FRAME_BYTES])
            return
        for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES):
            self._cue.append(pcm[i : i + FRAME_BYTES])

    # ------------------------------------------------------------------ data path: PortAudio threads
    # Per callback: one ``bytes`` copy of the block in (the queue keeps immutable frames, so the consumer never
    # sees a buffer being rewritten), one slice assignment out, a few float operations for the statistics. The
    # silence frame and the block size are preallocated; no lock, no logging, no numpy unless a cue is mixed.
    def _on_input(self, indata: Any, _frames: int, time_info: Any, status: Any) -> None:
        self._rt.adopt("portaudio-input")
        now = time.monotonic()
        last, self._last_in_cb = self._last_in_cb, now
        stream = self._input
        if stream is not None and now - stream.started > WARMUP_S:
            if last and now - last > self._max_in_gap:
                self._max_in_gap = now - last
            if status:
                self._in_flags += 1
            if time_info is not None:
                dev = self._in_dev
                dev[0] += time_info.currentTime - time_info.inputBufferAdcTime
                dev[1] += 1
        block = bytes(indata)
        self._last_mic = block
        self._mic_q.push(block)

    def _on_output(self, outdata: Any, _frames: int, time_info: Any, status: Any) -> None:
        self._rt.adopt("portaudio-output")
        now = time.monotonic()
        last, self._last_out_cb = self._last_out_cb, now
        stream = self._output
        if stream is not None and now - stream.started > WARMUP_S:
            if last and now - last > self._max_out_gap:
                self._max_out_gap = now - last
            if status:
                self._out_flags += 1
                self._out_xruns += 1
                if self._out_xruns >= XRUN_LIMIT and not self._growing and not self._closed:
                    self._growing = True
                    self._submit(self._grow_output_buffer)
            if time_info is not None:
                dev = self._out_dev
                dev[0] += time_info.outputBufferDacTime - time_info.currentTime
                dev[1] += 1
        if self._pending_out is not None:
            outdata[:] = self._pending_out
            self._pending_out = None
            return
        frame = self._speaker_q.pop()
        if self._cue:
            frame = _mix(frame or SILENCE, self._cue.popleft())
        if frame is None:
            frame = SILENCE
        if self._blocks == 2:
            view = memoryview(frame)
            outdata[:] = view[: self._block_bytes]
            self._pending_out = view[self._block_bytes :]
        else:
            outdata[:] = frame

    def _grow_output_buffer(self) -> None:
        """Control thread: give the talk output ``XRUN_STEP`` more buffer (see ``XRUN_LIMIT``). The native stream
        grows in place (``pa_stream_set_buffer_attr``: no gap); PortAudio's is reopened (one short gap, once)."""
        grown_in_place = False
        try:
            output = self._output
            if output is None or self.output_latency >= MAX_OUTPUT_LATENCY:
                return
            self.output_latency = min(MAX_OUTPUT_LATENCY, round(self.output_latency + XRUN_STEP, 3))
            if self._native:
                xruns = int(output.stream.xruns)  # type: ignore[attr-defined]
                log.warning(
                    "output device underran %d times: %.0f ms of buffer",
                    xruns - self._out_xruns,
                    self.output_latency * 1000,
                )
                try:
                    output.stream.set_latency(self.output_latency)  # type: ignore[attr-defined]
                except OSError:
                    log.info("the output stream's buffer could not grow in place: reopening it", exc_info=True)
                else:
                    self._out_xruns = xruns
                    grown_in_place = True
                    return
            else:
                log.warning(
                    "output device underran %d times: reopening with %.0f ms of buffer",
                    self._out_xruns,
                    self.output_latency * 1000,
                )
            self._output = None
            self._retire(output, self._native_out)
            self._output = self._open_one(Role.SPEAKER)
            self._rt.promote_helpers()
        finally:
            if not grown_in_place:
                self._out_xruns = 0
            self._growing = False

    def _defer_realtime(self, native_thread_id: int, role: str) -> None:
        """From an audio callback whose thread could not promote itself: RealtimeKit, on the control thread."""
        if not self._closed:
            self._submit(lambda: self._rt.deferred(native_thread_id, role))

    # ------------------------------------------------------------------ control thread internals
    def _do_start(self) -> DeviceInventory:
        # Watch first: when the sound server is not there yet, the watcher reports it once it answers.
        if self._watcher is None:
            self._watcher = self.backend.watch(self._on_hotplug)
        try:
            self._inventory = self.backend.inventory()
        except AudioError as exc:
            self._emit(AudioProblem(exc))
            raise
        self._emit(DevicesChanged(self._inventory))
        self._reselect(ChangeReason.STARTUP)
        return self._inventory

    def _on_hotplug(self) -> None:
        """On the watcher's thread: only queue the work."""
        if not self._closed:
            self._submit(lambda: self._do_refresh(ChangeReason.PLUGGED))

    def _do_shutdown(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        self._wanted_open = False
        self._close_streams()
        if self._ring is not None:
            self._ring.close()
            self._ring = None
        if self._meter is not None:
            self._meter.close()
            self._meter = None
        for holder in list(self._side_streams):
            self._close_side(holder)

    def _do_refresh(self, reason: ChangeReason) -> DeviceInventory:
        try:
            inventory = self.backend.inventory()
        except AudioError as exc:
            self._emit(AudioProblem(exc))
            return self._inventory
        if inventory != self._inventory:
            self._inventory = inventory
            self._emit(DevicesChanged(inventory))
        self._reselect(reason)
        return inventory

    def _reselect(self, reason: ChangeReason) -> None:
        """Apply the policy to the current inventory; switch open streams whose device changed."""
        for role in Role:
            old = self._selected[role]
            new = policy.choose(self._inventory, self._settings, role)
            gone = old is not None and self._inventory.find(old.id, role.direction) is None
            if new == old:
                continue
            why = ChangeReason.FALLBACK if gone else reason
            if gone and old is not None:
                self._emit(AudioProblem(AudioError(AudioErrorKind.DEVICE_GONE, old.id), role))
            if new is None:
                kind = AudioErrorKind.NO_INPUT_DEVICE if role is Role.MICROPHONE else AudioErrorKind.NO_OUTPUT_DEVICE
                self._emit(AudioProblem(AudioError(kind), role))
            self._selected[role] = new
            log.info("%s: %s -> %s (%s)", role.value, old and old.id, new and new.id, why.value)
            self._emit(ActiveDeviceChanged(role, new, why))
            if self._wanted_open and role is not Role.RINGER:
                self._switch(role)
            if role is Role.MICROPHONE and self._meter is not None:
                self._set_meter(True)

    def _open_one(self, role: Role) -> _Stream | None:
        device = self._selected[role]
        try:
            stream = self._open_talk(role, device)
            wrapped = _Stream(stream, device)
            stream.start()
        except AudioError as exc:
            self._emit(AudioProblem(exc, role))
            if device is None:
                return None
            # The chosen device refused: the call goes on on the system default.
            try:
                stream = self._open_talk(role, None)
                wrapped = _Stream(stream, None)
                stream.start()
            except AudioError as exc2:
                self._emit(AudioProblem(exc2, role))
                return None
        return wrapped

    def _retire(self, wrapped: _Stream, totals: list[float]) -> None:
        """Close a talk stream, keeping its native statistics for ``stats()``."""
        if self._native:
            try:
                raw = wrapped.stream.stats()  # type: ignore[attr-defined]
            except Exception:
                log.debug("stats of a closing stream", exc_info=True)
            else:
                totals[0] = max(totals[0], raw["max_gap"])
                totals[1] += raw["xruns"]
                totals[2] += raw["delay_sum"]
                totals[3] += raw["delay_n"]
        _close(wrapped.stream)

    def _open_talk(self, role: Role, device: AudioDevice | None) -> OsStream:
        if self._native:
            open_native = self.backend.open_native  # type: ignore[attr-defined]
            rt = PRIORITY if self._rt.enabled else 0
            if role is Role.MICROPHONE:
                stream: OsStream = open_native(
                    device, Direction.INPUT, self.input_latency, _ring(self._mic_q), rt_priority=rt
                )
            else:
                self._out_xruns = 0
                stream = open_native(
                    device,
                    Direction.OUTPUT,
                    self.output_latency,
                    _ring(self._speaker_q),
                    self._cue_ring,
                    rt_priority=rt,
                )
            return stream
        block = FRAME_SAMPLES // self._blocks
        if role is Role.MICROPHONE:
            return self.backend.open_input(device, self._on_input, self.input_latency, blocksize=block)
        self._pending_out = None
        self._out_xruns = 0
        return self.backend.open_output(device, self._on_output, self.output_latency, blocksize=block)

    def _open_streams(self) -> None:
        if self._switch_interval is not None and self._saved_switch_interval is None:
            self._saved_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._saved_switch_interval, self._switch_interval))
        if self._output is None:
            self._speaker_q.reset()
            self._output = self._open_one(Role.SPEAKER)
        if self._input is None:
            self._mic_q.reset()
            self._input = self._open_one(Role.MICROPHONE)
        self._rt.promote_helpers()

    def _close_streams(self) -> None:
        for attr, totals in (("_input", self._native_in), ("_output", self._native_out)):
            wrapped: _Stream | None = getattr(self, attr)
            setattr(self, attr, None)
            if wrapped is not None:
                self._retire(wrapped, totals)
        self._speaker_q.reset()
        self._mic_q.reset()
        self._cue.clear()
        if self._cue_ring is not None:
            self._cue_ring.reset()
        if self._saved_switch_interval is not None:
            sys.setswitchinterval(self._saved_switch_interval)
            self._saved_switch_interval = None

    def _switch(self, role: Role) -> None:
        """Move one talk stream to the newly selected device; the call and the other direction carry on."""
        attr = "_input" if role is Role.MICROPHONE else "_output"
        old: _Stream | None = getattr(self, attr)
        if old is not None and old.device == self._selected[role]:
            return
        # Close first: two output streams popping the same queue would split the audio between devices.
        setattr(self, attr, None)
        if old is not None:
            self._retire(old, self._native_in if role is Role.MICROPHONE else self._native_out)
        setattr(self, attr, self._open_one(role))
        self._rt.promote_helpers()


def _ring(queue: FrameQueue | native.NativeQueue) -> Any:
    """The C ring behind a native queue."""
    if not isinstance(queue, native.NativeQueue):
        raise TypeError("the native path needs native queues")
    return queue.ring


def _close(stream: OsStream) -> None:
    try:
        stream.abort()  # drop what is buffered: faster than stop() and nothing of value is lost
    except Exception:
        log.debug("abort failed", exc_info=True)
    try:
        stream.close()
    except Exception:
        log.debug("close failed", exc_info=True)


def _mix(a: bytes, b: bytes) -> bytes:
    """Add two int16 frames with saturation (only while a cue plays; ~5 µs with numpy)."""
    mixed = np.frombuffer(a, dtype=np.int16).astype(np.int32) + np.frombuffer(b, dtype=np.int16)
    return bytes(np.clip(mixed, -32768, 32767).astype(np.int16).tobytes())


def _scale(pcm: bytes, volume: float) -> bytes:
    """Scale int16 PCM by ``volume`` (0.0–1.0), done once before a sound starts."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) * max(0.0, min(1.0, volume))
    return bytes(samples.astype(np.int16).tobytes())


def _forward_error(step: concurrent.futures.Future[None], outcome: concurrent.futures.Future[Any]) -> None:
    """When the control-thread step of a longer operation failed, fail the operation's Future too."""
    error = step.exception()
    if error is not None and not outcome.done():
        outcome.set_exception(error)
