"""Hub fan-out benchmark: N simulated agents on WebSockets, supervisors force states, delivery latency is measured.

Setup (not measured): a fresh database (SQLite file, or a private PostgreSQL cluster with two hub processes), N agent
accounts in teams of ``--team-size`` with a supervisor each, desktop sessions and access tokens minted directly in the
database (``argon2`` sign-ins for thousands of users would only measure password hashing), every agent ready.

Measured: each agent connects (``hello``), then keeps a heartbeat (``ping`` every 20 s, jittered). Supervisors force
``--pushes`` state changes on random agents of their own team over REST, paced at ``--rate`` per second; the latency
is from sending the command to the agent's socket receiving the matching ``agent.state`` event. With two hubs, agents
and supervisors are spread over both, so most deliveries cross processes (PostgreSQL LISTEN/NOTIFY). Prints p50/p99
delivery, REST command latency, connect time and each hub's RSS. Loopback only; every wait is bounded.

    .venv/bin/python bench/hub_fanout.py --agents 5000                    # one hub, SQLite
    .venv/bin/python bench/hub_fanout.py --agents 5000 --backend postgresql --hubs 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.protocol import AgentState, ControlType, Hello, Ping, make_envelope  # noqa: E402
from app.version import __version__  # noqa: E402
from tests.helpers.hub import HubProcess, PostgresCluster, hub_cli  # noqa: E402


def raise_fd_limit(need: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(need, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@dataclass
class Account:
    user_id: int
    team_id: int
    token: str
    role: str


def populate(url: str, agents: int, team_size: int) -> tuple[list[Account], list[Account]]:
    """Teams, agents, supervisors, sessions and tokens, written directly in bulk (fast on both databases)."""
    from server.auth import TokenSigner, hash_password, load_secret
    from server.db import AgentStateRow, AuthSession, Team, User, make_engine, make_sessionmaker, utcnow

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    now = utcnow()
    shared_hash = hash_password(uuid.uuid4().hex)
    with sessions() as db:
        signer = TokenSigner(load_secret(db))
        exp = int((now + timedelta(hours=6)).timestamp())
        teams = [
            Team(name=f"bench-team-{t:03d}", policy={"wrap_up": {"mode": "optional"}})
            for t in range((agents + team_size - 1) // team_size)
        ]
        db.add_all(teams)
        db.flush()

        def user(username: str, role: str, team: Team) -> User:
            return User(
                username=username,
                display_name=username,
                password_hash=shared_hash,
                role=role,
                team_id=team.id,
                locale="zh_CN",
                active=True,
                failed_logins=0,
                created_at=now,
            )

        agent_users = [user(f"bench.agent{i:05d}", "agent", teams[i // team_size]) for i in range(agents)]
        sup_users = [user(f"bench.sup{t:03d}", "supervisor", team) for t, team in enumerate(teams)]
        db.add_all(agent_users + sup_users)
        db.flush()  # one multi-row INSERT per batch; ids come back

        def account(u: User) -> Account:
            sid = str(uuid.uuid4())
            db.add(
                AuthSession(
                    id=sid,
                    user_id=u.id,
                    client_kind="desktop",
                    device="bench",
                    client_version=__version__,
                    created_at=now,
                )
            )
            if u.role == "agent":
                db.add(
                    AgentStateRow(
                        user_id=u.id,
                        state=AgentState.READY.value,
                        reason=None,
                        since=now,
                        version=1,
                        cause="agent",
                        online=False,
                        wrap_up_extensions=0,
                    )
                )
            token = signer.sign({"sub": u.id, "sid": sid, "exp": exp, "jti": uuid.uuid4().hex[:12]})
            assert u.team_id is not None
            return Account(u.id, u.team_id, token, u.role)

        agent_accounts = [account(u) for u in agent_users]
        supervisors = [account(u) for u in sup_users]
        db.commit()
    engine.dispose()
    return agent_accounts, supervisors


@dataclass
class Client:
    account: Account
    url: str
    conn: ClientConnection | None = None
    waiters: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    arrived: dict[str, float] = field(default_factory=dict)  # events that came before the REST answer
    received: int = 0


async def run_client(client: Client, ready: asyncio.Event, stop: asyncio.Event, heartbeat_s: float) -> None:
    async with connect(
        client.url,
        additional_headers={"Authorization": f"Bearer {client.account.token}"},
        open_timeout=60,
        ping_interval=None,
        max_size=1 << 22,
    ) as conn:
        client.conn = conn
        await conn.send(make_envelope(ControlType.HELLO, Hello(client_version=__version__)))
        first = json.loads(await asyncio.wait_for(conn.recv(), 60))
        if first.get("type") != "welcome":
            raise RuntimeError(f"no welcome: {first}")
        ready.set()

        async def heartbeat() -> None:
            await asyncio.sleep(random.uniform(0, heartbeat_s))
            while not stop.is_set():
                await conn.send(make_envelope(ControlType.PING, Ping()))
                await asyncio.sleep(heartbeat_s)

        beat = asyncio.create_task(heartbeat())
        reader = asyncio.create_task(_read(conn, client))
        try:
            await stop.wait()  # no per-connection polling: thousands of timers would load the client itself
        finally:
            for task in (beat, reader):
                task.cancel()
            await asyncio.gather(beat, reader, return_exceptions=True)


async def _read(conn: ClientConnection, client: Client) -> None:
    async for raw in conn:
        now = time.perf_counter()
        client.received += 1
        frame = json.loads(raw)
        if frame.get("type") == "agent.state":
            key = f"{frame['payload']['state']}:{frame['payload']['version']}"
            fut = client.waiters.pop(key, None)
            if fut is not None and not fut.done():
                fut.set_result(now)
            else:
                client.arrived[key] = now


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def measure(hubs: list[HubProcess], agents: list[Account], sups: list[Account], args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    clients = [Client(a, hubs[i % len(hubs)].ws_url) for i, a in enumerate(agents)]
    sup_clients = [Client(s, hubs[i % len(hubs)].ws_url) for i, s in enumerate(sups)]
    sem = asyncio.Semaphore(args.connect_concurrency)
    tasks: list[asyncio.Task[None]] = []
    t_connect = time.perf_counter()
    connect_times: list[float] = []

    async def start(c: Client) -> None:
        async with sem:
            ready = asyncio.Event()
            t0 = time.perf_counter()
            tasks.append(asyncio.create_task(run_client(c, ready, stop, args.heartbeat)))
            await asyncio.wait_for(ready.wait(), 120)
            connect_times.append(time.perf_counter() - t0)

    await asyncio.wait_for(asyncio.gather(*(start(c) for c in clients + sup_clients)), args.timeout)
    connect_all = time.perf_counter() - t_connect
    print(
        f"connected {len(clients)} agents + {len(sup_clients)} supervisors in {connect_all:.1f} s "
        f"(per connection p50 {pct(connect_times, 50) * 1000:.0f} ms, p99 {pct(connect_times, 99) * 1000:.0f} ms)"
    )
    print(f"warming up {args.warmup:.0f} s (presence flush, heartbeats)…")
    await asyncio.sleep(args.warmup)

    by_team: dict[int, list[Client]] = {}
    for c in clients:
        by_team.setdefault(c.account.team_id, []).append(c)
    sup_by_team = {s.team_id: s for s in sups}
    # Idle pooled connections are dropped before uvicorn's 5 s keep-alive ends them (a request racing that close
    # would fail with a read error).
    limits = httpx.Limits(max_connections=50, keepalive_expiry=2.0)
    https = [httpx.AsyncClient(base_url=h.api, timeout=30, limits=limits) for h in hubs]
    delivery: list[float] = []
    rest: list[float] = []
    lost = 0
    transport_errors: list[str] = []
    rng = random.Random(5)

    async def one_push(i: int) -> None:
        nonlocal lost
        target = rng.choice(clients)
        sup = sup_by_team[target.account.team_id]
        http = https[(i + 1) % len(https)]  # with two hubs: command on the other process than most agents
        state = AgentState.NOT_READY if i % 2 == 0 else AgentState.READY
        t0 = time.perf_counter()
        try:
            r = await http.post(
                f"/agents/{target.account.user_id}/force",
                json={"state": state.value},
                headers={"Authorization": f"Bearer {sup.token}"},
            )
        except httpx.TransportError as exc:
            transport_errors.append(type(exc).__name__)
            lost += 1
            return
        t_rest = time.perf_counter()
        if r.status_code != 200:
            lost += 1
            return
        body = r.json()
        key = f"{body['state']}:{body['version']}"
        rest.append(t_rest - t0)
        if key in target.arrived:  # the push beat the REST answer
            delivery.append(target.arrived.pop(key) - t0)
            return
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        target.waiters[key] = fut
        try:
            t_recv = await asyncio.wait_for(fut, 10)
        except TimeoutError:
            lost += 1
            return
        finally:
            target.waiters.pop(key, None)
        delivery.append(t_recv - t0)

    pushes = []
    print(f"load average at the start of the pushes: {_load()}")
    cpu_start = [cpu_seconds(h) for h in hubs]
    me = psutil.Process()
    my_cpu_start = sum(me.cpu_times()[:2])
    lags: list[float] = []

    async def lag_probe() -> None:
        # how late this (client) process's own loop runs: when it lags, the delivery figures are the clients'
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.1)
            lags.append(time.perf_counter() - t - 0.1)

    probe = asyncio.create_task(lag_probe())
    t_start = time.perf_counter()
    for i in range(args.pushes):
        pushes.append(asyncio.create_task(one_push(i)))
        await asyncio.sleep(1 / args.rate)
    await asyncio.wait_for(asyncio.gather(*pushes), 60)
    elapsed = time.perf_counter() - t_start
    probe.cancel()
    print(f"load average at the end of the pushes: {_load()} ({os.cpu_count()} CPUs)")
    my_cpu = sum(me.cpu_times()[:2]) - my_cpu_start
    if lags:
        print(
            f"clients (this process): CPU {my_cpu / elapsed * 100:.0f} % of one core; event-loop lag "
            f"p50 {pct(lags, 50) * 1000:.0f} ms, p99 {pct(lags, 99) * 1000:.0f} ms"
        )
    for i, h in enumerate(hubs):
        used = cpu_seconds(h) - cpu_start[i]
        print(
            f"hub {i} CPU during the pushes: {used:.1f} s in {elapsed:.1f} s ({used / elapsed * 100:.0f} % of one core)"
        )
    for i, h in enumerate(hubs):
        print(
            f"hub {i} (pid {h.process.pid}) RSS with {len(clients) // len(hubs)} agents connected: {rss_mb(h):.0f} MB"
        )
    stop.set()
    for http_client in https:
        await http_client.aclose()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"pushes: {len(delivery)} delivered, {lost} lost/refused, {elapsed:.1f} s at {args.rate}/s")
    if transport_errors:
        print(f"REST transport errors: {', '.join(sorted(set(transport_errors)))} x{len(transport_errors)}")
    for i, h in enumerate(hubs):
        if not h.process.alive():
            print(f"hub {i} exited ({h.process.proc.returncode if h.process.proc else '?'}):\n{h.process.tail(40)}")
    if delivery:
        print(
            f"delivery (force → agent socket): p50 {pct(delivery, 50) * 1000:.1f} ms, "
            f"p99 {pct(delivery, 99) * 1000:.1f} ms, max {max(delivery) * 1000:.1f} ms, "
            f"mean {statistics.mean(delivery) * 1000:.1f} ms"
        )
        print(f"REST force command: p50 {pct(rest, 50) * 1000:.1f} ms, p99 {pct(rest, 99) * 1000:.1f} ms")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_seconds(proc: HubProcess) -> float:
    times = psutil.Process(proc.process.pid).cpu_times()
    return float(times.user + times.system)


def rss_mb(proc: HubProcess) -> float:
    p = psutil.Process(proc.process.pid)
    total = p.memory_info().rss
    for child in p.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total / 1e6


def run(main: Coroutine[Any, Any, None]) -> None:
    """The clients' loop: uvloop when installed (as the hub's), so the clients' own overhead stays small."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # run the ``finally`` below: stop the hubs and the database we started


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=5000)
    parser.add_argument("--team-size", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--hubs", type=int, default=None, help="hub processes (default 1 on SQLite, 2 on PostgreSQL)")
    parser.add_argument("--pushes", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0, help="supervisor commands per second")
    parser.add_argument("--heartbeat", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=25.0)
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=600.0, help="bound for connecting everyone")
    args = parser.parse_args()
    hubs_n = args.hubs or (1 if args.backend == "sqlite" else 2)
    if args.backend == "sqlite" and hubs_n != 1:
        parser.error("SQLite runs one hub process; use --backend postgresql for several")
    limit = raise_fd_limit(args.agents * 2 + 1000)
    print(f"fd limit {limit}; {args.agents} agents, {hubs_n} hub(s) on {args.backend}; loaded machine figures")
    if limit < args.agents + 200:
        print("the fd limit is too low for this many agents", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="agentdesk-bench-"))
    cluster: PostgresCluster | None = None
    hubs: list[HubProcess] = []
    try:
        if args.backend == "sqlite":
            url = f"sqlite:///{work / 'hub.sqlite3'}"
        else:
            cluster = PostgresCluster(work).start()
            url = cluster.url(cluster.create_database("bench"))
        hub_cli("migrate", "--database-url", url)
        t0 = time.perf_counter()
        agents, sups = populate(url, args.agents, args.team_size)
        print(f"populated {len(agents)} agents and {len(sups)} supervisors in {time.perf_counter() - t0:.1f} s")
        env = {"AGENTDESK_HUB_ALLOW_SHORT_TIMERS": "0", "AGENTDESK_HUB_SWEEP_INTERVAL_S": "5"}
        for i in range(hubs_n):
            hubs.append(HubProcess(url, work, name=f"bench-hub-{i}", env=env, args=("--no-access-log",)).start())
        for i, h in enumerate(hubs):
            print(f"hub {i} RSS idle: {rss_mb(h):.0f} MB")
        run(measure(hubs, agents, sups, args))
        return 0
    finally:
        for h in hubs:
            h.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
