"""Where a call's audio goes: the ``CallAudio`` hook and two implementations that need no sound device.

The engine calls a ``CallAudio`` at each point of a call's life, always on the SIP thread (the one thread that owns
pjsua2). ``media_active(media)`` receives the call's ``pj.AudioMedia`` (it never leaves ``sip/``) after every
``onCallMediaState`` that has active audio — hold/unhold re-creates the call's conference port, so wiring must be
redone each time — and ``media_inactive(media)`` before the port goes away. The headset bridge
(``sip.audio.pjport.BridgedCallAudio``, issue 4) implements the same protocol; so do:

- :class:`NullCallAudio` — nothing connected (a headless endpoint, e.g. a presence-only client);
- :class:`WavCallAudio` — plays a WAV file into every call and records what every call receives into WAV files
  (tests, the benchmark and the demo's simulated customer).

The engine owns the media clock: pjsua's null sound device (``setNullDev``) runs only while a call has media and is
replaced by ``setNoDev`` (no clock thread at all) when the last call ends. ``auto_answer_allowed()`` lets the audio
side veto an automatic answer (e.g. no headset plugged in).
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from pathlib import Path
from typing import Any, Protocol

import pjsua2 as pj

log = logging.getLogger(__name__)


class CallAudio(Protocol):
    """The audio side of calls. Every method runs on the SIP thread and must return quickly."""

    def incoming_ringing(self) -> None: ...

    def outgoing_started(self) -> None: ...

    def answered(self) -> None: ...

    def media_active(self, media: Any) -> None: ...

    def media_inactive(self, media: Any) -> None: ...

    def call_waiting(self) -> None: ...

    def call_ended(self, calls_left: int, ringing_left: int) -> None: ...

    def auto_answer_allowed(self) -> bool: ...

    def shutdown(self) -> None: ...


class NullCallAudio:
    """Connects nothing; auto-answer always allowed."""

    def incoming_ringing(self) -> None:
        pass

    def outgoing_started(self) -> None:
        pass

    def answered(self) -> None:
        pass

    def media_active(self, media: Any) -> None:
        pass

    def media_inactive(self, media: Any) -> None:
        pass

    def call_waiting(self) -> None:
        pass

    def call_ended(self, calls_left: int, ringing_left: int) -> None:
        pass

    def auto_answer_allowed(self) -> bool:
        return True

    def shutdown(self) -> None:
        pass


def write_tone_wav(path: Path, hz: float, seconds: float = 2.0, rate: int = 16000, amplitude: float = 0.3) -> Path:
    """Write a mono 16-bit sine tone (a whole number of periods, so it loops without a click)."""
    periods = max(1, round(hz * seconds))
    n = round(periods * rate / hz)
    frames = b"".join(
        struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * hz * i / rate))) for i in range(n)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return path


class WavCallAudio:
    """Plays ``play`` (looped) into calls and records what calls receive to ``record`` (a WAV file).

    ``record_to(path)`` switches the recording to a new file (on the SIP thread), so a test can record each phase
    of a call separately. pjsua2's recorder writes nothing while no frames arrive (a hold gap vanishes).
    """

    def __init__(self, play: Path | None = None, record: Path | None = None, *, veto_auto_answer: bool = False) -> None:
        self._play_path = play
        self._record_path = record
        self._veto = veto_auto_answer
        self._player: Any = None
        self._recorder: Any = None
        self._media: list[Any] = []
        self.recordings: list[Path] = []

    def _ensure_player(self) -> Any:
        if self._player is None and self._play_path is not None:
            player = pj.AudioMediaPlayer()
            player.createPlayer(str(self._play_path), 0)  # 0: loop
            self._player = player
        return self._player

    def _ensure_recorder(self) -> Any:
        if self._recorder is None and self._record_path is not None:
            recorder = pj.AudioMediaRecorder()
            recorder.createRecorder(str(self._record_path))
            self._recorder = recorder
            self.recordings.append(self._record_path)
        return self._recorder

    def record_to(self, path: Path | None) -> None:
        """Close the current recording and continue into ``path`` (None: stop recording)."""
        old = self._recorder
        if old is not None:
            for media in self._media:
                _quiet(media.stopTransmit, old)
            self._recorder = None
            del old
        self._record_path = path
        recorder = self._ensure_recorder()
        if recorder is not None:
            for media in self._media:
                media.startTransmit(recorder)

    # -- CallAudio ------------------------------------------------------------------------------------
    def incoming_ringing(self) -> None:
        pass

    def outgoing_started(self) -> None:
        pass

    def answered(self) -> None:
        pass

    def media_active(self, media: Any) -> None:
        player = self._ensure_player()
        recorder = self._ensure_recorder()
        if player is not None:
            player.startTransmit(media)
        if recorder is not None:
            media.startTransmit(recorder)
        self._media.append(media)

    def media_inactive(self, media: Any) -> None:
        for known in list(self._media):
            if known is media:
                self._media.remove(known)
        if self._player is not None:
            _quiet(self._player.stopTransmit, media)
        if self._recorder is not None:
            _quiet(media.stopTransmit, self._recorder)

    def call_waiting(self) -> None:
        pass

    def call_ended(self, calls_left: int, ringing_left: int) -> None:
        pass

    def auto_answer_allowed(self) -> bool:
        return not self._veto

    def shutdown(self) -> None:
        self._media.clear()
        self._player = None
        self._recorder = None


def _quiet(fn: Any, *args: Any) -> None:
    """Call a pjsua2 method whose failure only means "already gone" (e.g. stopTransmit after the port died)."""
    try:
        fn(*args)
    except pj.Error as exc:
        log.debug("ignored: %s", exc.info())
