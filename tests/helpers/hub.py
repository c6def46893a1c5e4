"""The hub as a real process for tests, on SQLite or PostgreSQL, plus a private PostgreSQL cluster and small clients.

Fixtures (import them into a ``conftest.py``: ``from tests.helpers.hub import *``):

- ``pg_cluster`` (session): a private PostgreSQL 15 cluster, ``initdb`` in a temp dir, on a free loopback port, run as
  the ``postgres`` user when the tests run as root. Skips the test when PostgreSQL is not installed.
- ``hub_template`` (session): a migrated, seeded SQLite database file, copied for each hub (fast).
- ``hub_sqlite`` / ``hub_pg``: a running hub on a fresh copy of the seeded demo dataset (``server.seed``), SQLite or a
  new PostgreSQL database; ``hub`` is parametrised over both.
- ``HubProcess.client(username)`` signs in over REST (``HubClient``); ``HubClient.ws()`` opens the push socket
  (``PushSocket``, blocking, with timeouts).

All demo users share the password ``server.seed.DEMO_PASSWORD``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.protocol import (
    WS_PATH,
    ControlType,
    Envelope,
    Hello,
    Ping,
    make_envelope,
    parse_envelope,
)
from app.version import __version__
from tests.helpers.ports import free_port
from tests.helpers.process import ManagedProcess
from tests.helpers.require import missing

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("AGENTDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))
DEMO_PASSWORD = "agentdesk"  # server.seed.DEMO_PASSWORD (tests do not import server/)

__all__ = [
    "HubClient",
    "HubProcess",
    "PostgresCluster",
    "PushSocket",
    "hub",
    "hub_pg",
    "hub_sqlite",
    "hub_template",
    "pg_cluster",
]


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def hub_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Run ``agentdesk-hub`` (this worktree's code) and return its stdout; raises with its output on failure."""
    proc = subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"agentdesk-hub {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# ============================================================================================ PostgreSQL
class PostgresCluster:
    """A throw-away PostgreSQL cluster (trust auth on 127.0.0.1 only)."""

    def __init__(self, log_dir: Path, name: str = "postgres") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="agentdesk-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.log_dir = log_dir
        self.name = name
        self.process: ManagedProcess | None = None
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            shutil.chown(self.dir, "postgres", "postgres")
            self._as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]

    def start(self) -> PostgresCluster:
        subprocess.run(
            [
                *self._as_postgres,
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.process = ManagedProcess(
            self.name,
            [
                *self._as_postgres,
                PG_BIN / "postgres",
                "-D",
                self.data,
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.dir}",
                "-c",
                "max_connections=400",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "shared_buffers=64MB",
            ],
            self.log_dir,
            ready_log=r"ready to accept connections",
            ready_port=("127.0.0.1", self.port),
            timeout=60,
            stop_signal=2,  # SIGINT: fast shutdown
        ).start()
        return self

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        import psycopg

        name = name or f"hub_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')  # names are generated here, never user input
        return name

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# ============================================================================================ hub process
class HubProcess:
    """One ``agentdesk-hub serve`` process on a free port."""

    def __init__(
        self,
        database_url: str,
        log_dir: Path,
        *,
        name: str = "hub",
        port: int | None = None,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}{WS_PATH}"
        self.api = f"{self.url}/api/v1"
        settings = {
            "AGENTDESK_HUB_ALLOW_SHORT_TIMERS": "1",
            "AGENTDESK_HUB_SWEEP_INTERVAL_S": "0.5",
        }
        self.clients: list[HubClient] = []
        self.process = ManagedProcess(
            name,
            [
                sys.executable,
                "-m",
                "server.cli",
                "serve",
                "--database-url",
                database_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--migrate",
                *args,
            ],
            log_dir,
            env=_env({**settings, **(env or {})}),
            cwd=ROOT,
            ready_log=r"Application startup complete",
            ready_port=("127.0.0.1", self.port),
            timeout=60,
        )

    def start(self) -> HubProcess:
        self.process.start()
        return self

    def stop(self) -> int | None:
        return self.process.stop()

    def close_clients(self) -> None:
        for client in self.clients:
            client.close()
        self.clients.clear()

    def restart(self) -> HubProcess:
        self.process.stop()
        self.process.start()
        return self

    def client(self, username: str, password: str = DEMO_PASSWORD, client_kind: str = "desktop") -> HubClient:
        return HubClient(self).login(username, password, client_kind)

    def anonymous(self) -> HubClient:
        return HubClient(self)


class HubClient:
    """A small synchronous REST client (httpx) bound to one signed-in user."""

    def __init__(self, hub: HubProcess) -> None:
        self.hub = hub
        self.http = httpx.Client(base_url=hub.api, timeout=30)
        self.tokens: dict[str, Any] = {}
        self.sockets: list[PushSocket] = []
        hub.clients.append(self)

    @property
    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = self.tokens["user"]
        return user

    @property
    def access_token(self) -> str:
        return str(self.tokens["access_token"])

    def login(self, username: str, password: str = DEMO_PASSWORD, client_kind: str = "desktop") -> HubClient:
        r = self.http.post(
            "/auth/login",
            json={
                "username": username,
                "password": password,
                "client_kind": client_kind,
                "client_version": __version__,
                "device": f"pytest-{username}",
            },
        )
        assert r.status_code == 200, r.text
        self.tokens = r.json()
        self.http.headers["Authorization"] = f"Bearer {self.tokens['access_token']}"
        return self

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.put(path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.patch(path, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        r = self.http.request(method, path, **kwargs)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def set_state(self, state: str, reason: str | None = None, **extra: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.ok("PUT", "/agents/me/state", json={"state": state, "reason": reason, **extra})
        return result

    def ws(self, last_seq: int | None = None) -> PushSocket:
        sock = PushSocket(self.hub.ws_url, self.access_token, last_seq)
        self.sockets.append(sock)
        return sock

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()
        self.http.close()


class PushSocket:
    """The push WebSocket, blocking: ``welcome`` is read on connect; ``next()`` returns the next envelope."""

    def __init__(self, url: str, token: str, last_seq: int | None = None, *, header_auth: bool = True) -> None:
        headers = {"Authorization": f"Bearer {token}"} if header_auth else {}
        self._stack = contextlib.ExitStack()
        self.conn: ClientConnection = self._stack.enter_context(
            connect(url, additional_headers=headers, open_timeout=10, max_size=1 << 22)
        )
        hello = Hello(client_version=__version__, last_seq=last_seq, access_token=None if header_auth else token)
        self.conn.send(make_envelope(ControlType.HELLO, hello))
        self.welcome = self.next(timeout=10)
        self.last_seq = last_seq or 0

    def next(self, timeout: float = 10.0) -> Envelope:
        raw = self.conn.recv(timeout=timeout)
        env = parse_envelope(raw)
        if env.seq is not None:
            self.last_seq = max(self.last_seq, env.seq)
        return env

    def next_of(self, kind: str, timeout: float = 10.0, predicate: Any = None) -> Envelope:
        """The next envelope of type ``kind`` (others are skipped) matching ``predicate(payload)``."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {kind} frame within {timeout} s")
            env = self.next(left)
            if env.type == kind and (predicate is None or predicate(env.payload)):
                return env

    def drain(self, quiet: float = 0.3) -> list[Envelope]:
        out: list[Envelope] = []
        with contextlib.suppress(TimeoutError):
            while True:
                out.append(self.next(quiet))
        return out

    def ping(self) -> None:
        self.conn.send(make_envelope(ControlType.PING, Ping()))

    def send_raw(self, text: str) -> None:
        self.conn.send(text)

    def closed_code(self, timeout: float = 10.0) -> int | None:
        """Read until the hub closes the socket; return the close code."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.conn.recv(timeout=deadline - time.monotonic())
        except ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd else None
        except TimeoutError:
            return None
        return None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stack.close()


def payload_json(env: Envelope) -> str:
    return json.dumps(env.payload, ensure_ascii=False)


# ============================================================================================ fixtures
@pytest.fixture(scope="session")
def pg_cluster(process_log_dir: Path) -> Iterator[PostgresCluster]:
    if not (PG_BIN / "postgres").exists():
        missing(f"PostgreSQL server binaries not found in {PG_BIN}")
    cluster = PostgresCluster(process_log_dir).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def hub_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite database, copied by each SQLite hub."""
    path = tmp_path_factory.mktemp("hub-template") / "hub.sqlite3"
    url = f"sqlite:///{path}"
    hub_cli("migrate", "--database-url", url)
    hub_cli("seed-demo", "--database-url", url)
    with contextlib.suppress(FileNotFoundError):
        # fold the WAL into the main file so a plain copy is complete
        import sqlite3

        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PostgresCluster) -> str:
    """A migrated, seeded PostgreSQL database used as the template for each test's database."""
    name = pg_cluster.create_database("hub_template")
    url = pg_cluster.url(name)
    hub_cli("migrate", "--database-url", url)
    hub_cli("seed-demo", "--database-url", url)
    return name


def sqlite_copy(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "hub.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def hub_sqlite(hub_template: Path, tmp_path: Path, process_log_dir: Path) -> Iterator[HubProcess]:
    proc = HubProcess(sqlite_copy(hub_template, tmp_path), process_log_dir, name=f"hub-sqlite-{uuid.uuid4().hex[:6]}")
    proc.start()
    try:
        yield proc
    finally:
        proc.close_clients()
        proc.stop()


@pytest.fixture
def hub_pg(pg_cluster: PostgresCluster, pg_template: str, process_log_dir: Path) -> Iterator[HubProcess]:
    url = pg_cluster.url(pg_cluster.create_database(template=pg_template))
    proc = HubProcess(url, process_log_dir, name=f"hub-pg-{uuid.uuid4().hex[:6]}")
    proc.start()
    try:
        yield proc
    finally:
        proc.close_clients()
        proc.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def hub(request: pytest.FixtureRequest) -> HubProcess:
    """The hub on each database in turn."""
    name = "hub_sqlite" if request.param == "sqlite" else "hub_pg"
    proc: HubProcess = request.getfixturevalue(name)
    return proc
