"""A small HTTPS server with the hub's health-check endpoints, for certificate, clock-skew, health and bandwidth
tests (the real hub, issue 5, serves the same paths), and certificates made to order (valid, self-signed, expired,
expiring soon).

Endpoints (``vpn_check.config.HealthConfig`` defaults):
    GET  /api/v1/status                  → 200 (or the configured status), like the hub's HubStatus
    GET  /api/v1/health/bandwidth?bytes=N → N bytes
    POST /api/v1/health/bandwidth         → reads the body, {"received": N}
    POST /api/v1/health/reports           → stores the JSON report, 201

In-process: ``HubStub(...).start()``; in a network namespace: ``python -m tests.helpers.health_hub --bind IP ...``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import ipaddress
import json
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path
    ca: Path  # the issuing CA's certificate (the cert itself when self-signed)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _sans(hosts: tuple[str, ...]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def make_certs(
    directory: Path,
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
    *,
    valid_days: float = 30,
    expired: bool = False,
    self_signed: bool = False,
    name: str = "hub",
) -> CertFiles:
    """A server certificate for ``hosts``: signed by a fresh CA (returned as ``ca``), or self-signed; ``expired``
    makes it end yesterday; ``valid_days`` sets how long it has left otherwise."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    start, end = (now - dt.timedelta(days=60), now - dt.timedelta(days=1)) if expired else (
        now - dt.timedelta(hours=1), now + dt.timedelta(days=valid_days))  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    if self_signed:
        issuer_key, issuer_name = key, _name(hosts[0])
    else:
        issuer_key = ec.generate_private_key(ec.SECP256R1())
        issuer_name = _name(f"AgentDesk {name} test CA")
        ca = (
            x509.CertificateBuilder()
            .subject_name(issuer_name)
            .issuer_name(issuer_name)
            .public_key(issuer_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=90))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(issuer_key, hashes.SHA256())
        )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(_sans(hosts), critical=False)
    )
    if self_signed:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    cert = builder.sign(issuer_key, hashes.SHA256())
    files = CertFiles(directory / f"{name}.pem", directory / f"{name}.key", directory / f"{name}-ca.pem")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    files.ca.write_bytes((cert if self_signed else ca).public_bytes(serialization.Encoding.PEM))
    return files


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(time.time() + self.server.date_offset_s, usegmt=True)

    def _send(self, code: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/api/v1/status":
            status = self.server.health_status
            body = {"status": "ok" if status == 200 else "degraded", "version": "stub"}
            self._send(status, json.dumps(body).encode())
        elif parts.path == "/api/v1/health/bandwidth":
            size = min(int(parse_qs(parts.query).get("bytes", ["0"])[0]), 16 * 1024 * 1024)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"\0" * 65536
            remaining = size
            while remaining > 0:
                n = min(remaining, len(chunk))
                self.wfile.write(chunk[:n])
                remaining -= n
                if self.server.throttle_kbit:
                    time.sleep(n * 8 / 1000 / self.server.throttle_kbit)
        else:
            self._send(404, b'{"error": "not found"}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/api/v1/health/bandwidth":
            self._send(200, json.dumps({"received": len(body)}).encode())
        elif self.path == "/api/v1/health/reports":
            try:
                self.server.reports.append({"auth": self.headers.get("Authorization"), "report": json.loads(body)})
            except ValueError:
                self._send(400, b'{"error": "bad json"}')
                return
            self._send(201, b'{"ok": true}')
        else:
            self._send(404, b'{"error": "not found"}')


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    date_offset_s: float = 0.0
    health_status: int = 200
    throttle_kbit: float = 0.0
    reports: list[dict[str, Any]]


class HubStub:
    def __init__(
        self,
        certs: CertFiles | None,
        *,
        bind: str = "127.0.0.1",
        port: int = 0,
        date_offset_s: float = 0.0,
        health_status: int = 200,
    ) -> None:
        self.server = _Server((bind, port), _Handler)
        self.server.date_offset_s = date_offset_s
        self.server.health_status = health_status
        self.server.reports = []
        if certs is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certs.cert, certs.key)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if certs is not None else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, name="hub-stub", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def reports(self) -> list[dict[str, Any]]:
        return self.server.reports

    def url(self, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}"

    def start(self) -> HubStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", type=Path)
    parser.add_argument("--key", type=Path)
    args = parser.parse_args()
    certs = CertFiles(args.cert, args.key, args.cert) if args.cert else None
    stub = HubStub(certs, bind=args.bind, port=args.port)
    print(f"listening on {args.bind}:{stub.port}", flush=True)
    stub.server.serve_forever()


if __name__ == "__main__":
    main()
