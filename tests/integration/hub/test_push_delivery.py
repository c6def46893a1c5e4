"""Live push delivery against real hub processes: concurrent changes arrive complete and in sequence order (SQLite and
PostgreSQL), and a hub whose PostgreSQL LISTEN connection is killed reconnects and still delivers the events another
hub committed meanwhile."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.helpers.hub import HubProcess, PostgresCluster, PushSocket

pytestmark = pytest.mark.integration


def _collect_states(sock: PushSocket, agent_ids: set[int], final: dict[int, int], timeout: float = 30) -> list[Any]:
    """Every ``agent.state`` envelope about ``agent_ids`` until each agent's reaches its ``final`` version."""
    got: list[Any] = []
    seen = dict.fromkeys(agent_ids, 0)
    deadline = time.monotonic() + timeout
    while any(seen[a] < final[a] for a in agent_ids):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"versions seen {seen}, expected {final}")
        env = sock.next(left)
        if env.type == "agent.state" and env.payload["agent_id"] in agent_ids:
            got.append(env)
            seen[env.payload["agent_id"]] = max(seen[env.payload["agent_id"]], env.payload["version"])
    return got


def test_concurrent_changes_reach_a_socket_complete_and_in_order(hub: HubProcess) -> None:
    """Supervisor commands from several threads at once: request threads commit in sequence order but their
    after-commit deliveries race to the event loop. The supervisor's socket must get every change (each version of
    each agent, none skipped) with strictly increasing sequence numbers."""
    sup = hub.client("sup.zhang")
    agents = [hub.client("agent.li"), hub.client("agent.wang")]
    board = sup.ws()  # open before anything changes: every change from here on is for this socket
    for a in agents:
        a.set_state("not_ready", "sign_in")
        a.set_state("ready")
    ids = [a.user["id"] for a in agents]
    # the agents' presence (online after their requests) may change meanwhile; it is delivered like the rest
    start_version = {i: sup.ok("GET", f"/agents/{i}/state")["version"] for i in ids}
    versions: dict[int, list[int]] = {i: [] for i in ids}
    errors: list[str] = []
    lock = threading.Lock()

    def commander(n: int) -> None:
        with httpx.Client(base_url=hub.api, timeout=30, headers={"Authorization": f"Bearer {sup.access_token}"}) as c:
            for k in range(12):
                agent_id = ids[(n + k) % len(ids)]
                state = "not_ready" if (n + k) % 2 else "ready"
                r = c.post(f"/agents/{agent_id}/force", json={"state": state})
                with lock:
                    if r.status_code == 200:
                        versions[agent_id].append(r.json()["version"])
                    else:
                        errors.append(f"{r.status_code} {r.text}")

    threads = [threading.Thread(target=commander, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    final = {i: max(v) for i, v in versions.items()}
    got = _collect_states(board, set(ids), final)
    seqs = [env.seq for env in got]
    assert all(a < b for a, b in itertools.pairwise(seqs)), seqs  # increasing, no duplicate
    for agent_id in ids:
        delivered = [env.payload["version"] for env in got if env.payload["agent_id"] == agent_id]
        assert delivered == sorted(set(delivered))
        # every version after the one read before the commands, each once, in order (presence changes included)
        later = [v for v in delivered if start_version[agent_id] < v <= final[agent_id]]
        assert later == list(range(start_version[agent_id] + 1, final[agent_id] + 1))


def _listener_pid(admin: psycopg.Connection[Any], application_name: str) -> int | None:
    row = admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND query ILIKE 'LISTEN%%'",
        (application_name,),
    ).fetchone()
    return int(row[0]) if row else None


def _wait_for(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(what)


def test_a_killed_listen_connection_is_reestablished_and_missed_events_delivered(
    pg_cluster: PostgresCluster, pg_template: str, process_log_dir: Path
) -> None:
    database = pg_cluster.create_database(template=pg_template)
    url = pg_cluster.url(database)
    # a long first retry: the command below is committed while hub A is surely not listening
    a = HubProcess(url, process_log_dir, name="hub-pg-relisten-a", env={"AGENTDESK_HUB_LISTEN_RETRY_S": "4"}).start()
    b = HubProcess(url, process_log_dir, name="hub-pg-relisten-b").start()
    try:
        agent = a.client("agent.li")
        sup = b.client("sup.zhang")
        agent.set_state("not_ready", "sign_in")
        agent_ws = agent.ws()
        me = agent.user["id"]
        listener = f"agentdesk-hub-listen-{agent_ws.welcome.payload['hub_instance']}"
        with psycopg.connect(pg_cluster.url(database), autocommit=True) as admin:
            old_pid = _wait_for(lambda: _listener_pid(admin, listener), 30, "hub A's listener")
            log_mark = len(a.process.output())
            assert admin.execute("SELECT pg_terminate_backend(%s)", (old_pid,)).fetchone() == (True,)
            _wait_for(lambda: _listener_pid(admin, listener) is None, 10, "the listener backend to end")
            # committed through hub B while A has no listener: the notification reaches nobody on A
            forced = sup.ok("POST", f"/agents/{me}/force", json={"state": "ready"})
            env = agent_ws.next_of(
                "agent.state", timeout=60, predicate=lambda p: p["agent_id"] == me and p["version"] == forced["version"]
            )
            assert env.payload["state"] == "ready"
            assert env.payload["changed_by_name"] == "张主管"
            a.process.wait_for_log(r"event listener lost its database connection", timeout=30, start=log_mark)
            a.process.wait_for_log(r"event listener reconnected after", timeout=30, start=log_mark)
            new_pid = _wait_for(lambda: _listener_pid(admin, listener), 30, "hub A's new listener")
            assert new_pid != old_pid
        # live again: the next command is delivered through the new LISTEN connection
        forced = sup.ok("POST", f"/agents/{me}/force", json={"state": "not_ready"})
        env = agent_ws.next_of(
            "agent.state", timeout=30, predicate=lambda p: p["agent_id"] == me and p["version"] == forced["version"]
        )
        assert env.payload["state"] == "not_ready"
    finally:
        a.close_clients()
        b.close_clients()
        a.stop()
        b.stop()
