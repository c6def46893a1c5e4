"""What to check and how strictly: targets, thresholds and the site policy. Pure data, any thread.

The foundation's ``app/config.py`` owns the site/user TOML files; it hands the ``[health]`` table to
:meth:`HealthConfig.from_mapping` (the CLI does the same with ``--config FILE``, and takes targets as options).
Unknown keys are reported as warnings, never errors; bad values fall back to the default with a warning.
Keys are documented in ``docs/health_check.md``.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vpn_check.emodel import Codec
from vpn_check.model import CheckId

log = logging.getLogger(__name__)


class SipTransport(enum.StrEnum):
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"

    @property
    def default_port(self) -> int:
        return 5061 if self is SipTransport.TLS else 5060


@dataclass(frozen=True)
class Thresholds:
    """Limits; a value beyond ``*_warn`` warns, beyond ``*_fail`` fails."""

    dns_warn_ms: float = 300.0
    dns_timeout_s: float = 3.0
    connect_timeout_s: float = 3.0
    cert_warn_days: float = 14.0
    clock_warn_s: float = 10.0
    clock_fail_s: float = 120.0
    rtt_warn_ms: float = 150.0
    rtt_fail_ms: float = 400.0
    jitter_warn_ms: float = 30.0
    jitter_fail_ms: float = 60.0
    loss_warn_pct: float = 1.0
    loss_fail_pct: float = 5.0
    #: RFC 3261 §18.1.1: a request within 200 bytes of the path MTU should go over TCP; an INVITE with SDP and
    #: credentials is ~1,200 bytes, hence 1,400.
    mtu_warn: int = 1400
    bandwidth_fail_kbit: float = 100.0
    bandwidth_warn_kbit: float = 200.0
    cpu_warn_pct: float = 85.0
    cpu_fail_pct: float = 97.0
    memory_warn_mb: float = 500.0
    memory_fail_mb: float = 150.0
    disk_warn_mb: float = 1000.0
    disk_fail_mb: float = 200.0
    battery_low_pct: float = 20.0
    wifi_weak_pct: float = 40.0
    mic_dead_dbfs: float = -70.0
    mic_quiet_dbfs: float = -55.0


DEFAULT_BLOCKING: frozenset[CheckId] = frozenset(
    {
        CheckId.VPN_PRESENT,
        CheckId.VPN_EGRESS_SIP,
        CheckId.HUB_TLS,
        CheckId.HUB_CERT,
        CheckId.VOICE_PATH,
        CheckId.AUDIO_HEADSET,
        CheckId.AUDIO_MIC,
    }
)


@dataclass(frozen=True)
class Policy:
    """Which results block sign-in: a FAIL of any check in ``block_on_fail``, a WARN of any in ``block_on_warn``."""

    block_on_fail: frozenset[CheckId] = DEFAULT_BLOCKING
    block_on_warn: frozenset[CheckId] = frozenset()


@dataclass(frozen=True)
class HealthConfig:
    """Targets and options of the checks (the ``[health]`` table of the site config)."""

    sip_host: str = ""
    sip_port: int = 0  # 0: the transport's default
    sip_transport: SipTransport = SipTransport.UDP
    sip_domain: str = ""  # Request-URI domain of the OPTIONS; default sip_host
    hub_url: str = ""
    health_path: str = "/api/v1/status"  # the hub's liveness endpoint (HubStatus)
    bandwidth_path: str = "/api/v1/health/bandwidth"
    report_path: str = "/api/v1/health/reports"
    ca_file: str = ""  # site CA bundle (PEM) for the hub, and for SIP over TLS unless sip_ca_file is set
    sip_ca_file: str = ""
    dns_hosts: tuple[str, ...] = ()  # default: the SIP and hub hosts
    vpn_required: bool = True
    vpn_patterns: tuple[str, ...] = ()  # interface name/description globs; empty = any tunnel
    sip_via_vpn: bool = True
    hub_via_vpn: bool = True
    codec: Codec = Codec.PCMA
    options_count: int = 10
    options_interval_ms: float = 100.0
    options_timeout_s: float = 1.0
    light_options_count: int = 3
    headset_patterns: tuple[str, ...] = ()  # priority list of headset name globs; empty = any input and output
    mic_seconds: float = 2.0
    speaker_test: bool = True
    monitor_interval_s: float = 180.0
    thresholds: Thresholds = field(default_factory=Thresholds)
    policy: Policy = field(default_factory=Policy)

    @property
    def effective_sip_port(self) -> int:
        return self.sip_port or self.sip_transport.default_port

    @property
    def hub_host(self) -> str:
        return urlsplit(self.hub_url).hostname or "" if self.hub_url else ""

    @property
    def all_dns_hosts(self) -> tuple[str, ...]:
        hosts = list(self.dns_hosts)
        for host in (self.sip_host, self.hub_host):
            if host and host not in hosts:
                hosts.append(host)
        return tuple(hosts)

    # -------------------------------------------------------------------------------------------- parsing
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> tuple[HealthConfig, list[str]]:
        """Build from a ``[health]`` table; returns the config and warnings about unknown or bad keys."""
        warnings: list[str] = []
        kwargs: dict[str, Any] = {}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key, raw in data.items():
            if key in ("thresholds", "policy"):
                continue
            if key not in fields:
                warnings.append(f"health.{key}: unknown key ignored")
                continue
            try:
                kwargs[key] = _coerce(fields[key].type, raw)
            except (TypeError, ValueError) as exc:
                warnings.append(f"health.{key}: {exc}; default used")
        thresholds = data.get("thresholds", {})
        if isinstance(thresholds, Mapping):
            tfields = {f.name: f for f in dataclasses.fields(Thresholds)}
            tkw: dict[str, Any] = {}
            for key, raw in thresholds.items():
                if key not in tfields:
                    warnings.append(f"health.thresholds.{key}: unknown key ignored")
                    continue
                try:
                    tkw[key] = _coerce(tfields[key].type, raw)
                except (TypeError, ValueError) as exc:
                    warnings.append(f"health.thresholds.{key}: {exc}; default used")
            kwargs["thresholds"] = Thresholds(**tkw)
        policy = data.get("policy", {})
        if isinstance(policy, Mapping):
            pkw: dict[str, frozenset[CheckId]] = {}
            for key in ("block_on_fail", "block_on_warn"):
                if key in policy:
                    ids: set[CheckId] = set()
                    for item in policy[key]:
                        try:
                            ids.add(CheckId(str(item)))
                        except ValueError:
                            warnings.append(f"health.policy.{key}: unknown check {item!r} ignored")
                    pkw[key] = frozenset(ids)
            for key in policy:
                if key not in ("block_on_fail", "block_on_warn"):
                    warnings.append(f"health.policy.{key}: unknown key ignored")
            kwargs["policy"] = Policy(**pkw)
        for warning in warnings:
            log.warning("config: %s", warning)
        return cls(**kwargs), warnings

    @classmethod
    def from_toml(cls, path: Path) -> tuple[HealthConfig, list[str]]:
        """Read the ``[health]`` table of a TOML file (the whole file when it has no such table)."""
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        table = data.get("health", data)
        return cls.from_mapping(table if isinstance(table, Mapping) else {})


def _coerce(annotation: Any, raw: Any) -> Any:
    """Convert a TOML value to the field's type (annotations are strings under ``from __future__``)."""
    text = str(annotation)
    if text == "bool":
        if not isinstance(raw, bool):
            raise TypeError(f"expected true/false, got {raw!r}")
        return raw
    if text == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError(f"expected an integer, got {raw!r}")
        return raw
    if text == "float":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError(f"expected a number, got {raw!r}")
        return float(raw)
    if text == "str":
        if not isinstance(raw, str):
            raise TypeError(f"expected a string, got {raw!r}")
        return raw
    if text.startswith("tuple[str"):
        if isinstance(raw, str) or not all(isinstance(x, str) for x in raw):
            raise TypeError(f"expected a list of strings, got {raw!r}")
        return tuple(raw)
    if text == "SipTransport":
        return SipTransport(str(raw).lower())
    if text == "Codec":
        for codec in Codec:
            if codec.value.lower() == str(raw).lower():
                return codec
        raise ValueError(f"unknown codec {raw!r}")
    raise TypeError(f"unsupported setting type {text}")
