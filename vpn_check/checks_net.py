"""Network checks: VPN presence and egress, DNS, the hub (TCP, TLS, certificate, health, clock), bandwidth."""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography import x509

from vpn_check.advice import Advice
from vpn_check.config import HealthConfig
from vpn_check.model import CheckId, CheckResult, Status, worst
from vpn_check.runner import Context


def ssl_context(config: HealthConfig, *, sip: bool = False) -> ssl.SSLContext:
    """Verification always on: the system trust store plus the site CA file when configured (for SIP over TLS,
    ``sip_ca_file`` when set)."""
    context = ssl.create_default_context()
    ca_file = (config.sip_ca_file or config.ca_file) if sip else config.ca_file
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _skip(check: CheckId, advice: Advice = Advice.NOT_CONFIGURED, **details: object) -> CheckResult:
    return CheckResult(check=check, status=Status.SKIP, advice=(advice,), details=details)


# ---------------------------------------------------------------------------------------------- VPN
class VpnPresenceCheck:
    step = CheckId.VPN_PRESENT
    produces = (CheckId.VPN_PRESENT,)

    def run(self, ctx: Context) -> list[CheckResult]:
        cfg = ctx.config
        interfaces = ctx.interfaces()
        if cfg.vpn_patterns:
            candidates = [i for i in interfaces if i.matches(cfg.vpn_patterns)]
            threshold = "any of: " + ", ".join(cfg.vpn_patterns)
        else:
            candidates = [i for i in interfaces if i.is_tunnel]
            threshold = "any tunnel"
        up = [i for i in candidates if i.up]
        details = {"candidates": [i.to_json() for i in candidates]}
        if up:
            value = ", ".join(f"{i.name} ({i.kind.value})" for i in up)
            return [CheckResult(self.step, Status.PASS, value, "", threshold, (), details)]
        status = Status.FAIL if cfg.vpn_required else Status.WARN
        advice = Advice.VPN_DOWN if candidates else Advice.VPN_NOT_FOUND
        value = ", ".join(f"{i.name} (down)" for i in candidates) or "none"
        return [CheckResult(self.step, status, value, "", threshold, (advice,), details)]


class EgressCheck:
    """The interface that traffic to the SIP server (or the hub) leaves by, against the split-tunnel policy."""

    def __init__(self, which: CheckId) -> None:
        self.step = which
        self.produces = (which,)

    def run(self, ctx: Context) -> list[CheckResult]:
        cfg = ctx.config
        if self.step is CheckId.VPN_EGRESS_SIP:
            host, via_vpn, bypass = cfg.sip_host, cfg.sip_via_vpn, Advice.SIP_BYPASSES_VPN
        else:
            host, via_vpn, bypass = cfg.hub_host, cfg.hub_via_vpn, Advice.HUB_BYPASSES_VPN
        if not host:
            return [_skip(self.step)]
        resolution = ctx.resolve(host)
        if not resolution.addresses:
            return [CheckResult(self.step, Status.FAIL, None, "", "", (Advice.DNS_FAILED,), {"host": host})]
        ip = resolution.addresses[0]
        interfaces = ctx.interfaces()
        dev = ctx.inspector.egress_interface(ip, interfaces)
        threshold = "tunnel" if via_vpn else "any (split tunnel: direct allowed)"
        details: dict[str, object] = {"host": host, "ip": ip, "interface": dev}
        if dev is None:
            return [CheckResult(self.step, Status.FAIL, None, "", threshold, (Advice.NO_ROUTE,), details)]
        iface = next((i for i in interfaces if i.name == dev), None)
        is_vpn = iface is not None and (iface.matches(cfg.vpn_patterns) if cfg.vpn_patterns else iface.is_tunnel)
        details["kind"] = iface.kind.value if iface else "unknown"
        if not via_vpn or is_vpn:
            return [CheckResult(self.step, Status.PASS, dev, "", threshold, (), details)]
        return [CheckResult(self.step, Status.FAIL, dev, "", threshold, (bypass,), details)]


# ---------------------------------------------------------------------------------------------- DNS
class DnsCheck:
    step = CheckId.DNS
    produces = (CheckId.DNS,)

    def run(self, ctx: Context) -> list[CheckResult]:
        hosts = ctx.config.all_dns_hosts
        if not hosts:
            return [_skip(self.step)]
        t = ctx.config.thresholds
        per_host: list[dict[str, object]] = []
        statuses: list[Status] = []
        advice: list[Advice] = []
        slowest = 0.0
        for host in hosts:
            res = ctx.resolve(host)
            slowest = max(slowest, res.elapsed_ms)
            per_host.append(
                {"host": host, "addresses": list(res.addresses), "ms": round(res.elapsed_ms, 1), "error": res.error}
            )
            if not res.addresses:
                statuses.append(Status.FAIL)
                if Advice.DNS_FAILED not in advice:
                    advice.append(Advice.DNS_FAILED)
            elif res.elapsed_ms > t.dns_warn_ms:
                statuses.append(Status.WARN)
                if Advice.DNS_SLOW not in advice:
                    advice.append(Advice.DNS_SLOW)
            else:
                statuses.append(Status.PASS)
        return [
            CheckResult(
                self.step,
                worst(statuses),
                round(slowest, 1),
                "ms",
                f"resolves, <= {t.dns_warn_ms:g}",
                tuple(advice),
                {"hosts": per_host},
            )
        ]


# ---------------------------------------------------------------------------------------------- hub
@dataclass
class _HubTarget:
    scheme: str
    host: str
    port: int
    base: str


def _hub_target(cfg: HealthConfig) -> _HubTarget | None:
    if not cfg.hub_url:
        return None
    parts = urlsplit(cfg.hub_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return _HubTarget(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))


def _cert_info(der: bytes) -> dict[str, object]:
    cert = x509.load_der_x509_certificate(der)
    not_after = cert.not_valid_after_utc
    days = (not_after - datetime.now(UTC)).total_seconds() / 86400
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": not_after.isoformat(),
        "days_left": round(days, 1),
        "self_signed": cert.subject == cert.issuer,
    }


def _fetch_unverified_cert(ip: str, port: int, host: str, timeout: float) -> bytes | None:
    """The server's certificate without verification, only to report *why* verification failed (expiry date,
    issuer). Nothing is sent over this connection."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((ip, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            return tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None


class HubConnectionCheck:
    """TCP connect, TLS handshake with verification, and the certificate's validity and days to expiry."""

    step = CheckId.HUB_TCP

    def __init__(self, with_tls: bool = True) -> None:
        self.with_tls = with_tls
        self.produces: tuple[CheckId, ...] = (
            (CheckId.HUB_TCP, CheckId.HUB_TLS, CheckId.HUB_CERT) if with_tls else (CheckId.HUB_TCP,)
        )

    def run(self, ctx: Context) -> list[CheckResult]:
        cfg, t = ctx.config, ctx.config.thresholds
        target = _hub_target(cfg)
        if target is None:
            return [_skip(c) for c in self.produces]
        res = ctx.resolve(target.host)
        if not res.addresses:
            return [CheckResult(c, Status.FAIL, None, "", "", (Advice.DNS_FAILED,)) for c in self.produces]
        ip = res.addresses[0]
        start = time.perf_counter()
        try:
            raw = socket.create_connection((ip, target.port), timeout=t.connect_timeout_s)
        except OSError as exc:
            failed = CheckResult(
                CheckId.HUB_TCP,
                Status.FAIL,
                None,
                "ms",
                f"connects within {t.connect_timeout_s:g} s",
                (Advice.HUB_UNREACHABLE,),
                {"ip": ip, "port": target.port, "error": str(exc)},
            )
            return [failed, *(_skip(c, Advice.HUB_UNREACHABLE) for c in self.produces[1:])]
        connect_ms = (time.perf_counter() - start) * 1000
        results = [
            CheckResult(
                CheckId.HUB_TCP,
                Status.PASS,
                round(connect_ms, 1),
                "ms",
                f"connects within {t.connect_timeout_s:g} s",
                (),
                {"ip": ip, "port": target.port},
            )
        ]
        if not self.with_tls:
            raw.close()
            return results
        if target.scheme != "https":
            raw.close()
            warn = CheckResult(CheckId.HUB_TLS, Status.WARN, "plain http", "", "https", (Advice.TLS_FAILED,))
            return [*results, warn, _skip(CheckId.HUB_CERT, Advice.TLS_FAILED)]
        results += self._tls(ctx, raw, ip, target)
        return results

    def _tls(self, ctx: Context, raw: socket.socket, ip: str, target: _HubTarget) -> list[CheckResult]:
        t = ctx.config.thresholds
        start = time.perf_counter()
        try:
            context = ssl_context(ctx.config)
        except (OSError, ssl.SSLError) as exc:
            raw.close()
            bad = {"error": f"site CA file: {exc}"}
            return [
                CheckResult(CheckId.HUB_TLS, Status.FAIL, None, "", "verified", (Advice.TLS_FAILED,), bad),
                _skip(CheckId.HUB_CERT, Advice.TLS_FAILED),
            ]
        try:
            with context.wrap_socket(raw, server_hostname=target.host) as tls:
                handshake_ms = (time.perf_counter() - start) * 1000
                der = tls.getpeercert(binary_form=True)
                version = tls.version()
        except ssl.SSLCertVerificationError as exc:
            raw.close()
            message = exc.verify_message or str(exc)
            der = _fetch_unverified_cert(ip, target.port, target.host, t.connect_timeout_s)
            info = _cert_info(der) if der else {}
            if "expired" in message.lower():
                advice = Advice.CERT_EXPIRED
            elif "hostname" in message.lower() or "ip address mismatch" in message.lower():
                advice = Advice.CERT_HOSTNAME_MISMATCH
            else:
                advice = Advice.CERT_UNTRUSTED
            tls_result = CheckResult(
                CheckId.HUB_TLS, Status.FAIL, message, "", "verified", (advice,), {"error": message, **info}
            )
            days = info.get("days_left")
            if isinstance(days, float):
                cert_status = Status.FAIL if days <= 0 else Status.WARN if days < t.cert_warn_days else Status.PASS
                cert_advice = (
                    (Advice.CERT_EXPIRED,)
                    if days <= 0
                    else (Advice.CERT_EXPIRES_SOON,)
                    if days < t.cert_warn_days
                    else ()
                )
                cert = CheckResult(
                    CheckId.HUB_CERT, cert_status, days, "days", f">= {t.cert_warn_days:g}", cert_advice, info
                )
            else:
                cert = _skip(CheckId.HUB_CERT, advice)
            return [tls_result, cert]
        except (ssl.SSLError, OSError) as exc:
            raw.close()
            return [
                CheckResult(
                    CheckId.HUB_TLS, Status.FAIL, None, "", "verified", (Advice.TLS_FAILED,), {"error": str(exc)}
                ),
                _skip(CheckId.HUB_CERT, Advice.TLS_FAILED),
            ]
        info = _cert_info(der) if der else {}
        tls_result = CheckResult(
            CheckId.HUB_TLS, Status.PASS, round(handshake_ms, 1), "ms", "verified", (), {"version": version, **info}
        )
        days = info.get("days_left")
        if not isinstance(days, float):
            return [tls_result, _skip(CheckId.HUB_CERT, Advice.CHECK_ERROR)]
        status = Status.WARN if days < t.cert_warn_days else Status.PASS
        soon: tuple[Advice, ...] = (Advice.CERT_EXPIRES_SOON,) if status is Status.WARN else ()
        return [
            tls_result,
            CheckResult(CheckId.HUB_CERT, status, days, "days", f">= {t.cert_warn_days:g}", soon, info),
        ]


def _connection(ctx: Context, target: _HubTarget, ip: str, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl_context(ctx.config)
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    # Connect to the address resolved (and timed) by the DNS check; TLS still verifies target.host.
    conn._create_connection = (  # type: ignore[attr-defined]
        lambda address, timeout=timeout, source_address=None: socket.create_connection(
            (ip, address[1]), timeout, source_address
        )
    )
    return conn


class HubHealthCheck:
    """GET the health endpoint; the ``Date`` header gives the clock skew."""

    step = CheckId.HUB_HEALTH
    produces = (CheckId.HUB_HEALTH, CheckId.HUB_CLOCK)

    def run(self, ctx: Context) -> list[CheckResult]:
        cfg, t = ctx.config, ctx.config.thresholds
        target = _hub_target(cfg)
        if target is None:
            return [_skip(c) for c in self.produces]
        res = ctx.resolve(target.host)
        if not res.addresses:
            return [CheckResult(c, Status.FAIL, None, "", "", (Advice.DNS_FAILED,)) for c in self.produces]
        path = target.base + cfg.health_path
        try:
            conn = _connection(ctx, target, res.addresses[0], t.connect_timeout_s)
            try:
                sent = time.time()
                conn.request("GET", path, headers={"Accept": "application/json", "User-Agent": "agentdesk-check"})
                response = conn.getresponse()
                body = response.read(65536)
                received = time.time()
                date = response.getheader("Date")
                code = response.status
            finally:
                conn.close()
        except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
            advice = Advice.TLS_FAILED if isinstance(exc, ssl.SSLError) else Advice.HUB_UNREACHABLE
            return [
                CheckResult(CheckId.HUB_HEALTH, Status.FAIL, None, "", "HTTP 200", (advice,), {"error": str(exc)}),
                _skip(CheckId.HUB_CLOCK, advice),
            ]
        details: dict[str, object] = {"path": path, "http_status": code}
        try:
            payload = json.loads(body or b"{}")
            if isinstance(payload, dict):
                details["body"] = {k: payload[k] for k in list(payload)[:10]}
        except (ValueError, UnicodeDecodeError):
            payload = None
        healthy = code == 200 and not (isinstance(payload, dict) and payload.get("status") not in (None, "ok"))
        health = CheckResult(
            CheckId.HUB_HEALTH,
            Status.PASS if healthy else Status.FAIL,
            code,
            "",
            "HTTP 200",
            () if healthy else (Advice.HUB_HEALTH_FAILED,),
            details,
        )
        if not date:
            return [health, _skip(CheckId.HUB_CLOCK, Advice.NOT_SUPPORTED)]
        try:
            server = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return [health, _skip(CheckId.HUB_CLOCK, Advice.NOT_SUPPORTED, date=date)]
        # Date has one-second resolution: compare with the middle of the request and report to 0.1 s.
        skew = (sent + received) / 2 - server
        magnitude = abs(skew)
        status = (
            Status.FAIL if magnitude >= t.clock_fail_s else Status.WARN if magnitude >= t.clock_warn_s else Status.PASS
        )
        clock = CheckResult(
            CheckId.HUB_CLOCK,
            status,
            round(skew, 1),
            "s",
            f"|skew| < {t.clock_warn_s:g}",
            (Advice.CLOCK_SKEW,) if status is not Status.PASS else (),
            {"server_date": date},
        )
        return [health, clock]


# ---------------------------------------------------------------------------------------------- bandwidth
class BandwidthCheck:
    """Download and upload throughput against the hub's test endpoint (``GET ?bytes=N`` / ``POST`` a body).

    Transfers grow from 16 KiB until one takes ≥ 0.4 s or reaches 1 MB, within a budget of ~2.5 s per direction, on one
    kept-alive connection so the TLS handshake is not counted."""

    step = CheckId.BANDWIDTH_DOWN
    produces = (CheckId.BANDWIDTH_DOWN, CheckId.BANDWIDTH_UP)
    START = 16 * 1024
    LIMIT = 1_000_000  # the hub's request-body limit is 1 MiB
    BUDGET_S = 2.5
    MIN_SAMPLE_S = 0.4

    def run(self, ctx: Context) -> list[CheckResult]:
        cfg = ctx.config
        target = _hub_target(cfg)
        if target is None:
            return [_skip(c) for c in self.produces]
        res = ctx.resolve(target.host)
        if not res.addresses:
            return [CheckResult(c, Status.FAIL, None, "", "", (Advice.DNS_FAILED,)) for c in self.produces]
        return [self._measure(ctx, target, res.addresses[0], up) for up in (False, True)]

    def _measure(self, ctx: Context, target: _HubTarget, ip: str, up: bool) -> CheckResult:
        t = ctx.config.thresholds
        check = CheckId.BANDWIDTH_UP if up else CheckId.BANDWIDTH_DOWN
        path = target.base + ctx.config.bandwidth_path
        threshold = f">= {t.bandwidth_fail_kbit:g}"
        size = self.START
        spent = 0.0
        best_kbit = 0.0
        samples: list[dict[str, float]] = []
        try:
            conn = _connection(ctx, target, ip, max(t.connect_timeout_s, 5.0))
            conn.connect()
            try:
                while True:
                    start = time.perf_counter()
                    if up:
                        conn.request(
                            "POST",
                            path,
                            body=b"\0" * size,
                            headers={"Content-Type": "application/octet-stream", "User-Agent": "agentdesk-check"},
                        )
                        response = conn.getresponse()
                        response.read()
                    else:
                        conn.request("GET", f"{path}?bytes={size}", headers={"User-Agent": "agentdesk-check"})
                        response = conn.getresponse()
                        received = len(response.read())
                        if response.status == 200 and received != size:
                            raise http.client.HTTPException(f"expected {size} bytes, got {received}")
                    elapsed = time.perf_counter() - start
                    if response.status != 200:
                        raise http.client.HTTPException(f"HTTP {response.status}")
                    spent += elapsed
                    kbit = size * 8 / max(elapsed, 1e-6) / 1000
                    samples.append({"bytes": size, "seconds": round(elapsed, 4), "kbit_s": round(kbit, 1)})
                    best_kbit = max(best_kbit, kbit)
                    if elapsed >= self.MIN_SAMPLE_S or size >= self.LIMIT or spent + 2 * elapsed > self.BUDGET_S:
                        break
                    size = min(self.LIMIT, size * (4 if elapsed < self.MIN_SAMPLE_S / 8 else 2))
            finally:
                conn.close()
        except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
            return CheckResult(
                check,
                Status.FAIL,
                None,
                "kbit/s",
                threshold,
                (Advice.HUB_UNREACHABLE,),
                {"error": str(exc), "path": path},
            )
        status = (
            Status.FAIL
            if best_kbit < t.bandwidth_fail_kbit
            else Status.WARN
            if best_kbit < t.bandwidth_warn_kbit
            else Status.PASS
        )
        return CheckResult(
            check,
            status,
            round(best_kbit, 1),
            "kbit/s",
            threshold,
            (Advice.BANDWIDTH_LOW,) if status is not Status.PASS else (),
            {"samples": samples, "path": path},
        )
