"""Presence and timers with short (test-only) settings: offline after missed heartbeats, a reconnect within the grace
keeps the state, forced sign-out after the grace, and the hub ending a timed wrap-up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.hub import HubProcess, sqlite_copy

pytestmark = pytest.mark.integration


@pytest.fixture
def fast_hub(hub_template: Path, tmp_path: Path, process_log_dir: Path) -> Iterator[HubProcess]:
    env = {"AGENTDESK_HUB_HEARTBEAT_INTERVAL_S": "1", "AGENTDESK_HUB_HEARTBEAT_MISSES": "2"}
    proc = HubProcess(sqlite_copy(hub_template, tmp_path), process_log_dir, name="hub-fast", env=env).start()
    try:
        yield proc
    finally:
        proc.close_clients()
        proc.stop()


def _set_policy(hub: HubProcess, team_id: int, **changes: object) -> None:
    admin = hub.client("admin", client_kind="service")
    policy = admin.ok("GET", f"/teams/{team_id}/policy")
    policy.update(changes)
    admin.ok("PUT", f"/teams/{team_id}/policy", json=policy)


def test_offline_grace_then_forced_sign_out(fast_hub: HubProcess) -> None:
    agent = fast_hub.client("agent.li")
    sup = fast_hub.client("sup.zhang")
    # The grace leaves room for a slow machine: the reconnect below must land within it.
    _set_policy(fast_hub, agent.user["team_id"], offline_grace_s=8)
    # The board first: any authenticated state change counts as presence, so the agent may come online at the
    # hub's next sweep after its first REST call.
    board = sup.ws()
    me = agent.user["id"]
    agent.set_state("not_ready", "sign_in")
    agent.set_state("ready")
    ws = agent.ws()
    ws.ping()
    board.next_of("agent.state", predicate=lambda p: p["agent_id"] == me and p["online"])
    ws.close()  # the network drops: no more heartbeats
    offline = board.next_of("agent.state", timeout=15, predicate=lambda p: p["agent_id"] == me and p["online"] is False)
    assert offline.payload["state"] == "ready"  # offline, but not signed out yet
    # back within the grace: online again, same state
    ws = agent.ws()
    ws.ping()
    back = board.next_of("agent.state", timeout=15, predicate=lambda p: p["agent_id"] == me and p["online"] is True)
    assert back.payload["state"] == "ready"
    ws.close()
    board.next_of("agent.state", timeout=15, predicate=lambda p: p["agent_id"] == me and p["online"] is False)
    t0 = time.monotonic()
    gone = board.next_of(
        "agent.state", timeout=30, predicate=lambda p: p["agent_id"] == me and p["state"] == "signed_out"
    )
    assert time.monotonic() - t0 > 1.0  # not before the grace
    assert (gone.payload["reason"], gone.payload["cause"]) == ("offline", "system")


def test_hub_ends_timed_wrap_up_with_the_pending_state(fast_hub: HubProcess) -> None:
    agent = fast_hub.client("agent.li")
    _set_policy(
        fast_hub,
        agent.user["team_id"],
        wrap_up={"mode": "timed_no_early_exit", "seconds": 1, "max_extensions": 0, "extension_seconds": 30},
    )
    ws = agent.ws()
    agent.set_state("not_ready", "sign_in")
    agent.set_state("ready")
    agent.set_state("ringing", call_id="w-1")
    agent.set_state("on_call")
    agent.ok("PUT", "/agents/me/state", json={"state": "not_ready", "reason": "break", "pending": True})
    agent.set_state("wrap_up")
    early = agent.put("/agents/me/state", json={"state": "ready"})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    no_ext = agent.put("/agents/me/state", json={"state": "wrap_up", "extend_wrap_up": True})
    assert no_ext.status_code == 409
    done = ws.next_of("agent.state", timeout=20, predicate=lambda p: p["state"] != "wrap_up" and p["cause"] == "system")
    assert (done.payload["state"], done.payload["reason"]) == ("not_ready", "break")
