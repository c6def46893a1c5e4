"""The demo's softphone services: Kamailio with the demo extensions and the simulated customer who calls."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.demo.orchestrator import DemoContext
from app.demo.softphone import CUSTOMER_USER, DEMO_SIP_PASSWORD, KamailioService, SimulatedCustomerService
from tests.helpers.agent import AgentProcess

pytestmark = pytest.mark.integration


def test_the_simulated_customer_calls_the_agent(process_log_dir: Path, tmp_path: Path) -> None:
    ctx = DemoContext(work_dir=tmp_path / "demo", site_dir=tmp_path / "site", quiet=True)
    ctx.work_dir.mkdir()
    kamailio = KamailioService()
    customer = SimulatedCustomerService(kamailio, first_s=1.0, interval_s=30.0)
    agent = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / "agent", tone_hz=700)
    try:
        kamailio.start(ctx)
        sip = tomllib.loads((ctx.site_dir / "conf.d" / "50-softphone.toml").read_text())["sip"]
        assert sip["user"] == "1001"
        agent.command(
            "register",
            server=sip["server"],
            port=sip["port"],
            domain=sip["domain"],
            user=sip["user"],
            password=DEMO_SIP_PASSWORD,
            transport=sip["transport"],
        )
        agent.wait_registered()
        customer.start(ctx)
        incoming = agent.wait_event("IncomingCall", timeout=20)
        assert incoming["call"]["remote_number"] == CUSTOMER_USER  # a seeded hub customer: the screen pop shows
        assert incoming["call"]["remote_name"] == "张先生"
        call_id = incoming["call"]["call_id"]
        agent.command("answer", call_id=call_id)
        agent.wait_call_state("connected", call_id=call_id)
        agent.command("hangup", call_id=call_id)
        assert agent.wait_event("CallEnded")["outcome"] == "answered"
    finally:
        customer.stop()
        assert agent.quit() == 0
        kamailio.stop()
    assert "calling the agent" in (ctx.work_dir / "customer.log").read_text()
