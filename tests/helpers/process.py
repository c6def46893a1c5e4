"""Start a real program for a test, wait until it is ready, and keep its output for the failure report.

``ManagedProcess`` writes the program's stdout and stderr to a log file; ``tests/conftest.py`` attaches the tail of the
log of every process that ran during a failing test to that test's report. Readiness is a regular expression in the
output, a TCP port that accepts, or any callable; a program that exits or is not ready in time fails the fixture with
its log.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar


class ProcessError(RuntimeError):
    """The program exited early or did not become ready; the message carries its log tail."""


class ManagedProcess:
    """A real program started by a fixture. Use as a context manager or call ``start()`` / ``stop()``."""

    running: ClassVar[list[ManagedProcess]] = []  # processes alive now, for failure reports

    def __init__(
        self,
        name: str,
        argv: Sequence[str | os.PathLike[str]],
        log_dir: Path,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        ready_log: str | None = None,
        ready_port: tuple[str, int] | None = None,
        ready_check: Callable[[], bool] | None = None,
        timeout: float = 20.0,
        stop_signal: int = signal.SIGTERM,
        stop_timeout: float = 5.0,
    ) -> None:
        self.name = name
        self.argv = [os.fspath(a) for a in argv]
        self.log_path = log_dir / f"{name}.log"
        self.env = dict(os.environ if env is None else env)
        self.cwd = cwd
        self.ready_log = re.compile(ready_log) if ready_log else None
        self.ready_port = ready_port
        self.ready_check = ready_check
        self.timeout = timeout
        self.stop_signal = stop_signal
        self.stop_timeout = stop_timeout
        self.proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"$ {' '.join(self.argv)}\n".encode())
            self.proc = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,  # so stop() can signal the whole process group
            )
        ManagedProcess.running.append(self)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise ProcessError(
                    f"{self.name} exited with {self.proc.returncode} before it was ready:\n{self.tail()}"
                )
            if self._is_ready():
                return
            if time.monotonic() > deadline:
                raise ProcessError(f"{self.name} not ready after {self.timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.05)

    def _is_ready(self) -> bool:
        if self.ready_log is not None and not self.ready_log.search(self.output()):
            return False
        if self.ready_port is not None:
            try:
                with socket.create_connection(self.ready_port, timeout=0.2):
                    pass
            except OSError:
                return False
        return self.ready_check is None or self.ready_check()

    def stop(self) -> int | None:
        """Stop the program (its whole process group) and return its exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, self.stop_signal)
            try:
                proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self in ManagedProcess.running:
            ManagedProcess.running.remove(self)
        return proc.returncode

    def kill(self) -> None:
        """Kill the program at once (SIGKILL), as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- output -------------------------------------------------------------------------------------
    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def wait_for_log(self, pattern: str, timeout: float = 10.0, start: int = 0) -> re.Match[str]:
        """Wait until ``pattern`` appears in the output after character offset ``start``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.output(), start)
            if match:
                return match
            if time.monotonic() > deadline:
                raise ProcessError(f"{self.name}: {pattern!r} not seen in {timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.05)

    def __enter__(self) -> ManagedProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
