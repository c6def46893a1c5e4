"""Encryption at rest for the local cache: AES-256-GCM with a per-user key kept in the OS keyring.

Customer data (names, phone numbers, ticket bodies) is sealed record by record; the record id is bound in as
associated data so that a row cannot be swapped for another. Phone lookups use a keyed blind index (HMAC-SHA256)
so the cache can find a caller's tickets without storing the number in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.sync.errors import SyncError, SyncErrorKind


class SecretStore(Protocol):
    """What the sync layer needs from the OS keyring (the foundation's ``app.credentials`` adapts to this)."""

    def get_secret(self, name: str) -> str | None: ...

    def set_secret(self, name: str, value: str) -> None: ...

    def delete_secret(self, name: str) -> None: ...


class MemorySecretStore:
    """A ``SecretStore`` that keeps secrets in memory only (tests, and sessions where the keyring is unusable)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get_secret(self, name: str) -> str | None:
        return self._values.get(name)

    def set_secret(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete_secret(self, name: str) -> None:
        self._values.pop(name, None)


class DecryptError(SyncError):
    def __init__(self, message: str) -> None:
        super().__init__(SyncErrorKind.CACHE, message)


class CacheCipher:
    """Seal and open cache records. Thread-safe (stateless apart from the key)."""

    NONCE = 12

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AES-256 key must be 32 bytes")
        self._aead = AESGCM(key)
        self._index_key = hashlib.sha256(b"agentdesk-blind-index\0" + key).digest()

    @classmethod
    def from_store(cls, store: SecretStore, name: str) -> tuple[CacheCipher, bool]:
        """Load the key named ``name`` or create one; the flag says whether it was newly created."""
        try:
            encoded = store.get_secret(name)
        except Exception as exc:  # keyring backends raise their own types
            raise SyncError(SyncErrorKind.NO_KEYRING, f"keyring unavailable: {type(exc).__name__}") from exc
        if encoded:
            try:
                key = base64.b64decode(encoded, validate=True)
                return cls(key), False
            except ValueError:
                pass  # unreadable key: make a new one; the cache it protected is rebuilt
        key = AESGCM.generate_key(bit_length=256)
        try:
            store.set_secret(name, base64.b64encode(key).decode("ascii"))
        except Exception as exc:
            raise SyncError(SyncErrorKind.NO_KEYRING, f"keyring unavailable: {type(exc).__name__}") from exc
        return cls(key), True

    def seal(self, plaintext: bytes, associated: str) -> bytes:
        nonce = os.urandom(self.NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, associated.encode())

    def open(self, blob: bytes, associated: str) -> bytes:
        if len(blob) < self.NONCE + 16:
            raise DecryptError("sealed record too short")
        try:
            return self._aead.decrypt(blob[: self.NONCE], blob[self.NONCE :], associated.encode())
        except InvalidTag as exc:
            raise DecryptError("sealed record failed authentication") from exc

    def blind_index(self, value: str) -> str:
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()
