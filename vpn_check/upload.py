"""POST health reports to the hub (JSON, bearer token). Blocking: call it off the GUI thread. The application
converts a :class:`Report` to the hub's ``HealthReportSubmit`` (``app/protocol.py``) in ``app/health.py``; vpn_check
cannot import ``app``, so this module only carries JSON text."""

from __future__ import annotations

import enum
import http.client
import json
import ssl
from urllib.parse import urlsplit

from vpn_check.checks_net import ssl_context
from vpn_check.config import HealthConfig
from vpn_check.model import Report


class UploadErrorKind(enum.Enum):
    NOT_CONFIGURED = "not_configured"
    UNREACHABLE = "unreachable"
    TLS = "tls"
    UNAUTHORIZED = "unauthorized"
    REJECTED = "rejected"


class UploadError(Exception):
    def __init__(self, kind: UploadErrorKind, detail: str = "") -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail


def post_json(config: HealthConfig, path: str, body: str, *, token: str = "", timeout: float = 10.0) -> None:
    """POST ``body`` (JSON text) to ``{hub_url}{path}``; raises :class:`UploadError` with a kind."""
    parts = urlsplit(config.hub_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UploadError(UploadErrorKind.NOT_CONFIGURED)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "agentdesk-check"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, parts.port or 443, timeout=timeout, context=ssl_context(config)
            )
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        try:
            conn.request("POST", parts.path.rstrip("/") + path, body=body.encode(), headers=headers)
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
    except ssl.SSLError as exc:
        raise UploadError(UploadErrorKind.TLS, str(exc)) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise UploadError(UploadErrorKind.UNREACHABLE, str(exc)) from exc
    if response.status in (401, 403):
        raise UploadError(UploadErrorKind.UNAUTHORIZED, f"HTTP {response.status}")
    if response.status >= 300:
        raise UploadError(UploadErrorKind.REJECTED, f"HTTP {response.status}")


def upload_report(config: HealthConfig, report: Report, *, agent: str, token: str = "", timeout: float = 10.0) -> None:
    """The whole report as JSON (``{"agent": ..., "report": Report.to_json()}``) for tools other than the hub; the
    application sends the hub's own ``HealthReportSubmit`` through :func:`post_json` (``app/health.py``)."""
    body = json.dumps({"agent": agent, "report": report.to_json()}, ensure_ascii=False)
    post_json(config, config.report_path, body, token=token, timeout=timeout)
