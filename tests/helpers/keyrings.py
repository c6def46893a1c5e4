"""Keyring backends for tests: an in-memory store (a real ``KeyringBackend``), and stand-ins for insecure ones.

Shared with other areas' tests: ``CredentialStore(MemoryKeyring())`` behaves like the OS keyring without touching it.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A secure-looking in-memory keyring (what unit tests use instead of the Secret Service)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves __init__ unannotated
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for ``keyrings.alt.file.PlaintextKeyring``: same module path, so it is classified the same way."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def fail_keyring() -> KeyringBackend:
    """keyring's own ``fail`` backend (what a headless box without a Secret Service gets)."""
    from keyring.backends import fail

    return fail.Keyring()  # type: ignore[no-untyped-call]  # keyring leaves __init__ unannotated


def null_keyring() -> KeyringBackend:
    """keyring's ``null`` backend (stores nothing)."""
    from keyring.backends import null

    return null.Keyring()  # type: ignore[no-untyped-call]  # keyring leaves __init__ unannotated


def secret_service_keyring() -> KeyringBackend:
    """keyring's Secret Service backend (reaches the bus named by ``DBUS_SESSION_BUS_ADDRESS`` when used)."""
    from keyring.backends import SecretService

    return SecretService.Keyring()  # type: ignore[no-untyped-call]  # keyring leaves __init__ unannotated
