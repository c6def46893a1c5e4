"""pjsua2 checks for ``agentdesk --self-test`` and ``--version``: is the native SIP stack present and does it start?

Kept apart from the softphone's endpoint module on purpose: the installer self-test must be able to prove that the
bundled pjsua2 extension loads and that an endpoint can start and stop *without* touching accounts, audio devices or
the network beyond a loopback socket. Main thread only (pjsua2 aborts when called from unregistered threads).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class StackProbe:
    """What an endpoint start/stop cycle showed."""

    pjsip_version: str
    transport: str  # the loopback UDP address the probe bound, e.g. ``127.0.0.1:50123``


@contextlib.contextmanager
def _native_stdout_silenced() -> Iterator[None]:
    """Send what C code writes to file descriptor 1 to the null device for the duration (the report stays clean)."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        _flush_c_stdio()  # pjlib printf()s into C's buffer; flush it while fd 1 still points at the null device
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _flush_c_stdio() -> None:
    if sys.platform == "win32":
        return  # the Windows bundle has no console output from pjlib worth silencing (GUI subsystem)
    import ctypes

    ctypes.CDLL(None).fflush(None)


def start_stop() -> StackProbe:
    """Create, start and destroy a pjsua2 endpoint with the null audio device and one loopback UDP transport.

    Raises:
        ImportError: the native module is missing from the installation.
        Exception: whatever pjsua2 raises (``pj.Error``) when the library cannot initialise; the caller reports it.
    """
    import pjsua2 as pj

    ep = pj.Endpoint()
    with _native_stdout_silenced():  # libCreate() logs to stdout before any log config applies
        ep.libCreate()
    try:
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.logConfig.level = 0
        cfg.logConfig.consoleLevel = 0
        ep.libInit(cfg)
        ep.audDevManager().setNullDev()
        tcfg = pj.TransportConfig()
        tcfg.port = 0
        tcfg.boundAddress = "127.0.0.1"
        tid = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        ep.libStart()
        ep.libHandleEvents(0)
        return StackProbe(pjsip_version=str(ep.libVersion().full), transport=str(ep.transportGetInfo(tid).localName))
    finally:
        ep.libDestroy()
