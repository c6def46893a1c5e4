"""The bridge's own sounds: ringtone, call-waiting tone and the settings page's test sound.

They live as 16 kHz mono WAV files in ``resources/sounds`` (loaded with ``importlib.resources`` so frozen builds
behave the same). ``python -m sip.audio.sounds`` regenerates them; they are synthesised, so there is no licence to
track.

- ``ring.wav``: 2 s of a warm two-tone trill (two 0.4 s bursts of 440 + 554 Hz with a fast tremolo), then 2 s of
  silence; played in a loop on the ring device.
- ``call_waiting.wav``: China's call-waiting signal, 450 Hz for 0.4 s, twice (YD/T 1970); mixed into the headset
  every few seconds while a second call waits.
- ``test.wav``: a 1.5 s three-note chime (C5-E5-G5) for "play a test sound".
"""

from __future__ import annotations

import importlib.resources
import io
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sip.audio.model import SAMPLE_RATE

NAMES = ("ring", "call_waiting", "test")


def _envelope(n: int, fade: int = 160) -> npt.NDArray[np.float64]:
    env = np.ones(n)
    fade = min(fade, n // 2)
    env[:fade] = np.linspace(0.0, 1.0, fade)
    env[-fade:] = np.linspace(1.0, 0.0, fade)
    return env


def _tone(freqs: tuple[float, ...], seconds: float, amplitude: float) -> npt.NDArray[np.float64]:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave_ = sum(np.sin(2 * np.pi * f * t) for f in freqs) / len(freqs)
    return np.asarray(amplitude * wave_ * _envelope(len(t)))


def _silence(seconds: float) -> npt.NDArray[np.float64]:
    return np.zeros(int(seconds * SAMPLE_RATE))


def synthesise(name: str) -> npt.NDArray[np.float64]:
    """The samples of one sound, floats in [-1, 1] at 16 kHz."""
    if name == "ring":
        t = np.arange(int(0.4 * SAMPLE_RATE)) / SAMPLE_RATE
        trill = _tone((440.0, 554.37), 0.4, 0.6) * (0.75 + 0.25 * np.sin(2 * np.pi * 20 * t))
        return np.concatenate([trill, _silence(0.2), trill, _silence(1.0), _silence(2.0)])
    if name == "call_waiting":
        beep = _tone((450.0,), 0.4, 0.35)
        return np.concatenate([beep, _silence(0.2), beep])
    if name == "test":
        notes = [_tone((f,), 0.45, 0.5) for f in (523.25, 659.25, 783.99)]
        return np.concatenate([notes[0], _silence(0.05), notes[1], _silence(0.05), notes[2], _silence(0.45)])
    raise KeyError(name)


def to_pcm(samples: npt.NDArray[np.float64]) -> bytes:
    return bytes((np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes())


def load(name: str) -> bytes:
    """The raw 16 kHz mono int16 PCM of a bundled sound."""
    if name not in NAMES:
        raise KeyError(name)
    # One part per joinpath(): a frozen (PyInstaller) build on Python 3.11 accepts only one (MultiplexedPath).
    data = importlib.resources.files("resources").joinpath("sounds").joinpath(f"{name}.wav").read_bytes()
    with wave.open(io.BytesIO(data), "rb") as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (SAMPLE_RATE, 1, 2):
            raise ValueError(f"{name}.wav is not 16 kHz mono 16-bit")
        return w.readframes(w.getnframes())


def generate(directory: Path) -> list[Path]:
    """Write every sound as a WAV file into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in NAMES:
        path = directory / f"{name}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(to_pcm(synthesise(name)))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in generate(Path(__file__).resolve().parents[2] / "resources" / "sounds"):
        print(written_path)
