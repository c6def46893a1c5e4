"""The free-port helper: ports below the ephemeral range, never handed out twice, really free."""

from __future__ import annotations

import socket

import pytest

from tests.helpers import ports

pytestmark = pytest.mark.unit


def test_ports_are_distinct_free_and_outside_the_ephemeral_range() -> None:
    got = ports.free_ports(300, "both")
    assert len(set(got)) == 300
    assert all(ports._LOW <= p < ports._ephemeral_low() for p in got)
    for port in got[:20]:
        for sock_type in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            with socket.socket(socket.AF_INET, sock_type) as sock:
                sock.bind(("127.0.0.1", port))


@pytest.mark.parametrize("kind", ["udp", "both"])
def test_a_port_in_use_is_never_returned(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        taken = int(busy.getsockname()[1])
        draws = iter([taken, taken])  # the busy (UDP) port comes up first, twice; then anything
        real = ports._random.randrange
        monkeypatch.setattr(ports._random, "randrange", lambda low, high: next(draws, 0) or real(low, high))
        monkeypatch.setattr(ports, "_LOW", 1024)
        monkeypatch.setattr(ports, "_ephemeral_low", lambda: 65536)
        port = ports.free_port(kind)
        assert port != taken
        assert next(draws, None) is None  # both busy draws were looked at and refused


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        ports.free_port("sctp")
