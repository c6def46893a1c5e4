"""A fake ``DeviceBackend`` for unit tests: devices in a list, streams that record how they were opened and whose
callbacks the test calls by hand, a watcher the test triggers."""

from __future__ import annotations

from collections.abc import Callable

from sip.audio.backends import RawCallback
from sip.audio.model import AudioDevice, AudioError, AudioErrorKind, DeviceInventory, Direction

SPK = AudioDevice("builtin_out", "Built-in Audio", Direction.OUTPUT, True)
MIC = AudioDevice("builtin_in", "Built-in Audio", Direction.INPUT, True)
J_OUT = AudioDevice("jabra_out", "Jabra Evolve2 65", Direction.OUTPUT)
J_IN = AudioDevice("jabra_in", "Jabra Evolve2 65", Direction.INPUT)


class FakeStream:
    def __init__(self, device: AudioDevice | None, callback: RawCallback, kind: str, role: str) -> None:
        self.device, self.callback, self.kind, self.role = device, callback, kind, role
        self.active = False
        self.closed = False
        self.latency = 0.04

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def abort(self) -> None:
        self.active = False

    def close(self) -> None:
        self.closed = True


class FakeWatcher:
    def __init__(self, on_change: Callable[[], None]) -> None:
        self.on_change = on_change
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


class FakeBackend:
    name = "fake"

    def __init__(self, *devices: AudioDevice) -> None:
        self.devices = list(devices)
        self.streams: list[FakeStream] = []
        self.refuse: set[str] = set()
        self.watcher: FakeWatcher | None = None
        self.blocksizes: list[int] = []

    def inventory(self) -> DeviceInventory:
        return DeviceInventory(
            tuple(d for d in self.devices if d.direction is Direction.INPUT),
            tuple(d for d in self.devices if d.direction is Direction.OUTPUT),
        )

    def _open(
        self, device: AudioDevice | None, callback: RawCallback, kind: str, role: str, latency: float = 0.04
    ) -> FakeStream:
        if device is not None and device.id in self.refuse:
            raise AudioError(AudioErrorKind.OPEN_FAILED, device.id)
        stream = FakeStream(device, callback, kind, role)
        stream.latency = latency
        self.streams.append(stream)
        return stream

    def open_input(
        self, device: AudioDevice | None, callback: RawCallback, latency: float, blocksize: int = 320
    ) -> FakeStream:
        self.blocksizes.append(blocksize)
        return self._open(device, callback, "input", "phone", latency)

    def open_output(
        self,
        device: AudioDevice | None,
        callback: RawCallback,
        latency: float,
        role: str = "phone",
        blocksize: int = 320,
    ) -> FakeStream:
        self.blocksizes.append(blocksize)
        return self._open(device, callback, "output", role, latency)

    def watch(self, on_change: Callable[[], None]) -> FakeWatcher:
        self.watcher = FakeWatcher(on_change)
        return self.watcher

    def live(self, kind: str, role: str = "phone") -> list[FakeStream]:
        return [s for s in self.streams if s.kind == kind and s.role == role and not s.closed]
