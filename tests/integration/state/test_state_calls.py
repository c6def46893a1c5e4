"""Agent state and real calls: the agent client (real pjsua2 softphone registered to a real Kamailio, real hub
connection, the state core) in its own process; a customer is a real baresip calling through Kamailio; the hub is
the real hub process. The state is read from the agent client's UI model (the controller's view)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.protocol import SystemReason, TeamPolicy, WrapUpMode, WrapUpPolicy, from_wire, to_wire
from tests.helpers.agent import REPO, AgentProcess
from tests.helpers.baresip import Baresip
from tests.helpers.hub import DEMO_PASSWORD, HubProcess
from tests.helpers.kamailio import Lab

pytestmark = pytest.mark.integration

AGENT_EXT = "1001"
CUSTOMER_EXT = "alice"


class StateAgent(AgentProcess):
    """The state agent driver (``tests/helpers/state_agent_driver.py``) as a process."""

    @classmethod
    def launch(cls, log_dir: Path, name: str = "state-agent") -> StateAgent:
        log_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO)
        stderr = (log_dir / f"{name}.stderr").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.state_agent_driver", "--log", str(log_dir / f"{name}.log")],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            bufsize=1,
        )
        stderr.close()
        agent = cls(proc, log_dir / f"{name}.log", None)
        agent.wait_for(lambda e: bool(e.get("ready")), 20, kind="ready")
        return agent

    def wait_state(self, state: str, timeout: float = 15.0, after: int = 0, **fields: Any) -> dict[str, Any]:
        return self.wait_event(
            "StateView",
            lambda e: e["state"] == state and e["pending"] is None and all(e.get(k) == v for k, v in fields.items()),
            timeout,
            after,
        )

    def request(self, event: str, reason: str | None = None) -> None:
        assert self.command("request", event=event, reason=reason) is None


def set_policy(hub: HubProcess, username: str, **changes: Any) -> TeamPolicy:
    """Give the agent's team short timers (the hub runs with AGENTDESK_HUB_ALLOW_SHORT_TIMERS)."""
    agent = hub.client(username, client_kind="service")
    team_id = agent.user["team_id"]
    admin = hub.client("admin", client_kind="service")
    policy = from_wire(TeamPolicy, admin.ok("GET", f"/teams/{team_id}/policy"))
    policy = dataclasses.replace(policy, **changes)
    admin.ok("PUT", f"/teams/{team_id}/policy", json=to_wire(policy))
    return policy


@pytest.fixture
def agent(kamailio_lab: Lab, hub_sqlite: HubProcess, process_log_dir: Path, tmp_path: Path) -> Iterator[StateAgent]:
    set_policy(
        hub_sqlite,
        "agent.li",
        ring_timeout_s=4,
        auto_answer_delay_s=0.5,
        wrap_up=WrapUpPolicy(WrapUpMode.MANDATORY_TIMED, seconds=2),
    )
    proc = StateAgent.launch(process_log_dir / tmp_path.name)
    try:
        proc.register_to(kamailio_lab, AGENT_EXT)
        proc.wait_registered()
        proc.command(
            "sign_in",
            timeout=30,
            hub_url=hub_sqlite.url,
            username="agent.li",
            password=DEMO_PASSWORD,
            data_dir=str(tmp_path / "client"),
        )
        proc.request("sign_in")
        proc.wait_state("not_ready")
        yield proc
    finally:
        proc.quit()


@pytest.fixture
def customer(kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> Iterator[Baresip]:
    with Baresip.for_lab(CUSTOMER_EXT, kamailio_lab, process_log_dir, tmp_path, tone_hz=440) as peer:
        peer.wait_registered()
        yield peer


def test_ready_agent_takes_a_call_ringing_on_call_wrap_up_ready(
    agent: StateAgent, customer: Baresip, kamailio_lab: Lab
) -> None:
    agent.request("go_ready")
    agent.wait_state("ready")
    mark = agent.mark()
    customer.dial(f"sip:{AGENT_EXT}@{kamailio_lab.domain}")
    agent.wait_state("ringing", after=mark)
    agent.wait_state("on_call", after=mark)  # auto-answered after the team's 0.5 s (headset present)
    customer.wait_event("CALL_ESTABLISHED")
    customer.hangup()
    agent.wait_state("wrap_up", after=mark)
    agent.wait_state("ready", after=mark, timeout=15)  # the 2 s timed wrap-up ended by itself


def test_not_ready_rejects_the_call_as_busy(agent: StateAgent, customer: Baresip, kamailio_lab: Lab) -> None:
    mark = agent.mark()
    customer.dial(f"sip:{AGENT_EXT}@{kamailio_lab.domain}")
    ended = agent.wait_event("CallEnded", after=mark)
    assert ended["outcome"] == "rejected"
    closed = customer.wait_event("CALL_CLOSED")
    assert "486" in closed.param  # Busy Here: the ACD would give the call to another agent at once
    agent.wait_event("Notice", lambda e: e["kind"] == "rejected_busy", after=mark)
    assert agent.command("view")["state"] == "not_ready"


def test_missed_call_puts_the_agent_in_not_ready(agent: StateAgent, customer: Baresip, kamailio_lab: Lab) -> None:
    agent.command("headset", present=False)  # no headset: no auto-answer, it rings
    agent.request("go_ready")
    agent.wait_state("ready")
    mark = agent.mark()
    customer.dial(f"sip:{AGENT_EXT}@{kamailio_lab.domain}")
    agent.wait_state("ringing", after=mark)
    agent.wait_event("Notice", lambda e: e["kind"] == "auto_answer_no_headset", after=mark)
    view = agent.wait_state("not_ready", after=mark, timeout=15, reason=SystemReason.MISSED_CALL.value)
    assert view["cause"] == "call"
    customer.wait_event("CALL_CLOSED")
