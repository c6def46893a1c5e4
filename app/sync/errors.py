"""Typed errors of the sync layer; ``ui/`` maps each ``SyncErrorKind`` to a translated message."""

from __future__ import annotations

import enum


class SyncErrorKind(enum.Enum):
    """Why a hub operation failed."""

    AUTH = "auth"  # wrong credentials, expired or revoked session
    LOCKED = "locked"  # too many failed logins
    SESSION_TAKEN_OVER = "session_taken_over"  # the agent signed in elsewhere
    NETWORK = "network"  # hub unreachable, timeout, connection reset
    TLS = "tls"  # certificate not trusted (never bypassed)
    CONFLICT = "conflict"  # 409: someone else changed the record
    VALIDATION = "validation"  # 4xx with field details
    NOT_FOUND = "not_found"
    SERVER = "server"  # 5xx
    MALFORMED = "malformed"  # the hub sent something we cannot parse
    CACHE = "cache"  # the local cache could not be opened or read
    NO_KEYRING = "no_keyring"  # the OS keyring is not available
    FORBIDDEN = "forbidden"  # the role or team does not allow it
    DUPLICATE = "duplicate"  # the hub found open tickets for the same customer and category
    CLIENT_TOO_OLD = "client_too_old"  # the hub wants a newer client
    OFFLINE = "offline"  # needs the hub and the hub is unreachable right now (cached data was not enough)


class SyncError(Exception):
    """An error with a stable ``kind``; ``fields`` carries per-field validation details from the hub."""

    def __init__(
        self,
        kind: SyncErrorKind,
        message: str = "",
        *,
        status: int | None = None,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        details: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message or kind.value)
        self.kind = kind
        self.status = status
        self.code = code
        self.fields = dict(fields or {})
        self.details = dict(details or {})
