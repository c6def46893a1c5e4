"""The demo's keyring entry (``python -m app.demo.keyring_entry``) against a real Secret Service, and the hub's
``serve --tls-cert/--tls-key`` options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.keyrings import secret_service_keyring
from tests.helpers.secret_service import SecretService, secret_service

__all__ = ["secret_service"]  # the fixture, re-exported for pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "agent.li@https://127.0.0.1:8443"


def _entry(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.demo.keyring_entry", *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_demo_password_goes_into_the_keyring_through_stdin_and_out_again(
    secret_service: SecretService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.credentials import CredentialStore, SecretKind

    result = _entry(secret_service.env, "store", ACCOUNT, stdin="agentdesk\n")
    assert result.returncode == 0, result.stderr
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.bus_address)
    store = CredentialStore(secret_service_keyring())
    assert store.load(SecretKind.HUB_PASSWORD, ACCOUNT) == "agentdesk"
    store.store(SecretKind.HUB_REFRESH_TOKEN, ACCOUNT, "refresh")  # what the client saves while signed in

    result = _entry(secret_service.env, "delete", ACCOUNT)
    assert result.returncode == 0, result.stderr
    assert store.load(SecretKind.HUB_PASSWORD, ACCOUNT) is None
    assert store.load(SecretKind.HUB_REFRESH_TOKEN, ACCOUNT) is None


def test_store_refuses_an_empty_password(secret_service: SecretService) -> None:
    result = _entry(secret_service.env, "store", ACCOUNT, stdin="")
    assert result.returncode == 1
    assert "no password" in result.stderr


def test_hub_tls_options_go_together() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--tls-cert", "cert.pem", "--database-url", "sqlite://"],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--tls-cert and --tls-key go together" in result.stderr
