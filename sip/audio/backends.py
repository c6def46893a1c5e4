"""Where devices come from and how streams reach them, per operating system, behind one small interface.

``DeviceBackend`` lists devices (``inventory()``), opens a half-duplex PortAudio stream on one of them
(``open_input`` / ``open_output``), and watches for hot-plug (``watch``).

Linux (``PulseBackend``): PortAudio only sees ALSA names (``pulse``, ``default``), never individual PulseAudio
devices, and does not notice new ones even after re-initialising. So devices are listed through libpulse
(``pulsectl``: sinks are outputs, sources are inputs, ids are PulseAudio's stable device names), hot-plug comes from
libpulse's subscription events on a thread of its own, and a stream is pinned to a device by setting
``PULSE_SINK`` / ``PULSE_SOURCE`` just before PortAudio opens the ALSA ``pulse`` pcm (libpulse reads them when the
plugin connects). PipeWire's ``pipewire-pulse`` serves the same API, so this covers current desktops too.

Windows and macOS (``PortAudioBackend``): PortAudio's own device list (WASAPI on Windows, Core Audio on macOS)
with ids ``"<host API>:<device name>"``. PortAudio reads that list once at initialisation, so the watcher polls and
re-initialises PortAudio only while no stream is open (re-initialising closes open streams); a device that appears
mid-call is picked up after the call. The native replacements are ``IMMNotificationClient`` (Windows) and
``AudioObjectAddPropertyListener(kAudioHardwarePropertyDevices)`` (macOS): they would plug in as another ``watch``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from sip.audio.model import (
    CHANNELS,
    FRAME_SAMPLES,
    SAMPLE_RATE,
    AudioDevice,
    AudioError,
    AudioErrorKind,
    DeviceInventory,
    Direction,
)

log = logging.getLogger(__name__)

#: ``callback(data, frames, time_info, status)`` as sounddevice calls it (on a PortAudio thread).
RawCallback = Callable[[Any, int, Any, Any], None]


class OsStream(Protocol):
    """The part of a ``sounddevice`` raw stream the engine uses."""

    @property
    def latency(self) -> float: ...

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...


class Watcher(Protocol):
    def stop(self) -> None: ...


class DeviceBackend(Protocol):
    """Devices and streams of one platform."""

    name: str

    def inventory(self) -> DeviceInventory:
        """All devices now; raises ``AudioError(NO_SOUND_SERVER)`` when there is no audio system to ask."""
        ...

    def open_input(
        self, device: AudioDevice | None, callback: RawCallback, latency: float, blocksize: int = FRAME_SAMPLES
    ) -> OsStream:
        """Open (not start) a 16 kHz mono int16 input stream of ``blocksize`` samples per callback (a 20 ms frame
        or half of one); None = the default device."""
        ...

    def open_output(
        self,
        device: AudioDevice | None,
        callback: RawCallback,
        latency: float,
        role: str = "phone",
        blocksize: int = FRAME_SAMPLES,
    ) -> OsStream:
        """Open (not start) an output stream like ``open_input``; ``role`` tags it for the sound server."""
        ...

    def watch(self, on_change: Callable[[], None]) -> Watcher:
        """Call ``on_change()`` (on a background thread) whenever devices appear, vanish or change."""
        ...


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # libportaudio missing
        raise AudioError(AudioErrorKind.NO_SOUND_SERVER, f"PortAudio unavailable: {exc}") from exc
    return sounddevice


# ------------------------------------------------------------------------------------------------ Linux
class PulseBackend:
    """PulseAudio (or PipeWire's pulse server) through libpulse for devices and ALSA's ``pulse`` pcm for streams."""

    name = "pulseaudio"

    #: PULSE_SINK/PULSE_SOURCE are process-wide: serialise the moment between setting them and opening the stream.
    _env_lock = threading.Lock()

    def __init__(self, server: str | None = None, client_name: str = "AgentDesk") -> None:
        self.server = server
        self.client_name = client_name
        self._native_context: Any = None  # sip.audio._pulsebridge.Context, made at the first native open
        self._native_lock = threading.Lock()

    # The native path (sip/audio/native.py): talk streams in C on libpulse, pinned to a device by name.
    def supports_native(self) -> bool:
        from sip.audio import native

        return native.available()

    def open_native(
        self,
        device: AudioDevice | None,
        direction: Direction,
        latency: float,
        ring: Any,
        cue: Any = None,
        rt_priority: int = 0,
    ) -> OsStream:
        """Open (corked; ``start()`` uncorks) a native talk stream moving audio between ``device`` (None: the
        default) and ``ring``; every stream shares one connection and one libpulse thread."""
        from sip.audio import native

        lib = native.module()
        with self._native_lock:
            context = self._native_context
            if context is None or not context.connected:
                try:
                    context = lib.Context(self.server, f"{self.client_name}-call", rt_priority)
                except (OSError, ConnectionError) as exc:
                    raise AudioError(AudioErrorKind.NO_SOUND_SERVER, str(exc)) from exc
                self._native_context = context
        try:
            stream: OsStream = context.open(
                direction is Direction.OUTPUT, device.id if device else None, latency, ring, cue, "phone"
            )
        except (OSError, ConnectionError) as exc:
            raise AudioError(AudioErrorKind.OPEN_FAILED, f"{direction.value} {device}: {exc}") from exc
        return stream

    @contextlib.contextmanager
    def _pulse(self, suffix: str) -> Iterator[Any]:
        import pulsectl

        try:
            pulse = pulsectl.Pulse(f"{self.client_name}-{suffix}", server=self.server, connect=True)
        except pulsectl.PulseError as exc:
            raise AudioError(AudioErrorKind.NO_SOUND_SERVER, str(exc)) from exc
        try:
            yield pulse
        finally:
            pulse.close()

    def available(self) -> bool:
        try:
            with self._pulse("probe") as pulse:
                pulse.server_info()
        except AudioError:
            return False
        return True

    def inventory(self) -> DeviceInventory:
        import pulsectl

        try:
            with self._pulse("devices") as pulse:
                info = pulse.server_info()
                sinks = pulse.sink_list()
                sources = pulse.source_list()
        except pulsectl.PulseError as exc:
            raise AudioError(AudioErrorKind.NO_SOUND_SERVER, str(exc)) from exc
        outputs = tuple(
            AudioDevice(s.name, s.description or s.name, Direction.OUTPUT, is_default=s.name == info.default_sink_name)
            for s in sinks
        )
        monitor_none = 0xFFFFFFFF  # PA_INVALID_INDEX: not a monitor
        inputs = tuple(
            AudioDevice(
                s.name,
                s.description or s.name,
                Direction.INPUT,
                is_default=s.name == info.default_source_name,
                is_monitor=s.monitor_of_sink not in (None, monitor_none),
            )
            for s in sources
        )
        return DeviceInventory(inputs, outputs)

    def _portaudio_pulse_device(self) -> Any:
        sd = _sounddevice()
        try:
            return sd.query_devices("pulse")
        except ValueError:
            pass
        # PortAudio was initialised before the sound server answered (it enumerates ALSA pcms once): look again.
        # Re-initialising closes open streams, so callers only get here while nothing is open.
        sd._terminate()
        sd._initialize()
        try:
            return sd.query_devices("pulse")
        except ValueError as exc:
            raise AudioError(
                AudioErrorKind.NO_SOUND_SERVER, "ALSA has no 'pulse' pcm (is libasound2-plugins installed?)"
            ) from exc

    @contextlib.contextmanager
    def _pinned(self, var: str, device: AudioDevice | None, role: str) -> Iterator[None]:
        with self._env_lock:
            saved = {k: os.environ.get(k) for k in (var, "PULSE_SERVER", "PULSE_PROP")}
            if device is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = device.id
            if self.server:
                os.environ["PULSE_SERVER"] = self.server
            os.environ["PULSE_PROP"] = f"media.role={role}"
            try:
                yield
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value

    def open_input(
        self, device: AudioDevice | None, callback: RawCallback, latency: float, blocksize: int = FRAME_SAMPLES
    ) -> OsStream:
        sd = _sounddevice()
        with self._pinned("PULSE_SOURCE", device, "phone"):
            self._portaudio_pulse_device()
            try:
                stream: OsStream = sd.RawInputStream(
                    samplerate=SAMPLE_RATE,
                    channels=CHANNELS,
                    dtype="int16",
                    blocksize=blocksize,
                    device="pulse",
                    latency=latency,
                    callback=callback,
                )
            except sd.PortAudioError as exc:
                raise AudioError(AudioErrorKind.OPEN_FAILED, f"input {device}: {exc}") from exc
        return stream

    def open_output(
        self,
        device: AudioDevice | None,
        callback: RawCallback,
        latency: float,
        role: str = "phone",
        blocksize: int = FRAME_SAMPLES,
    ) -> OsStream:
        sd = _sounddevice()
        with self._pinned("PULSE_SINK", device, role):
            self._portaudio_pulse_device()
            try:
                stream: OsStream = sd.RawOutputStream(
                    samplerate=SAMPLE_RATE,
                    channels=CHANNELS,
                    dtype="int16",
                    blocksize=blocksize,
                    device="pulse",
                    latency=latency,
                    callback=callback,
                )
            except sd.PortAudioError as exc:
                raise AudioError(AudioErrorKind.OPEN_FAILED, f"output {device}: {exc}") from exc
        return stream

    def watch(self, on_change: Callable[[], None]) -> Watcher:
        return PulseWatcher(self, on_change)


class PulseWatcher:
    """libpulse subscription events (sink/source new/remove/change, server change) on a daemon thread.

    The thread only waits for events and calls ``on_change`` (debounced: a USB headset brings a sink, a source
    and a card within milliseconds). It never touches pjsua2. When the sound server goes away it reconnects every
    second and reports a change once it is back.
    """

    DEBOUNCE = 0.15

    def __init__(self, backend: PulseBackend, on_change: Callable[[], None]) -> None:
        self._backend = backend
        self._on_change = on_change
        self._stop = threading.Event()
        self._pulse: Any = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="audio-hotplug", daemon=True)
        self._ready = threading.Event()
        self._changed = threading.Event()
        self._thread.start()
        self._ready.wait(5.0)

    def _run(self) -> None:
        import pulsectl

        first = True
        while not self._stop.is_set():
            try:
                pulse = pulsectl.Pulse(f"{self._backend.client_name}-hotplug", server=self._backend.server)
            except pulsectl.PulseError:
                self._ready.set()
                self._stop.wait(1.0)
                continue
            with self._lock:
                self._pulse = pulse
            changed = self._changed

            def on_event(_event: Any) -> None:
                # Runs inside event_listen on this thread: no pulse calls here (pulsectl forbids them).
                self._changed.set()
                raise pulsectl.PulseLoopStop

            try:
                pulse.event_mask_set("sink", "source", "server")
                pulse.event_callback_set(on_event)
                self._ready.set()
                if not first:
                    self._notify()  # back after a server restart: devices may differ
                first = False
                while not self._stop.is_set():
                    pulse.event_listen(timeout=1.0)
                    if changed.is_set() and not self._stop.is_set():
                        # Coalesce the burst, then report once.
                        end = time.monotonic() + self.DEBOUNCE
                        while time.monotonic() < end and not self._stop.is_set():
                            pulse.event_listen(timeout=max(0.0, end - time.monotonic()))
                        changed.clear()
                        self._notify()
            except pulsectl.PulseDisconnected:
                log.warning("sound server connection lost; watching again when it is back")
            except pulsectl.PulseError:
                log.exception("hot-plug watcher error")
            finally:
                with self._lock:
                    self._pulse = None
                pulse.close()
            self._stop.wait(1.0)

    def _notify(self) -> None:
        try:
            self._on_change()
        except Exception:
            log.exception("hot-plug handler failed")

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            if self._pulse is not None:
                self._pulse.event_listen_stop()
        self._thread.join(5.0)


# ------------------------------------------------------------------------------------------------ Windows, macOS
class PortAudioBackend:
    """PortAudio's own device list (Windows: WASAPI, macOS: Core Audio); see the module docstring."""

    name = "portaudio"
    PREFERRED_HOST_APIS = ("Windows WASAPI", "Core Audio", "ALSA")

    def _hostapi(self) -> tuple[int, str]:
        sd = _sounddevice()
        apis = list(sd.query_hostapis())
        for wanted in self.PREFERRED_HOST_APIS:
            for index, api in enumerate(apis):
                if api["name"] == wanted:
                    return index, str(api["name"])
        if not apis:
            raise AudioError(AudioErrorKind.NO_SOUND_SERVER, "PortAudio has no host API")
        return 0, str(apis[0]["name"])

    def inventory(self) -> DeviceInventory:
        sd = _sounddevice()
        index, api_name = self._hostapi()
        api = sd.query_hostapis(index)
        inputs: list[AudioDevice] = []
        outputs: list[AudioDevice] = []
        for dev_index in api["devices"]:
            dev = sd.query_devices(dev_index)
            name = str(dev["name"])
            if dev["max_input_channels"] > 0:
                inputs.append(
                    AudioDevice(
                        f"{api_name}:{name}", name, Direction.INPUT, is_default=dev_index == api["default_input_device"]
                    )
                )
            if dev["max_output_channels"] > 0:
                outputs.append(
                    AudioDevice(
                        f"{api_name}:{name}",
                        name,
                        Direction.OUTPUT,
                        is_default=dev_index == api["default_output_device"],
                    )
                )
        return DeviceInventory(tuple(inputs), tuple(outputs))

    def _device_index(self, device: AudioDevice | None, direction: Direction) -> int | None:
        if device is None:
            return None
        sd = _sounddevice()
        index, _ = self._hostapi()
        channels_key = "max_input_channels" if direction is Direction.INPUT else "max_output_channels"
        for dev_index in sd.query_hostapis(index)["devices"]:
            dev = sd.query_devices(dev_index)
            if device.id.endswith(":" + str(dev["name"])) and dev[channels_key] > 0:
                return int(dev_index)
        raise AudioError(AudioErrorKind.DEVICE_GONE, device.id)

    def _extra(self) -> Any:
        sd = _sounddevice()
        if sys.platform == "win32":
            # WASAPI shared mode runs at the mixer's rate; let it convert 16 kHz mono.
            return sd.WasapiSettings(auto_convert=True)
        return None

    def open_input(
        self, device: AudioDevice | None, callback: RawCallback, latency: float, blocksize: int = FRAME_SAMPLES
    ) -> OsStream:
        sd = _sounddevice()
        try:
            stream: OsStream = sd.RawInputStream(
                samplerate=SAMPLE_RATE,
                channels=CHANNELS,
                dtype="int16",
                blocksize=blocksize,
                device=self._device_index(device, Direction.INPUT),
                latency=latency,
                callback=callback,
                extra_settings=self._extra(),
            )
        except sd.PortAudioError as exc:
            raise AudioError(AudioErrorKind.OPEN_FAILED, f"input {device}: {exc}") from exc
        return stream

    def open_output(
        self,
        device: AudioDevice | None,
        callback: RawCallback,
        latency: float,
        role: str = "phone",  # noqa: ARG002 (only PulseAudio tags streams with a role)
        blocksize: int = FRAME_SAMPLES,
    ) -> OsStream:
        sd = _sounddevice()
        try:
            stream: OsStream = sd.RawOutputStream(
                samplerate=SAMPLE_RATE,
                channels=CHANNELS,
                dtype="int16",
                blocksize=blocksize,
                device=self._device_index(device, Direction.OUTPUT),
                latency=latency,
                callback=callback,
                extra_settings=self._extra(),
            )
        except sd.PortAudioError as exc:
            raise AudioError(AudioErrorKind.OPEN_FAILED, f"output {device}: {exc}") from exc
        return stream

    def watch(self, on_change: Callable[[], None]) -> Watcher:
        return PollingWatcher(self, on_change)


class PollingWatcher:
    """Re-reads PortAudio's device list every ``interval`` seconds while ``idle()`` allows re-initialising."""

    def __init__(self, backend: PortAudioBackend, on_change: Callable[[], None], interval: float = 2.0) -> None:
        self._backend = backend
        self._on_change = on_change
        self._interval = interval
        self.idle: Callable[[], bool] = lambda: False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audio-hotplug", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last: DeviceInventory | None = None
        while not self._stop.wait(self._interval):
            if not self.idle():
                continue
            try:
                sd = _sounddevice()
                sd._terminate()
                sd._initialize()
                now = self._backend.inventory()
            except (AudioError, OSError):
                log.exception("device poll failed")
                continue
            if last is not None and now != last:
                self._on_change()
            last = now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5.0)


def default_backend(pulse_server: str | None = None) -> DeviceBackend:
    """The backend for this platform."""
    backend: DeviceBackend = PulseBackend(pulse_server) if sys.platform.startswith("linux") else PortAudioBackend()
    return backend
