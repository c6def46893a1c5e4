"""pytest fixtures: a real Kamailio registrar/proxy on free loopback ports (UDP, TCP, TLS) with test users.

``kamailio_lab`` (function scope) gives a :class:`Lab`: the running process, its ports, the users and passwords,
the test CA to give the client, and ``restart()`` / ``stop()`` / ``start()`` to take the registrar down and back on
the same ports. The configuration comes from :mod:`app.demo.kamailio`, the same generator the demo uses.

Re-export the fixture from a ``conftest.py`` (``from tests.helpers.kamailio import kamailio_lab`` plus
``__all__ = ["kamailio_lab"]``) or use
:func:`start_lab` directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.demo.kamailio import KamailioConfig, KamailioLab, Listeners, SipUser, TestPki
from tests.helpers.ports import free_port
from tests.helpers.process import ManagedProcess

DEFAULT_USERS: tuple[SipUser, ...] = (
    SipUser("1001", "agent-1001-secret"),
    SipUser("1002", "agent-1002-secret"),
    SipUser("alice", "alice-secret"),
    SipUser("bob", "bob-secret"),
    SipUser("carol", "carol-secret"),
    # numeric peers (customers, colleagues) for the softphone tests: agents dial digits
    SipUser("2001", "peer-2001-secret"),
    SipUser("2002", "peer-2002-secret"),
    SipUser("2003", "peer-2003-secret"),
)


@dataclass
class Lab:
    """A running Kamailio and what a client needs to use it."""

    config: KamailioConfig
    launcher: KamailioLab
    process: ManagedProcess

    @property
    def host(self) -> str:
        return self.config.listeners.host

    @property
    def domain(self) -> str:
        return self.config.domain

    @property
    def udp_port(self) -> int:
        return self.config.listeners.udp

    @property
    def tcp_port(self) -> int:
        return self.config.listeners.tcp

    @property
    def tls_port(self) -> int:
        port = self.config.listeners.tls
        assert port, "this lab has no TLS listener"
        return port

    @property
    def pki(self) -> TestPki:
        assert self.config.pki is not None, "this lab has no TLS listener"
        return self.config.pki

    def password(self, username: str) -> str:
        for user in self.config.users:
            if user.username == username:
                return user.password
        raise KeyError(username)

    def port(self, transport: str) -> int:
        return {"udp": self.udp_port, "tcp": self.tcp_port, "tls": self.tls_port}[transport]

    def proxy_uri(self, transport: str) -> str:
        """The outbound proxy URI for ``transport`` (udp, tcp or tls)."""
        return f"sip:{self.host}:{self.port(transport)};transport={transport}"

    # -- control ------------------------------------------------------------------------------------
    def stop(self) -> None:
        self.process.stop()

    def start(self) -> None:
        self.process.start()

    def restart(self) -> None:
        self.process.stop()
        self.process.start()

    def log(self) -> str:
        return self.process.output()


def start_lab(
    run_dir: Path,
    log_dir: Path,
    *,
    users: Sequence[SipUser] = DEFAULT_USERS,
    tls: bool = True,
    host: str = "127.0.0.1",
    extra_hosts: tuple[str, ...] = (),
    sip_trace: bool = True,
    name: str = "kamailio",
) -> Lab:
    listeners = Listeners(
        host=host,
        udp=free_port("both", host),
        tcp=free_port("tcp", host),
        tls=free_port("tcp", host) if tls else None,
        extra_hosts=extra_hosts,
    )
    config = KamailioConfig(listeners=listeners, users=list(users), sip_trace=sip_trace)
    launcher = KamailioLab(config, run_dir)
    launcher.write_config()
    process = ManagedProcess(name, launcher.argv, log_dir, ready_check=launcher.ready, timeout=20)
    process.start()
    return Lab(config, launcher, process)


@pytest.fixture
def kamailio_lab(tmp_path: Path, process_log_dir: Path) -> Iterator[Lab]:
    """A running Kamailio with :data:`DEFAULT_USERS`, UDP + TCP + TLS listeners and a fresh test CA."""
    lab = start_lab(tmp_path / "kamailio", process_log_dir / tmp_path.name)
    try:
        yield lab
    finally:
        lab.stop()
