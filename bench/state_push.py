"""Supervisor force → state applied in the agent client's UI model: p50/p99 over N pushes, with the hub under load.

What runs (all real, on this machine):

* the hub (``agentdesk-hub serve``) on a fresh SQLite file with the demo data, plus ``--agents`` load agents;
* ``--agents`` simulated agents (``bench/hub_fanout.py``'s simulator when it is there, else the one below): each signs
  in, keeps a WebSocket open with the protocol's heartbeat, and a load supervisor keeps forcing their states at
  ``--load-rate`` per second, so the hub is busy fanning out events while we measure;
* the measured pair: the supervisor ``sup.zhang`` and the agent ``agent.li``, each the client's own stack without Qt
  (``app.state.headless``: the sync engine's REST + WebSocket, the state controller / supervisor board).

Each sample: the supervisor's board sends a force (ready ↔ not ready) for agent.li; the clock stops when agent.li's
state controller publishes the view with that status (what the state bar renders). Prints p50/p95/p99/max and the
hub's RSS. Target: p99 ≤ 300 ms.

    python -m bench.state_push --pushes 200 --agents 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
import websockets

from app.protocol import (
    API_PREFIX,
    HEARTBEAT_INTERVAL_S,
    WS_PATH,
    AgentState,
    ControlType,
    Hello,
    Ping,
    make_envelope,
)
from app.state.controller import StateView
from app.state.headless import HeadlessStateClient
from app.version import __version__

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "agentdesk"  # the demo dataset's password (server/seed.py)
LOAD_TEAM = "压测班组"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(db_url: str, agents: int) -> None:
    """Schema, demo data and the load team (one shared password hash, so it stays fast)."""
    subprocess.run(
        [sys.executable, "-m", "server.cli", "migrate", "--database-url", db_url],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "server.cli", "seed-demo", "--database-url", db_url],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
    )
    script = f"""
from app.protocol import Role
from server.auth import hash_password
from server.db import make_engine, make_sessionmaker
from server.seed import add_user
engine = make_engine({db_url!r})
with make_sessionmaker(engine)() as db:
    shared = hash_password({PASSWORD!r})
    add_user(db, "sup.load", "", Role.SUPERVISOR, {LOAD_TEAM!r}, "压测主管", password_hash=shared)
    for i in range({agents}):
        add_user(db, f"load{{i:05d}}", "", Role.AGENT, {LOAD_TEAM!r}, f"压测坐席{{i}}", password_hash=shared)
    db.commit()
engine.dispose()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_env(), check=True)


class Hub:
    def __init__(self, db_url: str, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "serve",
                "--database-url",
                db_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=_env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url + API_PREFIX + "/openapi.json", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the hub did not start; see {log}") from None
                time.sleep(0.2)

    def rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 1e6

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


class LoadAgents:
    """``--agents`` simulated agents on one asyncio loop in a thread: sign in, WebSocket with heartbeat, and a load
    supervisor forcing their states at ``rate`` per second. Counts the events they receive."""

    def __init__(self, hub_url: str, count: int, rate: float) -> None:
        self.hub_url = hub_url
        self.count = count
        self.rate = rate
        self.connected = 0
        self.events = 0
        self.forces = 0
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="load-agents", daemon=True)

    def start(self, timeout: float = 600) -> None:
        self._thread.start()
        if not self.ready.wait(timeout):
            raise SystemExit(f"only {self.connected}/{self.count} load agents connected in {timeout:.0f} s")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)

    async def _main(self) -> None:
        async with httpx.AsyncClient(base_url=self.hub_url + API_PREFIX, timeout=60) as http:
            gate = asyncio.Semaphore(16)
            ids: list[int] = []
            tasks = [asyncio.create_task(self._agent(http, f"load{i:05d}", gate, ids)) for i in range(self.count)]
            while self.connected < self.count and not self._stop.is_set():
                await asyncio.sleep(0.2)
                if any(t.done() and t.exception() for t in tasks):
                    break
            sup = await self._login(http, "sup.load", "service")
            self.ready.set()
            forcer = asyncio.create_task(self._force_loop(http, sup, ids))
            while not self._stop.is_set():
                await asyncio.sleep(0.2)
            forcer.cancel()
            for t in tasks:
                t.cancel()
            await asyncio.gather(forcer, *tasks, return_exceptions=True)

    async def _login(self, http: httpx.AsyncClient, username: str, kind: str = "desktop") -> dict[str, Any]:
        r = await http.post(
            "/auth/login",
            json={"username": username, "password": PASSWORD, "client_kind": kind, "client_version": __version__},
        )
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        return data

    async def _agent(self, http: httpx.AsyncClient, username: str, gate: asyncio.Semaphore, ids: list[int]) -> None:
        async with gate:
            tokens = await self._login(http, username)
            token = tokens["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            await http.put("/agents/me/state", json={"state": "not_ready", "reason": "sign_in"}, headers=headers)
            await http.put("/agents/me/state", json={"state": "ready"}, headers=headers)
            ids.append(int(tokens["user"]["id"]))
        ws_url = self.hub_url.replace("http://", "ws://") + WS_PATH
        async with websockets.connect(ws_url, additional_headers=headers, max_size=2**22) as ws:
            await ws.send(make_envelope(ControlType.HELLO, Hello(client_version=__version__)))
            await ws.recv()  # welcome
            self.connected += 1
            if self.connected == self.count:
                self.ready.set()
            last_ping = time.monotonic() + random.uniform(0, HEARTBEAT_INTERVAL_S)
            while True:
                timeout = max(0.1, last_ping + HEARTBEAT_INTERVAL_S - time.monotonic())
                try:
                    await asyncio.wait_for(ws.recv(), timeout)
                    self.events += 1
                except TimeoutError:
                    await ws.send(make_envelope(ControlType.PING, Ping()))
                    last_ping = time.monotonic()

    async def _force_loop(self, http: httpx.AsyncClient, sup: dict[str, Any], ids: list[int]) -> None:
        if self.rate <= 0 or not ids:
            return
        headers = {"Authorization": f"Bearer {sup['access_token']}"}
        states = ["not_ready", "ready"]
        n = 0
        while True:
            agent = ids[n % len(ids)]
            body = {"state": states[(n // len(ids)) % 2]}
            with contextlib.suppress(httpx.HTTPError):
                await http.post(f"/agents/{agent}/force", json=body, headers=headers)
                self.forces += 1
            n += 1
            await asyncio.sleep(1 / self.rate)


def _is_state(target: AgentState) -> Callable[[StateView], bool]:
    return lambda v: v.state is target and v.status is not None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(hub_url: str, pushes: int, work: Path) -> list[float]:
    agent = HeadlessStateClient(hub_url, work / "agent")
    supervisor = HeadlessStateClient(hub_url, work / "supervisor")
    try:
        agent.sign_in("agent.li", PASSWORD)
        supervisor.sign_in("sup.zhang", PASSWORD)
        board = supervisor.board
        assert board is not None
        assert agent.user is not None
        agent_id = agent.user.id
        arrived: dict[int, float] = {}
        arrived_cond = threading.Condition()

        def on_view(view: StateView) -> None:  # the agent's loop thread: the UI model just changed
            if view.status is not None:
                with arrived_cond:
                    arrived.setdefault(view.status.version, time.monotonic())
                    arrived_cond.notify_all()

        agent.add_view_hook(on_view)
        if agent.view.state is AgentState.SIGNED_OUT:
            from app.state.model import AgentEvent

            agent.request(AgentEvent.SIGN_IN)
            agent.wait_state(AgentState.NOT_READY)
        samples: list[float] = []
        for i in range(pushes):
            target = AgentState.READY if agent.view.state is not AgentState.READY else AgentState.NOT_READY
            reason = "meeting" if target is AgentState.NOT_READY else None

            def send(target: AgentState = target, reason: str | None = reason, i: int = i) -> float:
                started = time.monotonic()
                refusal = board.force(agent_id, target, reason)
                if refusal is not None:
                    raise SystemExit(f"push {i}: refused locally ({refusal.value})")
                return started

            started = supervisor.call(send)
            view = agent.wait_for(_is_state(target), timeout=10)
            assert view.status is not None
            with arrived_cond:
                version = view.status.version
                arrived_cond.wait_for(lambda version=version: version in arrived, 5)  # type: ignore[misc]
                samples.append((arrived[view.status.version] - started) * 1000)
            # wait until the supervisor's board has the answer too, so the next force is not refused as pending
            deadline = time.monotonic() + 10
            while supervisor.call(lambda: (row := board.row(agent_id)) is not None and row.pending_force is not None):
                if time.monotonic() > deadline:
                    raise SystemExit("the supervisor never got the answer")
                time.sleep(0.002)
        return samples
    finally:
        agent.close()
        supervisor.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pushes", type=int, default=200)
    parser.add_argument("--agents", type=int, default=1000, help="simulated agents loading the hub")
    parser.add_argument("--load-rate", type=float, default=20.0, help="forces per second on the load agents")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="state-push-"))
    db_url = f"sqlite:///{work / 'hub.sqlite3'}"
    print(f"preparing the hub database with {args.agents} load agents…", file=sys.stderr)
    prepare_database(db_url, args.agents)
    hub = Hub(db_url, work / "hub.log")
    load = LoadAgents(hub.url, args.agents, args.load_rate)
    try:
        if args.agents:
            print(f"connecting {args.agents} simulated agents…", file=sys.stderr)
            started = time.monotonic()
            load.start()
            print(f"  {load.connected} connected in {time.monotonic() - started:.0f} s", file=sys.stderr)
        rss_before = hub.rss_mb()
        print(f"measuring {args.pushes} supervisor pushes…", file=sys.stderr)
        samples = measure(hub.url, args.pushes, work)
        result = {
            "pushes": len(samples),
            "load_agents_connected": load.connected,
            "load_forces_sent": load.forces,
            "load_events_received": load.events,
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 95), 1),
            "p99_ms": round(percentile(samples, 99), 1),
            "max_ms": round(max(samples), 1),
            "hub_rss_mb": round(max(rss_before, hub.rss_mb()), 1),
            "cpu_count": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
    finally:
        load.stop()
        hub.stop()
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"supervisor force → agent UI model, {result['pushes']} pushes, hub loaded by {result['load_agents_connected']} "
            f"agents ({result['load_forces_sent']} background forces):\n"
            f"  p50 {result['p50_ms']} ms   p95 {result['p95_ms']} ms   p99 {result['p99_ms']} ms   max {result['max_ms']} ms"
            f"   (target p99 ≤ 300 ms)\n  hub RSS {result['hub_rss_mb']} MB; load average {result['load_average_1m']}"
            f" on {result['cpu_count']} cores"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
