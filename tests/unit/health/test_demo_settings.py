"""The demo's health settings parse and relax exactly what a demo machine lacks."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.demo.health import DEMO_HEALTH_TOML, HealthDemoSettings
from app.demo.orchestrator import DemoContext

pytestmark = pytest.mark.unit


def test_demo_health_settings(tmp_path: Path) -> None:
    ctx = DemoContext(work_dir=tmp_path, site_dir=tmp_path / "site")
    HealthDemoSettings().start(ctx)
    written = (tmp_path / "site" / "conf.d" / "health.toml").read_text(encoding="utf-8")
    assert written == DEMO_HEALTH_TOML
    health = tomllib.loads(written)["health"]
    assert health["require_vpn"] is False
    assert health["block_sign_in_on"] == ["voice.path"]
