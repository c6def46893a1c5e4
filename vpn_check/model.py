"""Results of the health checks: statuses, check ids, measured values and the report. Pure data, any thread."""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vpn_check.advice import Advice

Value = float | int | str | bool | None
JSON = dict[str, Any]


class Status(enum.IntEnum):
    """Outcome of one check. The integer order is the severity order (and the CLI exit code for pass/warn/fail)."""

    PASS = 0
    WARN = 1
    FAIL = 2
    #: Not run: not configured, not applicable on this platform, or not confirmed by the agent. Counts as a pass
    #: for the exit code; the report says why (its ``advice``).
    SKIP = -1

    @property
    def label(self) -> str:
        return self.name.lower()


class CheckId(enum.StrEnum):
    """Every check the framework knows. The value is the stable id used in JSON, policy keys and logs."""

    VPN_PRESENT = "vpn.present"
    VPN_EGRESS_SIP = "vpn.egress_sip"
    VPN_EGRESS_HUB = "vpn.egress_hub"
    DNS = "dns"
    HUB_TCP = "hub.tcp"
    HUB_TLS = "hub.tls"
    HUB_CERT = "hub.cert"
    HUB_HEALTH = "hub.health"
    HUB_CLOCK = "hub.clock"
    VOICE_PATH = "voice.path"
    VOICE_MOS = "voice.mos"
    VOICE_MTU = "voice.mtu"
    BANDWIDTH_DOWN = "bandwidth.down"
    BANDWIDTH_UP = "bandwidth.up"
    AUDIO_HEADSET = "audio.headset"
    AUDIO_MIC = "audio.mic"
    AUDIO_SPEAKER = "audio.speaker"
    SYSTEM_CPU = "system.cpu"
    SYSTEM_MEMORY = "system.memory"
    SYSTEM_DISK = "system.disk"
    SYSTEM_POWER = "system.power"
    SYSTEM_NETWORK = "system.network"
    SYSTEM_VERSION = "system.version"

    @property
    def group(self) -> str:
        return self.value.split(".")[0]


class MosGrade(enum.StrEnum):
    """The voice-quality grade of an estimated MOS (issue 8: excellent > 4.2, good 3.7–4.2, fair 3.1–3.6, poor ≤ 3.0)."""

    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"

    @classmethod
    def of(cls, mos: float) -> MosGrade:
        # The bands leave gaps (3.6–3.7, 3.0–3.1) at one decimal; grade on the rounded value so that each
        # MOS lands in exactly one band: > 4.2 excellent, ≥ 3.7 good, ≥ 3.1 fair, else poor.
        rounded = round(mos, 1)
        if rounded > 4.2:
            return cls.EXCELLENT
        if rounded >= 3.7:
            return cls.GOOD
        if rounded >= 3.1:
            return cls.FAIR
        return cls.POOR


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome.

    ``value`` is what was measured (``unit`` says in what), ``threshold`` the limit it was judged against, written
    as a short machine-readable expression (``">= 100"``, ``"any of: wg*, tun*"``). ``advice`` are message ids the
    UI and the CLI translate (:mod:`vpn_check.advice`); ``details`` carries extra measurements for JSON and IT.
    """

    check: CheckId
    status: Status
    value: Value = None
    unit: str = ""
    threshold: str = ""
    advice: tuple[Advice, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0

    def to_json(self) -> JSON:
        return {
            "check": self.check.value,
            "status": self.status.label,
            "value": self.value,
            "unit": self.unit,
            "threshold": self.threshold,
            "advice": [a.value for a in self.advice],
            "details": dict(self.details),
            "duration_s": round(self.duration_s, 4),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CheckResult:
        return cls(
            check=CheckId(data["check"]),
            status=Status[str(data["status"]).upper()],
            value=data.get("value"),
            unit=str(data.get("unit", "")),
            threshold=str(data.get("threshold", "")),
            advice=tuple(Advice(a) for a in data.get("advice", ())),
            details=dict(data.get("details", {})),
            duration_s=float(data.get("duration_s", 0.0)),
        )


def worst(statuses: Iterable[Status]) -> Status:
    """The most severe status (SKIP counts as PASS); PASS for none."""
    result = Status.PASS
    for status in statuses:
        if status > result:
            result = status
    return result


@dataclass(frozen=True)
class Report:
    """A whole run: the results in order, when, which profile, and which results block sign-in under the policy."""

    results: tuple[CheckResult, ...]
    profile: str
    started_at: float = field(default_factory=time.time)
    duration_s: float = 0.0
    blocking: tuple[CheckId, ...] = ()
    host: JSON = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return worst(r.status for r in self.results)

    @property
    def blocks_sign_in(self) -> bool:
        return bool(self.blocking)

    def get(self, check: CheckId) -> CheckResult | None:
        for result in self.results:
            if result.check is check:
                return result
        return None

    @property
    def exit_code(self) -> int:
        """0 / 1 / 2 for pass / warn / fail (the ``agentdesk-check`` contract)."""
        return int(self.status)

    def to_json(self) -> JSON:
        return {
            "schema": 1,
            "profile": self.profile,
            "status": self.status.label,
            "blocks_sign_in": self.blocks_sign_in,
            "blocking": [c.value for c in self.blocking],
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 3),
            "host": dict(self.host),
            "results": [r.to_json() for r in self.results],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Report:
        return cls(
            results=tuple(CheckResult.from_json(r) for r in data.get("results", ())),
            profile=str(data.get("profile", "")),
            started_at=float(data.get("started_at", 0.0)),
            duration_s=float(data.get("duration_s", 0.0)),
            blocking=tuple(CheckId(c) for c in data.get("blocking", ())),
            host=dict(data.get("host", {})),
        )
