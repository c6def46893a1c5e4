"""Adapts the foundation's keyring store (``app.credentials.CredentialStore``) to the sync layer's ``SecretStore``.

Names are ``"<purpose>:<account>"``: ``refresh-token:alice@https://hub`` and ``cache-key:alice@https://hub``.
"""

from __future__ import annotations

from app.credentials import CredentialError, CredentialStore, SecretKind
from app.sync.errors import SyncError, SyncErrorKind

_KINDS = {"refresh-token": SecretKind.HUB_REFRESH_TOKEN, "cache-key": SecretKind.CACHE_KEY}


class KeyringSecretStore:
    """``SecretStore`` over the OS keyring; credential errors become ``SyncError(NO_KEYRING)``."""

    def __init__(self, store: CredentialStore) -> None:
        self._store = store

    @staticmethod
    def _split(name: str) -> tuple[SecretKind, str]:
        purpose, _, account = name.partition(":")
        kind = _KINDS.get(purpose)
        if kind is None or not account:
            raise ValueError(f"unknown secret name {purpose!r}")
        return kind, account

    def get_secret(self, name: str) -> str | None:
        kind, account = self._split(name)
        try:
            return self._store.load(kind, account)
        except CredentialError as exc:
            raise SyncError(SyncErrorKind.NO_KEYRING, exc.detail) from exc

    def set_secret(self, name: str, value: str) -> None:
        kind, account = self._split(name)
        try:
            self._store.store(kind, account, value)
        except CredentialError as exc:
            raise SyncError(SyncErrorKind.NO_KEYRING, exc.detail) from exc

    def delete_secret(self, name: str) -> None:
        kind, account = self._split(name)
        try:
            self._store.delete(kind, account)
        except CredentialError as exc:
            raise SyncError(SyncErrorKind.NO_KEYRING, exc.detail) from exc
