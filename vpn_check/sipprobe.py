"""SIP OPTIONS probes over UDP, TCP or TLS with plain sockets (vpn_check never imports sip/).

:func:`options_series` sends a series of OPTIONS requests to a registrar or SBC and times each final response: any
final response (200, 403, 404, 405, 483…) proves the server is alive and gives a round-trip time. UDP requests are
paced at a fixed interval and matched by CSeq; TCP/TLS requests go one after another on one connection.
:func:`udp_path_mtu` asks the kernel for the path MTU and confirms it with padded OPTIONS sent with DF set.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import os
import re
import secrets
import select
import socket
import ssl
import statistics
import sys
import time
from dataclasses import dataclass, field

from vpn_check.config import SipTransport

# Linux socket options (socket module exposes them on Linux only; values from <linux/in.h>).
IP_MTU_DISCOVER = getattr(socket, "IP_MTU_DISCOVER", 10)
IP_PMTUDISC_DO = getattr(socket, "IP_PMTUDISC_DO", 2)
IP_MTU = getattr(socket, "IP_MTU", 14)
_IP_UDP_HEADERS = 28  # IPv4 (20) + UDP (8)

_STATUS_LINE = re.compile(rb"^SIP/2\.0 (\d{3})")
_CSEQ = re.compile(rb"^(?:CSeq)\s*:\s*(\d+)\s+OPTIONS", re.IGNORECASE | re.MULTILINE)
_CONTENT_LENGTH = re.compile(rb"^(?:Content-Length|l)\s*:\s*(\d+)", re.IGNORECASE | re.MULTILINE)


class ProbeErrorKind(enum.Enum):
    CONNECT = "connect"
    TLS_UNTRUSTED = "tls_untrusted"
    TLS = "tls"
    NO_ROUTE = "no_route"


@dataclass
class ProbeSeries:
    sent: int = 0
    rtts_ms: list[float | None] = field(default_factory=list)  # None = no answer
    codes: list[int] = field(default_factory=list)
    error: ProbeErrorKind | None = None
    error_text: str = ""

    @property
    def answered(self) -> list[float]:
        return [r for r in self.rtts_ms if r is not None]

    @property
    def loss_pct(self) -> float:
        return 100.0 * (self.sent - len(self.answered)) / self.sent if self.sent else 100.0

    @property
    def rtt_ms(self) -> float | None:
        answered = self.answered
        return statistics.median(answered) if answered else None

    @property
    def jitter_ms(self) -> float | None:
        """Mean absolute difference of consecutive round-trip times (RFC 3550's |D(i-1, i)| without smoothing)."""
        answered = self.answered
        if len(answered) < 2:
            return 0.0 if answered else None
        return statistics.fmean(abs(b - a) for a, b in itertools.pairwise(answered))


def build_options(
    *,
    transport: SipTransport,
    target_host: str,
    target_port: int,
    domain: str,
    local: tuple[str, int],
    call_id: str,
    tag: str,
    branch: str,
    cseq: int,
    pad_to: int = 0,
) -> bytes:
    """One OPTIONS request; ``pad_to`` pads it (with a header) to that many bytes for MTU probes."""
    via_proto = transport.value.upper()
    uri_port = "" if target_port == transport.default_port else f":{target_port}"
    scheme = "sips" if transport is SipTransport.TLS else "sip"
    host = f"[{local[0]}]" if ":" in local[0] else local[0]
    lines = [
        f"OPTIONS {scheme}:{domain or target_host}{uri_port} SIP/2.0",
        f"Via: SIP/2.0/{via_proto} {host}:{local[1]};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: <{scheme}:agentdesk-check@{domain or target_host}>;tag={tag}",
        f"To: <{scheme}:{domain or target_host}>",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} OPTIONS",
        f"Contact: <{scheme}:agentdesk-check@{host}:{local[1]};transport={transport.value}>",
        "Accept: application/sdp",
        "User-Agent: agentdesk-check",
        "Content-Length: 0",
    ]
    msg = "\r\n".join(lines) + "\r\n\r\n"
    if pad_to:
        overhead = len(msg.encode()) + len("X-Pad: \r\n")
        if pad_to > overhead:
            lines.insert(-1, "X-Pad: " + "x" * (pad_to - overhead))
            msg = "\r\n".join(lines) + "\r\n\r\n"
    return msg.encode()


def parse_response(data: bytes) -> tuple[int, int] | None:
    """(status code, CSeq number) of an OPTIONS response, None for anything else (requests, garbage)."""
    status = _STATUS_LINE.match(data)
    cseq = _CSEQ.search(data)
    if not status or not cseq:
        return None
    return int(status.group(1)), int(cseq.group(1))


def _ids() -> tuple[str, str, str]:
    return secrets.token_hex(8) + "@agentdesk-check", secrets.token_hex(4), "z9hG4bK-adc" + secrets.token_hex(6)


def options_series(
    ip: str,
    port: int,
    transport: SipTransport,
    *,
    domain: str = "",
    count: int = 10,
    interval_s: float = 0.1,
    timeout_s: float = 1.0,
    ssl_context: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
) -> ProbeSeries:
    if transport is SipTransport.UDP:
        return _udp_series(ip, port, domain, count, interval_s, timeout_s)
    return _stream_series(ip, port, transport, domain, count, interval_s, timeout_s, ssl_context, server_hostname)


def _family(ip: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


def _udp_series(ip: str, port: int, domain: str, count: int, interval_s: float, timeout_s: float) -> ProbeSeries:
    series = ProbeSeries()
    call_id, tag, branch_base = _ids()
    with socket.socket(_family(ip), socket.SOCK_DGRAM) as sock:
        try:
            sock.connect((ip, port))
        except OSError as exc:
            series.error, series.error_text = ProbeErrorKind.NO_ROUTE, str(exc)
            series.sent = count
            series.rtts_ms = [None] * count
            return series
        sock.setblocking(False)
        local = sock.getsockname()[:2]
        sent_at: dict[int, float] = {}
        rtts: dict[int, float] = {}
        next_send = time.perf_counter()
        index = 0
        deadline = None
        while True:
            now = time.perf_counter()
            if index < count and now >= next_send:
                cseq = index + 1
                msg = build_options(
                    transport=SipTransport.UDP,
                    target_host=ip,
                    target_port=port,
                    domain=domain,
                    local=(str(local[0]), int(local[1])),
                    call_id=call_id,
                    tag=tag,
                    branch=f"{branch_base}.{cseq}",
                    cseq=cseq,
                )
                # An ICMP unreachable from an earlier probe surfaces as an error here; the probe counts as lost.
                with contextlib.suppress(OSError):
                    sock.send(msg)
                sent_at[cseq] = time.perf_counter()
                index += 1
                next_send += interval_s
                if index == count:
                    deadline = time.perf_counter() + timeout_s
            if deadline is not None and (now >= deadline or len(rtts) == count):
                break
            wait = (next_send if index < count else (deadline or now)) - time.perf_counter()
            readable, _, _ = select.select([sock], [], [], max(0.0, wait))
            if readable:
                with contextlib.suppress(BlockingIOError, ConnectionRefusedError, OSError):
                    while True:
                        data = sock.recv(65535)
                        arrived = time.perf_counter()
                        parsed = parse_response(data)
                        if parsed is None:
                            continue
                        code, cseq = parsed
                        if code >= 200 and cseq in sent_at and cseq not in rtts:
                            rtts[cseq] = (arrived - sent_at[cseq]) * 1000
                            series.codes.append(code)
    series.sent = count
    series.rtts_ms = [rtts.get(i + 1) for i in range(count)]
    return series


def _read_response(sock: socket.socket, buffer: bytearray, deadline: float) -> bytes | None:
    """Read one whole SIP message (headers + Content-Length body) from a stream socket."""
    while True:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end >= 0:
            match = _CONTENT_LENGTH.search(bytes(buffer[:head_end]))
            length = int(match.group(1)) if match else 0
            total = head_end + 4 + length
            if len(buffer) >= total:
                message = bytes(buffer[:total])
                del buffer[:total]
                return message
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65535)
        except (TimeoutError, ssl.SSLWantReadError):
            return None
        if not chunk:
            return None
        buffer += chunk


def _stream_series(
    ip: str,
    port: int,
    transport: SipTransport,
    domain: str,
    count: int,
    interval_s: float,
    timeout_s: float,
    ssl_context: ssl.SSLContext | None,
    server_hostname: str | None,
) -> ProbeSeries:
    series = ProbeSeries(sent=count, rtts_ms=[None] * count)
    call_id, tag, branch_base = _ids()
    try:
        raw = socket.create_connection((ip, port), timeout=timeout_s)
    except OSError as exc:
        series.error, series.error_text = ProbeErrorKind.CONNECT, str(exc)
        return series
    sock: socket.socket = raw
    try:
        if transport is SipTransport.TLS:
            context = ssl_context or ssl.create_default_context()
            try:
                sock = context.wrap_socket(raw, server_hostname=server_hostname or domain or ip)
            except ssl.SSLCertVerificationError as exc:
                series.error, series.error_text = ProbeErrorKind.TLS_UNTRUSTED, exc.verify_message or str(exc)
                return series
            except (ssl.SSLError, OSError) as exc:
                series.error, series.error_text = ProbeErrorKind.TLS, str(exc)
                return series
        local = sock.getsockname()[:2]
        buffer = bytearray()
        # One uncounted warm-up request: the server's first read on a new connection (worker hand-off, TLS session
        # set-up) is connection cost, not path delay, and would read as 100+ ms of jitter.
        for i in range(-1, count):
            cseq = i + 2
            msg = build_options(
                transport=transport,
                target_host=ip,
                target_port=port,
                domain=domain,
                local=(str(local[0]), int(local[1])),
                call_id=call_id,
                tag=tag,
                branch=f"{branch_base}.{cseq}",
                cseq=cseq,
            )
            start = time.perf_counter()
            try:
                sock.sendall(msg)
            except OSError as exc:
                series.error, series.error_text = ProbeErrorKind.CONNECT, str(exc)
                break
            deadline = start + timeout_s
            while True:
                data = _read_response(sock, buffer, deadline)
                if data is None:
                    break
                parsed = parse_response(data)
                if parsed and parsed[0] >= 200 and parsed[1] == cseq:
                    if i >= 0:
                        series.rtts_ms[i] = (time.perf_counter() - start) * 1000
                        series.codes.append(parsed[0])
                    break
            pause = start + interval_s - time.perf_counter()
            if pause > 0 and 0 <= i < count - 1:
                time.sleep(pause)
    finally:
        sock.close()
    return series


@dataclass
class MtuEstimate:
    kernel_mtu: int | None  # the kernel's path MTU for the destination (route/interface MTU, PMTU cache)
    largest_answered: int | None  # largest padded OPTIONS (IP packet bytes) answered with DF set
    probed: list[tuple[int, bool]] = field(default_factory=list)

    @property
    def estimate(self) -> int | None:
        values = [v for v in (self.kernel_mtu, self.largest_answered) if v]
        return min(values) if values else None


def udp_path_mtu(
    ip: str, port: int, *, domain: str = "", sizes: tuple[int, ...] = (1500, 1400, 1280), timeout_s: float = 0.3
) -> MtuEstimate:
    """Path-MTU estimate towards a SIP server over UDP (IPv4, Linux: DF + IP_MTU; elsewhere: probes only)."""
    result = MtuEstimate(kernel_mtu=None, largest_answered=None)
    with socket.socket(_family(ip), socket.SOCK_DGRAM) as sock:
        linux = sys.platform.startswith("linux") and _family(ip) == socket.AF_INET
        if linux:
            sock.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
        try:
            sock.connect((ip, port))
        except OSError:
            return result
        if linux:
            with contextlib.suppress(OSError):
                result.kernel_mtu = int(sock.getsockopt(socket.IPPROTO_IP, IP_MTU))
        local = sock.getsockname()[:2]
        call_id, tag, branch_base = _ids()
        for n, size in enumerate(sizes):
            if result.kernel_mtu and size > result.kernel_mtu:
                result.probed.append((size, False))  # would not leave this host unfragmented
                continue
            cseq = 1000 + n
            msg = build_options(
                transport=SipTransport.UDP,
                target_host=ip,
                target_port=port,
                domain=domain,
                local=(str(local[0]), int(local[1])),
                call_id=call_id,
                tag=tag,
                branch=f"{branch_base}.m{n}",
                cseq=cseq,
                pad_to=size - _IP_UDP_HEADERS,
            )
            answered = False
            try:
                sock.send(msg)
                deadline = time.perf_counter() + timeout_s
                while not answered:
                    remaining = deadline - time.perf_counter()
                    if remaining <= 0:
                        break
                    readable, _, _ = select.select([sock], [], [], remaining)
                    if not readable:
                        break
                    parsed = parse_response(sock.recv(65535))
                    answered = bool(parsed and parsed[1] == cseq)
            except OSError as exc:
                if linux and exc.errno == getattr(os, "EMSGSIZE", 90):
                    with contextlib.suppress(OSError):
                        result.kernel_mtu = int(sock.getsockopt(socket.IPPROTO_IP, IP_MTU))
            result.probed.append((size, answered))
            if answered:
                result.largest_answered = size
                break
    return result
