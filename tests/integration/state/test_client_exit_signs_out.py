"""The real client process, through the demo (real hub over HTTPS, Kamailio, keyring, the client signed in by
itself with its shift started): stopping it with SIGTERM — what the demo does on Ctrl+C, a service manager or a Linux
logout does — signs the agent out on the hub before the process ends, instead of leaving a phantom agent for the
hub's offline grace. Checked in the hub's own database afterwards."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]


def test_sigterm_signs_the_agent_out_on_the_hub(tmp_path: Path) -> None:
    work = tmp_path / "work"
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    # A "screen" for the demo (no virtual display, no screenshot: the client runs until stopped), drawn offscreen.
    env.update(DISPLAY=":0-unused", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), HOME=str(tmp_path / "home"))
    out = (tmp_path / "demo.out").open("wb")
    demo = subprocess.Popen(
        [sys.executable, "-m", "app.demo", "--work-dir", str(work)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    client_log = work / "profile" / "state" / "AgentDesk" / "log" / "agentdesk.log"
    try:
        deadline = time.monotonic() + 240
        while "shift started: ready" not in (client_log.read_text("utf-8") if client_log.exists() else ""):
            assert demo.poll() is None, (tmp_path / "demo.out").read_text("utf-8", "replace")
            if time.monotonic() > deadline:
                pytest.fail("the client never started the shift:\n" + (tmp_path / "demo.out").read_text("utf-8"))
            time.sleep(0.5)
        demo.send_signal(signal.SIGTERM)  # the demo stops the client with SIGTERM, then every service
        demo.wait(120)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        out.close()

    log = client_log.read_text("utf-8")
    assert "SIGTERM: quitting" in log
    assert "signed out on the hub at exit" in log
    with sqlite3.connect(work / "hub" / "agentdesk-hub.sqlite3") as db:
        (user_id,) = db.execute("SELECT id FROM users WHERE username = 'agent.li'").fetchone()
        state, cause = db.execute("SELECT state, cause FROM agent_states WHERE user_id = ?", (user_id,)).fetchone()
        history = [
            row[0]
            for row in db.execute(
                "SELECT state FROM agent_state_history WHERE user_id = ? ORDER BY id", (user_id,)
            ).fetchall()
        ]
    assert (state, cause) == ("signed_out", "agent")  # by the client, not the hub's offline grace ("system")
    assert history[:2] == ["not_ready", "ready"]  # 签入, 示闲 (the demo's shift start); calls may follow
    assert history[-1] == "signed_out"
