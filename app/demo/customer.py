"""The demo's simulated customer: registers (the demo uses 13800138000, the hub's seeded customer 张伟, so the agent
sees a screen pop; the default user is 2001) and calls the agent every so often.

Uses the product's own ``SipEngine`` (a separate process: one pjsua2 endpoint per process) with a WAV "voice" — a
two-tone pattern — so the agent hears something when answering. Each call rings up to 30 s, then talks for
20–40 s unless the agent hangs up first. SIGTERM ends it cleanly (hang up, un-REGISTER).

    python -m app.demo.customer --port 5060 --agent 1001
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import random
import signal
import struct
import threading
import time
import wave
from pathlib import Path

from sip.engine import SipEngine
from sip.media import WavCallAudio
from sip.model import AccountSettings, CallEnded, CallState, CallUpdated, EngineSettings, SipError, SipEvent, Transport

log = logging.getLogger("demo.customer")


def write_voice(path: Path, seconds: float = 4.0, rate: int = 16000) -> Path:
    """A recognisable "voice": alternating 440/660 Hz half-second tones with short pauses."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        t = i / rate
        phase = int(t * 2) % 3
        hz = (440.0, 660.0, 0.0)[phase]
        value = 0.25 * math.sin(2 * math.pi * hz * t) if hz else 0.0
        frames += struct.pack("<h", int(value * 32767))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return path


class Customer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stop = threading.Event()
        self.state: dict[int, CallState] = {}
        self.ended = threading.Event()
        audio = WavCallAudio(write_voice(Path(args.work_dir) / "voice.wav"))
        self.engine = SipEngine(
            EngineSettings(user_agent="AgentDesk demo customer", ip_monitor=False), self.on_event, call_audio=audio
        )

    def on_event(self, event: SipEvent) -> None:  # SIP thread
        if isinstance(event, CallUpdated):
            self.state[event.call.call_id] = event.call.state
        elif isinstance(event, CallEnded):
            self.state[event.call.call_id] = CallState.ENDED
            log.info("call ended: %s (%s %s)", event.outcome.value, event.code, event.reason)
            self.ended.set()

    def run(self) -> None:
        self.engine.start()
        account = AccountSettings(
            server="127.0.0.1",
            port=self.args.port,
            domain=self.args.domain,
            user=self.args.user,
            transport=Transport.TCP,
            display_name=self.args.name,
        )
        self.engine.register(account, self.args.password).result(10)
        wait = self.args.first
        while not self.stop.wait(wait):
            self.one_call()
            wait = self.args.interval
        self.engine.shutdown()

    def one_call(self) -> None:
        self.ended.clear()
        try:
            call_id = self.engine.make_call(self.args.agent).result(10)
        except SipError as exc:
            log.warning("could not call the agent: %s", exc)
            return
        log.info("calling the agent (call %s)", call_id)
        deadline = time.monotonic() + 30
        while self.state.get(call_id) not in (CallState.CONNECTED, CallState.ENDED):
            if time.monotonic() > deadline or self.stop.is_set():
                self._hangup(call_id)
                return
            time.sleep(0.2)
        if self.state.get(call_id) is CallState.ENDED:
            return
        talk = random.uniform(20, 40)
        if not self.ended.wait(talk) and not self.stop.is_set():
            log.info("customer hangs up after %.0f s", talk)
        self._hangup(call_id)

    def _hangup(self, call_id: int) -> None:
        if self.state.get(call_id) is not CallState.ENDED:
            with contextlib.suppress(SipError):
                self.engine.hangup(call_id).result(5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="the registrar's TCP port on 127.0.0.1")
    parser.add_argument("--agent", default="1001", help="the extension to call")
    parser.add_argument("--domain", default="agentdesk.test")
    parser.add_argument("--user", default="2001")
    parser.add_argument("--password", default="demo-customer")
    parser.add_argument("--name", default="张先生")
    parser.add_argument("--first", type=float, default=20.0, help="seconds before the first call")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between calls")
    parser.add_argument("--work-dir", default=".")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("sip.pjsip").setLevel(logging.WARNING)
    customer = Customer(args)
    signal.signal(signal.SIGTERM, lambda *_: customer.stop.set())
    signal.signal(signal.SIGINT, lambda *_: customer.stop.set())
    customer.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
