"""Signing in to the hub: the request, the result, the typed error, and the interface the UI calls.

The login dialog (``ui/login.py``) collects a :class:`SignInRequest`; the composition root passes it to a
:class:`SignInService` on a background thread (``app.bridge.BackgroundRunner``). The hub client (``app/sync``)
provides the real service; :class:`HubNotConfigured` stands in when no hub client is built into the program.
Qt-free. ``SignInService.sign_in`` blocks (network I/O): never call it on the GUI thread.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol


class SignInErrorKind(enum.Enum):
    """Why signing in failed; ``ui/`` maps each kind to a translated message."""

    BAD_CREDENTIALS = "bad-credentials"
    HUB_UNREACHABLE = "hub-unreachable"  # DNS, refused, timeout
    TLS_FAILURE = "tls-failure"  # certificate not trusted (wrong or missing hub.ca_file)
    HUB_ERROR = "hub-error"  # the hub answered with an error or something unexpected
    NOT_AVAILABLE = "not-available"  # this build has no hub client
    INVALID_INPUT = "invalid-input"  # empty user or a hub URL that is not https://host


class SignInError(Exception):
    """Signing in failed; ``kind`` says why, ``detail`` is English text for the log."""

    def __init__(self, kind: SignInErrorKind, detail: str = "") -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class SignInRequest:
    """What the agent typed. ``password`` is excluded from ``repr`` so it cannot reach a log by accident."""

    hub_url: str
    user: str
    password: str = field(repr=False)
    remember: bool = False

    @property
    def account(self) -> str:
        """The keyring account name for this user on this hub."""
        return f"{self.user}@{self.hub_url}"


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in."""

    hub_url: str
    user: str
    display_name: str


class SignInService(Protocol):
    """Signs an agent in to the hub. Blocking; called on a worker thread."""

    def sign_in(self, request: SignInRequest) -> SignedIn: ...


class HubNotConfigured:
    """The sign-in service of a build without a hub client: always fails with ``NOT_AVAILABLE``."""

    def sign_in(self, request: SignInRequest) -> SignedIn:
        raise SignInError(SignInErrorKind.NOT_AVAILABLE, f"no hub client to reach {request.hub_url}")


def validate_request(request: SignInRequest) -> None:
    """Raise ``INVALID_INPUT`` for an empty user/password or a hub URL that is not ``https://host[:port]``."""
    from urllib.parse import urlsplit

    if not request.user.strip() or not request.password:
        raise SignInError(SignInErrorKind.INVALID_INPUT, "user and password are required")
    try:
        parts = urlsplit(request.hub_url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
        parts = urlsplit("")
    if parts.scheme != "https" or not parts.hostname or not port_ok:
        raise SignInError(SignInErrorKind.INVALID_INPUT, f"not an https URL: {request.hub_url!r}")
