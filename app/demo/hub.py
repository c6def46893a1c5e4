"""The demo's hub: ``agentdesk-hub`` on a SQLite file with the demo dataset, served over HTTPS on a free port.

:class:`HubService` makes a throw-away CA and a certificate for 127.0.0.1/localhost (the Kamailio lab's PKI code),
runs ``agentdesk-hub migrate`` and ``seed-demo`` into ``<work dir>/hub/agentdesk-hub.sqlite3``, starts
``agentdesk-hub serve --tls-cert … --tls-key …``, waits for ``GET /api/v1/status`` (verifying the certificate
against the demo CA, as the client will) and writes the client's ``[hub]`` site settings (``url``, ``ca_file``).

:class:`DemoKeyring` puts the demo agent's password where the client looks for it: the OS keyring (never a file or
the command line). Without a Secret Service (a server, a container, CI) it starts a private, unlocked one
(``dbus-daemon`` + ``gnome-keyring-daemon --components=secrets``) in the work directory, as the keyring tests do,
and points the client at that session bus. The client is then started with ``--sign-in <user>``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from app.demo.kamailio import make_test_pki
from app.demo.orchestrator import ROOT, DemoContext, DemoError, DemoErrorKind

DEMO_PASSWORD = "agentdesk"  # server/seed.py DEMO_PASSWORD: public demo data, like the accounts below
DEMO_AGENT = "agent.li"  # 李娜, team 信用卡客服一组; the client signs in as her (extension 1001)
DEMO_ACCOUNTS = (
    ("agent.li", "李娜, agent (this window, extension 1001)"),
    ("agent.wang", "王强, agent (simulated, works a shift)"),
    ("sup.zhang", "张主管, supervisor of 信用卡客服一组"),
    ("admin", "系统管理员"),
)


def _free_tcp_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop_group(proc: subprocess.Popen[bytes] | None, timeout: float = 10.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class HubService:
    """The hub on SQLite with the demo dataset, over HTTPS (see the module docstring)."""

    name = "hub"

    def __init__(self, *, start_timeout_s: float = 60.0, setup_timeout_s: float = 300.0) -> None:
        self.start_timeout_s = start_timeout_s
        # migrate / seed-demo: one-off CPU work (seeding builds the knowledge-base index: ~5 s of CPU, 20-60 s of wall
        # time on a busy 2-core machine), bounded only against a hung process.
        self.setup_timeout_s = setup_timeout_s
        self._proc: subprocess.Popen[bytes] | None = None
        self._url = ""
        self.ca_file: Path | None = None

    @property
    def url(self) -> str:
        """The hub's base URL (``https://127.0.0.1:PORT``) once started."""
        if not self._url:
            raise DemoError(DemoErrorKind.START_FAILED, "the hub has not been started")
        return self._url

    def _cli(self, *args: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        result = subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=self.setup_timeout_s,
        )
        if result.returncode != 0:
            raise DemoError(
                DemoErrorKind.START_FAILED, f"agentdesk-hub {args[0]} failed:\n{result.stdout}{result.stderr}"
            )

    def start(self, ctx: DemoContext) -> None:
        hub_dir = ctx.work_dir / "hub"
        hub_dir.mkdir(parents=True, exist_ok=True)
        pki = make_test_pki(hub_dir / "pki", ("127.0.0.1", "localhost"), name="hub")
        self.ca_file = pki.ca_cert
        database = f"sqlite:///{hub_dir / 'agentdesk-hub.sqlite3'}"
        self._cli("migrate", "--database-url", database)
        self._cli("seed-demo", "--database-url", database)
        port = _free_tcp_port()
        log_path = hub_dir / "hub.log"
        log = log_path.open("ab")
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "serve",
                "--database-url",
                database,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--tls-cert",
                str(pki.server_cert),
                "--tls-key",
                str(pki.server_key),
                "--no-access-log",
            ],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1"),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self._url = f"https://127.0.0.1:{port}"
        self._wait_ready(log_path)
        ctx.add_site_config(
            "40-hub",
            "# Written by the demo (app/demo/hub.py): the demo hub and the CA that signed its certificate.\n"
            f'[hub]\nurl = "{self._url}"\nca_file = "{pki.ca_cert}"\n',
        )
        ctx.say(f"hub on {self._url} (SQLite {hub_dir / 'agentdesk-hub.sqlite3'}, demo data loaded)")

    def _wait_ready(self, log_path: Path) -> None:
        assert self._proc is not None
        assert self.ca_file is not None
        context = ssl.create_default_context(cafile=str(self.ca_file))  # verified, as the client does
        deadline = time.monotonic() + self.start_timeout_s
        last = ""
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise DemoError(
                    DemoErrorKind.START_FAILED, f"the hub exited ({self._proc.returncode}):\n{_log_tail(log_path)}"
                )
            try:
                with urllib.request.urlopen(f"{self._url}/api/v1/status", context=context, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise DemoError(DemoErrorKind.START_FAILED, f"the hub did not answer on {self._url}: {last}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        _stop_group(proc)


def secret_service_owned(env: dict[str, str]) -> bool:
    result = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    return "boolean true" in result.stdout


class DemoKeyring:
    """Stores the demo agent's hub password in the keyring and signs the client in with ``--sign-in``.

    Uses the desktop's Secret Service when there is one (the entry is removed when the demo stops), otherwise a
    private one in the work directory. ``hub_url`` gives the hub's URL once the hub is up.
    """

    name = "keyring (demo sign-in)"

    def __init__(self, hub_url: Callable[[], str], user: str = DEMO_AGENT, *, private: bool | None = None) -> None:
        self._hub_url = hub_url
        self.user = user
        self.private = private
        self._procs: list[subprocess.Popen[bytes]] = []
        self._env: dict[str, str] = {}
        self._account = ""

    def start(self, ctx: DemoContext) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        private = self.private
        if private is None:
            private = not (env.get("DBUS_SESSION_BUS_ADDRESS") and secret_service_owned(env))
        self._account = f"{self.user}@{self._hub_url()}"
        if not private:
            self._env = env
            try:
                self._store("store")
            except DemoError as exc:  # e.g. the desktop keyring is locked and nobody unlocked it
                ctx.say(f"your keyring refused the demo password ({exc}); using a private one")
                private = True
        if private:
            self._env = self._start_private(ctx, env)
            ctx.client_env["DBUS_SESSION_BUS_ADDRESS"] = self._env["DBUS_SESSION_BUS_ADDRESS"]
            self._store("store")
        ctx.add_client_args("--sign-in", self.user)
        where = "a private keyring (gnome-keyring)" if private else "your keyring"
        ctx.say(f"the demo password of {self.user} is in {where}; the client signs in by itself")

    def _start_private(self, ctx: DemoContext, env: dict[str, str]) -> dict[str, str]:
        for program, package in (("dbus-daemon", "dbus"), ("gnome-keyring-daemon", "gnome-keyring")):
            if shutil.which(program) is None:
                raise DemoError(DemoErrorKind.MISSING_PROGRAM, f"{program} is not installed (Debian package {package})")
        base = ctx.work_dir / "keyring"
        runtime = base / "run"
        runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        bus = f"unix:path={base / 'bus'}"
        env = {
            **env,
            "HOME": str(base),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_DATA_HOME": str(base / "data"),
            "XDG_CONFIG_HOME": str(base / "config"),
            "DBUS_SESSION_BUS_ADDRESS": bus,
        }
        log = (base / "keyring.log").open("ab")
        self._procs.append(
            subprocess.Popen(
                ["dbus-daemon", "--session", "--nofork", f"--address={bus}"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        self._wait(lambda: (base / "bus").exists(), "the private D-Bus session bus did not start")
        # --unlock reads the new login keyring's own password from stdin (a throw-away one, not the agent's).
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--foreground"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE,
            start_new_session=True,
        )
        assert daemon.stdin is not None
        daemon.stdin.write(os.urandom(16).hex().encode())
        daemon.stdin.close()
        self._procs.append(daemon)
        log.close()
        self._wait(lambda: secret_service_owned(env), "gnome-keyring-daemon did not start (see keyring/keyring.log)")
        return env

    def _wait(self, ready: Callable[[], bool], problem: str) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self._procs):
                break
            if ready():
                return
            time.sleep(0.1)
        raise DemoError(DemoErrorKind.START_FAILED, problem)

    def _store(self, action: str) -> None:
        """Run ``python -m app.demo.keyring_entry`` in the keyring's environment; the password goes through stdin."""
        result = subprocess.run(
            [sys.executable, "-m", "app.demo.keyring_entry", action, self._account],
            cwd=ROOT,
            env=self._env,
            input=DEMO_PASSWORD if action == "store" else "",
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if result.returncode != 0:
            raise DemoError(DemoErrorKind.START_FAILED, f"keyring {action} failed: {result.stderr.strip()}")

    def stop(self) -> None:
        if self._account and not self._procs:
            with contextlib.suppress(DemoError, subprocess.TimeoutExpired):
                self._store("delete")  # the desktop keyring: leave nothing behind
        self._account = ""
        while self._procs:
            _stop_group(self._procs.pop(), timeout=5)


def accounts_message() -> str:
    """The demo accounts for the start-up message (all share the public demo password)."""
    lines = [f"demo accounts (password {DEMO_PASSWORD!r} for all):"]
    lines += [f"  {user:<11} {what}" for user, what in DEMO_ACCOUNTS]
    return "\n".join(lines)
