"""Network-change monitor: watches the local source address used to reach the SIP server.

A VPN reconnect or a Wi-Fi switch changes the address (or interface) the kernel picks for the route to the
registrar. The monitor asks the kernel which source address it would use (a UDP ``connect()`` + ``getsockname()``
sends nothing) and calls ``on_change(old, new)`` when it differs; the engine then calls pjsua's ``handleIpChange``.

Idle cost: on Linux the monitor thread blocks on a netlink route socket (link, address and route events) and only
re-checks when the kernel reports a change, plus a slow safety re-check (``fallback_s``); elsewhere it polls every
``poll_s``. Runs on its own daemon thread; never calls pjsua2 (the callback must post to the SIP thread).
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

_RTMGRP_LINK = 0x1
_RTMGRP_IPV4_IFADDR = 0x10
_RTMGRP_IPV4_ROUTE = 0x40
_RTMGRP_IPV6_IFADDR = 0x100


def source_address(host: str, port: int) -> str | None:
    """The local address the kernel would use to send to ``host:port`` (None: no route)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except OSError:
        return None
    for family, _type, _proto, _canon, addr in infos:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            try:
                sock.connect(addr)
                return str(sock.getsockname()[0])
            except OSError:
                continue
    return None


class NetworkMonitor:
    """Calls ``on_change(old, new)`` (on the monitor thread) when the source address towards the server changes."""

    def __init__(
        self,
        host: str,
        port: int,
        on_change: Callable[[str, str], None],
        *,
        poll_s: float = 1.0,
        fallback_s: float = 10.0,
        debounce_s: float = 0.2,
    ) -> None:
        self.host = host
        self.port = port
        self._on_change = on_change
        self._poll_s = poll_s
        self._fallback_s = fallback_s
        self._debounce_s = debounce_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self.current = source_address(host, port)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sip-netmon", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        if self._thread is not None:
            self._thread.join(2.0)
        self._wake_r.close()
        self._wake_w.close()

    def check(self) -> None:
        new = source_address(self.host, self.port)
        old = self.current
        if new != old and new is not None:
            self.current = new
            log.info("source address towards %s changed: %s -> %s", self.host, old, new)
            try:
                self._on_change(old or "", new)
            except Exception:
                log.exception("network change handler failed")
        elif new is None and old is not None:
            log.info("no route to %s any more (was via %s)", self.host, old)
            self.current = None

    def _netlink(self) -> socket.socket | None:
        if not sys.platform.startswith("linux"):
            return None
        try:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)  # type: ignore[attr-defined,unused-ignore]
            sock.bind((0, _RTMGRP_LINK | _RTMGRP_IPV4_IFADDR | _RTMGRP_IPV4_ROUTE | _RTMGRP_IPV6_IFADDR))
        except OSError as exc:
            log.info("netlink unavailable (%s); polling every %.1f s", exc, self._poll_s)
            return None
        return sock

    def _run(self) -> None:
        nl = self._netlink()
        try:
            while not self._stop.is_set():
                waits: list[socket.socket] = [self._wake_r] + ([nl] if nl is not None else [])
                timeout = self._fallback_s if nl is not None else self._poll_s
                ready, _, _ = select.select(waits, [], [], timeout)
                if self._stop.is_set():
                    return
                if nl is not None and nl in ready:
                    # Drain the burst of messages a change produces, then let routes settle.
                    self._stop.wait(self._debounce_s)
                    while select.select([nl], [], [], 0)[0]:
                        nl.recv(65536)
                self.check()
        finally:
            if nl is not None:
                nl.close()
