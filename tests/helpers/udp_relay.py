"""A userspace UDP relay that adds delay, jitter and loss between one client and a server (no ``tc netem`` here:
FIELD_NOTES). Loss is deterministic (every packet whose running share would exceed the target is dropped), so a
test of 100 probes at 3 % loses exactly 3; delay is added in each direction; jitter adds a uniform random 0..J ms
per packet and direction.
"""

from __future__ import annotations

import heapq
import random
import select
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Impairment:
    delay_ms: float = 0.0  # one way, added in each direction
    jitter_ms: float = 0.0  # uniform 0..jitter_ms extra, per packet and direction
    loss_pct: float = 0.0  # of client→server packets


@dataclass(order=True)
class _Due:
    at: float
    seq: int
    data: bytes = field(compare=False)
    to_server: bool = field(compare=False)


class UdpRelay:
    def __init__(self, server: tuple[str, int], impairment: Impairment | None = None, seed: int = 7) -> None:
        self.server = server
        self.impairment = impairment or Impairment()
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind(("127.0.0.1", 0))
        self.client: tuple[str, int] | None = None
        self._rng = random.Random(seed)
        self._queue: list[_Due] = []
        self._seq = 0
        self._forwarded = 0
        self._dropped = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="udp-relay", daemon=True)

    @property
    def port(self) -> int:
        return int(self.front.getsockname()[1])

    def start(self) -> UdpRelay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.front.close()
        self.back.close()

    def set(self, impairment: Impairment) -> None:
        self.impairment = impairment
        self._forwarded = self._dropped = 0

    def _schedule(self, data: bytes, to_server: bool) -> None:
        imp = self.impairment
        if to_server and imp.loss_pct > 0:
            total = self._forwarded + self._dropped + 1
            if (self._dropped + 1) / total <= imp.loss_pct / 100:
                self._dropped += 1
                return
            self._forwarded += 1
        delay = imp.delay_ms + (self._rng.uniform(0, imp.jitter_ms) if imp.jitter_ms else 0.0)
        self._seq += 1
        heapq.heappush(self._queue, _Due(time.perf_counter() + delay / 1000, self._seq, data, to_server))

    def _loop(self) -> None:
        while not self._stop.is_set():
            timeout = 0.05
            if self._queue:
                timeout = max(0.0, min(timeout, self._queue[0].at - time.perf_counter()))
            readable, _, _ = select.select([self.front, self.back], [], [], timeout)
            for sock in readable:
                try:
                    data, addr = sock.recvfrom(65535)
                except OSError:
                    continue
                if sock is self.front:
                    self.client = addr
                    self._schedule(data, True)
                else:
                    self._schedule(data, False)
            now = time.perf_counter()
            while self._queue and self._queue[0].at <= now:
                due = heapq.heappop(self._queue)
                try:
                    if due.to_server:
                        self.back.sendto(due.data, self.server)
                    elif self.client is not None:
                        self.front.sendto(due.data, self.client)
                except OSError:
                    pass
