"""Free loopback ports for the real programs the integration tests start.

Ports are drawn at random from below the kernel's ephemeral range (``net.ipv4.ip_local_port_range``, 32768–60999 on
Debian) and above the RTP ranges the SIP programs use by default (pjsua2 4000+, SIPp 6000+, baresip 10000–20000).
A port the kernel picked for us (``bind(0)``) is an ephemeral one: between our check and the program's own ``bind``,
any outgoing connection on the machine (a hub client, a WebSocket, another test run) can take it, which made baresip
exit with "Address already in use" on a busy machine. Outgoing connections never use ports below the ephemeral
range, so a port from there stays free unless another test picks the same one, and a port is never handed out twice
by one process.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_LOW = 20001
_handed_out: set[int] = set()
_random = random.SystemRandom()  # not the global generator: a test that seeds it must not make runs pick alike


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port: int, kind: str, host: str) -> bool:
    kinds = {"tcp": [socket.SOCK_STREAM], "udp": [socket.SOCK_DGRAM], "both": [socket.SOCK_STREAM, socket.SOCK_DGRAM]}
    for sock_type in kinds[kind]:
        with socket.socket(socket.AF_INET, sock_type) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                return False
    return True


def _kernel_port(kind: str, host: str) -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((host, 0))
            port = int(tcp.getsockname()[1])
        if port not in _handed_out and (kind == "tcp" or _bindable(port, "udp", host)):
            return port


def free_port(kind: str = "tcp", host: str = "127.0.0.1") -> int:
    """Return a port that is free for ``kind`` ("tcp", "udp" or "both") on ``host`` right now."""
    if kind not in ("tcp", "udp", "both"):
        raise ValueError(f"kind must be tcp, udp or both, not {kind!r}")
    high = _ephemeral_low()
    if len(_handed_out) > (high - _LOW) // 2:
        _handed_out.clear()  # a very long session: start over rather than run out
    port = 0
    if high - _LOW >= 2000:
        for _ in range(200):
            candidate = _random.randrange(_LOW, high)
            if candidate not in _handed_out and _bindable(candidate, kind, host):
                port = candidate
                break
    if not port:  # a machine whose ephemeral range leaves no room below it
        port = _kernel_port(kind, host)
    _handed_out.add(port)
    return port


def free_ports(count: int, kind: str = "both", host: str = "127.0.0.1") -> list[int]:
    """Return ``count`` distinct free ports."""
    return [free_port(kind, host) for _ in range(count)]
