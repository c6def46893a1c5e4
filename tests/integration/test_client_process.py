"""The client and the demo as real processes: the window paints under Xvfb (xcb) and offscreen, then exits cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(PYTHONPATH=str(ROOT), **extra)
    return env


def test_client_paints_and_reports_startup(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.main", "--report-startup", "--exit-after-paint", "--log-json"],
        cwd=ROOT,
        env=_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["painted", "ready"]  # the areas are built after the first paint
    painted, ready = events
    assert painted["rss_bytes"] > 10_000_000
    assert ready["time"] >= painted["time"]
    messages = [json.loads(line)["message"] for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(m.startswith("AgentDesk started") for m in messages)
    assert any(m == "AgentDesk quitting" for m in messages)


def test_version_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.main", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    from app.version import __version__

    assert result.stdout.strip() == f"agentdesk {__version__}"


def test_demo_runs_the_client_on_a_virtual_display(tmp_path: Path) -> None:
    """``python -m app.demo`` without a screen: Xvfb, the real xcb window, a screenshot, everything stopped."""
    shot = tmp_path / "demo.png"
    result = subprocess.run(
        [sys.executable, "-m", "app.demo", "--screenshot", str(shot), "--work-dir", str(tmp_path / "work")],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "starting virtual display (Xvfb)" in result.stdout
    assert "stopping virtual display (Xvfb)" in result.stdout
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "work" / "site").is_dir()
    log = tmp_path / "work" / "profile" / "state" / "AgentDesk" / "log" / "agentdesk.log"
    assert "AgentDesk started" in log.read_text()  # the demo's client used its own profile
