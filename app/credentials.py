"""Secrets (hub password or refresh token, SIP password) stored only in the operating system's keyring.

Responsibility: the single place AgentDesk reads, writes and deletes secrets. It talks to ``keyring`` and refuses
backends that are not a real OS store: ``fail`` / ``null`` (nothing to store into) and plaintext or
"encrypted file" backends such as ``keyrings.alt`` (a secret on disk next to its key). Refusals raise
:class:`CredentialError` with a :class:`CredentialErrorKind` the UI turns into a translated explanation. No secret is
ever written anywhere else, logged, or put in an exception message.

Threads: any thread, one call at a time per store. Calls may block on D-Bus or an OS unlock prompt, so the UI calls
them from a background task when it can.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE_PREFIX = "AgentDesk"
# Windows Credential Manager limits a blob to 2,560 bytes (stored as UTF-16): store opaque tokens, not long JWTs.
WINDOWS_MAX_SECRET_CHARS = 1280


class SecretKind(enum.Enum):
    """What a secret is for; each kind is a separate keyring service (``AgentDesk/<value>``)."""

    HUB_PASSWORD = "hub-password"
    HUB_REFRESH_TOKEN = "hub-refresh-token"
    SIP_PASSWORD = "sip-password"
    CACHE_KEY = "cache-key"  # AES key of the local ticket cache and outbox (app/sync)


class CredentialErrorKind(enum.Enum):
    """Why a keyring operation failed. ``ui/`` maps each kind to a translated message."""

    NO_BACKEND = "no-backend"  # only keyring's fail/null backend: no Secret Service, Credential Manager or Keychain
    INSECURE_BACKEND = "insecure-backend"  # plaintext or file-based backend (keyrings.alt): refused
    LOCKED = "locked"  # the user declined to unlock the keyring
    TOO_LONG = "too-long"  # the secret exceeds what the backend can hold
    BACKEND_FAILURE = "backend-failure"  # the backend reported an error (D-Bus down, access denied, ...)


class CredentialError(Exception):
    """A refused or failed keyring operation. The message names the backend and the reason, never the secret."""

    def __init__(self, kind: CredentialErrorKind, detail: str) -> None:
        super().__init__(f"{kind.value}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class BackendStatus:
    """Whether the keyring can hold secrets: ``usable``, the backend's name, and, if not, why (``problem``)."""

    usable: bool
    backend: str
    problem: CredentialErrorKind | None = None
    detail: str = ""


def _backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


# Modules whose backends are not OS secret stores. keyrings.alt's file backends are plaintext or keep the key beside the
# encrypted file; "fail" and "null" store nothing.
_NO_BACKEND_MODULES = ("keyring.backends.fail", "keyring.backends.null")
_INSECURE_MODULE_PREFIXES = ("keyrings.alt", "keyrings.cryptfile", "keyring.backends.file", "sagecipher")


def classify_backend(backend: KeyringBackend) -> BackendStatus:
    """Say whether one (non-chainer) backend is acceptable."""
    name = _backend_name(backend)
    module = type(backend).__module__
    if module in _NO_BACKEND_MODULES:
        return BackendStatus(False, name, CredentialErrorKind.NO_BACKEND, f"{name} cannot store secrets")
    if module.startswith(_INSECURE_MODULE_PREFIXES) or "plaintext" in name.lower():
        return BackendStatus(False, name, CredentialErrorKind.INSECURE_BACKEND, f"{name} keeps secrets in a file")
    return BackendStatus(True, name)


def _members(backend: KeyringBackend) -> Sequence[KeyringBackend]:
    from keyring.backends.chainer import ChainerBackend  # lazily: importing keyring costs start-up time

    if isinstance(backend, ChainerBackend):
        return list(backend.backends)
    return [backend]


class CredentialStore:
    """Reads and writes secrets through one acceptable keyring backend.

    Args:
        backend: the backend to use; ``None`` asks ``keyring`` for the platform default (tests pass an in-memory one).
            A chainer backend is reduced to its highest-priority acceptable member, so a plaintext backend installed
            as a fallback can never receive a secret.
    """

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._requested = backend
        self._chosen: KeyringBackend | None = None
        self._status: BackendStatus | None = None

    def status(self) -> BackendStatus:
        """Check the backend (once; the result is cached)."""
        if self._status is None:
            self._chosen, self._status = self._choose()
            if self._status.usable:
                log.info("credentials: using keyring backend %s", self._status.backend)
            else:
                log.warning("credentials: refusing keyring backend: %s", self._status.detail)
        return self._status

    def _choose(self) -> tuple[KeyringBackend | None, BackendStatus]:
        backend = self._requested
        if backend is None:
            import keyring  # lazily: importing keyring costs start-up time

            try:
                backend = keyring.get_keyring()
            except Exception as exc:  # keyring's backend discovery can fail in many ways (D-Bus, entry points)
                return None, BackendStatus(False, "?", CredentialErrorKind.NO_BACKEND, f"no keyring: {exc}")
        first_refusal: BackendStatus | None = None
        for member in _members(backend):
            verdict = classify_backend(member)
            if verdict.usable:
                return member, verdict
            if first_refusal is None or (
                first_refusal.problem is CredentialErrorKind.NO_BACKEND
                and verdict.problem is CredentialErrorKind.INSECURE_BACKEND
            ):
                first_refusal = verdict  # an insecure backend is the more useful explanation
        if first_refusal is None:
            name = _backend_name(backend)
            first_refusal = BackendStatus(False, name, CredentialErrorKind.NO_BACKEND, f"{name} has no backends")
        return None, first_refusal

    def _backend(self) -> KeyringBackend:
        status = self.status()
        if not status.usable or self._chosen is None:
            assert status.problem is not None
            raise CredentialError(status.problem, status.detail)
        return self._chosen

    @staticmethod
    def _service(kind: SecretKind) -> str:
        return f"{SERVICE_PREFIX}/{kind.value}"

    def store(self, kind: SecretKind, account: str, secret: str) -> None:
        """Save ``secret`` for ``account`` (e.g. ``"alice@https://hub.example"``), replacing any previous one."""
        backend = self._backend()
        if type(backend).__module__.startswith("keyring.backends.Windows") and len(secret) > WINDOWS_MAX_SECRET_CHARS:
            raise CredentialError(CredentialErrorKind.TOO_LONG, f"{len(secret)} characters; the limit is 1280")
        from keyring.errors import KeyringError, KeyringLocked

        try:
            backend.set_password(self._service(kind), account, secret)
        except KeyringLocked as exc:
            raise CredentialError(CredentialErrorKind.LOCKED, f"keyring locked: {type(exc).__name__}") from None
        except KeyringError as exc:
            raise CredentialError(CredentialErrorKind.BACKEND_FAILURE, _safe(exc, secret)) from None
        except Exception as exc:  # backends raise D-Bus and OS errors of their own
            raise CredentialError(CredentialErrorKind.BACKEND_FAILURE, _safe(exc, secret)) from None
        log.info("credentials: stored %s for %s", kind.value, account)

    def load(self, kind: SecretKind, account: str) -> str | None:
        """The saved secret, or ``None`` when there is none."""
        backend = self._backend()
        from keyring.errors import KeyringError, KeyringLocked

        try:
            return backend.get_password(self._service(kind), account)
        except KeyringLocked:
            raise CredentialError(CredentialErrorKind.LOCKED, "keyring locked") from None
        except KeyringError as exc:
            raise CredentialError(CredentialErrorKind.BACKEND_FAILURE, _safe(exc, "")) from None
        except Exception as exc:  # backends raise D-Bus and OS errors of their own
            raise CredentialError(CredentialErrorKind.BACKEND_FAILURE, _safe(exc, "")) from None

    def delete(self, kind: SecretKind, account: str) -> None:
        """Forget the secret; deleting one that does not exist is not an error."""
        backend = self._backend()
        from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

        try:
            backend.delete_password(self._service(kind), account)
        except PasswordDeleteError:
            return  # nothing stored
        except KeyringLocked:
            raise CredentialError(CredentialErrorKind.LOCKED, "keyring locked") from None
        except KeyringError as exc:
            raise CredentialError(CredentialErrorKind.BACKEND_FAILURE, _safe(exc, "")) from None
        except Exception as exc:  # backends raise D-Bus and OS errors of their own
            raise CredentialError(CredentialErrorKind.BACKEND_FAILURE, _safe(exc, "")) from None
        log.info("credentials: deleted %s for %s", kind.value, account)


def _safe(exc: BaseException, secret: str) -> str:
    """An exception's description with the secret removed, in case a backend echoes its input."""
    text = f"{type(exc).__name__}: {exc}"
    if secret:
        text = text.replace(secret, "<redacted>")
    return text
