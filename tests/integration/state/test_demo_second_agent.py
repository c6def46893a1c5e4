"""The demo's simulated second agent works a shift the supervisor can watch and command (real hub)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.demo.second_agent import work_shift
from app.protocol import AgentState
from app.state.headless import HeadlessStateClient
from tests.helpers.hub import DEMO_PASSWORD, HubProcess

# The sync engine logs warnings for parts of the hub it syncs besides agent state, when absent.
pytestmark = [pytest.mark.integration, pytest.mark.allow_log_warnings]


def test_second_agent_takes_calls_and_follows_the_supervisor(hub_sqlite: HubProcess, tmp_path: Path) -> None:
    agent = HeadlessStateClient(hub_sqlite.url, tmp_path / "agent")
    supervisor = HeadlessStateClient(hub_sqlite.url, tmp_path / "sup")
    stop = threading.Event()
    worker = threading.Thread(target=lambda: work_shift(agent, stop, pace_s=0.3), daemon=True)
    try:
        user = agent.sign_in("agent.wang", DEMO_PASSWORD)
        supervisor.sign_in("sup.zhang", DEMO_PASSWORD)
        board = supervisor.board
        assert board is not None
        seen: set[AgentState] = set()
        board.on_row_changed.append(
            lambda agent_id: (
                seen.add(row.status.state) if (row := board.row(agent_id)) and agent_id == user.id else None
            )
        )
        worker.start()
        deadline = time.monotonic() + 60
        while not {AgentState.READY, AgentState.ON_CALL, AgentState.WRAP_UP} <= seen:
            assert time.monotonic() < deadline, f"the board only saw {seen}"
            time.sleep(0.1)
        # The supervisor signs the demo agent out; it signs in again by itself later, like a person would.
        while supervisor.call(lambda: board.force(user.id, AgentState.SIGNED_OUT)) is not None:
            assert time.monotonic() < deadline, "never able to force"
            time.sleep(0.1)
        agent.wait_for(
            lambda v: (
                v.state is AgentState.SIGNED_OUT
                or (v.status is not None and v.status.pending_state is AgentState.SIGNED_OUT)
            ),
            20,
        )
    finally:
        stop.set()
        worker.join(10)
        agent.close()
        supervisor.close()
