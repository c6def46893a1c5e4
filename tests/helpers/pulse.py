"""A private PulseAudio daemon for tests: null sinks as headsets and speakers, tone players, monitor recorders.

Nothing here touches the machine's own sound setup: the daemon runs as a child process with its own runtime
directory, home and socket (``module-native-protocol-unix auth-anonymous=1``), and ALSA programs (PortAudio,
baresip's ``alsa`` module) reach it through ``libasound2-plugins`` with a private ALSA configuration named by
``ALSA_CONFIG_PATH`` in the environment *we* hand to them.

The usual picture of a test::

    agent mic  = monitor of the null sink "mic"    <- a tone or chirp is played INTO the sink "mic" (paced by the
                                                      sink's clock, so its monitor behaves like a real microphone)
    agent ear  = null sink "speaker"               -> whatever the app plays is recorded from "speaker.monitor"

Programs open devices by explicit name (``PULSE_SINK`` / ``PULSE_SOURCE`` or a named ALSA pcm), never through the
server's default device: ``pactl set-default-sink`` would move every stream on the default.

``PulseServer`` is usable without pytest (the benchmark uses it); ``pulse_server`` is a session fixture and
``pulse`` a per-test view that removes the sinks a test created.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import uuid
import wave
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from tests.helpers.process import ManagedProcess
from tests.helpers.require import missing

SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")
Samples = npt.NDArray[np.float64]


def pulseaudio_available() -> bool:
    """Whether the programs this helper drives are installed (the tests skip cleanly without them)."""
    return all(shutil.which(p) for p in ("pulseaudio", "pactl", "pacat")) and SYSTEM_ALSA_CONF.exists()


class PulseError(RuntimeError):
    """A pactl command failed; the message carries its output."""


@dataclass(frozen=True)
class NullSink:
    """A null sink created by ``PulseServer.add_sink`` (its ``.monitor`` source records what is played into it)."""

    name: str
    description: str
    module_index: int
    channels: int
    rate: int

    @property
    def monitor(self) -> str:
        return f"{self.name}.monitor"


@dataclass
class Player:
    """``pacat`` playing raw samples into a sink, paced by that sink's clock."""

    proc: subprocess.Popen[bytes]
    path: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def wait(self, timeout: float) -> None:
        self.proc.wait(timeout)

    def running(self) -> bool:
        return self.proc.poll() is None


@dataclass
class Recorder:
    """``parec`` recording a source (usually a sink's monitor) to a raw file; ``samples()`` reads it so far."""

    proc: subprocess.Popen[bytes]
    path: Path
    rate: int
    channels: int
    started: float = field(default_factory=time.monotonic)

    def samples(self) -> Samples:
        """Everything recorded so far as floats in [-1, 1], shape (n,) for mono or (n, channels)."""
        raw = self.path.read_bytes()
        usable = len(raw) - len(raw) % (2 * self.channels)
        data = np.frombuffer(raw[:usable], dtype="<i2").astype(np.float64) / 32768.0
        return data if self.channels == 1 else data.reshape(-1, self.channels)

    def stop(self) -> Samples:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.samples()


def tone(freq: float, seconds: float, rate: int = 16000, amplitude: float = 0.5) -> Samples:
    """A sine tone."""
    t = np.arange(int(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def dominant_frequency(samples: Samples, rate: int) -> float:
    """The strongest frequency in ``samples`` (Hann window, FFT), 0.0 for silence."""
    mono = samples if samples.ndim == 1 else samples.mean(axis=1)
    if len(mono) < 64 or float(np.max(np.abs(mono))) < 1e-4:
        return 0.0
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    spectrum[:3] = 0.0  # DC
    return float(np.fft.rfftfreq(len(mono), 1 / rate)[int(np.argmax(spectrum))])


def tone_ratio(samples: Samples, rate: int, freq: float, width: float = 30.0) -> float:
    """Share of the signal's energy (excluding DC) within ``freq`` ± ``width`` Hz: near 1 for a clean tone."""
    mono = samples if samples.ndim == 1 else samples.mean(axis=1)
    if len(mono) < 64:
        return 0.0
    power = np.abs(np.fft.rfft(mono * np.hanning(len(mono)))) ** 2
    freqs = np.fft.rfftfreq(len(mono), 1 / rate)
    power[freqs < 20] = 0.0
    total = float(power.sum())
    if total <= 0.0:
        return 0.0
    return float(power[np.abs(freqs - freq) <= width].sum()) / total


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0


def write_wav(path: Path, samples: Samples, rate: int) -> None:
    """Mono or multi-channel floats in [-1, 1] to a 16-bit WAV file."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[Samples, int]:
    """A 16-bit WAV file as floats (mono: shape (n,), else (n, channels)) and its rate."""
    with wave.open(str(path), "rb") as w:
        channels, rate = w.getnchannels(), w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    return (data if channels == 1 else data.reshape(-1, channels)), rate


class PulseServer:
    """A private PulseAudio daemon (run as root is fine) with its own socket, runtime dir and ALSA config."""

    def __init__(self, root: Path, log_dir: Path) -> None:
        self.root = root
        self.log_dir = log_dir
        self.runtime = root / "runtime"
        self.socket = self.runtime / "native"
        self.asoundrc = root / "asound.conf"
        self._alsa_pcms: dict[str, tuple[str, str]] = {}
        self._sinks: dict[str, NullSink] = {}
        self._process: ManagedProcess | None = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> PulseServer:
        self.runtime.mkdir(parents=True, exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        script = self.root / "default.pa"
        script.write_text(
            # Only what the tests need: the native protocol on a private socket, no hardware, no D-Bus.
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.socket}\n"
        )
        self._write_asoundrc()
        env = {
            **os.environ,
            "HOME": str(self.root / "home"),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "XDG_CONFIG_HOME": str(self.root / "home" / ".config"),
            "PULSE_RUNTIME_PATH": str(self.runtime),
            "PULSE_STATE_PATH": str(self.root / "state"),
            "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        }
        env.pop("PULSE_SERVER", None)
        self._process = ManagedProcess(
            f"pulseaudio-{os.getpid()}-{self.root.name}",
            [
                "pulseaudio",
                "-n",  # no default script: nothing but what default.pa loads
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--system=no",
                "--disallow-exit",
                # memfd transport off (POSIX shared memory instead): with many clients coming and going, PulseAudio
                # 16.1 logged "Cannot send block reference with non-registered memfd ID" (upstream issue 824) and then
                # aborted in memblock.c stat_remove() mid-suite, taking every later audio test's devices with it.
                "--enable-memfd=no",
                "--log-target=stderr",
                "--log-level=notice",
                "-F",
                str(script),
            ],
            self.log_dir,
            env=env,
            ready_check=self._answers,
            timeout=20.0,
        ).start()
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None
        self._sinks.clear()

    def alive(self) -> bool:
        return self._process is not None and self._process.alive()

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        result = subprocess.run(
            ["pactl", "info"], env=self.env(), capture_output=True, timeout=5, check=False, stdin=subprocess.DEVNULL
        )
        return result.returncode == 0

    @property
    def server(self) -> str:
        """The ``PULSE_SERVER`` address of this daemon."""
        return f"unix:{self.socket}"

    # -- environment for clients --------------------------------------------------------------------
    def env(
        self, sink: str | None = None, source: str | None = None, base: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """Environment for a client program: this server, the private ALSA config, and optionally pinned devices."""
        env = dict(os.environ if base is None else base)
        env["PULSE_SERVER"] = self.server
        env["ALSA_CONFIG_PATH"] = str(self.asoundrc)
        env.pop("PULSE_SINK", None)
        env.pop("PULSE_SOURCE", None)
        if sink is not None:
            env["PULSE_SINK"] = sink
        if source is not None:
            env["PULSE_SOURCE"] = source
        return env

    def add_alsa_pcm(self, pcm: str, sink: str | None = None, source: str | None = None) -> None:
        """Name an ALSA pcm that plays into ``sink`` and records from ``source`` (for programs with ALSA device
        names, like baresip). Takes effect for programs started afterwards."""
        self._alsa_pcms[pcm] = (sink or "", source or "")
        self._write_asoundrc()

    def _write_asoundrc(self) -> None:
        lines = [
            f"<{SYSTEM_ALSA_CONF}>",
            "pcm.!default { type pulse }",
            "ctl.!default { type pulse }",
        ]
        for pcm, (sink, source) in sorted(self._alsa_pcms.items()):
            playback = f'{{ type pulse device "{sink}" }}' if sink else "{ type null }"
            capture = f'{{ type pulse device "{source}" }}' if source else "{ type null }"
            lines.append(f"pcm.{pcm} {{ type asym playback.pcm {playback} capture.pcm {capture} }}")
        self.asoundrc.write_text("\n".join(lines) + "\n")

    # -- sinks --------------------------------------------------------------------------------------
    def pactl(self, *args: str) -> str:
        result = subprocess.run(
            ["pactl", *args], env=self.env(), capture_output=True, text=True, timeout=10, check=False
        )
        if result.returncode != 0:
            raise PulseError(f"pactl {' '.join(args)} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def add_sink(self, name: str, description: str | None = None, channels: int = 1, rate: int = 16000) -> NullSink:
        """Create a null sink (its monitor is then a source named ``<name>.monitor``)."""
        description = description or name
        # module-null-sink parses "a='b c'" style arguments: escape what would break the quoting.
        escaped = description.replace("\\", "").replace("'", "").replace('"', "")
        index = int(
            self.pactl(
                "load-module",
                "module-null-sink",
                f"sink_name={name}",
                f"channels={channels}",
                f"rate={rate}",
                f"sink_properties=\"device.description='{escaped}'\"",
            ).strip()
        )
        sink = NullSink(name, description, index, channels, rate)
        self._sinks[name] = sink
        return sink

    def remove_sink(self, name: str) -> None:
        sink = self._sinks.pop(name)
        self.pactl("unload-module", str(sink.module_index))

    def created_sinks(self) -> list[str]:
        return list(self._sinks)

    def sink_names(self) -> list[str]:
        return [line.split("\t")[1] for line in self.pactl("list", "short", "sinks").splitlines() if line]

    def source_names(self) -> list[str]:
        return [line.split("\t")[1] for line in self.pactl("list", "short", "sources").splitlines() if line]

    def stream_count(self, kind: str = "sink-inputs") -> int:
        """Number of ``sink-inputs`` (playback streams) or ``source-outputs`` (recording streams) right now."""
        return len([line for line in self.pactl("list", "short", kind).splitlines() if line])

    def streams_on(self, device: str, kind: str = "sink-inputs") -> int:
        """Number of playback (``sink-inputs``) or recording (``source-outputs``) streams on a sink/source."""
        index_of = {
            line.split("\t")[1]: line.split("\t")[0]
            for line in self.pactl("list", "short", "sinks" if kind == "sink-inputs" else "sources").splitlines()
            if line
        }
        idx = index_of.get(device)
        if idx is None:
            return 0
        return len([line for line in self.pactl("list", "short", kind).splitlines() if line.split("\t")[1] == idx])

    # -- players and recorders ----------------------------------------------------------------------
    def play(self, sink: str, samples: Samples, rate: int = 16000, latency_ms: int = 200) -> Player:
        """Play ``samples`` (mono, or (n, channels)) into ``sink`` with ``pacat``; returns at once."""
        channels = 1 if samples.ndim == 1 else samples.shape[1]
        path = self.root / f"play-{uuid.uuid4().hex}.raw"
        path.write_bytes((np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes())
        proc = subprocess.Popen(
            [
                "pacat",
                "--playback",
                f"--device={sink}",
                "--raw",
                "--format=s16le",
                f"--rate={rate}",
                f"--channels={channels}",
                f"--latency-msec={latency_ms}",
                str(path),
            ],
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return Player(proc, path)

    def play_tone(
        self, sink: str, freq: float, seconds: float = 600.0, rate: int = 16000, amplitude: float = 0.5
    ) -> Player:
        """Play a sine tone into ``sink`` (default: long enough to outlast a test; stop it when done)."""
        return self.play(sink, tone(freq, seconds, rate, amplitude), rate)

    def record(self, source: str, rate: int = 16000, channels: int = 1, latency_ms: int = 100) -> Recorder:
        """Record ``source`` (e.g. ``sink.monitor``) with ``parec`` until ``Recorder.stop()``."""
        path = self.root / f"rec-{uuid.uuid4().hex}.raw"
        out = path.open("wb")
        try:
            proc = subprocess.Popen(
                [
                    "parec",
                    f"--device={source}",
                    "--raw",
                    "--format=s16le",
                    f"--rate={rate}",
                    f"--channels={channels}",
                    f"--latency-msec={latency_ms}",
                ],
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.DEVNULL,
            )
        finally:
            out.close()
        return Recorder(proc, path, rate, channels)


@dataclass(frozen=True)
class Headset:
    """A simulated headset: ``speaker`` (a null sink named like the product), ``mic`` (a real, non-monitor
    source named like the product) and ``feed`` (a hidden null sink; what is played into it is the mic's sound)."""

    speaker: NullSink
    mic: str
    feed: NullSink
    mic_module: int


class PulseSession:
    """A test's view of the shared daemon: sinks it creates get unique names and are removed after the test."""

    def __init__(self, server: PulseServer, prefix: str) -> None:
        self.server = server
        self.prefix = prefix
        self._owned: list[str] = []
        self._modules: list[int] = []
        self._players: list[Player] = []
        self._recorders: list[Recorder] = []

    def name(self, short: str) -> str:
        return f"{self.prefix}_{short}"

    def add_sink(self, short: str, description: str | None = None, channels: int = 1, rate: int = 16000) -> NullSink:
        sink = self.server.add_sink(self.name(short), description, channels, rate)
        self._owned.append(sink.name)
        return sink

    def remove_sink(self, sink: NullSink | str) -> None:
        name = sink if isinstance(sink, str) else sink.name
        self.server.remove_sink(name)
        self._owned.remove(name)

    def add_headset(self, short: str, label: str) -> Headset:
        """A headset called ``label`` (e.g. "Jabra Evolve2 65"): both its sink and its microphone carry the label,
        as a USB headset's devices do; the microphone hears whatever is played into ``feed``."""
        feed = self.add_sink(f"{short}_feed", f"Test feed {self.prefix} {short}")
        speaker = self.add_sink(short, label)
        mic = self.name(f"{short}_mic")
        escaped = label.replace("'", "").replace('"', "")
        index = int(
            self.server.pactl(
                "load-module",
                "module-remap-source",
                f"master={feed.monitor}",
                f"source_name={mic}",
                f"source_properties=\"device.description='{escaped} Mic'\"",
            ).strip()
        )
        self._modules.append(index)
        return Headset(speaker, mic, feed, index)

    def remove_headset(self, headset: Headset) -> None:
        """Unplug it: the microphone, then the speaker (the feed stays, it is not part of the device)."""
        self.server.pactl("unload-module", str(headset.mic_module))
        self._modules.remove(headset.mic_module)
        self.remove_sink(headset.speaker)

    def play(self, sink: NullSink | str, samples: Samples, rate: int = 16000) -> Player:
        player = self.server.play(sink if isinstance(sink, str) else sink.name, samples, rate)
        self._players.append(player)
        return player

    def play_tone(self, sink: NullSink | str, freq: float, seconds: float = 600.0, amplitude: float = 0.5) -> Player:
        player = self.server.play_tone(sink if isinstance(sink, str) else sink.name, freq, seconds, amplitude=amplitude)
        self._players.append(player)
        return player

    def record(self, source: str, rate: int = 16000, channels: int = 1) -> Recorder:
        recorder = self.server.record(source, rate, channels)
        self._recorders.append(recorder)
        return recorder

    def env(self, sink: str | None = None, source: str | None = None) -> dict[str, str]:
        return self.server.env(sink, source)

    def close(self) -> None:
        for player in self._players:
            player.stop()
        for recorder in self._recorders:
            recorder.stop()
            with contextlib.suppress(FileNotFoundError):
                recorder.path.unlink()
        for module in list(self._modules):
            with contextlib.suppress(PulseError):
                self.server.pactl("unload-module", str(module))
        self._modules.clear()
        for name in list(self._owned):
            with contextlib.suppress(PulseError, KeyError):
                self.server.remove_sink(name)
        self._owned.clear()


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory, process_log_dir: Path) -> Generator[PulseServer, None, None]:
    """One private PulseAudio daemon for the test session (skips when PulseAudio is not installed)."""
    if not pulseaudio_available():
        missing("PulseAudio (pulseaudio, pactl, pacat) is not installed")
    # A short path: the unix socket path must stay under 108 bytes.
    root = Path(tmp_path_factory.mktemp("pa"))
    server = PulseServer(root, process_log_dir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pulse(pulse_server: PulseServer, request: pytest.FixtureRequest) -> Generator[PulseSession, None, None]:
    """The session daemon, with the sinks this test makes removed afterwards (restarts the daemon if it died)."""
    if not pulse_server.alive():
        pulse_server.stop()
        pulse_server.start()
    session = PulseSession(pulse_server, f"t{uuid.uuid4().hex[:6]}")
    try:
        yield session
    finally:
        session.close()


def wait_until(predicate: object, timeout: float = 10.0, what: str = "condition", interval: float = 0.05) -> None:
    """Poll ``predicate()`` until it is true or fail with ``what``."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout:.0f} s")
        time.sleep(interval)


__all__: Sequence[str] = [
    "Headset",
    "NullSink",
    "Player",
    "PulseError",
    "PulseServer",
    "PulseSession",
    "Recorder",
    "dominant_frequency",
    "pulse",
    "pulse_server",
    "pulseaudio_available",
    "read_wav",
    "rms",
    "tone",
    "tone_ratio",
    "wait_until",
    "write_wav",
]
