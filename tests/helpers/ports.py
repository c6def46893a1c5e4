"""Free loopback ports for the real programs the integration tests start."""

from __future__ import annotations

import socket


def free_port(kind: str = "tcp", host: str = "127.0.0.1") -> int:
    """Return a port that is free for ``kind`` ("tcp", "udp" or "both") on ``host`` right now."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((host, 0))
            port = int(tcp.getsockname()[1])
            if kind == "tcp":
                return port
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((host, port))
                except OSError:
                    continue
                return port


def free_ports(count: int, kind: str = "both", host: str = "127.0.0.1") -> list[int]:
    """Return ``count`` distinct free ports."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port(kind, host)
        if port not in ports:
            ports.append(port)
    return ports
