"""The hub's audit of supervisors' force commands, end to end with the real hub process (SQLite) and the client's own
state stacks (``app.state.headless``: the sync engine's REST + WebSocket, the state controller, the supervisor
board): a command made while the agent is on a call is recorded as pending (who, what, when, the state it met),
then as applied when the agent leaves the call and wrap-up — with the supervisor as the cause in the state history —
or as superseded; supervisors read it on their board, other teams cannot."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app.protocol import AgentState, CommandOutcome, StateCause, SupervisorCommandRecord
from app.state.controller import NoticeKind
from app.state.headless import HeadlessStateClient
from app.state.model import AgentEvent
from app.state.supervisor import BoardNoticeKind, SupervisorBoard
from tests.helpers.hub import DEMO_PASSWORD, HubProcess

# The sync engine logs warnings for hub parts it syncs besides agent state (tickets): expected here.
pytestmark = [pytest.mark.integration, pytest.mark.allow_log_warnings]

# Demo data (server/seed.py): 信用卡客服一组 = sup.zhang (张主管), agent.li (李娜), agent.wang; wrap-up
# mandatory_timed 30 s (may end early). 宽带客服二组 = sup.chen, agent.zhao.


@pytest.fixture
def made(hub_sqlite: HubProcess, tmp_path: Path) -> Iterator[list[HeadlessStateClient]]:
    clients: list[HeadlessStateClient] = []
    yield clients
    for client in clients:
        client.close()


def sign_in(hub: HubProcess, tmp_path: Path, made: list[HeadlessStateClient], user: str) -> HeadlessStateClient:
    client = HeadlessStateClient(hub.url, tmp_path / f"{user}-{len(made)}")
    made.append(client)
    client.sign_in(user, DEMO_PASSWORD)
    return client


def on_call(agent: HeadlessStateClient, call_id: str) -> None:
    if agent.view.state is AgentState.SIGNED_OUT:
        assert agent.request(AgentEvent.SIGN_IN) is None
        agent.wait_state(AgentState.NOT_READY)
    if agent.view.state is not AgentState.READY:
        assert agent.request(AgentEvent.GO_READY) is None
        agent.wait_state(AgentState.READY)
    assert agent.call_event(AgentEvent.CALL_OFFERED, call_id) is None
    assert agent.call_event(AgentEvent.CALL_ANSWERED, call_id) is None
    agent.wait_state(AgentState.ON_CALL)


def board_audit(supervisor: HeadlessStateClient, board: SupervisorBoard) -> list[SupervisorCommandRecord]:
    """The audit as the supervisor's board fetches it from the hub (the panel's 操作记录 tab)."""
    got: list[list[SupervisorCommandRecord]] = []
    done = threading.Event()

    def on_audit(records: list[SupervisorCommandRecord]) -> None:
        got.append(records)
        done.set()

    supervisor.call(lambda: board.on_audit.append(on_audit))
    try:
        supervisor.call(board.refresh_audit)
        assert done.wait(10), "no audit from the hub"
    finally:
        supervisor.call(lambda: board.on_audit.remove(on_audit))
    return got[0]


def force(supervisor: HeadlessStateClient, board: SupervisorBoard, agent_id: int, *args: Any) -> None:
    assert supervisor.call(lambda: board.force(agent_id, *args)) is None


def wait_pending(agent: HeadlessStateClient, state: AgentState) -> None:
    agent.wait_for(lambda v: v.status is not None and v.status.pending_state is state)


def test_force_during_a_call_is_audited_as_pending_then_applied_after_the_call(
    hub_sqlite: HubProcess, tmp_path: Path, made: list[HeadlessStateClient]
) -> None:
    agent = sign_in(hub_sqlite, tmp_path, made, "agent.li")
    supervisor = sign_in(hub_sqlite, tmp_path, made, "sup.zhang")
    board = supervisor.board
    assert board is not None
    assert agent.user is not None
    assert supervisor.user is not None
    agent_id = agent.user.id
    on_call(agent, "audit-call-1")

    force(supervisor, board, agent_id, AgentState.NOT_READY, "meeting", "team meeting at 3")
    applied = supervisor.wait_board_notice(lambda n: n.kind is BoardNoticeKind.FORCE_APPLIED)
    assert applied.deferred
    wait_pending(agent, AgentState.NOT_READY)
    notice = agent.wait_notice(lambda n: n.kind is NoticeKind.CHANGED_BY_SUPERVISOR and n.pending)
    assert notice.by_name == "张主管"
    assert agent.view.state is AgentState.ON_CALL  # the call goes on

    pending = board_audit(supervisor, board)[0]
    assert (pending.agent_id, pending.agent_name, pending.supervisor_name) == (agent_id, "李娜", "张主管")
    assert (pending.state, pending.reason, pending.note) == (AgentState.NOT_READY, "meeting", "team meeting at 3")
    assert (pending.agent_state, pending.deferred, pending.outcome) == (
        AgentState.ON_CALL,
        True,
        CommandOutcome.PENDING,
    )
    assert pending.applied_at is None

    # The call ends: wrap-up (the team's policy), then the agent ends wrap-up early (结束话后整理): the pending
    # state the supervisor chose takes effect.
    assert agent.call_event(AgentEvent.CALL_ENDED, "audit-call-1") is None
    agent.wait_state(AgentState.WRAP_UP)
    assert agent.call(agent.controller.end_wrap_up) is None
    view = agent.wait_state(AgentState.NOT_READY)
    assert view.status is not None
    assert (view.status.reason, view.status.cause, view.status.changed_by_name) == (
        "meeting",
        StateCause.SUPERVISOR,
        "张主管",
    )

    done = board_audit(supervisor, board)[0]
    assert done.id == pending.id
    assert (done.outcome, done.deferred) == (CommandOutcome.APPLIED, True)
    assert done.applied_at is not None
    assert done.applied_at > done.issued_at

    # The state history: on call → wrap-up (the call) → not ready caused by the supervisor, at the applied time.
    rest = hub_sqlite.client("sup.zhang", client_kind="service")
    history = rest.ok("GET", f"/agents/{agent_id}/history", params={"limit": 3})
    assert [(h["state"], h["cause"]) for h in history] == [
        ("not_ready", "supervisor"),
        ("wrap_up", "call"),
        ("on_call", "call"),
    ]
    assert history[0]["changed_by"] == supervisor.user.id
    assert history[0]["changed_by_name"] == "张主管"
    assert history[0]["reason"] == "meeting"
    assert datetime.fromisoformat(history[0]["started_at"].replace("Z", "+00:00")) == done.applied_at
    # The agent may read the commands about themselves, too.
    own = hub_sqlite.client("agent.li", client_kind="service").ok("GET", f"/agents/{agent_id}/commands")
    assert own[0]["id"] == done.id
    assert own[0]["outcome"] == "applied"


def test_superseded_commands_immediate_ones_and_who_may_read_the_audit(
    hub_sqlite: HubProcess, tmp_path: Path, made: list[HeadlessStateClient]
) -> None:
    agent = sign_in(hub_sqlite, tmp_path, made, "agent.li")
    supervisor = sign_in(hub_sqlite, tmp_path, made, "sup.zhang")
    board = supervisor.board
    assert board is not None
    assert agent.user is not None
    assert supervisor.user is not None
    agent_id = agent.user.id

    # Not on a call: applied at once, and recorded so.
    assert agent.request(AgentEvent.SIGN_IN) is None
    agent.wait_state(AgentState.NOT_READY)
    force(supervisor, board, agent_id, AgentState.READY)
    agent.wait_for(lambda v: v.status is not None and v.status.state is AgentState.READY)
    first = board_audit(supervisor, board)[0]
    assert (first.state, first.agent_state, first.deferred, first.outcome) == (
        AgentState.READY,
        AgentState.NOT_READY,
        False,
        CommandOutcome.APPLIED,
    )
    assert first.applied_at == first.issued_at

    # On a call: a second command replaces the first pending one; the agent's own next-state choice replaces that.
    on_call(agent, "audit-call-2")
    force(supervisor, board, agent_id, AgentState.NOT_READY)
    wait_pending(agent, AgentState.NOT_READY)
    force(supervisor, board, agent_id, AgentState.SIGNED_OUT)
    wait_pending(agent, AgentState.SIGNED_OUT)
    assert agent.request(AgentEvent.GO_READY) is None  # during a call: the agent's next state
    wait_pending(agent, AgentState.READY)

    records = board_audit(supervisor, board)
    sign_out, not_ready = records[0], records[1]
    assert (not_ready.state, not_ready.outcome, not_ready.resolved_by_name) == (
        AgentState.NOT_READY,
        CommandOutcome.SUPERSEDED,
        "张主管",
    )
    assert (sign_out.state, sign_out.outcome, sign_out.resolved_by) == (
        AgentState.SIGNED_OUT,
        CommandOutcome.SUPERSEDED,
        agent_id,
    )
    assert sign_out.resolved_by_name == "李娜"

    # Another team's supervisor and the agent cannot read the team's audit.
    for user in ("sup.chen", "agent.li"):
        answer = hub_sqlite.client(user, client_kind="service").get(f"/teams/{agent.user.team_id}/commands")
        assert answer.status_code == 403, (user, answer.text)
    other = hub_sqlite.client("sup.chen", client_kind="service").get(f"/agents/{agent_id}/commands")
    assert other.status_code == 403
