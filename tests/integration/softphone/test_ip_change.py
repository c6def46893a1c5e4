"""A network change in the middle of a call: the agent runs in its own network namespace; its address changes
(as after a VPN reconnect) while a call is up; the call must survive with no gap in the audio either way.

Topology (names carry the test process id, removed by the fixture):

    root namespace: veth ``adNNNNr`` 10.77.x.1/24 — Kamailio and a baresip peer listen there
    namespace ``adNNNNc``: veth ``adNNNNn`` 10.77.x.2/24 (later 10.77.x.3) — the agent's softphone
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.agent import AgentProcess
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import start_lab
from tests.helpers.require import missing
from tests.helpers.tones import has_tone, windows

pytestmark = [pytest.mark.integration, pytest.mark.root]


@dataclass
class Net:
    ns: str
    subnet: str
    host_if: str
    ns_if: str

    @property
    def server(self) -> str:
        return f"{self.subnet}.1"

    def addr(self, last: int) -> str:
        return f"{self.subnet}.{last}"

    def in_ns(self, *argv: str) -> None:
        subprocess.run(["ip", "netns", "exec", self.ns, *argv], check=True, capture_output=True)


def _ip(*argv: str) -> None:
    subprocess.run(["ip", *argv], check=True, capture_output=True)


@pytest.fixture
def net() -> Iterator[Net]:
    if os.geteuid() != 0:
        missing("network namespaces need root")
    pid = os.getpid() % 100000
    n = Net(ns=f"ad{pid}c", subnet=f"10.77.{pid % 250}", host_if=f"ad{pid}r", ns_if=f"ad{pid}n")
    try:
        _ip("netns", "add", n.ns)
        _ip("link", "add", n.host_if, "type", "veth", "peer", "name", n.ns_if)
        _ip("link", "set", n.ns_if, "netns", n.ns)
        _ip("addr", "add", f"{n.server}/24", "dev", n.host_if)
        _ip("link", "set", n.host_if, "up")
        n.in_ns("ip", "link", "set", "lo", "up")
        # Keep a second address in the subnet when the first is removed (as a DHCP/VPN renumbering does).
        n.in_ns("sysctl", "-qw", "net.ipv4.conf.all.promote_secondaries=1")
        n.in_ns("sysctl", "-qw", "net.ipv4.conf.default.promote_secondaries=1")
        n.in_ns("ip", "addr", "add", f"{n.addr(2)}/24", "dev", n.ns_if)
        n.in_ns("ip", "link", "set", n.ns_if, "up")
        yield n
    finally:
        subprocess.run(["ip", "link", "del", n.host_if], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", n.ns], capture_output=True, check=False)


def _no_gap(path: Path, start_s: float, end_s: float, floor: float = 0.01) -> list[float]:
    """Levels of 0.2 s windows between start and end; asserts none of them is silent."""
    levels = [(t, level) for t, level in windows(path, 0.2) if start_s <= t <= end_s]
    silent = [t for t, level in levels if level < floor]
    assert levels, f"{path.name}: too short"
    assert not silent, f"{path.name}: silent windows at {silent}"
    return [level for _, level in levels]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_ip_change_mid_call_keeps_the_call_and_the_audio(
    net: Net, process_log_dir: Path, tmp_path: Path, transport: str
) -> None:
    log_dir = process_log_dir / tmp_path.name
    lab = start_lab(tmp_path / "kamailio", log_dir, host=net.server, tls=False)
    agent = AgentProcess.start(log_dir, tmp_path / "agent", prefix=("ip", "netns", "exec", net.ns))
    try:
        with Baresip.for_lab("2001", lab, log_dir, tmp_path, tone_hz=440, answer="auto") as peer:
            peer.wait_registered()
            agent.register_to(lab, "1001", transport)
            agent.wait_registered()
            call_id = agent.command("call", number="2001")
            agent.wait_call_state("connected")
            time.sleep(2.0)
            mark = agent.mark()
            # The "VPN reconnect": a new address, the old one goes away.
            net.in_ns("ip", "addr", "add", f"{net.addr(3)}/24", "dev", net.ns_if)
            net.in_ns("ip", "addr", "del", f"{net.addr(2)}/24", "dev", net.ns_if)
            changed = agent.wait_event("NetworkChanged", after=mark, timeout=15)
            assert changed["new_address"] == net.addr(3)
            agent.wait_registered(after=mark, timeout=10)
            time.sleep(3.0)
            assert agent.command("calls")[0]["state"] == "connected"
            agent.command("hangup", call_id=call_id)
            assert agent.wait_event("CallEnded")["outcome"] == "answered"
            agent.command("record_to", path=None)
        assert agent.record is not None
        assert has_tone(agent.record, 440, skip_s=0.5)
        # Both recordings are continuous from half a second in until half a second before the end.
        agent_len = windows(agent.record, 0.2)[-1][0]
        _no_gap(agent.record, 0.5, agent_len - 0.5)
        peer_rec = peer.dumps("dec")[0]
        peer_len = windows(peer_rec, 0.2)[-1][0]
        _no_gap(peer_rec, 0.5, peer_len - 0.5)
    finally:
        assert agent.quit() == 0
        lab.stop()
