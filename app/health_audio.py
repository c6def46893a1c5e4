"""The softphone's audio device layer (``sip/audio``) as the health check's :class:`vpn_check.audio.AudioProbe`:
the gate lists, records and plays through the same backend (PulseAudio on Linux, WASAPI / Core Audio through
PortAudio on Windows and macOS) and sees the same device names the softphone will use.

Blocking (seconds): call from a worker thread, never the GUI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sip.audio.backends import DeviceBackend
from sip.audio.model import SAMPLE_RATE, AudioError, Direction
from sip.audio.model import AudioDevice as SipAudioDevice
from vpn_check.audio import AudioDevice, AudioUnavailableError, tone

if TYPE_CHECKING:
    from vpn_check.audio import Samples


class DeviceBackendProbe:
    """An :class:`AudioProbe` over a ``sip.audio`` :class:`DeviceBackend`."""

    LATENCY = 0.1

    def __init__(self, backend: DeviceBackend) -> None:
        self.backend = backend

    def _device(self, device_id: str | None, direction: Direction) -> SipAudioDevice | None:
        if device_id is None:
            return None
        try:
            found = self.backend.inventory().find(device_id, direction)
        except AudioError as exc:
            raise AudioUnavailableError(str(exc)) from exc
        if found is None:
            raise AudioUnavailableError(f"{direction.value} device {device_id!r} is gone")
        return found

    def devices(self) -> Sequence[AudioDevice]:
        try:
            inventory = self.backend.inventory()
        except AudioError as exc:
            raise AudioUnavailableError(str(exc)) from exc
        return [
            AudioDevice(d.id, d.label, is_input=True, is_output=False, is_monitor=d.is_monitor)
            for d in inventory.inputs
        ] + [AudioDevice(d.id, d.label, is_input=False, is_output=True) for d in inventory.outputs]

    def record(self, device: str | None, seconds: float) -> tuple[Samples, int]:
        wanted = int(seconds * SAMPLE_RATE) * 2  # int16 mono
        chunks: list[bytes] = []
        got = 0
        done = threading.Event()

        def on_input(data: Any, _frames: int, _time_info: Any, _status: Any) -> None:
            nonlocal got
            if got < wanted:
                chunk = bytes(data)
                chunks.append(chunk)
                got += len(chunk)
            if got >= wanted:
                done.set()

        try:
            stream = self.backend.open_input(self._device(device, Direction.INPUT), on_input, self.LATENCY)
        except AudioError as exc:
            raise AudioUnavailableError(str(exc)) from exc
        try:
            stream.start()
            # The stream may take a moment to deliver its first frames (FIELD_NOTES): allow some slack.
            done.wait(seconds + 3.0)
            stream.stop()
        finally:
            stream.close()
        import numpy as np  # here (a worker thread), not at import: see vpn_check/audio.py

        raw = b"".join(chunks)[:wanted]
        samples = np.frombuffer(raw[: len(raw) - len(raw) % 2], dtype="<i2").astype(np.float32) / 32768.0
        return samples, SAMPLE_RATE

    def play_tone(self, device: str | None, seconds: float, frequency: float = 440.0) -> None:
        pcm = (tone(seconds, SAMPLE_RATE, frequency) * 32767).astype("<i2").tobytes()
        position = 0
        finished = threading.Event()

        def on_output(outdata: Any, frames: int, _time_info: Any, _status: Any) -> None:
            nonlocal position
            size = frames * 2
            chunk = pcm[position : position + size]
            position += size
            outdata[:] = chunk + bytes(size - len(chunk))
            if position >= len(pcm):
                finished.set()

        try:
            stream = self.backend.open_output(
                self._device(device, Direction.OUTPUT), on_output, self.LATENCY, role="test"
            )
        except AudioError as exc:
            raise AudioUnavailableError(str(exc)) from exc
        try:
            stream.start()
            finished.wait(seconds + 3.0)
            time.sleep(stream.latency)  # let the last buffer reach the speaker
            stream.stop()
        finally:
            stream.close()
