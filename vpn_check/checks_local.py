"""Voice-path, audio and system checks."""

from __future__ import annotations

import os
import platform
import ssl
from collections.abc import Sequence
from pathlib import Path

from vpn_check import sipprobe
from vpn_check.advice import Advice
from vpn_check.audio import AudioDevice, AudioUnavailableError, analyse
from vpn_check.checks_net import ssl_context
from vpn_check.config import SipTransport
from vpn_check.emodel import estimate_voice
from vpn_check.model import CheckId, CheckResult, MosGrade, Status, worst
from vpn_check.netif import Platform, parse_netsh_wlan
from vpn_check.runner import Context, Profile


def _skip(check: CheckId, advice: Advice = Advice.NOT_CONFIGURED, **details: object) -> CheckResult:
    return CheckResult(check=check, status=Status.SKIP, advice=(advice,), details=details)


def _grade(value: float, warn: float, fail: float) -> Status:
    return Status.FAIL if value >= fail else Status.WARN if value >= warn else Status.PASS


# ---------------------------------------------------------------------------------------------- voice path
class VoicePathCheck:
    """A series of SIP OPTIONS → RTT, jitter, loss; the E-model MOS for the codec; the path MTU (full profile)."""

    step = CheckId.VOICE_PATH

    def __init__(self, with_mtu: bool = True) -> None:
        self.with_mtu = with_mtu
        self.produces: tuple[CheckId, ...] = (CheckId.VOICE_PATH, CheckId.VOICE_MOS) + (
            (CheckId.VOICE_MTU,) if with_mtu else ()
        )

    def run(self, ctx: Context) -> list[CheckResult]:
        cfg, t = ctx.config, ctx.config.thresholds
        if not cfg.sip_host:
            return [_skip(c) for c in self.produces]
        res = ctx.resolve(cfg.sip_host)
        if not res.addresses:
            return [CheckResult(c, Status.FAIL, None, "", "", (Advice.DNS_FAILED,)) for c in self.produces]
        ip, port = res.addresses[0], cfg.effective_sip_port
        context: ssl.SSLContext | None = None
        if cfg.sip_transport is SipTransport.TLS:
            try:
                context = ssl_context(cfg, sip=True)
            except (OSError, ssl.SSLError) as exc:
                return [
                    CheckResult(c, Status.FAIL, None, "", "", (Advice.TLS_FAILED,), {"error": str(exc)})
                    for c in self.produces
                ]
        count = cfg.light_options_count if ctx.profile is Profile.LIGHT else cfg.options_count
        series = sipprobe.options_series(
            ip,
            port,
            cfg.sip_transport,
            domain=cfg.sip_domain or cfg.sip_host,
            count=max(1, count),
            interval_s=cfg.options_interval_ms / 1000 if ctx.profile is Profile.FULL else 0.05,
            timeout_s=cfg.options_timeout_s,
            ssl_context=context,
            server_hostname=cfg.sip_host,
        )
        details: dict[str, object] = {
            "target": f"{cfg.sip_transport.value}:{ip}:{port}",
            "sent": series.sent,
            "rtts_ms": [round(r, 2) if r is not None else None for r in series.rtts_ms],
            "codes": sorted(set(series.codes)),
        }
        if series.error:
            details["error"] = f"{series.error.value}: {series.error_text}"
        rtt, jitter, loss = series.rtt_ms, series.jitter_ms, series.loss_pct
        threshold = f"rtt < {t.rtt_warn_ms:g} ms, jitter < {t.jitter_warn_ms:g} ms, loss < {t.loss_warn_pct:g} %"
        if rtt is None or jitter is None:
            advice = (
                Advice.CERT_UNTRUSTED
                if series.error is sipprobe.ProbeErrorKind.TLS_UNTRUSTED
                else Advice.SIP_UNREACHABLE
            )
            path = CheckResult(CheckId.VOICE_PATH, Status.FAIL, 100.0, "% loss", threshold, (advice,), details)
            results = [path, _skip(CheckId.VOICE_MOS, Advice.SIP_UNREACHABLE)]
            if self.with_mtu:
                results.append(_skip(CheckId.VOICE_MTU, Advice.SIP_UNREACHABLE))
            return results
        details.update({"rtt_ms": round(rtt, 2), "jitter_ms": round(jitter, 2), "loss_pct": round(loss, 1)})
        parts = {
            Advice.HIGH_LATENCY: _grade(rtt, t.rtt_warn_ms, t.rtt_fail_ms),
            Advice.HIGH_JITTER: _grade(jitter, t.jitter_warn_ms, t.jitter_fail_ms),
            Advice.HIGH_LOSS: _grade(loss, t.loss_warn_pct, t.loss_fail_pct),
        }
        status = worst(parts.values())
        path = CheckResult(
            CheckId.VOICE_PATH,
            status,
            round(rtt, 1),
            "ms",
            threshold,
            tuple(a for a, s in parts.items() if s is not Status.PASS),
            details,
        )
        estimate = estimate_voice(rtt, jitter, loss, cfg.codec)
        grade = MosGrade.of(estimate.mos)
        mos_status = {MosGrade.EXCELLENT: Status.PASS, MosGrade.GOOD: Status.PASS, MosGrade.FAIR: Status.WARN}.get(
            grade, Status.FAIL
        )
        mos = CheckResult(
            CheckId.VOICE_MOS,
            mos_status,
            round(estimate.mos, 2),
            "MOS",
            ">= 3.7 (good)",
            (Advice.VOICE_POOR,) if mos_status is not Status.PASS else (),
            {
                "grade": grade.value,
                "r": round(estimate.r, 1),
                "codec": cfg.codec.value,
                "mouth_to_ear_ms": round(estimate.mouth_to_ear_ms, 1),
                "jitter_buffer_ms": round(estimate.jitter_buffer_ms, 1),
            },
        )
        results = [path, mos]
        if self.with_mtu:
            results.append(self._mtu(ctx, ip, port))
        return results

    def _mtu(self, ctx: Context, ip: str, port: int) -> CheckResult:
        cfg, t = ctx.config, ctx.config.thresholds
        if cfg.sip_transport is SipTransport.UDP:
            est = sipprobe.udp_path_mtu(
                ip, port, domain=cfg.sip_domain or cfg.sip_host, timeout_s=max(0.3, cfg.options_timeout_s / 2)
            )
        else:
            # TCP segments to the MSS, so only the kernel's figure matters (for RTP, which stays on UDP).
            est = sipprobe.udp_path_mtu(ip, port, sizes=())
        value = est.estimate
        details: dict[str, object] = {
            "kernel_mtu": est.kernel_mtu,
            "largest_answered": est.largest_answered,
            "probed": [{"bytes": s, "answered": a} for s, a in est.probed],
            "transport": cfg.sip_transport.value,
        }
        threshold = f">= {t.mtu_warn}"
        if value is None:
            return CheckResult(
                CheckId.VOICE_MTU, Status.SKIP, None, "bytes", threshold, (Advice.NOT_SUPPORTED,), details
            )
        if value >= t.mtu_warn:
            return CheckResult(CheckId.VOICE_MTU, Status.PASS, value, "bytes", threshold, (), details)
        if cfg.sip_transport is SipTransport.UDP:
            return CheckResult(
                CheckId.VOICE_MTU, Status.WARN, value, "bytes", threshold, (Advice.MTU_SMALL_USE_TCP,), details
            )
        # Over TCP/TLS a small MTU only matters below the IPv6/RTP minimum.
        status = Status.WARN if value < 1280 else Status.PASS
        return CheckResult(
            CheckId.VOICE_MTU,
            status,
            value,
            "bytes",
            threshold,
            (Advice.MTU_SMALL,) if status is Status.WARN else (),
            details,
        )


# ---------------------------------------------------------------------------------------------- audio
def pick_headset(
    devices: Sequence[AudioDevice], patterns: Sequence[str]
) -> tuple[AudioDevice | None, AudioDevice | None, str]:
    """The first pattern (priority order) with a matching microphone; its output on the same device if any.
    Without patterns: the first real input and the first output. Returns (input, output, matched pattern)."""
    inputs = [d for d in devices if d.is_input and not d.is_monitor]
    outputs = [d for d in devices if d.is_output]
    if not patterns:
        return (inputs[0] if inputs else None, outputs[0] if outputs else None, "")
    for pattern in patterns:
        mic = next((d for d in inputs if d.matches(pattern)), None)
        if mic is not None:
            out = next((d for d in outputs if d.matches(pattern)), None)
            return mic, out, pattern
    return None, None, ""


class AudioCheck:
    """Headset on the priority list, a 2-second microphone test, and a test tone the agent confirms."""

    step = CheckId.AUDIO_HEADSET
    produces = (CheckId.AUDIO_HEADSET, CheckId.AUDIO_MIC, CheckId.AUDIO_SPEAKER)

    def run(self, ctx: Context) -> list[CheckResult]:
        cfg = ctx.config
        if ctx.audio is None:
            return [_skip(c, Advice.NOT_SUPPORTED) for c in self.produces]
        try:
            devices = list(ctx.audio.devices())
        except AudioUnavailableError as exc:
            return [
                CheckResult(
                    c,
                    Status.FAIL if c is CheckId.AUDIO_HEADSET else Status.SKIP,
                    None,
                    "",
                    "",
                    (Advice.AUDIO_UNAVAILABLE,),
                    {"error": str(exc)},
                )
                for c in self.produces
            ]
        mic, out, pattern = pick_headset(devices, cfg.headset_patterns)
        threshold = "any of: " + ", ".join(cfg.headset_patterns) if cfg.headset_patterns else "an input and an output"
        listed = [
            {"name": d.name, "description": d.description, "input": d.is_input, "output": d.is_output}
            for d in devices
            if not d.is_monitor
        ]
        if mic is None:
            headset = CheckResult(
                CheckId.AUDIO_HEADSET, Status.FAIL, None, "", threshold, (Advice.HEADSET_MISSING,), {"devices": listed}
            )
            return [
                headset,
                _skip(CheckId.AUDIO_MIC, Advice.HEADSET_MISSING),
                _skip(CheckId.AUDIO_SPEAKER, Advice.HEADSET_MISSING),
            ]
        headset = CheckResult(
            CheckId.AUDIO_HEADSET,
            Status.PASS,
            mic.description,
            "",
            threshold,
            (),
            {"input": mic.name, "output": out.name if out else None, "pattern": pattern, "devices": listed},
        )
        return [headset, self._mic(ctx, mic), self._speaker(ctx, out)]

    def _mic(self, ctx: Context, mic: AudioDevice) -> CheckResult:
        t = ctx.config.thresholds
        assert ctx.audio is not None
        threshold = f"level > {t.mic_dead_dbfs:g} dBFS, not constant"
        try:
            samples, rate = ctx.audio.record(mic.name, ctx.config.mic_seconds)
        except AudioUnavailableError as exc:
            return CheckResult(
                CheckId.AUDIO_MIC,
                Status.FAIL,
                None,
                "dBFS",
                threshold,
                (Advice.AUDIO_UNAVAILABLE,),
                {"error": str(exc)},
            )
        stats = analyse(samples)
        details = {
            "device": mic.name,
            "rate": rate,
            "samples": stats.samples,
            "peak": round(stats.peak, 5),
            "spread": round(stats.spread, 6),
            "distinct": stats.distinct,
        }
        level = round(stats.rms_dbfs, 1) if stats.rms_dbfs != float("-inf") else None
        if stats.samples == 0 or stats.peak < 1e-6:  # digital silence: muted or no signal at all
            return CheckResult(CheckId.AUDIO_MIC, Status.FAIL, level, "dBFS", threshold, (Advice.MIC_DEAD,), details)
        if stats.constant:
            return CheckResult(
                CheckId.AUDIO_MIC, Status.FAIL, level, "dBFS", threshold, (Advice.MIC_CONSTANT,), details
            )
        if stats.rms_dbfs <= t.mic_dead_dbfs:
            return CheckResult(CheckId.AUDIO_MIC, Status.FAIL, level, "dBFS", threshold, (Advice.MIC_DEAD,), details)
        if stats.rms_dbfs <= t.mic_quiet_dbfs:
            return CheckResult(CheckId.AUDIO_MIC, Status.WARN, level, "dBFS", threshold, (Advice.MIC_QUIET,), details)
        return CheckResult(CheckId.AUDIO_MIC, Status.PASS, level, "dBFS", threshold, (), details)

    def _speaker(self, ctx: Context, out: AudioDevice | None) -> CheckResult:
        if not ctx.config.speaker_test:
            return _skip(CheckId.AUDIO_SPEAKER)
        if ctx.confirm_speaker is None:
            return _skip(CheckId.AUDIO_SPEAKER, Advice.SPEAKER_NOT_CONFIRMED)
        assert ctx.audio is not None
        try:
            ctx.audio.play_tone(out.name if out else None, 1.5)
        except AudioUnavailableError as exc:
            return CheckResult(
                CheckId.AUDIO_SPEAKER, Status.FAIL, None, "", "heard", (Advice.AUDIO_UNAVAILABLE,), {"error": str(exc)}
            )
        heard = ctx.confirm_speaker()
        if heard is None:
            return _skip(CheckId.AUDIO_SPEAKER, Advice.SPEAKER_NOT_CONFIRMED)
        if heard:
            return CheckResult(
                CheckId.AUDIO_SPEAKER, Status.PASS, True, "", "heard", (), {"device": out.name if out else None}
            )
        return CheckResult(
            CheckId.AUDIO_SPEAKER,
            Status.FAIL,
            False,
            "",
            "heard",
            (Advice.SPEAKER_NOT_HEARD,),
            {"device": out.name if out else None},
        )


# ---------------------------------------------------------------------------------------------- system
def linux_wifi_signal(iface: str, proc_net_wireless: str) -> int | None:
    """Link quality in percent (of 70, the usual maximum) from /proc/net/wireless."""
    for line in proc_net_wireless.splitlines():
        if line.strip().startswith(iface + ":"):
            fields = line.split()
            try:
                quality = float(fields[2].rstrip("."))
            except (IndexError, ValueError):
                return None
            return int(min(100.0, quality * 100 / 70))
    return None


class SystemCheck:
    step = CheckId.SYSTEM_CPU
    produces = (
        CheckId.SYSTEM_CPU,
        CheckId.SYSTEM_MEMORY,
        CheckId.SYSTEM_DISK,
        CheckId.SYSTEM_POWER,
        CheckId.SYSTEM_NETWORK,
        CheckId.SYSTEM_VERSION,
    )

    def __init__(self, disk_path: Path | None = None) -> None:
        self.disk_path = disk_path or Path.home()

    def run(self, ctx: Context) -> list[CheckResult]:
        import psutil  # here, not at import: the desktop client imports this module while building its health area

        t = ctx.config.thresholds
        results: list[CheckResult] = []
        cpu = psutil.cpu_percent(interval=0.3)
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        st = _grade(cpu, t.cpu_warn_pct, t.cpu_fail_pct)
        results.append(
            CheckResult(
                CheckId.SYSTEM_CPU,
                st,
                cpu,
                "%",
                f"< {t.cpu_warn_pct:g}",
                (Advice.CPU_BUSY,) if st is not Status.PASS else (),
                {"load_avg": [round(x, 2) for x in load] if load else None, "cpus": psutil.cpu_count()},
            )
        )
        mem = psutil.virtual_memory()
        avail_mb = mem.available / 2**20
        st = Status.FAIL if avail_mb < t.memory_fail_mb else Status.WARN if avail_mb < t.memory_warn_mb else Status.PASS
        results.append(
            CheckResult(
                CheckId.SYSTEM_MEMORY,
                st,
                round(avail_mb),
                "MB",
                f">= {t.memory_warn_mb:g}",
                (Advice.MEMORY_LOW,) if st is not Status.PASS else (),
                {"total_mb": round(mem.total / 2**20)},
            )
        )
        try:
            disk = psutil.disk_usage(str(self.disk_path))
            free_mb = disk.free / 2**20
            st = Status.FAIL if free_mb < t.disk_fail_mb else Status.WARN if free_mb < t.disk_warn_mb else Status.PASS
            results.append(
                CheckResult(
                    CheckId.SYSTEM_DISK,
                    st,
                    round(free_mb),
                    "MB",
                    f">= {t.disk_warn_mb:g}",
                    (Advice.DISK_LOW,) if st is not Status.PASS else (),
                    {"path": str(self.disk_path)},
                )
            )
        except OSError as exc:
            results.append(_skip(CheckId.SYSTEM_DISK, Advice.CHECK_ERROR, error=str(exc)))
        results.append(self._power(ctx))
        results.append(self._network(ctx))
        results.append(
            CheckResult(
                CheckId.SYSTEM_VERSION,
                Status.PASS,
                ctx.app_version or "unknown",
                "",
                "",
                (),
                {"os": platform.platform(), "python": platform.python_version(), "machine": platform.machine()},
            )
        )
        return results

    def _power(self, ctx: Context) -> CheckResult:
        import psutil

        t = ctx.config.thresholds
        try:
            battery = psutil.sensors_battery()
        except (OSError, NotImplementedError, AttributeError):
            battery = None
        if battery is None:
            return CheckResult(CheckId.SYSTEM_POWER, Status.PASS, "mains", "", "mains", (), {"battery": None})
        details = {"battery_pct": round(battery.percent), "plugged": battery.power_plugged}
        if battery.power_plugged:
            return CheckResult(CheckId.SYSTEM_POWER, Status.PASS, "mains", "", "mains", (), details)
        if battery.percent < t.battery_low_pct:
            return CheckResult(
                CheckId.SYSTEM_POWER, Status.FAIL, "battery", "", "mains", (Advice.BATTERY_LOW,), details
            )
        return CheckResult(CheckId.SYSTEM_POWER, Status.WARN, "battery", "", "mains", (Advice.ON_BATTERY,), details)

    def _network(self, ctx: Context) -> CheckResult:
        t = ctx.config.thresholds
        interfaces = ctx.interfaces()
        # The physical link under everything: the non-tunnel, non-loopback interface that is up (wireless first
        # when there is one, since that is the one that matters for quality).
        physical = [i for i in interfaces if i.up and not i.loopback and not i.is_tunnel]
        if not physical:
            return CheckResult(CheckId.SYSTEM_NETWORK, Status.WARN, "none", "", "wired", (Advice.NO_ROUTE,))
        wifi = [i for i in physical if i.wireless]
        if not wifi:
            return CheckResult(
                CheckId.SYSTEM_NETWORK,
                Status.PASS,
                "wired",
                "",
                "wired",
                (),
                {"interfaces": [i.name for i in physical]},
            )
        iface = wifi[0]
        signal: int | None = None
        if ctx.inspector.platform is Platform.LINUX:
            try:
                signal = linux_wifi_signal(iface.name, Path("/proc/net/wireless").read_text())
            except OSError:
                signal = None
        elif ctx.inspector.platform is Platform.WINDOWS:
            from vpn_check.netif import _run

            signal = parse_netsh_wlan(_run(["netsh", "wlan", "show", "interfaces"]))
        details = {"interface": iface.name, "signal_pct": signal}
        if signal is not None and signal < t.wifi_weak_pct:
            return CheckResult(CheckId.SYSTEM_NETWORK, Status.WARN, "wifi", "", "wired", (Advice.WIFI_WEAK,), details)
        return CheckResult(CheckId.SYSTEM_NETWORK, Status.PASS, "wifi", "", "wired", (Advice.ON_WIFI,), details)
