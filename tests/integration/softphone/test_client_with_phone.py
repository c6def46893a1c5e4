"""The real client process with a SIP server configured: the phone engine starts with the window, the panel is in
place, and quitting destroys the endpoint cleanly (no pjsua2 abort)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.kamailio import Lab

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def test_client_builds_the_phone_and_quits_cleanly(kamailio_lab: Lab, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    sets = [
        f"sip.server={kamailio_lab.host}",
        f"sip.port={kamailio_lab.tcp_port}",
        "sip.transport=tcp",
        f"sip.domain={kamailio_lab.domain}",
        "sip.user=1001",
    ]
    argv = [sys.executable, "-m", "ui.main", "--exit-after-paint", "--log-json", "--verbose"]
    for item in sets:
        argv += ["--set", item]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    messages = [json.loads(line)["message"] for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(m.startswith("SIP endpoint started") for m in messages), messages[-20:]
    assert any(m == "SIP endpoint destroyed" for m in messages), messages[-20:]
