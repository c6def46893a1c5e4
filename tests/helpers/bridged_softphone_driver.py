"""The production softphone (``sip.engine.SipEngine``) with the headset bridge as its ``CallAudio``, in its own
process, driven with the same JSON protocol as ``tests/helpers/agent_driver.py`` (whose ``dispatch`` it reuses).

Devices come from the PulseAudio named by ``PULSE_SERVER`` (the tests' private daemon); ``--priority`` patterns
choose the headset. Extra commands: ``audio_state`` and ``audio_stats``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import random
import sys
import time
from pathlib import Path
from typing import Any, cast

from sip.audio import AudioEngine, AudioSettings, PulseBackend, Role
from sip.audio.pjport import BridgedCallAudio
from sip.engine import SipEngine
from sip.media import WavCallAudio
from sip.model import EngineSettings, SipError
from tests.helpers.agent_driver import _jsonable, dispatch, emit, on_event
from tests.helpers.audio_agent import add_tuning_arguments, engine_tuning


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--priority", action="append", default=[])
    parser.add_argument("--microphone")
    parser.add_argument("--speaker")
    parser.add_argument("--log", type=Path)
    add_tuning_arguments(parser)
    args = parser.parse_args()
    logging.basicConfig(
        filename=str(args.log) if args.log else None,
        level=logging.INFO,
        format="%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s",
    )
    audio_engine = AudioEngine(
        PulseBackend(os.environ.get("PULSE_SERVER")),
        AudioSettings(priority=tuple(args.priority), microphone=args.microphone, speaker=args.speaker),
        **engine_tuning(args),
    )
    audio_engine.start().result(10)
    audio = BridgedCallAudio(audio_engine)
    engine = SipEngine(EngineSettings(ip_monitor=False), on_event, call_audio=audio)
    engine.start()
    emit({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        req_id, cmd, a = msg.get("id"), msg["cmd"], msg.get("args", {})
        try:
            if cmd == "audio_state":
                result: Any = {
                    "speaker": (d.id if (d := audio_engine.active_device(Role.SPEAKER)) else None),
                    "microphone": (d.id if (d := audio_engine.active_device(Role.MICROPHONE)) else None),
                    "ringing": audio_engine.ringing,
                    "auto_answer_allowed": audio_engine.auto_answer_allowed(),
                    "port_errors": audio._bridge.callback_errors if audio._bridge else 0,
                }
            elif cmd == "audio_stats":
                result = dataclasses.asdict(audio_engine.stats())
            elif cmd == "audio_reset_stats":
                audio_engine.reset_stats()
                result = None
            elif cmd == "audio_depths":
                samples = []
                end = time.monotonic() + float(a.get("seconds", 2.0))
                # Random intervals: a fixed one would alias with the 20 ms frame cycle and bias the mean depth.
                interval = float(a.get("interval", 0.005))
                while time.monotonic() < end:
                    samples.append(audio_engine.queue_depths())
                    time.sleep(interval * random.uniform(0.5, 1.5))
                result = samples
            else:
                result = dispatch(engine, cast(WavCallAudio, audio), cmd, a)
            emit({"reply": req_id, "ok": True, "result": _jsonable(result)})
        except Exception as exc:
            emit({"reply": req_id, "ok": False, "error": _jsonable(exc) if isinstance(exc, SipError) else repr(exc)})
        if cmd == "quit":
            break
    engine.shutdown()
    audio_engine.shutdown()
    emit({"bye": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
