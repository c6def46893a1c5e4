"""The check runner: profiles, progress callbacks, cancellation and the sign-in policy.

A :class:`Check` is one step the runner reports progress for; it may produce several results (the voice-path step
gives delay/jitter/loss, MOS and MTU). Steps run one after another on the calling thread (the UI calls the runner
off the GUI thread; see ``ui/health/background.py``): measurements must not disturb each other (a bandwidth test
during the OPTIONS series would spoil the jitter figure).
"""

from __future__ import annotations

import enum
import ipaddress
import logging
import platform
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from vpn_check.advice import Advice
from vpn_check.audio import AudioProbe, SpeakerConfirm
from vpn_check.config import HealthConfig, Policy
from vpn_check.model import CheckId, CheckResult, Report, Status
from vpn_check.netif import Interface, NetworkInspector

log = logging.getLogger(__name__)


class Profile(enum.StrEnum):
    FULL = "full"  # the pre-shift gate and the CLI
    LIGHT = "light"  # the in-shift monitor: ≤ 1 s, no bandwidth, audio or system checks


@dataclass
class Resolution:
    host: str
    addresses: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    error: str = ""


@dataclass
class Context:
    """What every check may use. One context per run; not shared between threads."""

    config: HealthConfig
    profile: Profile = Profile.FULL
    inspector: NetworkInspector = field(default_factory=NetworkInspector)
    audio: AudioProbe | None = None
    confirm_speaker: SpeakerConfirm | None = None
    app_version: str = ""
    cancel: threading.Event = field(default_factory=threading.Event)
    _resolved: dict[str, Resolution] = field(default_factory=dict)
    _interfaces: list[Interface] | None = None

    def resolve(self, host: str) -> Resolution:
        """getaddrinfo with timing, cached for the run (an IP literal resolves to itself in no time)."""
        if host in self._resolved:
            return self._resolved[host]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            res = Resolution(host, (host,), 0.0)
            self._resolved[host] = res
            return res
        res = _timed_resolve(host, self.config.thresholds.dns_timeout_s)
        self._resolved[host] = res
        return res

    def interfaces(self) -> list[Interface]:
        if self._interfaces is None:
            self._interfaces = self.inspector.interfaces()
        return self._interfaces


def _timed_resolve(host: str, timeout_s: float) -> Resolution:
    # getaddrinfo has no timeout of its own: run it in a daemon thread and stop waiting after timeout_s.
    box: list[Resolution] = []

    def work() -> None:
        start = time.perf_counter()
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            box.append(Resolution(host, (), (time.perf_counter() - start) * 1000, str(exc)))
            return
        addrs: list[str] = []
        # Prefer IPv4 first: most contact-center VPNs and SBCs are IPv4-only.
        for info in sorted(infos, key=lambda i: 0 if i[0] == socket.AF_INET else 1):
            addr = str(info[4][0])
            if addr not in addrs:
                addrs.append(addr)
        box.append(Resolution(host, tuple(addrs), (time.perf_counter() - start) * 1000))

    thread = threading.Thread(target=work, name=f"resolve-{host}", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if box:
        return box[0]
    return Resolution(host, (), timeout_s * 1000, "timeout")


class Check(Protocol):
    """One step of a run."""

    @property
    def step(self) -> CheckId:
        """The step's main id (for progress)."""
        ...

    @property
    def produces(self) -> tuple[CheckId, ...]:
        """Every id the step can produce."""
        ...

    def run(self, ctx: Context) -> list[CheckResult]: ...


@dataclass(frozen=True)
class Progress:
    """Reported before each step (``done`` steps finished of ``total``) and once at the end (``current`` None)."""

    done: int
    total: int
    current: CheckId | None
    results: tuple[CheckResult, ...]


ProgressCallback = Callable[[Progress], None]


def blocking_results(results: Sequence[CheckResult], policy: Policy) -> tuple[CheckId, ...]:
    """The checks whose result blocks sign-in under ``policy``."""
    blocked: list[CheckId] = []
    for result in results:
        if (result.status is Status.FAIL and result.check in policy.block_on_fail) or (
            result.status is Status.WARN and result.check in policy.block_on_warn
        ):
            blocked.append(result.check)
    return tuple(blocked)


def host_info(app_version: str) -> dict[str, str]:
    return {
        "hostname": socket.gethostname(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "app_version": app_version,
    }


class Runner:
    """Runs a sequence of checks with progress, cancellation and error containment."""

    def __init__(self, checks: Sequence[Check], progress: ProgressCallback | None = None) -> None:
        self.checks = list(checks)
        self.progress = progress

    def run(self, ctx: Context) -> Report:
        started = time.time()
        t0 = time.perf_counter()
        results: list[CheckResult] = []
        total = len(self.checks)
        for index, check in enumerate(self.checks):
            if ctx.cancel.is_set():
                break
            self._report(Progress(index, total, check.step, tuple(results)))
            step_start = time.perf_counter()
            try:
                produced = check.run(ctx)
            except Exception:  # a bug in one check must not hide the others' results
                log.exception("check %s crashed", check.step)
                produced = [
                    CheckResult(
                        check=check.step,
                        status=Status.WARN,
                        advice=(Advice.CHECK_ERROR,),
                        details={"error": "internal error, see the log"},
                    )
                ]
            elapsed = time.perf_counter() - step_start
            for result in produced:
                if result.duration_s == 0.0:
                    result = _with_duration(result, elapsed / max(1, len(produced)))
                results.append(result)
        duration = time.perf_counter() - t0
        self._report(Progress(total, total, None, tuple(results)))
        return Report(
            results=tuple(results),
            profile=ctx.profile.value,
            started_at=started,
            duration_s=duration,
            blocking=blocking_results(results, ctx.config.policy),
            host=host_info(ctx.app_version),
        )

    def _report(self, progress: Progress) -> None:
        if self.progress is not None:
            try:
                self.progress(progress)
            except Exception:
                log.exception("progress callback failed")


def _with_duration(result: CheckResult, seconds: float) -> CheckResult:
    from dataclasses import replace

    return replace(result, duration_s=seconds)
