"""Supervisor force → state applied in the agent client's UI model: p50/p99 over N pushes, with the hub under load.

What runs (all real, on this machine):

* the hub (``agentdesk-hub serve``) on a fresh SQLite file with the demo data, plus ``--agents`` load agents in teams
  of ``--team-size`` (written by ``bench/hub_fanout.py``'s ``populate``);
* ``--agents`` simulated agents, the fan-out benchmark's (``bench/hub_fanout.py``: one WebSocket each with the
  protocol's heartbeat), and their supervisors forcing random load agents at ``--load-rate`` per second, so the hub
  is busy fanning out events while we measure. They run in a process of their own: in the measuring process their
  thousand sockets would compete for the GIL with the measured agent client, which in reality has a computer of its
  own;
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
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

from app.protocol import HEARTBEAT_INTERVAL_S, AgentState
from app.state.controller import StateView
from app.state.headless import HeadlessStateClient
from bench.hub_fanout import Account, Client, populate, raise_fd_limit, rss_mb, run_client
from tests.helpers.hub import HubProcess, hub_cli

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "agentdesk"  # the demo dataset's password (server/seed.py)


class LoadAgents:
    """The fan-out benchmark's simulated agents (``bench/hub_fanout.py``: accounts and tokens minted in the database,
    one WebSocket each with the protocol's heartbeat), on one asyncio loop in a thread (of the load process), plus their team supervisors
    forcing random load agents' states at ``rate`` per second over REST (events for the hub to fan out)."""

    def __init__(self, api: str, ws_url: str, agents: list[Account], sups: list[Account], rate: float) -> None:
        self.api = api
        self.ws_url = ws_url
        self.agents = agents
        self.sups = sups
        self.rate = rate
        self.connected = 0
        self.forces = 0
        self.clients: list[Client] = []
        self.ready = threading.Event()
        self.failed: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name="load-agents", daemon=True)

    def start(self, timeout: float = 600) -> None:
        self._thread.start()
        if not self.ready.wait(timeout) or self.failed is not None:
            raise SystemExit(f"load agents: {self.connected}/{len(self.agents)} connected ({self.failed})")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread.is_alive():
            self._thread.join(30)

    @property
    def events(self) -> int:
        return sum(c.received for c in self.clients)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:
            self.failed = exc
            self.ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.clients = [Client(a, self.ws_url) for a in self.agents]
        gate = asyncio.Semaphore(100)
        tasks: list[asyncio.Task[None]] = []

        async def start(client: Client) -> None:
            async with gate:
                ready = asyncio.Event()
                assert self._stop is not None
                tasks.append(asyncio.create_task(run_client(client, ready, self._stop, HEARTBEAT_INTERVAL_S)))
                await asyncio.wait_for(ready.wait(), 120)
                self.connected += 1

        await asyncio.gather(*(start(c) for c in self.clients))
        self.ready.set()
        forcer = asyncio.create_task(self._force_loop())
        await self._stop.wait()
        forcer.cancel()
        await asyncio.gather(forcer, *tasks, return_exceptions=True)

    async def _force_loop(self) -> None:
        if self.rate <= 0:
            return
        sup_by_team = {s.team_id: s for s in self.sups}
        rng = random.Random(6)
        async with httpx.AsyncClient(base_url=self.api, timeout=30) as http:
            while True:
                agent = rng.choice(self.agents)
                sup = sup_by_team[agent.team_id]
                body = {"state": rng.choice(["ready", "not_ready"])}
                with contextlib.suppress(httpx.HTTPError):
                    await http.post(
                        f"/agents/{agent.user_id}/force", json=body, headers={"Authorization": f"Bearer {sup.token}"}
                    )
                    self.forces += 1
                await asyncio.sleep(1 / self.rate)


def _load_process_main(
    api: str, ws_url: str, agents: list[Account], sups: list[Account], rate: float, conn: Connection
) -> None:
    """The load agents' own process: 1,000 WebSockets and their messages would otherwise compete for the GIL with
    the measured agent client, which in reality runs on its own computer."""
    load = LoadAgents(api, ws_url, agents, sups, rate)
    try:
        load.start()
    except SystemExit as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", load.connected))
    conn.recv()  # stop
    load.stop()
    conn.send(("stopped", (load.connected, load.forces, load.events)))


class LoadProcess:
    """:class:`LoadAgents` in a child process (see :func:`_load_process_main`)."""

    def __init__(self, hub: HubProcess, agents: list[Account], sups: list[Account], rate: float) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_load_process_main,
            args=(hub.api, hub.ws_url, agents, sups, rate, child),
            name="load-agents",
            daemon=True,
        )
        self.connected = self.forces = self.events = 0

    def start(self, timeout: float = 900) -> None:
        self._proc.start()
        if not self._conn.poll(timeout):
            raise SystemExit("load agents: not connected in time")
        kind, value = self._conn.recv()
        if kind != "ready":
            raise SystemExit(f"load agents: {value}")
        self.connected = int(value)

    def stop(self) -> None:
        if not self._proc.is_alive():
            return
        self._conn.send("stop")
        if self._conn.poll(60):
            _kind, (self.connected, self.forces, self.events) = self._conn.recv()
        self._proc.join(30)
        if self._proc.is_alive():
            self._proc.kill()


def _is_state(target: AgentState) -> Callable[[StateView], bool]:
    return lambda v: v.state is target and v.status is not None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(hub_url: str, pushes: int, work: Path) -> tuple[list[float], list[float]]:
    """Returns (force → agent UI model, force → supervisor's REST answer) in milliseconds."""
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
        answered: list[float] = []
        board.on_notice.append(lambda _notice: answered.append(time.monotonic()))  # the hub's answer reached the board
        if agent.view.state is AgentState.SIGNED_OUT:
            from app.state.model import AgentEvent

            agent.request(AgentEvent.SIGN_IN)
            agent.wait_state(AgentState.NOT_READY)
        # The board must hold the agent's current state before the first force (it pre-checks with the transition table).
        signed_in = agent.view.status
        assert signed_in is not None
        deadline = time.monotonic() + 30
        while supervisor.call(lambda: (row := board.row(agent_id)) is None or row.status.version < signed_in.version):
            if time.monotonic() > deadline:
                raise SystemExit("the supervisor's board never showed the agent signed in")
            time.sleep(0.01)
        samples: list[float] = []
        rest: list[float] = []
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
            rest.append((supervisor.call(lambda: answered[-1]) - started) * 1000)
        return samples, rest
    finally:
        agent.close()
        supervisor.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pushes", type=int, default=200)
    parser.add_argument("--agents", type=int, default=1000, help="simulated agents loading the hub")
    parser.add_argument("--team-size", type=int, default=100)
    parser.add_argument("--load-rate", type=float, default=10.0, help="forces per second on the load agents")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    raise_fd_limit(args.agents * 2 + 1000)
    work = Path(tempfile.mkdtemp(prefix="state-push-"))
    db_url = f"sqlite:///{work / 'hub.sqlite3'}"
    print(f"preparing the hub database (demo data + {args.agents} load agents)…", file=sys.stderr)
    hub_cli("migrate", "--database-url", db_url)
    hub_cli("seed-demo", "--database-url", db_url)
    agents, sups = populate(db_url, args.agents, args.team_size) if args.agents else ([], [])
    hub = HubProcess(db_url, work, name="state-push-hub", args=("--no-access-log",)).start()
    load = LoadProcess(hub, agents, sups, args.load_rate)
    try:
        if agents:
            print(f"connecting {args.agents} simulated agents…", file=sys.stderr)
            started = time.monotonic()
            load.start()
            print(f"  {load.connected} connected in {time.monotonic() - started:.0f} s", file=sys.stderr)
        rss_before = rss_mb(hub)
        print(f"measuring {args.pushes} supervisor pushes…", file=sys.stderr)
        samples, rest = measure(hub.url, args.pushes, work)
        result = {
            "pushes": len(samples),
            "load_agents_connected": load.connected,
            "load_forces_sent": load.forces,
            "load_events_received": load.events,
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 95), 1),
            "p99_ms": round(percentile(samples, 99), 1),
            "max_ms": round(max(samples), 1),
            "rest_answer_p50_ms": round(statistics.median(rest), 1),
            "rest_answer_p99_ms": round(percentile(rest, 99), 1),
            "hub_rss_mb": round(max(rss_before, rss_mb(hub)), 1),
            "cpu_count": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
    finally:
        load.stop()
        hub.stop()
    result.update(load_agents_connected=load.connected, load_forces_sent=load.forces, load_events_received=load.events)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"supervisor force → agent UI model, {result['pushes']} pushes, hub loaded by {result['load_agents_connected']} "
            f"agents ({result['load_forces_sent']} background forces):\n"
            f"  p50 {result['p50_ms']} ms   p95 {result['p95_ms']} ms   p99 {result['p99_ms']} ms   max {result['max_ms']} ms"
            f"   (target p99 ≤ 300 ms)\n  the supervisor's REST answer: p50 {result['rest_answer_p50_ms']} ms, "
            f"p99 {result['rest_answer_p99_ms']} ms\n  hub RSS {result['hub_rss_mb']} MB; load average {result['load_average_1m']}"
            f" on {result['cpu_count']} cores (a machine shared with other work: figures are pessimistic)"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
