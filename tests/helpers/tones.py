"""Find test tones in recordings: FFT over WAV files (numpy), tolerant of any sample rate and channel count."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt


def read_wav(path: Path) -> tuple[npt.NDArray[np.float64], int]:
    """Return (mono samples in [-1, 1], sample rate) of a 16-bit PCM WAV file."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        channels = wav.getnchannels()
        width = wav.getsampwidth()
        raw = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"{path}: {width * 8}-bit samples, expected 16-bit PCM")
    data = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return data, rate


def tone_level(samples: npt.NDArray[np.float64], rate: int, hz: float, band: float = 25.0) -> float:
    """Fraction of the signal's spectral energy within ``band`` Hz of ``hz`` (0 for silence)."""
    if samples.size < rate // 10:
        return 0.0
    windowed = samples * np.hanning(samples.size)
    spectrum = np.abs(np.fft.rfft(windowed)) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1.0 / rate)
    total = float(spectrum[freqs > 50].sum())
    if total <= 1e-12:
        return 0.0
    return float(spectrum[(freqs > hz - band) & (freqs < hz + band)].sum()) / total


def rms(samples: npt.NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0


def has_tone(path: Path, hz: float, *, min_share: float = 0.5, min_rms: float = 0.005, skip_s: float = 0.0) -> bool:
    """True when ``path`` holds a clearly audible tone at ``hz`` (most of the energy near it)."""
    samples, rate = read_wav(path)
    samples = samples[int(skip_s * rate) :]
    return rms(samples) >= min_rms and tone_level(samples, rate, hz) >= min_share


def windows(path: Path, seconds: float = 0.5) -> list[tuple[float, float]]:
    """(start time, RMS) of consecutive windows: to find gaps and silent stretches in a recording."""
    samples, rate = read_wav(path)
    step = max(1, int(rate * seconds))
    return [(i / rate, rms(samples[i : i + step])) for i in range(0, samples.size - step + 1, step)]
