"""The self-test runner: statuses, exit codes, report formats, and the checks that need no native stack."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from app import selftest
from app.selftest import CheckCaveatError, Status
from tests.helpers.keyrings import MemoryKeyring, PlaintextKeyring, fail_keyring

pytestmark = pytest.mark.unit


def _ok() -> str:
    return "fine"


def _caveat() -> str:
    raise CheckCaveatError("works, but")


def _broken() -> str:
    raise FileNotFoundError("gone")


def test_one_failure_does_not_stop_the_others() -> None:
    results = selftest.run_checks([("a", _ok), ("b", _broken), ("c", _caveat)])
    assert [(r.name, r.status, r.detail) for r in results] == [
        ("a", Status.OK, "fine"),
        ("b", Status.FAIL, "FileNotFoundError: gone"),
        ("c", Status.WARN, "works, but"),
    ]
    assert selftest.exit_code(results) == 1
    assert selftest.exit_code(results[::2]) == 0  # warnings alone pass


def test_report_formats() -> None:
    results = selftest.run_checks([("alpha", _ok), ("beta", _caveat)])
    text = selftest.format_report(results)
    assert "  OK    alpha  fine" in text
    assert "  WARN  beta   works, but" in text
    assert text.splitlines()[-1] == "result: OK (0 failed, 1 warning(s), 2 checks)"
    data = json.loads(selftest.format_json(results))
    assert data["ok"] is True
    assert [c["status"] for c in data["checks"]] == ["ok", "warn"]


def test_config_check_loads_the_layered_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AGENTDESK_SITE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "agentdesk.toml").write_text('locked = ["hub.url"]\n[hub]\nurl = "https://h"\n', encoding="utf-8")
    (tmp_path / "conf.d" / "20-b.toml").write_text("", encoding="utf-8")
    (tmp_path / "conf.d" / "10-a.toml").write_text("", encoding="utf-8")
    detail = selftest.check_config()
    assert detail.index("agentdesk.toml") < detail.index("10-a.toml") < detail.index("20-b.toml")
    assert "1 locked key(s)" in detail
    (tmp_path / "conf.d" / "20-b.toml").write_text("[hub]\nsurprise = 1\n", encoding="utf-8")
    with pytest.raises(CheckCaveatError, match=r"hub\.surprise"):
        selftest.check_config()
    (tmp_path / "conf.d" / "10-a.toml").write_text("[broken", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"10-a\.toml"):
        selftest.check_config()
    assert any("syntax-error" in r.getMessage() for r in caplog.records)


def test_resources_check_reads_the_packaged_resources() -> None:
    assert "svg" in selftest.check_resources()


@pytest.mark.parametrize("backend", [fail_keyring, PlaintextKeyring])
def test_keyring_check_warns_without_a_secure_backend(backend: Callable[[], KeyringBackend]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend())
    try:
        with pytest.raises(CheckCaveatError, match="no secure keyring backend"):
            selftest.check_keyring()
    finally:
        keyring.set_keyring(previous)


def test_keyring_check_names_a_secure_backend() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        assert "MemoryKeyring" in selftest.check_keyring()
    finally:
        keyring.set_keyring(previous)
