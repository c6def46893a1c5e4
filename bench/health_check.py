"""Benchmark: how long the full pre-shift check and the light in-shift check take (targets ≤ 10 s and ≤ 1 s).

Runs against real servers on loopback: Kamailio (the softphone's lab config) answering OPTIONS, the HTTPS health
endpoint stub with a test CA, and a private PulseAudio daemon whose "headset" microphone hears a tone (so the
2-second microphone test and device listing are real). The speaker confirmation is answered at once (a person takes
as long as they take). Prints the figures; asserts nothing.

    .venv/bin/python bench/health_check.py [--full-runs 3] [--light-runs 20]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.health_hub import HubStub, make_certs  # noqa: E402 - after the path set-up
from tests.helpers.kamailio import start_lab  # noqa: E402
from tests.helpers.pulse import PulseServer, pulseaudio_available  # noqa: E402
from vpn_check.audio import PulseAudioProbe  # noqa: E402
from vpn_check.config import HealthConfig, SipTransport  # noqa: E402
from vpn_check.model import Status  # noqa: E402
from vpn_check.profiles import checks_for  # noqa: E402
from vpn_check.runner import Context, Profile, Progress, Runner  # noqa: E402


def _summary(name: str, times: list[float], target: float) -> str:
    return (
        f"{name:<26} runs {len(times):>3}  median {statistics.median(times):6.3f} s  "
        f"min {min(times):6.3f} s  max {max(times):6.3f} s  (target ≤ {target:g} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-runs", type=int, default=3)
    parser.add_argument("--light-runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-health-") as tmp_name:
        tmp = Path(tmp_name)
        lab = start_lab(tmp / "kamailio", tmp / "logs", sip_trace=False)
        certs = make_certs(tmp / "certs", ("127.0.0.1", "localhost"))
        hub = HubStub(certs).start()
        pulse: PulseServer | None = None
        audio = None
        headset: tuple[str, ...] = ()
        try:
            if pulseaudio_available():
                pulse = PulseServer(tmp / "pa", tmp / "logs").start()
                sink = pulse.add_sink("bench_headset", "Bench Headset")
                pulse.pactl("load-module", "module-remap-source", f"master={sink.monitor}", "source_name=bench_mic",
                            "source_properties=\"device.description='Bench Headset Mic'\"")  # fmt: skip
                pulse.play_tone(sink.name, 440.0, 600.0, amplitude=0.3)
                os.environ.update({k: v for k, v in pulse.env().items() if k in ("PULSE_SERVER", "ALSA_CONFIG_PATH")})
                audio, headset = PulseAudioProbe(), ("*Bench Headset*",)
            cfg = HealthConfig(
                sip_host="127.0.0.1",
                sip_port=lab.tls_port,
                sip_transport=SipTransport.TLS,
                sip_ca_file=str(lab.pki.ca_cert),
                hub_url=hub.url("localhost"),
                ca_file=str(certs.ca),
                vpn_required=False,
                sip_via_vpn=False,
                hub_via_vpn=False,
                headset_patterns=headset,
            )
            full: list[float] = []
            marks: list[tuple[float, str]] = []

            def progress(p: Progress) -> None:
                marks.append((time.perf_counter(), p.current.value if p.current else "end"))

            for _ in range(args.full_runs):
                marks.clear()
                ctx = Context(cfg, Profile.FULL, audio=audio, confirm_speaker=lambda: True)
                report = Runner(checks_for(Profile.FULL, include_audio=audio is not None), progress).run(ctx)
                full.append(report.duration_s)
            steps = sorted(((b[0] - a[0], a[1]) for a, b in itertools.pairwise(marks)), reverse=True)
            light: list[float] = []
            for _ in range(args.light_runs):
                report_light = Runner(checks_for(Profile.LIGHT)).run(Context(cfg, Profile.LIGHT))
                light.append(report_light.duration_s)
        finally:
            hub.stop()
            lab.stop()
            if pulse is not None:
                pulse.stop()

    print(f"health check benchmark (SIP over TLS to Kamailio, HTTPS hub stub, audio: {audio is not None}, "
          f"{os.cpu_count()} CPUs; shared machine)")  # fmt: skip
    print(_summary("full pre-shift check", full, 10.0))
    print(_summary("light in-shift check", light, 1.0))
    print("steps of the last full run, slowest first:")
    for seconds, step in steps:
        print(f"    {step:<16} {seconds:6.3f} s")
    failed = [r.check.value for r in report.results if r.status is Status.FAIL]
    if failed:
        print(f"note: failing checks in the last full run (environment): {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
