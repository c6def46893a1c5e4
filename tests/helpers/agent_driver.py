"""The agent side of the softphone tests, run as its own process: one ``SipEngine`` driven over JSON lines.

pjsua2 allows one endpoint per process and aborts the process on misuse, so no test loads pjsua2 into pytest.
Commands arrive on stdin (``{"id": 1, "cmd": "call", "args": {...}}``); replies (``{"reply": 1, "ok": true,
"result": ...}``) and every engine event (``{"event": "CallUpdated", ...}``) go to stdout, one JSON object a line.
Media: a WAV tone is played into every call and what the calls receive is recorded (``WavCallAudio``).

    python -m tests.helpers.agent_driver --play tone.wav --record rx.wav --history calls.sqlite
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sip.engine import SipEngine
from sip.history import CallHistory
from sip.media import WavCallAudio
from sip.model import (
    AccountSettings,
    AutoAnswerMode,
    DtmfMode,
    EngineSettings,
    RejectReason,
    SipError,
    SipEvent,
    SrtpMode,
    Transport,
)

_out_lock = threading.Lock()


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, SipError):
        return {"kind": value.kind.value, "detail": value.detail}
    return value


def emit(obj: dict[str, Any]) -> None:
    line = json.dumps(obj, default=str)
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def on_event(event: SipEvent) -> None:
    emit({"event": type(event).__name__, "t": time.monotonic(), **_jsonable(event)})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--play", type=Path)
    parser.add_argument("--record", type=Path)
    parser.add_argument("--history", type=Path)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--quality-interval", type=float, default=5.0)
    parser.add_argument("--tx-drop-pct", type=int, default=0)
    parser.add_argument("--veto-auto-answer", action="store_true")
    parser.add_argument("--no-ip-monitor", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(
        filename=str(args.log) if args.log else None,
        level=logging.DEBUG if args.trace else logging.INFO,
        format="%(asctime)s %(created).6f %(threadName)s %(name)s %(levelname)s %(message)s",
    )
    audio = WavCallAudio(args.play, args.record, veto_auto_answer=args.veto_auto_answer)
    engine = SipEngine(
        EngineSettings(
            sip_trace=args.trace,
            quality_interval_s=args.quality_interval,
            tx_drop_pct=args.tx_drop_pct,
            ip_monitor=not args.no_ip_monitor,
        ),
        on_event,
        call_audio=audio,
        history=CallHistory(args.history) if args.history else None,
    )
    engine.start()
    emit({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        req_id, cmd, a = msg.get("id"), msg["cmd"], msg.get("args", {})
        try:
            result = dispatch(engine, audio, cmd, a)
            emit({"reply": req_id, "ok": True, "result": _jsonable(result)})
        except Exception as exc:
            emit({"reply": req_id, "ok": False, "error": _jsonable(exc) if isinstance(exc, SipError) else repr(exc)})
        if cmd == "quit":
            break
    engine.shutdown()
    emit({"bye": True})
    return 0


def dispatch(engine: SipEngine, audio: WavCallAudio, cmd: str, a: dict[str, Any]) -> Any:
    timeout = 10
    if cmd == "register":
        acc = AccountSettings(
            server=a["server"],
            user=a["user"],
            domain=a.get("domain", ""),
            port=a.get("port", 0),
            transport=Transport(a.get("transport", "tcp")),
            outbound_proxy=a.get("outbound_proxy", ""),
            ca_file=a.get("ca_file", ""),
            srtp=SrtpMode(a.get("srtp", "optional")),
            dtmf=DtmfMode(a.get("dtmf", "rfc2833")),
            auto_answer=AutoAnswerMode(a.get("auto_answer", "off")),
            auto_answer_delay_s=a.get("auto_answer_delay", 0.5),
            expires_s=a.get("expires", 300),
            retry_interval_s=a.get("retry", 2),
            display_name=a.get("display_name", ""),
        )
        return engine.register(acc, a["password"]).result(timeout)
    if cmd == "unregister":
        return engine.unregister().result(timeout)
    if cmd == "call":
        return engine.make_call(a["number"]).result(timeout)
    if cmd == "redial":
        return engine.redial().result(timeout)
    if cmd == "answer":
        return engine.answer(a["call_id"]).result(timeout)
    if cmd == "reject":
        return engine.reject(a["call_id"], RejectReason[a.get("reason", "BUSY")]).result(timeout)
    if cmd == "hangup":
        return engine.hangup(a["call_id"]).result(timeout)
    if cmd == "hold":
        return engine.hold(a["call_id"]).result(timeout)
    if cmd == "resume":
        return engine.resume(a["call_id"]).result(timeout)
    if cmd == "mute":
        return engine.set_mute(a["call_id"], mic=a.get("mic"), speaker=a.get("speaker")).result(timeout)
    if cmd == "dtmf":
        mode = DtmfMode(a["mode"]) if a.get("mode") else None
        return engine.send_dtmf(a["call_id"], a["digits"], mode).result(timeout)
    if cmd == "transfer":
        return engine.transfer_blind(a["call_id"], a["number"]).result(timeout)
    if cmd == "transfer_attended":
        return engine.transfer_attended(a["call_id"], a["consult_call_id"]).result(timeout)
    if cmd == "conference":
        return engine.conference(tuple(a["call_ids"])).result(timeout)
    if cmd == "record_to":
        path = Path(a["path"]) if a.get("path") else None

        def switch() -> None:
            audio.record_to(path)
            engine.flush_media()  # the old file is closed once pjmedia has removed its port

        return engine.submit(switch).result(timeout)
    if cmd == "trace":
        engine.set_sip_trace(bool(a["on"]))
        return None
    if cmd == "ip_change":
        return engine.handle_ip_change().result(timeout)
    if cmd == "media_stats":
        return engine.media_stats(a["call_id"]).result(timeout)
    if cmd == "calls":
        return engine.calls().result(timeout)
    if cmd == "ping":
        return engine.submit(lambda: "pong").result(timeout)
    if cmd == "quit":
        return None
    raise ValueError(f"unknown command {cmd!r}")


if __name__ == "__main__":
    sys.exit(main())
