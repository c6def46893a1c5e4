"""baresip as a scriptable SIP peer for integration tests.

Each :class:`Baresip` gets its own config directory, a ``ctrl_tcp`` control port (JSON in netstrings: commands in,
responses and events out), a sine tone as its microphone (``ausine``, a frequency per peer so each direction can be
told apart), the ``sndfile`` module dumping what it sends and receives to WAV files, and the null ALSA device as its
speaker. ``answermode=auto`` makes it a callee that answers by itself.

Usage::

    with Baresip.start_peer("bob", lab, process_log_dir, tmp_path) as bob:
        bob.wait_registered()
        bob.dial("alice")
        bob.wait_event("CALL_ESTABLISHED")
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers.kamailio import Lab
from tests.helpers.ports import free_port
from tests.helpers.process import ManagedProcess, ProcessError

MODULE_PATH = "/usr/lib/baresip/modules"


def _free_pair(host: str) -> int:
    """A port free for UDP and TCP whose successor is free for TCP too: baresip puts its TLS listener there."""
    while True:
        port = free_port("both", host)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tls:
            try:
                tls.bind((host, port + 1))
            except OSError:
                continue
        return port


@dataclass
class BaresipEvent:
    type: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def peer(self) -> str:
        return str(self.data.get("peeruri", ""))

    @property
    def param(self) -> str:
        return str(self.data.get("param", ""))


class Baresip:
    """One baresip process and its control connection."""

    def __init__(
        self,
        name: str,
        home: Path,
        log_dir: Path,
        *,
        aor: str,
        password: str | None,
        outbound: str,
        tone_hz: int = 440,
        answer: str = "manual",
        codecs: str = "PCMA,PCMU",
        media_encryption: str | None = None,
        extra_modules: tuple[str, ...] = (),
        sip_trace: bool = True,
        display_name: str = "",
        host: str = "127.0.0.1",
    ) -> None:
        self.name = name
        self.home = home
        self.dump_dir = home / "dumps"
        self.ctrl_port = free_port("tcp")
        self.tone_hz = tone_hz
        home.mkdir(parents=True, exist_ok=True)
        self.dump_dir.mkdir(exist_ok=True)
        modules = ["g711.so", "ausine.so", "alsa.so", "sndfile.so", "account.so", "menu.so", "ctrl_tcp.so"]
        if media_encryption:
            modules.append("srtp.so")
        modules += list(extra_modules)
        module_lines = "\n".join(f"module {m}" for m in modules)
        (home / "config").write_text(
            f"""poll_method epoll
sip_listen {host}:{_free_pair(host)}
sip_trans_def udp
net_interface {host}
audio_player alsa,null
audio_alert alsa,null
audio_source ausine,{tone_hz}
ausrc_srate 48000
ausrc_channels 2
rtp_stats yes
rtcp_mux no
jitter_buffer_delay 1-10
module_path {MODULE_PATH}
{module_lines}
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}
snd_path {self.dump_dir}
"""
        )
        params = [f"answermode={answer}", f'outbound="{outbound}"', "regint=60", f"audio_codecs={codecs}"]
        if password is not None:
            params.insert(0, f"auth_pass={password}")
        if media_encryption:
            params.append(f"mediaenc={media_encryption}")
        name_part = f'"{display_name}" ' if display_name else ""
        (home / "accounts").write_text(f"{name_part}<{aor}>;{';'.join(params)}\n")
        (home / "contacts").write_text("")
        argv = ["baresip", "-f", str(home)]
        if sip_trace:
            argv.append("-s")
        self.process = ManagedProcess(
            f"baresip-{name}", argv, log_dir, cwd=home, ready_log=r"baresip is ready", ready_port=None, timeout=20
        )
        self._sock: socket.socket | None = None
        self._events: list[BaresipEvent] = []
        self._responses: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._reader: threading.Thread | None = None
        self._token = 0

    # -- construction helpers ----------------------------------------------------------------------
    @classmethod
    def for_lab(
        cls,
        username: str,
        lab: Lab,
        log_dir: Path,
        home: Path,
        *,
        transport: str = "udp",
        register: bool = True,
        **kwargs: Any,
    ) -> Baresip:
        """A peer registered as ``username`` (password from the lab) reaching Kamailio over ``transport``."""
        password = lab.password(username) if register else None
        aor = f"sip:{username}@{lab.domain}"
        if not register:
            aor += ";regint=0"
        port = {"udp": lab.udp_port, "tcp": lab.tcp_port}[transport]
        outbound = f"sip:{lab.host}:{port};transport={transport}"
        peer = cls(
            username,
            home / f"baresip-{username}",
            log_dir / home.name,
            aor=aor,
            password=password,
            outbound=outbound,
            host=lab.host,
            **kwargs,
        )
        if not register:
            # regint=0: never REGISTER (a caller that only places calls, like a trunk).
            text = (peer.home / "accounts").read_text().replace("regint=60", "regint=0")
            (peer.home / "accounts").write_text(text)
        return peer

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> Baresip:
        self.process.start()
        deadline = time.monotonic() + 10
        while True:
            try:
                self._sock = socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise ProcessError(
                        f"baresip {self.name}: control port never opened:\n{self.process.tail()}"
                    ) from None
                time.sleep(0.05)
        self._sock.settimeout(None)
        self._reader = threading.Thread(target=self._read_loop, name=f"baresip-{self.name}-ctrl", daemon=True)
        self._reader.start()
        return self

    def stop(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._send({"command": "quit", "token": "quit"})
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
            self._sock = None
        self.process.stop()

    def __enter__(self) -> Baresip:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- control protocol --------------------------------------------------------------------------
    def _send(self, obj: dict[str, Any]) -> None:
        assert self._sock is not None
        payload = json.dumps(obj).encode()
        self._sock.sendall(str(len(payload)).encode() + b":" + payload + b",")

    def _read_loop(self) -> None:
        buf = b""
        sock = self._sock
        assert sock is not None
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b":" in buf:
                length_text, rest = buf.split(b":", 1)
                length = int(length_text)
                if len(rest) < length + 1:
                    break
                payload, buf = rest[:length], rest[length + 1 :]
                try:
                    msg = json.loads(payload)
                except ValueError:
                    continue
                with self._cond:
                    if msg.get("event"):
                        self._events.append(BaresipEvent(str(msg.get("type", "")), msg))
                    elif msg.get("response"):
                        self._responses[str(msg.get("token", ""))] = msg
                    self._cond.notify_all()

    def command(self, command: str, params: str = "", timeout: float = 5.0) -> str:
        """Run a baresip menu command (``dial``, ``accept``, ``hangup``, ``hold``, ...) and return its output."""
        self._token += 1
        token = f"t{self._token}"
        msg: dict[str, Any] = {"command": command, "token": token}
        if params:
            msg["params"] = params
        self._send(msg)
        with self._cond:
            if not self._cond.wait_for(lambda: token in self._responses, timeout):
                raise TimeoutError(f"baresip {self.name}: no answer to {command!r}:\n{self.process.tail()}")
            response = self._responses.pop(token)
        return str(response.get("data", ""))

    def events(self, type_: str | None = None) -> list[BaresipEvent]:
        with self._cond:
            return [e for e in self._events if type_ is None or e.type == type_]

    def wait_event(
        self, type_: str, timeout: float = 10.0, where: Callable[[BaresipEvent], bool] | None = None, after: int = 0
    ) -> BaresipEvent:
        """Wait for an event of ``type_`` (e.g. ``REGISTER_OK``, ``CALL_INCOMING``, ``CALL_ESTABLISHED``,
        ``CALL_CLOSED``, ``CALL_DTMF_START``) among events number ``after`` onwards."""

        def find() -> BaresipEvent | None:
            for event in self._events[after:]:
                if event.type == type_ and (where is None or where(event)):
                    return event
            return None

        with self._cond:
            found = self._cond.wait_for(find, timeout)
        if found is None:
            seen = [e.type for e in self.events()]
            raise TimeoutError(f"baresip {self.name}: no {type_} in {timeout} s (saw {seen}):\n{self.process.tail()}")
        return found

    def wait_count(self, type_: str, count: int, timeout: float = 10.0) -> None:
        """Wait until at least ``count`` events of ``type_`` have arrived."""
        with self._cond:
            ok = self._cond.wait_for(lambda: sum(e.type == type_ for e in self._events) >= count, timeout)
        if not ok:
            raise TimeoutError(f"baresip {self.name}: fewer than {count} {type_} in {timeout} s")

    def event_count(self) -> int:
        with self._cond:
            return len(self._events)

    # -- conveniences --------------------------------------------------------------------------------
    def registered(self) -> bool:
        """Ask baresip (``reginfo``): the REGISTER_OK event may fire before the control connection is up."""
        text = re.sub(r"\x1b\[[0-9;]*m", "", self.command("reginfo"))
        return bool(re.search(r"\sOK\s", text))

    def wait_registered(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.registered():
            if time.monotonic() > deadline:
                raise TimeoutError(f"baresip {self.name}: not registered after {timeout} s:\n{self.process.tail()}")
            time.sleep(0.1)

    def dial(self, target: str) -> None:
        self.command("dial", target)

    def accept(self) -> None:
        self.command("accept")

    def hangup(self) -> None:
        self.command("hangup")

    def dumps(self, kind: str = "dec") -> list[Path]:
        """WAV files the sndfile module wrote: ``dec`` is what this peer received, ``enc`` what it sent."""
        return sorted(self.dump_dir.glob(f"*-{kind}.wav"))
