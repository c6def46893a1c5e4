"""Upload a health report to the hub (``POST {hub_url}{report_path}``, JSON, bearer token). Blocking: call it off
the GUI thread. The body is :meth:`Report.to_json` plus the agent id; the hub shows it on the supervisor board.
Until the hub's wire types land in ``app/protocol.py`` the JSON shape is documented in docs/health_check.md."""

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


def upload_report(config: HealthConfig, report: Report, *, agent: str, token: str = "", timeout: float = 10.0) -> None:
    parts = urlsplit(config.hub_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UploadError(UploadErrorKind.NOT_CONFIGURED)
    body = json.dumps({"agent": agent, "report": report.to_json()}, ensure_ascii=False).encode()
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
            conn.request("POST", parts.path.rstrip("/") + config.report_path, body=body, headers=headers)
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
