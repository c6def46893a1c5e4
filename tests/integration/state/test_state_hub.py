"""Agent state end to end between real clients and the real hub process (SQLite): each client is the app's own
stack without Qt — ``app.sync``'s engine (REST + WebSocket push on its network thread) feeding the state controller
and the supervisor board (``app.state.headless``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.protocol import AgentState, AgentStatus, ForceStateCommand, StateCause, SystemReason, from_wire
from app.state.controller import NoticeKind
from app.state.headless import HeadlessStateClient
from app.state.model import AgentEvent, RefusalKind
from app.state.supervisor import BoardNoticeKind
from tests.helpers.hub import DEMO_PASSWORD, HubProcess

# The sync engine logs warnings when its connection drops (hub restart, take-over) and when the hub does not serve a
# part it syncs besides agent state (tickets): expected here.
pytestmark = [pytest.mark.integration, pytest.mark.allow_log_warnings]

# The demo dataset (server/seed.py): team 信用卡客服一组 (sup.zhang, agent.li, agent.wang), team 宽带客服二组
# (sup.chen, agent.zhao).


class Clients:
    def __init__(self, hub: HubProcess, tmp_path: Path) -> None:
        self.hub = hub
        self.tmp_path = tmp_path
        self.all: list[HeadlessStateClient] = []

    def sign_in(self, username: str) -> HeadlessStateClient:
        client = HeadlessStateClient(self.hub.url, self.tmp_path / f"{username}-{len(self.all)}")
        self.all.append(client)
        client.sign_in(username, DEMO_PASSWORD)
        return client

    def close(self) -> None:
        for client in self.all:
            client.close()


@pytest.fixture
def clients(hub_sqlite: HubProcess, tmp_path: Path) -> Iterator[Clients]:
    made = Clients(hub_sqlite, tmp_path)
    yield made
    made.close()


def _key(status: AgentStatus | None) -> tuple[object, ...] | None:
    """What the clients must agree on (presence times such as ``last_seen`` move with every heartbeat)."""
    if status is None:
        return None
    return (status.state, status.reason, status.pending_state, status.version)


def _status(raw: object) -> AgentStatus:
    return from_wire(AgentStatus, raw)


def ready(client: HeadlessStateClient) -> None:
    if client.view.state is AgentState.SIGNED_OUT:
        assert client.request(AgentEvent.SIGN_IN) is None
        client.wait_state(AgentState.NOT_READY)
    assert client.request(AgentEvent.GO_READY) is None
    client.wait_state(AgentState.READY)


def test_sign_in_ready_and_a_call_cycle_confirmed_by_the_hub(clients: Clients) -> None:
    agent = clients.sign_in("agent.li")
    ready(agent)
    assert agent.call_event(AgentEvent.CALL_OFFERED, "call-1") is None
    assert agent.call_event(AgentEvent.CALL_ANSWERED, "call-1") is None
    agent.wait_state(AgentState.ON_CALL)
    assert agent.call_event(AgentEvent.CALL_ENDED, "call-1") is None
    view = agent.wait_state(AgentState.WRAP_UP)
    assert view.status is not None
    assert view.status.wrap_up_until is not None
    assert agent.request(AgentEvent.GO_READY) is None  # MANDATORY_TIMED: may end early
    agent.wait_state(AgentState.READY)


def test_supervisor_forces_not_ready_and_the_agent_sees_who(clients: Clients) -> None:
    agent = clients.sign_in("agent.li")
    ready(agent)
    supervisor = clients.sign_in("sup.zhang")
    board = supervisor.board
    assert board is not None
    agent_id = agent.user.id if agent.user else 0
    assert supervisor.call(lambda: board.force(agent_id, AgentState.NOT_READY)) is None
    view = agent.wait_state(AgentState.NOT_READY)
    assert view.status is not None
    assert view.status.cause is StateCause.SUPERVISOR
    assert view.status.changed_by_name == "张主管"
    assert view.status.reason == SystemReason.SUPERVISOR.value
    notice = agent.wait_notice(lambda n: n.kind is NoticeKind.CHANGED_BY_SUPERVISOR)
    assert notice.by_name == "张主管"
    supervisor.wait_board_notice(lambda n: n.kind is BoardNoticeKind.FORCE_APPLIED)
    # The supervisor's board shows it too (from the push).
    row = supervisor.call(lambda: board.row(agent_id))
    assert row is not None
    assert row.status.state is AgentState.NOT_READY
    # The hub's audit of the agent's states records the supervisor by name.
    history = clients.hub.client("sup.zhang", client_kind="service").ok("GET", f"/agents/{agent_id}/history")
    forced = history[0]
    assert (forced["state"], forced["cause"], forced["changed_by_name"]) == ("not_ready", "supervisor", "张主管")


def test_a_supervisor_of_another_team_is_refused(clients: Clients) -> None:
    agent = clients.sign_in("agent.li")
    ready(agent)
    other = clients.sign_in("sup.chen")
    board = other.board
    assert board is not None
    agent_id = agent.user.id if agent.user else 0
    # Not on sup.chen's board at all …
    assert other.call(lambda: board.row(agent_id)) is None
    assert other.call(lambda: board.force(agent_id, AgentState.NOT_READY)) is RefusalKind.FORBIDDEN
    # … and the hub refuses the command when it is sent anyway.
    replies = []
    done = threading.Event()

    def reply(r: object) -> None:
        replies.append(r)
        done.set()

    other.call(lambda: other.link.force_state(agent_id, ForceStateCommand(state=AgentState.NOT_READY), reply))
    assert done.wait(10)
    assert getattr(replies[0], "refusal", None) is RefusalKind.FORBIDDEN
    assert agent.view.state is AgentState.READY


def test_hub_restart_mid_shift_leaves_both_sides_consistent(clients: Clients) -> None:
    agent = clients.sign_in("agent.li")
    ready(agent)
    supervisor = clients.sign_in("sup.zhang")
    board = supervisor.board
    assert board is not None
    agent_id = agent.user.id if agent.user else 0
    clients.hub.restart()
    # Both reconnect by themselves and adopt the hub's state: still ready, not signed out.
    agent.wait_for(lambda v: v.connected and v.state is AgentState.READY, timeout=30)
    supervisor.wait_for(lambda v: v.connected, timeout=30)
    assert supervisor.call(lambda: board.force(agent_id, AgentState.NOT_READY, "meeting")) is None
    view = agent.wait_state(AgentState.NOT_READY, timeout=15)
    assert view.status is not None
    assert view.status.reason == "meeting"

    def board_key() -> object:
        row = board.row(agent_id)
        return _key(row.status) if row else None

    deadline = time.monotonic() + 10
    while supervisor.call(board_key) != _key(agent.view.status):
        if time.monotonic() > deadline:
            pytest.fail(f"board {supervisor.call(board_key)} != agent {_key(agent.view.status)}")
        time.sleep(0.05)


def test_agent_and_supervisor_at_the_same_moment_end_in_one_agreed_state(clients: Clients) -> None:
    agent = clients.sign_in("agent.li")
    ready(agent)
    supervisor = clients.sign_in("sup.zhang")
    board = supervisor.board
    assert board is not None
    agent_id = agent.user.id if agent.user else 0
    go = threading.Barrier(2)
    results: dict[str, object] = {}

    def agent_side() -> None:
        go.wait()
        results["agent"] = agent.request(AgentEvent.GO_NOT_READY, "training")

    def supervisor_side() -> None:
        go.wait()
        results["supervisor"] = supervisor.call(lambda: board.force(agent_id, AgentState.SIGNED_OUT))

    threads = [threading.Thread(target=agent_side), threading.Thread(target=supervisor_side)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    # Whatever the order, both end showing exactly the hub's state.
    final = agent.wait_for(lambda v: v.pending is None and v.state in (AgentState.SIGNED_OUT, AgentState.NOT_READY))
    assert final.status is not None
    # The hub's record (read by the supervisor over REST) is what both clients show.
    truth = clients.hub.client("sup.zhang", client_kind="service").ok("GET", f"/agents/{agent_id}/state")

    def board_status() -> object:
        row = board.row(agent_id)
        return _key(row.status) if row else None

    deadline = time.monotonic() + 10
    while not (supervisor.call(board_status) == _key(agent.view.status) == _key(_status(truth))):
        if time.monotonic() > deadline:
            pytest.fail(
                f"clients disagree: board {supervisor.call(board_status)}, agent {agent.view.status}, hub {truth}"
            )
        truth = clients.hub.client("sup.zhang", client_kind="service").ok("GET", f"/agents/{agent_id}/state")
        time.sleep(0.05)


def test_second_sign_in_elsewhere_signs_the_first_out_with_a_message(clients: Clients) -> None:
    first = clients.sign_in("agent.wang")
    ready(first)
    second = clients.sign_in("agent.wang")
    first.wait_notice(lambda n: n.kind is NoticeKind.SESSION_REPLACED, timeout=15)
    assert first.request(AgentEvent.GO_NOT_READY, "training") is RefusalKind.DISCONNECTED
    assert second.view.state is AgentState.SIGNED_OUT  # the hub signed the agent out for the take-over
