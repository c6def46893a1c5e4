"""The health check as the application uses it: the site configuration mapped to :mod:`vpn_check`'s settings and
a Qt-free service the UI calls from worker threads (full pre-shift run, light in-shift run, network fingerprint,
report upload).

Threads: every method but :func:`health_config` blocks (network, audio) and is meant for a worker thread; the
service holds no mutable state, so any thread may call it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

from app.config import Config
from app.protocol import HealthCheckItem, HealthReportSubmit, HealthVerdict, dumps
from app.version import __version__
from vpn_check.audio import AudioProbe, SpeakerConfirm
from vpn_check.config import HealthConfig, Policy, SipTransport, Thresholds
from vpn_check.emodel import Codec
from vpn_check.model import CheckId, Report, Status
from vpn_check.monitor import network_fingerprint
from vpn_check.netif import NetworkInspector
from vpn_check.profiles import checks_for
from vpn_check.runner import Context, Profile, ProgressCallback, Runner
from vpn_check.upload import post_json

log = logging.getLogger(__name__)


def _check_ids(values: tuple[str, ...], key: str) -> frozenset[CheckId]:
    ids: set[CheckId] = set()
    for value in values:
        try:
            ids.add(CheckId(value))
        except ValueError:
            log.warning("config: health.%s: unknown check %r ignored", key, value)
    return frozenset(ids)


def _codec(codecs: tuple[str, ...]) -> Codec:
    """The preferred codec of the softphone's list ("G722/16000" → G722); PCMA when none is known."""
    for entry in codecs:
        name = entry.split("/")[0].strip().lower()
        for codec in Codec:
            if codec.value.lower() == name:
                return codec
    return Codec.PCMA


def health_config(config: Config) -> HealthConfig:
    """Map the application's configuration (hub, sip, audio and health sections) to the checks' settings."""
    h = config.health
    thresholds = Thresholds(
        rtt_warn_ms=h.max_rtt_ms,
        rtt_fail_ms=max(h.max_rtt_ms * 2, h.max_rtt_ms + 100),
        jitter_warn_ms=h.max_jitter_ms,
        jitter_fail_ms=h.max_jitter_ms * 2,
        loss_warn_pct=h.max_loss_percent,
        loss_fail_pct=max(5.0, h.max_loss_percent * 2.5),
        cpu_warn_pct=h.max_cpu_percent,
        cpu_fail_pct=max(h.max_cpu_percent, 97.0),
        disk_warn_mb=float(h.min_free_disk_mb),
        disk_fail_mb=min(200.0, float(h.min_free_disk_mb)),
        connect_timeout_s=min(config.hub.connect_timeout, 5.0),
    )
    return HealthConfig(
        sip_host=config.sip.server,
        sip_port=config.sip.port,
        sip_transport=SipTransport(config.sip.transport.value),
        sip_domain=config.sip.domain,
        sip_ca_file=config.sip.ca_file,
        hub_url=config.hub.url,
        ca_file=config.hub.ca_file,
        vpn_required=h.require_vpn,
        vpn_patterns=h.vpn_interface_patterns,
        sip_via_vpn=h.sip_via_vpn,
        hub_via_vpn=h.hub_via_vpn,
        codec=_codec(config.sip.codecs),
        headset_patterns=config.audio.input_priority,
        monitor_interval_s=h.interval,
        thresholds=thresholds,
        policy=Policy(
            block_on_fail=_check_ids(h.block_sign_in_on, "block_sign_in_on"),
            block_on_warn=_check_ids(h.block_sign_in_on_warning, "block_sign_in_on_warning"),
        ),
    )


_VERDICT = {Status.PASS: HealthVerdict.OK, Status.WARN: HealthVerdict.WARN, Status.FAIL: HealthVerdict.FAIL}


def health_submit(report: Report, client_version: str = __version__) -> HealthReportSubmit:
    """The hub's wire form of a report (``POST /api/v1/health/reports``): one item per judged check (skipped ones
    are left out), the detail carrying the measured value and the advice ids, and the voice-path MOS."""
    checks: list[HealthCheckItem] = []
    for result in report.results:
        if result.status is Status.SKIP:
            continue
        measured = f"{result.value} {result.unit}".strip() if result.value is not None else ""
        advice = ",".join(a.value for a in result.advice)
        detail = "; ".join(part for part in (measured, advice) if part)
        numeric = result.value if isinstance(result.value, int | float) and not isinstance(result.value, bool) else None
        checks.append(
            HealthCheckItem(
                name=result.check.value,
                verdict=_VERDICT[result.status],
                detail=detail[:200],
                value=float(numeric) if numeric is not None else None,
            )
        )
    mos = report.get(CheckId.VOICE_MOS)
    mos_value = float(mos.value) if mos is not None and isinstance(mos.value, int | float) else None
    return HealthReportSubmit(
        verdict=_VERDICT.get(report.status, HealthVerdict.OK),
        checks=checks[:100],
        client_version=client_version,
        mos=mos_value,
    )


@dataclass(frozen=True)
class HealthService:
    """Runs the checks for the UI. ``audio`` is the softphone's device layer adapted to :class:`AudioProbe`
    (or :class:`vpn_check.audio.PulseAudioProbe`); None skips the audio checks."""

    config: HealthConfig
    audio: AudioProbe | None = None
    inspector: NetworkInspector | None = None
    app_version: str = __version__

    def with_config(self, config: HealthConfig) -> HealthService:
        return replace(self, config=config)

    def _context(self, profile: Profile, cancel: threading.Event | None, confirm: SpeakerConfirm | None) -> Context:
        ctx = Context(
            config=self.config,
            profile=profile,
            audio=self.audio,
            confirm_speaker=confirm,
            app_version=self.app_version,
        )
        if self.inspector is not None:
            ctx.inspector = self.inspector
        if cancel is not None:
            ctx.cancel = cancel
        return ctx

    def run_full(
        self,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        confirm_speaker: SpeakerConfirm | None = None,
    ) -> Report:
        checks = checks_for(Profile.FULL, include_audio=self.audio is not None)
        return Runner(checks, progress).run(self._context(Profile.FULL, cancel, confirm_speaker))

    def run_light(self) -> Report:
        return Runner(checks_for(Profile.LIGHT)).run(self._context(Profile.LIGHT, None, None))

    def fingerprint(self) -> str:
        """Changes whenever interfaces, addresses or the route to the SIP server or hub change."""
        targets: list[str] = []
        ctx = self._context(Profile.LIGHT, None, None)
        for host in (self.config.sip_host, self.config.hub_host):
            if host:
                res = ctx.resolve(host)
                targets.extend(res.addresses[:1])
        return network_fingerprint(targets)

    def upload(self, report: Report, *, token: str = "") -> None:
        """Send the report to the hub for the supervisor board (raises ``vpn_check.upload.UploadError``)."""
        post_json(self.config, self.config.report_path, dumps(health_submit(report, self.app_version)), token=token)
