"""A private, unlocked Secret Service (dbus-daemon + gnome-keyring-daemon) for keyring integration tests.

Everything lives in a temporary directory (bus socket, runtime dir, keyring files), so it never touches a real
desktop keyring and several test runs can work side by side.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.process import ManagedProcess


@dataclass(frozen=True)
class SecretService:
    """The environment a process needs to reach the private Secret Service."""

    env: dict[str, str]

    @property
    def bus_address(self) -> str:
        return self.env["DBUS_SESSION_BUS_ADDRESS"]


def _name_owned(env: dict[str, str]) -> bool:
    result = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return "boolean true" in result.stdout


@pytest.fixture
def secret_service(tmp_path: Path, process_log_dir: Path) -> Iterator[SecretService]:
    """Start a session bus and an unlocked gnome-keyring Secret Service; yield the environment to use it."""
    base = tmp_path / "secret-service"
    runtime = base / "run"
    runtime.mkdir(parents=True, mode=0o700)
    bus = f"unix:path={base / 'bus'}"
    env = {
        **os.environ,
        "HOME": str(base),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(base / "data"),
        "XDG_CONFIG_HOME": str(base / "config"),
        "DBUS_SESSION_BUS_ADDRESS": bus,
    }
    logs = process_log_dir / f"secret-service-{os.getpid()}-{tmp_path.name}"
    bus_daemon = ManagedProcess(
        "dbus-daemon",
        ["dbus-daemon", "--session", "--nofork", "--print-address=1", f"--address={bus}"],
        logs,
        env=env,
        ready_log=r"unix:path=",
    )
    # --unlock reads the login keyring's password from stdin; the pipe gives it one and creates the collection.
    keyring_daemon = ManagedProcess(
        "gnome-keyring",
        ["sh", "-c", "printf agentdesk-test | exec gnome-keyring-daemon --unlock --components=secrets --foreground"],
        logs,
        env=env,
        ready_check=lambda: _name_owned(env),
    )
    with bus_daemon, keyring_daemon:
        yield SecretService(env)
