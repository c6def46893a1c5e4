"""Demo services for the softphone: Kamailio with the demo agents, and a simulated customer who calls them.

- :class:`KamailioService` runs the lab registrar (``app/demo/kamailio.py``) on free loopback ports with the demo
  agents' extensions (password: the hub's demo password, so the client's sign-in password registers the phone) and
  writes the client's ``[sip]`` site settings.
- :class:`SimulatedCustomerService` runs ``python -m app.demo.customer``: a SIP UA (our own ``SipEngine`` with a WAV
  "voice") that calls the agent's extension every so often, talks for a while and hangs up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from app.demo.kamailio import KamailioConfig, KamailioLab, Listeners, SipUser
from app.demo.orchestrator import DemoContext

DEMO_SIP_PASSWORD = "agentdesk"  # the hub's demo password (server/seed.py DEMO_PASSWORD)
AGENT_EXTENSIONS = ("1001", "1002", "1003")
# A seeded hub customer (server.demo_content.DEMO_CALLER, 张伟): the demo call pops their open tickets.
CUSTOMER_USER = "13800138000"
CUSTOMER_PASSWORD = "demo-customer"
DOMAIN = "agentdesk.test"


def _free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port


class KamailioService:
    """The demo registrar/proxy. ``ctx`` is ``app.demo.orchestrator.DemoContext``."""

    name = "kamailio"

    def __init__(self, agent_extension: str = "1001") -> None:
        self.agent_extension = agent_extension
        self.lab: KamailioLab | None = None

    def start(self, ctx: DemoContext) -> None:
        work_dir = ctx.work_dir
        port = _free_port()
        users = [SipUser(ext, DEMO_SIP_PASSWORD) for ext in AGENT_EXTENSIONS]
        users.append(SipUser(CUSTOMER_USER, CUSTOMER_PASSWORD))
        config = KamailioConfig(Listeners(udp=port, tcp=port), users, domain=DOMAIN)
        self.lab = KamailioLab(config, work_dir / "kamailio").start()
        ctx.add_site_config(
            "50-softphone",
            f'[sip]\nserver = "127.0.0.1"\nport = {port}\ntransport = "tcp"\ndomain = "{DOMAIN}"\n'
            f'user = "{self.agent_extension}"\nsrtp = "optional"\n',
        )
        ctx.say(f"SIP registrar (Kamailio) on 127.0.0.1:{port}, the phone signs in as extension {self.agent_extension}")

    def stop(self) -> None:
        if self.lab is not None:
            self.lab.stop()
            self.lab = None

    @property
    def port(self) -> int:
        assert self.lab is not None
        return self.lab.config.listeners.tcp


class SimulatedCustomerService:
    """A customer who calls the agent every ``interval_s`` seconds (first call after ``first_s``)."""

    name = "customer"

    def __init__(self, kamailio: KamailioService, *, first_s: float = 20.0, interval_s: float = 60.0) -> None:
        self.kamailio = kamailio
        self.first_s = first_s
        self.interval_s = interval_s
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, ctx: DemoContext) -> None:
        work_dir = ctx.work_dir
        root = Path(__file__).resolve().parents[2]
        log = (work_dir / "customer.log").open("ab")
        env = dict(os.environ, PYTHONPATH=str(root))
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.demo.customer",
                "--port",
                str(self.kamailio.port),
                "--agent",
                self.kamailio.agent_extension,
                "--user",
                CUSTOMER_USER,
                "--password",
                CUSTOMER_PASSWORD,
                "--first",
                str(self.first_s),
                "--interval",
                str(self.interval_s),
                "--work-dir",
                str(work_dir / "customer"),
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        ctx.say(
            f"a simulated customer calls extension {self.kamailio.agent_extension} in {self.first_s:.0f} s, "
            f"then every {self.interval_s:.0f} s"
        )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
