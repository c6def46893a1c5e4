"""The credential store against a real Secret Service (gnome-keyring on a private D-Bus session bus)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.credentials import CredentialErrorKind, CredentialStore, SecretKind
from tests.helpers.keyrings import secret_service_keyring
from tests.helpers.secret_service import SecretService, secret_service

__all__ = ["secret_service"]  # the fixture, re-exported for pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from app.credentials import CredentialStore, CredentialError, SecretKind
store = CredentialStore()
status = store.status()
print("backend", status.backend, status.usable, status.problem)
if status.usable:
    store.store(SecretKind.HUB_REFRESH_TOKEN, "alice@hub", sys.argv[1])
    print("loaded", store.load(SecretKind.HUB_REFRESH_TOKEN, "alice@hub") == sys.argv[1])
else:
    try:
        store.store(SecretKind.HUB_REFRESH_TOKEN, "alice@hub", sys.argv[1])
    except CredentialError as exc:
        print("refused", exc.kind.name)
"""


def _probe(env: dict[str, str], secret: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, secret],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def test_default_backend_is_the_secret_service_and_stores_there(secret_service: SecretService) -> None:
    out = _probe(secret_service.env, "refresh-token-0123456789")
    assert "keyring.backends.SecretService.Keyring True None" in out
    assert "loaded True" in out
    # Independently of Python's keyring: libsecret's own tool finds the item in the Secret Service.
    found = subprocess.run(
        ["secret-tool", "lookup", "service", "AgentDesk/hub-refresh-token", "username", "alice@hub"],
        env=secret_service.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert found.stdout == "refresh-token-0123456789"


def test_in_process_store_with_the_secret_service_backend(secret_service: SecretService) -> None:
    old = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = secret_service.bus_address
    try:
        store = CredentialStore(secret_service_keyring())
        assert store.status().usable
        store.store(SecretKind.SIP_PASSWORD, "1001@pbx", "sip-pw-987654")
        assert store.load(SecretKind.SIP_PASSWORD, "1001@pbx") == "sip-pw-987654"
        store.delete(SecretKind.SIP_PASSWORD, "1001@pbx")
        assert store.load(SecretKind.SIP_PASSWORD, "1001@pbx") is None
    finally:
        if old is None:
            del os.environ["DBUS_SESSION_BUS_ADDRESS"]
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = old


@pytest.mark.allow_log_warnings
def test_without_a_secret_service_the_store_refuses(tmp_path: Path) -> None:
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:", "HOME": str(tmp_path)}
    out = _probe(env, "never-stored-secret")
    assert "False" in out.splitlines()[0]
    assert f"refused {CredentialErrorKind.NO_BACKEND.name}" in out
    assert "never-stored-secret" not in out
