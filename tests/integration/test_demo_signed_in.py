"""``python -m app.demo --check`` (what ``./demo.sh --check`` runs): the whole demo headless on this machine.

Real programs: the hub (``agentdesk-hub serve`` over HTTPS with the demo CA, SQLite seeded with the demo data),
Kamailio, the simulated customer (pjsua2), a private Secret Service (dbus-daemon + gnome-keyring-daemon), the
simulated second agent, Xvfb and the client, which signs in as agent.li with the keyring's password (hub and phone)
and exits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_demo_check_signs_the_client_in_to_the_hub_and_the_phone(tmp_path: Path) -> None:
    work = tmp_path / "work"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    env["PYTHONPATH"] = str(ROOT)
    env["HOME"] = str(tmp_path / "home")  # nothing of the demo lands in the real home
    result = subprocess.run(
        [sys.executable, "-m", "app.demo", "--check", "--work-dir", str(work)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    signed = [e for e in events if e.get("event") == "signed-in"]
    assert signed, output
    assert signed[0]["user"] == "agent.li"
    assert signed[0]["hub"].startswith("https://127.0.0.1:")
    assert signed[0]["phone"] == "registered"  # extension 1001 on Kamailio, with the same demo password
    # The shift started by itself (签入, 示闲): the state the hub confirmed to the client's state controller.
    assert signed[0]["state"] == "ready"

    # The accounts are printed; every service stopped again.
    assert "sup.zhang" in result.stdout
    assert "agent.wang" in result.stdout
    for service in ("hub", "kamailio", "customer", "second-agent", "keyring (demo sign-in)"):
        assert f"stopping {service}" in result.stdout, output

    # The client was pointed at the hub over HTTPS with the demo CA (TLS verified), never given a password in a file.
    hub = tomllib.loads((work / "site" / "conf.d" / "40-hub.toml").read_text(encoding="utf-8"))["hub"]
    assert hub["url"] == signed[0]["hub"]
    assert Path(hub["ca_file"]).read_text(encoding="ascii").startswith("-----BEGIN CERTIFICATE-----")
    for path in (work / "site").rglob("*"):
        if path.is_file():
            assert '"agentdesk"' not in path.read_text(encoding="utf-8"), path
    log = (work / "profile" / "state" / "AgentDesk" / "log" / "agentdesk.log").read_text(encoding="utf-8")
    assert "signed in as agent.li" in log
    assert "'agentdesk'" not in log
    assert '"agentdesk"' not in log

    # The second agent signed in to the same hub, so the supervisor's board has someone on it.
    assert "signed in as agent.wang" in (work / "second-agent.log").read_text(encoding="utf-8")


def test_demo_call_pops_the_callers_tickets_from_the_hub(tmp_path: Path) -> None:
    """``--check-call``: the simulated customer (13800138000, a seeded customer) calls extension 1001 through
    Kamailio; the signed-in client shows the hub's screen pop with that customer's open tickets."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    env["PYTHONPATH"] = str(ROOT)
    env["HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, "-m", "app.demo", "--check-call", "--work-dir", str(tmp_path / "work")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    pops = [e for line in result.stdout.splitlines() if line.startswith("{") and (e := json.loads(line))]
    pop = next(e for e in pops if e.get("event") == "screen-pop")
    assert pop["phone"] == "+8613800138000"
    assert pop["customer"] == "张伟"
    assert pop["open_tickets"] >= 1
    assert "calling the agent" in (tmp_path / "work" / "customer.log").read_text(encoding="utf-8")
