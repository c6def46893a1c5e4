"""Registration against a real Kamailio: transports, failures with their reasons, registrar restart."""

from __future__ import annotations

import time

import pytest

from app.demo.kamailio import make_test_pki
from tests.helpers.agent import AgentProcess
from tests.helpers.kamailio import Lab
from tests.helpers.ports import free_port

pytestmark = pytest.mark.integration


def _failed(agent: AgentProcess, after: int = 0) -> dict[str, object]:
    return agent.wait_event("RegistrationChanged", lambda e: e["state"] == "failed", after=after)


@pytest.mark.parametrize("transport", ["tcp", "udp", "tls"])
def test_registers(agent: AgentProcess, kamailio_lab: Lab, transport: str) -> None:
    agent.register_to(kamailio_lab, "1001", transport)
    event = agent.wait_registered()
    assert event["code"] == 200
    assert event["expires_s"] > 0


def test_wrong_password(agent: AgentProcess, kamailio_lab: Lab) -> None:
    agent.register_to(kamailio_lab, "1001", password="not-my-password")
    event = _failed(agent)
    assert event["failure"] == "wrong_password"


def test_unknown_user(agent: AgentProcess, kamailio_lab: Lab) -> None:
    agent.register_to(kamailio_lab, "nosuchagent")
    assert _failed(agent)["failure"] == "unknown_user"


def test_unreachable_registrar(agent: AgentProcess, kamailio_lab: Lab) -> None:
    agent.register_to(kamailio_lab, "1001", port=free_port())  # nothing listens there
    assert _failed(agent)["failure"] == "unreachable"


def test_tls_with_the_wrong_ca_is_refused(agent: AgentProcess, kamailio_lab: Lab, tmp_path: object) -> None:
    from pathlib import Path

    other = make_test_pki(Path(str(tmp_path)) / "other-ca", name="other")
    agent.register_to(kamailio_lab, "1001", "tls", ca_file=str(other.ca_cert))
    assert _failed(agent)["failure"] == "tls_verify_failed"


@pytest.mark.parametrize("transport", ["tcp", "tls"])
def test_registers_again_soon_after_a_registrar_restart(agent: AgentProcess, kamailio_lab: Lab, transport: str) -> None:
    agent.register_to(kamailio_lab, "1001", transport, retry=1)
    agent.wait_registered()
    mark = agent.mark()
    kamailio_lab.stop()
    agent.wait_event("RegistrationChanged", lambda e: e["state"] != "registered", after=mark)
    time.sleep(1.0)
    kamailio_lab.start()
    back = time.monotonic()
    mark = agent.mark()
    agent.wait_registered(timeout=10, after=mark)
    recovered = time.monotonic() - back
    print(f"registered again {recovered:.2f} s after the registrar came back ({transport})")


def test_sip_trace_can_be_switched_at_run_time(agent: AgentProcess, kamailio_lab: Lab) -> None:
    def trace_lines() -> int:
        return agent.log_path.read_text(errors="replace").count(" sip.trace ")

    agent.command("trace", on=False)
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered()
    quiet = trace_lines()
    agent.command("unregister")
    agent.register_to(kamailio_lab, "1001")
    mark = agent.mark()
    agent.wait_registered(after=mark - 2)
    assert trace_lines() == quiet, "SIP messages were logged with the trace off"
    agent.command("trace", on=True)
    mark = agent.mark()
    agent.command("unregister")
    agent.register_to(kamailio_lab, "1001")
    agent.wait_registered(after=mark)
    log_text = agent.log_path.read_text(errors="replace")
    assert trace_lines() > quiet
    assert "REGISTER sip:agentdesk.test SIP/2.0" in log_text
    assert 'response="' not in log_text  # digest credentials are redacted
