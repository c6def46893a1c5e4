"""Real networks on one machine: network namespaces joined by a veth pair, with a real userspace WireGuard tunnel
(``wireguard-go``) between them.

    client namespace                                  server namespace
    ┌───────────────────────┐  veth (underlay)  ┌───────────────────────┐
    │ veth  10.201.0.1/24   │───────────────────│ veth  10.201.0.2/24   │
    │ wg    10.202.0.1/24   │══ WireGuard/UDP ══│ wg    10.202.0.2/24   │
    └───────────────────────┘                   └───────────────────────┘

A service in the server namespace listening on 0.0.0.0 is reachable *through the tunnel* at ``server_tunnel_ip``
and *around it* at ``server_underlay_ip``. Taking the client's WireGuard interface down drops the VPN.

Every name carries the pid and a counter (wireguard-go's control socket in /var/run/wireguard is not namespaced,
FIELD_NOTES), and ``VpnLab.close()`` removes the processes, namespaces, sockets and /etc/netns files it made.
Needs root.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tests.helpers.process import ManagedProcess

_counter = itertools.count()
_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
T = TypeVar("T")
WIREGUARD_RUN = Path("/var/run/wireguard")


def available() -> str | None:
    """Why namespaces with WireGuard cannot be used here, or None when they can."""
    if os.geteuid() != 0:
        return "needs root"
    for tool in ("ip", "wireguard-go", "wg"):
        if shutil.which(tool) is None:
            return f"{tool} not installed"
    return None


def run(argv: Sequence[str], *, check: bool = True, input_text: str | None = None) -> str:
    done = subprocess.run(list(argv), capture_output=True, text=True, check=False, input=input_text, timeout=20)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


@dataclass
class Namespace:
    name: str

    def exec_argv(self, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, argv: Sequence[str], *, check: bool = True) -> str:
        return run(self.exec_argv(argv), check=check)

    def call(self, fn: Callable[[], T], timeout: float = 30.0) -> T:
        """Run ``fn`` in a thread that has joined this namespace (sockets it creates live there)."""
        box: list[T] = []
        errors: list[BaseException] = []

        def work() -> None:
            try:
                fd = os.open(f"/var/run/netns/{self.name}", os.O_RDONLY)
                try:
                    if _libc.setns(fd, CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), "setns failed")
                finally:
                    os.close(fd)
                box.append(fn())
            except BaseException as exc:
                errors.append(exc)

        # A fresh thread each time: a thread that has joined a namespace must not be reused for anything else.
        thread = threading.Thread(target=work, name=f"netns-{self.name}", daemon=True)
        thread.start()
        thread.join(timeout)
        if errors:
            raise errors[0]
        if not box:
            raise TimeoutError(f"{fn} in {self.name} did not finish in {timeout} s")
        return box[0]

    def set_resolv(self, nameserver: str, hosts: dict[str, str] | None = None) -> None:
        """Per-namespace /etc/resolv.conf and /etc/hosts (``ip netns exec`` bind-mounts /etc/netns/<name>/*)."""
        etc = Path("/etc/netns") / self.name
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "resolv.conf").write_text(f"nameserver {nameserver}\noptions timeout:1 attempts:1\n")
        lines = ["127.0.0.1 localhost"] + [f"{ip} {name}" for name, ip in (hosts or {}).items()]
        (etc / "hosts").write_text("\n".join(lines) + "\n")


@dataclass
class VpnLab:
    client: Namespace
    server: Namespace
    client_veth: str
    server_veth: str
    client_wg: str
    server_wg: str
    client_underlay_ip: str = "10.201.0.1"
    server_underlay_ip: str = "10.201.0.2"
    client_tunnel_ip: str = "10.202.0.1"
    server_tunnel_ip: str = "10.202.0.2"
    processes: list[ManagedProcess] = field(default_factory=list)

    def vpn_down(self) -> None:
        self.client.run(["ip", "link", "set", self.client_wg, "down"])

    def vpn_up(self) -> None:
        self.client.run(["ip", "link", "set", self.client_wg, "up"])
        # Bringing the link up again drops its addresses' routes only if the address was removed; re-add if needed.
        addrs = self.client.run(["ip", "-o", "addr", "show", "dev", self.client_wg])
        if self.client_tunnel_ip not in addrs:
            self.client.run(["ip", "addr", "add", f"{self.client_tunnel_ip}/24", "dev", self.client_wg])

    def set_tunnel_mtu(self, mtu: int) -> None:
        for ns, dev in ((self.client, self.client_wg), (self.server, self.server_wg)):
            ns.run(["ip", "link", "set", dev, "mtu", str(mtu)])

    def close(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()
        for ns in (self.client, self.server):
            run(["ip", "netns", "del", ns.name], check=False)
            shutil.rmtree(Path("/etc/netns") / ns.name, ignore_errors=True)
        for dev in (self.client_wg, self.server_wg):
            with contextlib.suppress(FileNotFoundError):
                (WIREGUARD_RUN / f"{dev}.sock").unlink()


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def vpn_lab(log_dir: Path, *, tunnel_mtu: int = 1420) -> Iterator[VpnLab]:
    """Build the two namespaces, the veth and a WireGuard tunnel; tear everything down afterwards."""
    tag = f"{os.getpid() % 100000}{next(_counter)}"
    lab = VpnLab(
        client=Namespace(f"adc{tag}"),
        server=Namespace(f"ads{tag}"),
        client_veth=f"adv{tag}c",
        server_veth=f"adv{tag}s",
        client_wg=f"adw{tag}c",
        server_wg=f"adw{tag}s",
    )
    try:
        for ns in (lab.client, lab.server):
            run(["ip", "netns", "add", ns.name])
            ns.run(["ip", "link", "set", "lo", "up"])
        run(["ip", "link", "add", lab.client_veth, "netns", lab.client.name, "type", "veth", "peer", "name",
             lab.server_veth, "netns", lab.server.name])  # fmt: skip
        for ns, dev, ip in (
            (lab.client, lab.client_veth, lab.client_underlay_ip),
            (lab.server, lab.server_veth, lab.server_underlay_ip),
        ):
            ns.run(["ip", "addr", "add", f"{ip}/24", "dev", dev])
            ns.run(["ip", "link", "set", dev, "up"])
        keys = {}
        for side in ("client", "server"):
            private = run(["wg", "genkey"]).strip()
            keys[side] = (private, run(["wg", "pubkey"], input_text=private + "\n").strip())
        ports = {"client": 51820, "server": 51821}  # namespaces are separate stacks: fixed ports do not collide
        sides = (
            ("client", lab.client, lab.client_wg, lab.client_tunnel_ip, "server", lab.server_tunnel_ip,
             lab.server_underlay_ip),
            ("server", lab.server, lab.server_wg, lab.server_tunnel_ip, "client", lab.client_tunnel_ip,
             lab.client_underlay_ip),
        )  # fmt: skip
        for side, ns, dev, ip, peer, peer_tunnel_ip, peer_underlay_ip in sides:
            env = dict(os.environ, WG_PROCESS_FOREGROUND="1", LOG_LEVEL="error")
            proc = ManagedProcess(
                f"wireguard-go-{dev}",
                ns.exec_argv(["wireguard-go", "-f", dev]),
                log_dir,
                env=env,
                ready_check=(WIREGUARD_RUN / f"{dev}.sock").exists,
                timeout=15,
            )
            lab.processes.append(proc.start())
            key_file = log_dir / f"{dev}.key"
            key_file.write_text(keys[side][0] + "\n")
            key_file.chmod(0o600)
            ns.run(["wg", "set", dev, "private-key", str(key_file), "listen-port", str(ports[side]),
                    "peer", keys[peer][1], "allowed-ips", f"{peer_tunnel_ip}/32",
                    "endpoint", f"{peer_underlay_ip}:{ports[peer]}"])  # fmt: skip
            key_file.unlink()
            ns.run(["ip", "addr", "add", f"{ip}/24", "dev", dev])
            ns.run(["ip", "link", "set", dev, "mtu", str(tunnel_mtu), "up"])
        # The tunnel carries traffic once the handshake is done: one ping through it completes it.
        _wait(
            lambda: subprocess.run(lab.client.exec_argv(["ping", "-c", "1", "-W", "1", lab.server_tunnel_ip]),
                                   capture_output=True, check=False).returncode == 0,
            15, "the WireGuard handshake",
        )  # fmt: skip
        yield lab
    finally:
        lab.close()
