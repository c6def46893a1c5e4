"""Version policy: the hub announces the oldest client it accepts and where the site publishes the new one.

Managed fleets are upgraded by IT (MSI through GPO/Intune, the .deb from the site's repository); AgentDesk has no
self-updater. When the hub says this client is too old — in ``GET /api/v1/status`` (``min_client_version``,
``update_url``) or by refusing a request with HTTP 426 ``client_too_old`` — the UI shows a blocking message with the
site's update URL (``ui/support/update_required.py``).

Qt-free. :func:`fetch` does network I/O: run it on the background runner, never on the GUI thread.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.protocol import API_PREFIX, ErrorCode, client_version_supported
from app.version import __version__

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpdateRequired:
    """This client is older than the hub accepts."""

    current: str
    minimum: str
    update_url: str


class VersionCheckErrorKind(enum.Enum):
    HUB_UNREACHABLE = "hub-unreachable"
    BAD_ANSWER = "bad-answer"


class VersionCheckError(Exception):
    def __init__(self, kind: VersionCheckErrorKind, detail: str) -> None:
        super().__init__(f"{kind.value}: {detail}")
        self.kind = kind


def evaluate(minimum: str, update_url: str = "", current: str = __version__) -> UpdateRequired | None:
    """``UpdateRequired`` when ``current`` is older than ``minimum`` (an empty minimum allows every version)."""
    if not minimum or client_version_supported(current, minimum):
        return None
    return UpdateRequired(current=current, minimum=minimum, update_url=_safe_url(update_url))


def from_error_response(status: int, body: Mapping[str, Any], current: str = __version__) -> UpdateRequired | None:
    """Recognise the hub's 426 ``client_too_old`` answer (to any request) and read its details."""
    if status != 426 or body.get("code") != ErrorCode.CLIENT_TOO_OLD.value:
        return None
    details = body.get("details") or {}
    minimum = str(details.get("min_client_version", "")) if isinstance(details, Mapping) else ""
    url = str(details.get("update_url", "")) if isinstance(details, Mapping) else ""
    return UpdateRequired(current=current, minimum=minimum or "?", update_url=_safe_url(url))


def _safe_url(url: str) -> str:
    """Only http(s) links are shown as clickable (a hub must not make the client open ``file:`` or ``javascript:``)."""
    url = url.strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def fetch(hub_url: str, ca_file: str = "", timeout: float = 10.0, current: str = __version__) -> UpdateRequired | None:
    """Ask the hub's public status endpoint; TLS is always verified (``ca_file`` or the system trust store)."""
    import requests

    url = hub_url.rstrip("/") + f"{API_PREFIX}/status"
    verify: bool | str = ca_file or True
    try:
        response = requests.get(url, timeout=timeout, verify=verify, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise VersionCheckError(VersionCheckErrorKind.HUB_UNREACHABLE, f"{url}: {exc}") from exc
    try:
        body = response.json()
    except ValueError as exc:
        raise VersionCheckError(VersionCheckErrorKind.BAD_ANSWER, f"{url}: HTTP {response.status_code}") from exc
    if not isinstance(body, Mapping):
        raise VersionCheckError(VersionCheckErrorKind.BAD_ANSWER, f"{url}: not a JSON object")
    too_old = from_error_response(response.status_code, body, current)
    if too_old is not None:
        return too_old
    if response.status_code != 200:
        raise VersionCheckError(VersionCheckErrorKind.BAD_ANSWER, f"{url}: HTTP {response.status_code}")
    result = evaluate(str(body.get("min_client_version", "")), str(body.get("update_url", "")), current)
    log.info("version policy: hub minimum %s, this client %s", body.get("min_client_version"), current)
    return result
