"""The test side of ``tests/helpers/agent_driver.py``: start an agent softphone process and drive it.

    agent = AgentProcess.start(log_dir, tmp_path, tone_hz=700)
    agent.register_to(lab, "1001")
    agent.wait_event("RegistrationChanged", lambda e: e["state"] == "registered")

Each test gets its own process, so a pjsua2 abort or a leaked wrapper can never reach another test, and the
process is killed if it does not quit in time.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sip.media import write_tone_wav
from tests.helpers.kamailio import Lab

REPO = Path(__file__).resolve().parents[2]
Event = dict[str, Any]


class AgentError(RuntimeError):
    pass


class AgentProcess:
    def __init__(self, proc: subprocess.Popen[str], log_path: Path, record: Path | None) -> None:
        self.proc = proc
        self.log_path = log_path
        self.record = record
        self.events: list[Event] = []
        self._replies: dict[int, Event] = {}
        self._cond = threading.Condition()
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def start(
        cls,
        log_dir: Path,
        work_dir: Path,
        *,
        name: str = "agent",
        tone_hz: float | None = 700,
        record: bool = True,
        extra_args: tuple[str, ...] = (),
        prefix: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> AgentProcess:
        work_dir.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        argv = [*prefix, sys.executable, "-m", "tests.helpers.agent_driver", "--trace"]
        argv += ["--history", str(work_dir / f"{name}-history.sqlite"), "--log", str(log_dir / f"{name}.log")]
        if tone_hz:
            argv += ["--play", str(write_tone_wav(work_dir / f"{name}-tone-{int(tone_hz)}.wav", tone_hz))]
        rec_path = work_dir / f"{name}-rx.wav" if record else None
        if rec_path is not None:
            argv += ["--record", str(rec_path)]
        argv += list(extra_args)
        full_env = dict(os.environ if env is None else env)
        full_env["PYTHONPATH"] = str(REPO)
        stderr = (log_dir / f"{name}.stderr").open("ab")
        proc = subprocess.Popen(
            argv,
            cwd=REPO,
            env=full_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            bufsize=1,
        )
        stderr.close()  # the child has its own copy
        agent = cls(proc, log_dir / f"{name}.log", rec_path)
        agent.wait_for(lambda e: bool(e.get("ready")), 20, kind="ready")
        return agent

    # -- protocol -------------------------------------------------------------------------------------
    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            with self._cond:
                if "reply" in msg:
                    self._replies[int(msg["reply"])] = msg
                else:
                    self.events.append(msg)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def command(self, cmd: str, timeout: float = 15.0, **args: Any) -> Any:
        self._next += 1
        req = self._next
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"id": req, "cmd": cmd, "args": args}) + "\n")
        self.proc.stdin.flush()
        with self._cond:
            if not self._cond.wait_for(lambda: req in self._replies or self.proc.poll() is not None, timeout):
                raise AgentError(f"no reply to {cmd} in {timeout} s\n{self.log_tail()}")
            reply = self._replies.pop(req, None)
        if reply is None:
            raise AgentError(f"agent died during {cmd} (exit {self.proc.returncode})\n{self.log_tail()}")
        if not reply["ok"]:
            raise AgentError(f"{cmd} failed: {reply['error']}")
        return reply.get("result")

    def try_command(self, cmd: str, **args: Any) -> tuple[bool, Any]:
        """Like :meth:`command` but returns (ok, result-or-error) instead of raising for a refused command."""
        try:
            return True, self.command(cmd, **args)
        except AgentError as exc:
            return False, str(exc)

    def wait_for(
        self, pred: Callable[[Event], bool], timeout: float = 10.0, *, kind: str = "event", after: int = 0
    ) -> Event:
        def find() -> Event | None:
            for e in self.events[after:]:
                if pred(e):
                    return e
            return None

        with self._cond:
            found = self._cond.wait_for(lambda: find() is not None or self.proc.poll() is not None, timeout)
            event = find()
        if event is None:
            state = "died" if self.proc.poll() is not None else "alive"
            raise AgentError(
                f"agent ({state}): no {kind} in {timeout} s; last events: {self.events[-6:]}\n{self.log_tail()}"
            )
        del found
        return event

    def wait_event(
        self, name: str, pred: Callable[[Event], bool] | None = None, timeout: float = 10.0, after: int = 0
    ) -> Event:
        return self.wait_for(
            lambda e: e.get("event") == name and (pred is None or pred(e)), timeout, kind=name, after=after
        )

    def mark(self) -> int:
        with self._cond:
            return len(self.events)

    # -- conveniences ---------------------------------------------------------------------------------
    def register_to(self, lab: Lab, user: str, transport: str = "tcp", **kwargs: Any) -> None:
        port = {"udp": lab.udp_port, "tcp": lab.tcp_port, "tls": lab.config.listeners.tls}[transport]
        args: dict[str, Any] = {
            "server": lab.host,
            "port": port,
            "domain": lab.domain,
            "user": user,
            "password": lab.password(user) if any(u.username == user for u in lab.config.users) else "x",
            "transport": transport,
        }
        if transport == "tls":
            args["ca_file"] = str(lab.pki.ca_cert)
        args.update(kwargs)
        self.command("register", **args)

    def wait_registered(self, timeout: float = 10.0, after: int = 0) -> Event:
        return self.wait_event("RegistrationChanged", lambda e: e["state"] == "registered", timeout, after)

    def wait_call_state(self, state: str, timeout: float = 10.0, after: int = 0, call_id: int | None = None) -> Event:
        return self.wait_event(
            "CallUpdated",
            lambda e: e["call"]["state"] == state and (call_id is None or e["call"]["call_id"] == call_id),
            timeout,
            after,
        )

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def quit(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            with contextlib.suppress(AgentError, OSError, ValueError):
                self.command("quit", timeout=timeout)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()
        return int(self.proc.returncode)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close()

    def _close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._reader.join(2)
