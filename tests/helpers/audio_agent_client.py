"""Drive ``tests/helpers/audio_agent.py`` (the pjsua2 + bridge process) from a test: JSON lines both ways."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]


class AgentError(RuntimeError):
    """The agent process failed a command, died, or did not answer; carries its log tail."""


class AudioAgent:
    """A running agent process. ``cmd()`` sends one command and waits for its answer."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], log_path: Path, timeout: float = 30.0) -> None:
        self.log_path = log_path
        full_env = dict(env)
        full_env["PYTHONPATH"] = str(ROOT)
        full_env.setdefault("PYTHONFAULTHANDLER", "1")
        self._log: IO[bytes] = log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.audio_agent", *args],
            cwd=ROOT,
            env=full_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            bufsize=1,
        )
        self._lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        first = self._next(timeout)
        if not first.get("ready"):
            raise AgentError(f"agent did not start: {first}\n{self.tail()}")

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("@@"):
                self._lines.put(line[2:])
        self._lines.put(None)

    def _next(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AgentError(f"agent silent for {timeout:.0f} s\n{self.tail()}") from None
        if line is None:
            raise AgentError(f"agent exited ({self.proc.poll()})\n{self.tail()}")
        result: dict[str, Any] = json.loads(line)
        return result

    def cmd(self, name: str, timeout: float = 30.0, **params: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": name, **params}) + "\n")
        self.proc.stdin.flush()
        answer = self._next(timeout)
        if not answer.get("ok"):
            raise AgentError(f"{name} failed: {answer.get('error')}\n{self.tail()}")
        return answer.get("result")

    def state(self) -> dict[str, Any]:
        result: dict[str, Any] = self.cmd("state")
        return result

    def wait_state(self, predicate: Any, timeout: float = 10.0, what: str = "agent state") -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            if predicate(state):
                return state
            if time.monotonic() > deadline:
                raise AgentError(f"{what} not reached in {timeout:.0f} s; last state {state}\n{self.tail()}")
            time.sleep(0.1)

    def quit(self, timeout: float = 20.0) -> int:
        """Ask it to shut down cleanly and return its exit code (a crash at quit is a negative signal number)."""
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.flush()
                self.proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close_pipes()
        return self.proc.returncode

    def _close_pipes(self) -> None:
        self._pump_thread.join(5)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(OSError):
                    pipe.close()
        if not self._log.closed:
            self._log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


def agent_env(base: Mapping[str, str]) -> dict[str, str]:
    env = dict(base)
    env.pop("QT_QPA_PLATFORM", None)
    env.setdefault("PATH", os.environ.get("PATH", ""))
    return env
