"""Audio checks' device interface and signal analysis.

:class:`AudioProbe` is the seam to the audio layer: the app plugs in the softphone's device layer (``sip/audio/``,
issue 4) through a small adapter in ``app/``; the command line and tests use :class:`PulseAudioProbe` here
(pulsectl to list devices, sounddevice/PortAudio to record and play, pinned with ``PULSE_SOURCE``/``PULSE_SINK``
because PortAudio only sees ALSA names — FIELD_NOTES). All calls block (seconds): call them off the GUI thread.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # numpy is imported by the functions that compute (on the check's worker thread), not at import: the desktop
    # client imports this module while building its health area and must not pay for numpy there (bench/startup.py).
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]

log = logging.getLogger(__name__)

#: Asks the agent whether the test tone was heard: True / False, or None when nobody can answer (non-interactive).
SpeakerConfirm = Callable[[], bool | None]


class AudioUnavailableError(RuntimeError):
    """The audio system cannot be reached (no server, no PortAudio)."""


@dataclass(frozen=True)
class AudioDevice:
    name: str  # the system's id (PulseAudio source/sink name, Windows endpoint id, ...)
    description: str  # what the agent sees ("Jabra Evolve2 40 Mono")
    is_input: bool
    is_output: bool
    is_monitor: bool = False  # a PulseAudio monitor source is not a microphone

    def matches(self, pattern: str) -> bool:
        import fnmatch

        pat = pattern.lower()
        return fnmatch.fnmatchcase(self.description.lower(), pat) or fnmatch.fnmatchcase(self.name.lower(), pat)


class AudioProbe(Protocol):
    """What the audio checks need from an audio layer."""

    def devices(self) -> Sequence[AudioDevice]: ...

    def record(self, device: str | None, seconds: float) -> tuple[Samples, int]:
        """Record mono float samples in [-1, 1] from ``device`` (None: the default input); returns (samples, rate)."""
        ...

    def play_tone(self, device: str | None, seconds: float, frequency: float = 440.0) -> None:
        """Play a sine tone on ``device`` (None: the default output) and return when it has finished."""
        ...


@dataclass(frozen=True)
class MicStats:
    rms_dbfs: float
    peak: float
    spread: float  # max − min
    distinct: int  # number of distinct sample values (a stuck converter gives 1–2)
    samples: int

    @property
    def constant(self) -> bool:
        """A flat line: every sample (nearly) equal, whatever its level (a stuck ADC or a DC offset)."""
        return self.samples > 0 and (self.spread < 1e-4 or self.distinct <= 2)


def analyse(samples: Samples) -> MicStats:
    import numpy as np

    if samples.size == 0:
        return MicStats(rms_dbfs=-math.inf, peak=0.0, spread=0.0, distinct=0, samples=0)
    data = samples.astype(np.float64)
    # Remove DC before measuring the level: a constant offset is not sound.
    ac = data - float(np.mean(data))
    rms = float(np.sqrt(np.mean(ac * ac)))
    rms_dbfs = 20 * math.log10(rms) if rms > 0 else -math.inf
    return MicStats(
        rms_dbfs=rms_dbfs,
        peak=float(np.max(np.abs(data))),
        spread=float(np.max(data) - np.min(data)),
        distinct=int(np.unique(samples[: min(samples.size, 48000)]).size),
        samples=int(samples.size),
    )


def tone(seconds: float, rate: int, frequency: float = 440.0, level: float = 0.3) -> Samples:
    import numpy as np

    t = np.arange(int(seconds * rate), dtype=np.float64) / rate
    wave = level * np.sin(2 * np.pi * frequency * t)
    # 20 ms fades so the tone does not click.
    fade = min(int(0.02 * rate), wave.size // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        wave[:fade] *= ramp
        wave[-fade:] *= ramp[::-1]
    return wave.astype(np.float32)


# ---------------------------------------------------------------------------------------------- PulseAudio
_ENV_LOCK = threading.Lock()


@contextlib.contextmanager
def _pulse_env(var: str, value: str | None) -> Iterator[None]:
    """Pin the PulseAudio device of the next stream (libpulse reads PULSE_SOURCE/PULSE_SINK at connect time)."""
    with _ENV_LOCK:
        old = os.environ.get(var)
        if value:
            os.environ[var] = value
        try:
            yield
        finally:
            if old is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = old


class PulseAudioProbe:
    """Lists PulseAudio devices with pulsectl; records and plays through sounddevice on the ALSA ``pulse`` device."""

    RATE = 16000

    def __init__(self, client_name: str = "agentdesk-check") -> None:
        self.client_name = client_name

    def devices(self) -> Sequence[AudioDevice]:
        try:
            import pulsectl
        except ImportError as exc:  # not on Linux, or the package is missing
            raise AudioUnavailableError(str(exc)) from exc
        try:
            with pulsectl.Pulse(self.client_name) as pulse:
                result = [
                    AudioDevice(
                        name=str(s.name),
                        description=str(s.description),
                        is_input=True,
                        is_output=False,
                        is_monitor=s.monitor_of_sink != 0xFFFFFFFF,
                    )
                    for s in pulse.source_list()
                ]
                result += [
                    AudioDevice(name=str(s.name), description=str(s.description), is_input=False, is_output=True)
                    for s in pulse.sink_list()
                ]
        except pulsectl.PulseError as exc:
            raise AudioUnavailableError(str(exc)) from exc
        return result

    def _sd(self) -> object:
        try:
            import sounddevice
        except (ImportError, OSError) as exc:
            raise AudioUnavailableError(str(exc)) from exc
        return sounddevice

    def _device(self) -> str | None:
        sd = self._sd()
        for info in sd.query_devices():  # type: ignore[attr-defined]
            if info["name"] == "pulse":
                return "pulse"
        return None

    def record(self, device: str | None, seconds: float) -> tuple[Samples, int]:
        import numpy as np

        sd = self._sd()
        with _pulse_env("PULSE_SOURCE", device):
            try:
                data = sd.rec(  # type: ignore[attr-defined]
                    int(seconds * self.RATE), samplerate=self.RATE, channels=1, dtype="float32", device=self._device()
                )
                sd.wait()  # type: ignore[attr-defined]
            except Exception as exc:  # PortAudioError and ALSA errors
                raise AudioUnavailableError(str(exc)) from exc
        return np.asarray(data, dtype=np.float32).reshape(-1), self.RATE

    def play_tone(self, device: str | None, seconds: float, frequency: float = 440.0) -> None:
        sd = self._sd()
        with _pulse_env("PULSE_SINK", device):
            try:
                sd.play(tone(seconds, self.RATE, frequency), samplerate=self.RATE, device=self._device())  # type: ignore[attr-defined]
                sd.wait()  # type: ignore[attr-defined]
            except Exception as exc:
                raise AudioUnavailableError(str(exc)) from exc
