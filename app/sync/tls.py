"""TLS for every connection to the hub: the OS trust store (``truststore``) or a site CA file. Never unverified.

One ``ssl.SSLContext`` serves both ``requests`` (through ``SiteTLSAdapter``) and ``websockets``.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import truststore
from requests.adapters import HTTPAdapter

from app.sync.errors import SyncError, SyncErrorKind


def make_ssl_context(ca_file: Path | None = None) -> ssl.SSLContext:
    """Verification on, hostname checked, TLS 1.2+. With ``ca_file`` only that site CA bundle is trusted."""
    if ca_file is not None:
        try:
            ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise SyncError(SyncErrorKind.TLS, f"site CA file {ca_file} unusable: {exc}") from exc
    else:
        ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class SiteTLSAdapter(HTTPAdapter):
    """A ``requests`` adapter whose connection pools use our SSL context (so truststore / the site CA apply)."""

    def __init__(self, ctx: ssl.SSLContext, **kwargs: Any) -> None:
        self._ctx = ctx
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._ctx
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs["ssl_context"] = self._ctx
        return super().proxy_manager_for(proxy, **proxy_kwargs)
