"""The demo orchestrator: starts the demo's services in order, runs the client against them, stops them all.

Each part of the demo is a :class:`DemoService` with ``start(ctx)`` (returns once the service is ready, or raises
:class:`DemoError`) and ``stop()``. Services tell the client where they are by writing site configuration into
``ctx.site_dir`` (the client's ``AGENTDESK_SITE_CONFIG_DIR``) with :meth:`DemoContext.add_site_config`, by adding
command-line arguments (:meth:`DemoContext.add_client_args`) or environment variables (``ctx.client_env``).
Services are started in list order and stopped in reverse order, also on Ctrl+C, on errors and when the window closes.

The client runs with a profile of its own under the work directory (``profile/config``, ``profile/state``: its
user file, window state and log ``profile/state/AgentDesk/log/agentdesk.log``), so a demo never touches the
agent's real settings.

The list of services is built in ``app/demo/__main__.py``: each issue adds its own (the hub on SQLite with demo data,
Kamailio, the simulated caller, signing the client in). Runs in the foreground on the main thread; no Qt.
"""

from __future__ import annotations

import contextlib
import enum
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Protocol

ROOT = Path(__file__).resolve().parents[2]


class DemoErrorKind(enum.Enum):
    """Why the demo could not start."""

    MISSING_PROGRAM = "missing-program"  # a Debian package is not installed (bootstrap installs them)
    START_FAILED = "start-failed"  # a service exited or did not become ready
    CLIENT_FAILED = "client-failed"  # the client exited with an error


class DemoError(Exception):
    """The demo could not run; the message says which service and why."""

    def __init__(self, kind: DemoErrorKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass
class DemoContext:
    """What services share: a working directory, the client's site configuration, environment and arguments."""

    work_dir: Path
    site_dir: Path
    client_env: dict[str, str] = field(default_factory=dict)
    client_args: list[str] = field(default_factory=list)
    quiet: bool = False

    def add_site_config(self, name: str, toml_text: str) -> Path:
        """Write ``conf.d/<name>.toml`` of the client's site configuration (read in name order)."""
        path = self.site_dir / "conf.d" / f"{name}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(toml_text, encoding="utf-8")
        return path

    def add_client_args(self, *args: str) -> None:
        self.client_args.extend(args)

    def say(self, message: str) -> None:
        """Progress for the person running the demo (stdout, one line)."""
        if not self.quiet:
            print(f"[demo] {message}", flush=True)


class DemoService(Protocol):
    """One part of the demo."""

    name: str

    def start(self, ctx: DemoContext) -> None: ...

    def stop(self) -> None: ...


def free_display() -> int:
    """An X display number with no server (no socket and no lock file)."""
    for number in range(90, 400):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise DemoError(DemoErrorKind.START_FAILED, "no free X display number")


class VirtualDisplay:
    """Xvfb, for running the client's real (xcb) window on a machine without a screen."""

    name = "virtual display (Xvfb)"

    def __init__(self, size: str = "1366x800x24") -> None:
        self.size = size
        self._proc: subprocess.Popen[bytes] | None = None
        self.display = ""

    def start(self, ctx: DemoContext) -> None:
        if shutil.which("Xvfb") is None:
            raise DemoError(DemoErrorKind.MISSING_PROGRAM, "Xvfb is not installed (Debian package xvfb)")
        number = free_display()
        self.display = f":{number}"
        log = (ctx.work_dir / "xvfb.log").open("wb")
        # -displayfd would be neater, but Xvfb then needs a pipe we must drain; the socket check is enough.
        self._proc = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", self.size, "-nolisten", "tcp"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        for _ in range(200):  # up to ~10 s
            if self._proc.poll() is not None:
                raise DemoError(DemoErrorKind.START_FAILED, f"Xvfb exited: see {ctx.work_dir / 'xvfb.log'}")
            if socket_path.exists():
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=0.05)
        else:
            raise DemoError(DemoErrorKind.START_FAILED, "Xvfb did not create its socket")
        ctx.client_env["DISPLAY"] = self.display
        ctx.client_env["QT_QPA_PLATFORM"] = "xcb"

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


class Demo:
    """Runs services and the client (see the module docstring)."""

    def __init__(self, services: Sequence[DemoService], *, quiet: bool = False) -> None:
        self.services = list(services)
        self.quiet = quiet
        self._started: list[DemoService] = []
        self._client: subprocess.Popen[bytes] | None = None

    @contextlib.contextmanager
    def _work_dir(self, keep: Path | None) -> Iterator[Path]:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            yield keep
        else:
            with tempfile.TemporaryDirectory(prefix="agentdesk-demo-") as tmp:
                yield Path(tmp)

    def run(self, client_args: Sequence[str] = (), *, work_dir: Path | None = None) -> int:
        """Start everything, run the client until it exits, stop everything; returns the client's exit code."""
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, self._on_sigterm)
        try:
            with self._work_dir(work_dir) as tmp:
                ctx = DemoContext(work_dir=tmp, site_dir=tmp / "site", quiet=self.quiet)
                ctx.site_dir.mkdir(parents=True, exist_ok=True)
                ctx.client_env.update(os.environ)
                ctx.client_env["AGENTDESK_SITE_CONFIG_DIR"] = str(ctx.site_dir)
                # A demo profile of its own: the agent's real settings (user file, window state, logs) neither
                # change the demo nor get changed by it. The OS keyring is still the user's.
                profile = tmp / "profile"
                for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"), ("XDG_DATA_HOME", "data")):
                    (profile / sub).mkdir(parents=True, exist_ok=True)
                    ctx.client_env[var] = str(profile / sub)
                ctx.client_env["PYTHONPATH"] = os.pathsep.join(
                    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
                )
                try:
                    for service in self.services:
                        ctx.say(f"starting {service.name}")
                        self._started.append(service)
                        service.start(ctx)
                    return self._run_client(ctx, [*ctx.client_args, *client_args])
                finally:
                    self._stop_all(ctx)
        except KeyboardInterrupt:
            return 130
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _run_client(self, ctx: DemoContext, args: Sequence[str]) -> int:
        argv = [sys.executable, "-m", "ui.main", *args]
        ctx.say("starting the AgentDesk client" + (f" ({' '.join(args)})" if args else ""))
        self._client = subprocess.Popen(argv, cwd=ROOT, env=ctx.client_env)
        try:
            code = self._client.wait()
        except KeyboardInterrupt:
            self._terminate_client()
            raise
        if code != 0:
            ctx.say(f"the client exited with code {code}")
        return code

    def _terminate_client(self) -> None:
        client = self._client
        if client is not None and client.poll() is None:
            client.terminate()
            try:
                client.wait(10)
            except subprocess.TimeoutExpired:
                client.kill()
                client.wait()

    def _stop_all(self, ctx: DemoContext) -> None:
        self._terminate_client()
        while self._started:
            service = self._started.pop()
            ctx.say(f"stopping {service.name}")
            try:
                service.stop()
            except Exception as exc:  # keep stopping the others
                ctx.say(f"could not stop {service.name}: {exc}")

    def _on_sigterm(self, _signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt  # unwinds run(): the client and every service are stopped
