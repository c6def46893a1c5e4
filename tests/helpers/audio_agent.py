"""The agent side of the audio tests, run as its own process: one pjsua2 endpoint with the real bridge.

pjsua2 allows one endpoint per process and aborts on misuse, so tests drive this script through
``AudioAgent`` (JSON lines on stdin/stdout) instead of loading pjsua2 into pytest. It reaches the private
PulseAudio through the environment the test gives it (``PULSE_SERVER``, ``ALSA_CONFIG_PATH``).

Modes:
- ``loop``: no SIP at all; the bridge port transmits to itself through pjmedia's conference bridge, so
  microphone → pjmedia → speaker runs on the real clock thread (device tests, busy-GUI test);
- ``sip``: a UDP transport and, optionally, an account registered at a registrar; ``call``/``hangup`` commands;
  incoming calls are answered (auto-answer) unless the headset guard refuses.

The main thread plays the GUI thread: it pumps ``libHandleEvents(0)`` every 20 ms and runs commands, and
``busy`` keeps it (and the GIL) busy the way a heavy GUI would.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import queue
import random
import sys
import threading
import time
from dataclasses import asdict
from typing import Any

import pjsua2 as pj

from sip.audio import AudioEngine, AudioEvent, AudioSettings, PulseBackend, Role
from sip.audio.model import ActiveDeviceChanged, AudioProblem, DevicesChanged
from sip.audio.pjport import BridgedCallAudio, PjAudioBridge

log = logging.getLogger("audio_agent")


class GcWatch:
    """Counts Python's garbage collections per generation and the longest pause each caused (the GIL is held
    throughout a collection, so a long one stalls every audio callback)."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.longest_ms = [0.0, 0.0, 0.0]
        self._start = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
            return
        gen = info["generation"]
        self.count[gen] += 1
        self.longest_ms[gen] = max(self.longest_ms[gen], (time.perf_counter() - self._start) * 1000)

    def reset(self) -> None:
        self.count = [0, 0, 0]
        self.longest_ms = [0.0, 0.0, 0.0]

    def report(self) -> dict[str, Any]:
        return {"count": list(self.count), "longest_ms": list(self.longest_ms), "objects": len(gc.get_objects())}


def add_tuning_arguments(parser: argparse.ArgumentParser) -> None:
    """The engine's latency knobs, for the benchmark's sweeps (defaults: the engine's own)."""
    parser.add_argument("--output-latency", type=float, default=None)
    parser.add_argument("--input-latency", type=float, default=None)
    parser.add_argument("--blocks", type=int, default=None)
    parser.add_argument("--target", type=int, default=None, help="both queue floors (frames)")
    parser.add_argument("--speaker-target", type=int, default=None)
    parser.add_argument("--mic-target", type=int, default=None)
    parser.add_argument("--no-realtime", action="store_true", help="keep the audio threads at normal priority")
    parser.add_argument(
        "--bridge-path",
        choices=("auto", "native", "python"),
        default="auto",
        help="the OS side of the bridge: native (C on libpulse), python (PortAudio callbacks), auto (native if built)",
    )
    parser.add_argument(
        "--gil-interval", type=float, default=None, help="GIL switch interval during calls (s); 0: leave"
    )


def engine_tuning(args: argparse.Namespace) -> dict[str, Any]:
    tuning: dict[str, Any] = {}
    if args.output_latency is not None:
        tuning["output_latency"] = args.output_latency
    if args.input_latency is not None:
        tuning["input_latency"] = args.input_latency
    if args.blocks is not None:
        tuning["blocks_per_frame"] = args.blocks
    if args.target is not None:
        tuning["speaker_target"] = tuning["mic_target"] = args.target
    if args.speaker_target is not None:
        tuning["speaker_target"] = args.speaker_target
    if args.mic_target is not None:
        tuning["mic_target"] = args.mic_target
    if args.no_realtime:
        tuning["realtime"] = False
    if args.gil_interval is not None:
        tuning["switch_interval"] = args.gil_interval or None
    if args.bridge_path != "auto":
        tuning["native_path"] = args.bridge_path == "native"
    return tuning


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write("@@" + json.dumps(obj) + "\n")  # pjsip may print to stdout too
    sys.stdout.flush()


class Agent:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.events: list[dict[str, Any]] = []
        self.gc_watch = GcWatch()
        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        # pjsua's default of 4 calls answers 486 Busy as soon as calls still being torn down (the main thread pumps
        # every 20 ms; slower on a loaded machine) and SIPp's next ones (up to 3 at once) add up to 5: a race with
        # the machine's load, not a property of the bridge. The app's SipEngine allows MAX_CALLS + 2 likewise.
        cfg.uaConfig.maxCalls = 16
        cfg.logConfig.level = 3
        cfg.logConfig.consoleLevel = 1
        cfg.medConfig.clockRate = 16000
        cfg.medConfig.sndClockRate = 16000
        cfg.medConfig.noVad = True
        cfg.medConfig.ecTailLen = 0
        self.ep.libInit(cfg)
        self.account: Account | None = None
        self.calls: dict[int, Call] = {}
        if args.mode == "sip":
            tcfg = pj.TransportConfig()
            tcfg.port = 0
            tcfg.boundAddress = "127.0.0.1"
            self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
            for codec in self.ep.codecEnum2():
                prio = {"G722/16000/1": 255, "PCMA/8000/1": 254, "PCMU/8000/1": 253}.get(codec.codecId, 0)
                self.ep.codecSetPriority(codec.codecId, prio)
        self.ep.audDevManager().setNullDev()
        self.ep.libStart()
        settings = AudioSettings(
            priority=tuple(args.priority or ()),
            microphone=args.microphone,
            speaker=args.speaker,
            ringer=args.ringer,
        )
        self.engine = AudioEngine(
            PulseBackend(os.environ.get("PULSE_SERVER")), settings, self.on_event, **engine_tuning(args)
        )
        self.engine.start().result(10)
        self.bridge = PjAudioBridge(self.engine)
        self.audio = BridgedCallAudio(self.engine, self.bridge)
        if args.mode == "sip" and args.registrar:
            self.account = Account(self)
            acfg = pj.AccountConfig()
            acfg.idUri = f"sip:{args.user}@{args.domain}"
            acfg.regConfig.registrarUri = f"sip:{args.registrar};transport=udp"
            cred = pj.AuthCredInfo("digest", "*", args.user, 0, args.password)
            acfg.sipConfig.authCreds.append(cred)
            self.account.create(acfg)
        self.commands: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        threading.Thread(target=self._read_stdin, daemon=True).start()

    def on_event(self, event: AudioEvent) -> None:
        # Engine control thread: record only.
        if isinstance(event, DevicesChanged):
            self.events.append({"event": "devices", "outputs": [d.id for d in event.inventory.outputs]})
        elif isinstance(event, ActiveDeviceChanged):
            self.events.append(
                {
                    "event": "active",
                    "role": event.role.value,
                    "device": event.device.id if event.device else None,
                    "reason": event.reason.value,
                }
            )
        elif isinstance(event, AudioProblem):
            self.events.append(
                {"event": "problem", "kind": event.error.kind.value, "role": event.role and event.role.value}
            )

    def _read_stdin(self) -> None:
        for line in sys.stdin:
            if line.strip():
                self.commands.put(json.loads(line))
        self.commands.put({"cmd": "quit"})

    def run(self) -> None:
        _emit({"ready": True})
        while True:
            self.ep.libHandleEvents(0)
            try:
                command = self.commands.get(timeout=0.02)
            except queue.Empty:
                continue
            if command["cmd"] == "quit":
                break
            try:
                result = self.handle(command)
                _emit({"ok": True, "result": result})
            except Exception as exc:
                log.exception("command failed")
                _emit({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        self.shutdown()
        _emit({"bye": True})

    # -- commands -------------------------------------------------------------------------------
    def handle(self, c: dict[str, Any]) -> Any:
        cmd = c["cmd"]
        if cmd == "loop_start":
            self.audio.outgoing_started()
            self.engine.open_call_audio().result(10)
            self.audio.answered()
            self.bridge.connect(self.bridge._port)  # the port to itself through the conference bridge
            return None
        if cmd == "loop_stop":
            port = self.bridge._port
            self.bridge.disconnect(port)
            self.audio.call_ended(0, 0)
            return None
        if cmd == "open":
            self.engine.open_call_audio().result(10)
            return None
        if cmd == "close":
            self.engine.close_call_audio().result(10)
            return None
        if cmd == "settings":
            s = self.engine.settings
            new = AudioSettings(
                priority=tuple(c.get("priority", s.priority)),
                microphone=c.get("microphone", s.microphone),
                speaker=c.get("speaker", s.speaker),
                ringer=c.get("ringer", s.ringer),
            )
            self.engine.set_settings(new).result(10)
            return None
        if cmd == "state":
            return {
                "selected": {r.value: (d.id if (d := self.engine.selected(r)) else None) for r in Role},
                "active": {
                    r.value: (d.id if (d := self.engine.active_device(r)) else None)
                    for r in (Role.MICROPHONE, Role.SPEAKER)
                },
                "inputs": [d.id for d in self.engine.inventory.inputs],
                "outputs": [d.id for d in self.engine.inventory.outputs],
                "headset": self.engine.headset_present(),
                "auto_answer_allowed": self.engine.auto_answer_allowed(),
                "events": self.events,
                "calls": {str(k): v.state for k, v in self.calls.items()},
                "registered": self.account.registered if self.account else None,
                "ringing": self.engine.ringing,
                "mic_level": self.engine.mic_level(),
                "port_errors": self.bridge.callback_errors,
            }
        if cmd == "stats":
            return asdict(self.engine.stats())
        if cmd == "depths":
            samples = []
            end = time.monotonic() + float(c.get("seconds", 2.0))
            # Random intervals: a fixed one would alias with the 20 ms frame cycle and bias the mean depth.
            interval = float(c.get("interval", 0.005))
            while time.monotonic() < end:
                samples.append(self.engine.queue_depths())
                time.sleep(interval * random.uniform(0.5, 1.5))
            return samples
        if cmd == "reset_stats":
            self.engine.reset_stats()
            self.gc_watch.reset()
            return None
        if cmd == "gc":
            return self.gc_watch.report()
        if cmd == "busy":
            # Keep the "GUI" thread busy: Python work plus C calls that hold the GIL for ``hold_ms`` at a time.
            end = time.monotonic() + float(c["seconds"])
            size = int(c.get("sort_size", 200_000))
            data = list(range(size))
            random.Random(4).shuffle(data)
            while time.monotonic() < end:
                sorted(data)  # one C call: holds the GIL throughout
                total = 0
                for i in range(20_000):
                    total += i * i
                self.ep.libHandleEvents(0)
            return None
        if cmd == "ring":
            self.engine.start_ringing().result(10)
            return None
        if cmd == "ring_stop":
            self.engine.stop_ringing().result(10)
            return None
        if cmd == "call":
            call = Call(self, self.account)
            prm = pj.CallOpParam(True)
            self.audio.outgoing_started()
            call.makeCall(c["uri"], prm)
            self.calls[call.getId()] = call
            return call.getId()
        if cmd == "hangup_all":
            for call in list(self.calls.values()):
                prm = pj.CallOpParam()
                prm.statusCode = 200
                with contextlib.suppress(pj.Error):
                    call.hangup(prm)
            return None
        if cmd == "call_count":
            return len(self.calls)
        raise ValueError(f"unknown command {cmd}")

    def shutdown(self) -> None:
        for call in list(self.calls.values()):
            with contextlib.suppress(pj.Error):
                call.hangup(pj.CallOpParam())
        end = time.monotonic() + 3
        while self.calls and time.monotonic() < end:
            self.ep.libHandleEvents(20)
        self.calls.clear()
        if self.account is not None:
            self.account.shutdown()
            end = time.monotonic() + 1
            while time.monotonic() < end:
                self.ep.libHandleEvents(20)
            self.account = None
        self.audio.shutdown()
        self.engine.shutdown()
        self.ep.libDestroy()


class Account(pj.Account):  # type: ignore[misc]
    def __init__(self, agent: Agent) -> None:
        super().__init__()
        self.agent = agent
        self.registered = False

    def onRegState(self, prm: Any) -> None:
        self.registered = self.getInfo().regIsActive

    def onIncomingCall(self, prm: Any) -> None:
        call = Call(self.agent, self, prm.callId)
        self.agent.calls[call.getId()] = call
        self.agent.audio.incoming_ringing()
        op = pj.CallOpParam()
        if self.agent.audio.auto_answer_allowed():
            # Straight to 200: a 180 sent just before it can reach the caller *after* it (Kamailio's UDP workers
            # forward the two in parallel), which SIPp takes for an unexpected message and aborts the call.
            op.statusCode = 200
            call.answer(op)
            self.agent.audio.answered()
        else:
            op.statusCode = 180  # ring for the agent to answer by hand
            call.answer(op)
            self.agent.events.append({"event": "auto_answer_refused"})


class Call(pj.Call):  # type: ignore[misc]
    def __init__(self, agent: Agent, account: Any, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        if account is None:
            super().__init__(pj.Account(), call_id)
        else:
            super().__init__(account, call_id)
        self.agent = agent
        self.state = "new"

    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        self.state = info.stateText
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
            self.agent.audio.answered()
        if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.agent.calls.pop(info.id, None)
            self.agent.audio.call_ended(len(self.agent.calls), 0)

    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()
        for i, media in enumerate(info.media):
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.agent.audio.media_active(self.getAudioMedia(i))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("loop", "sip"), default="loop")
    parser.add_argument("--priority", action="append")
    parser.add_argument("--microphone")
    parser.add_argument("--speaker")
    parser.add_argument("--ringer")
    add_tuning_arguments(parser)
    parser.add_argument("--switch-interval", type=float, default=None)
    parser.add_argument("--registrar")
    parser.add_argument("--domain")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    Agent(args).run()


if __name__ == "__main__":
    main()
