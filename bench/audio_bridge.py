"""Benchmark of the headset audio bridge: added latency per direction, glitches, and in-call CPU.

    python -m bench.audio_bridge                 # 5-minute call (the issue's figure)
    python -m bench.audio_bridge --duration 60   # shorter

Everything is real and private to the run: a PulseAudio daemon with null sinks, Kamailio, the agent (pjsua2 + the
bridge, ``tests/helpers/audio_agent.py``) and a customer (baresip with *native* ALSA audio on the same kind of
PulseAudio devices).

**Latency** is measured with chirps and cross-correlation, one stereo recording per direction so that both ends
share one clock: for the uplink, a stereo null sink ``up`` whose left channel is the agent's microphone (a
remap-source of ``up.monitor``'s left channel, into which the chirps are played) and whose right channel is the
customer's speaker (a remap-sink); recording ``up.monitor`` gives "said" on the left and "heard" on the right.
The downlink is the mirror image. The same layout is first measured with **two baresips** (native audio on both
ends): the bridge's *added* latency per direction is the agent call's figure minus that baseline, i.e. what the
bridge costs compared with a softphone that has its own sound devices.

**Glitches**: the bridge's own counters over the measured call (underruns, overruns, drift corrections, device
xruns), after call set-up.

**CPU**: user + system time of the agent process (the app's own SIP engine, ``sip.engine.SipEngine``, with the
bridge as its ``CallAudio``: ``tests/helpers/bridged_softphone_driver.py``) and of the baresip in the same call over
the measured window, as % of one core.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from tests.helpers.agent import AgentProcess
from tests.helpers.audio_agent_client import AudioAgent, agent_env
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import Lab, start_lab
from tests.helpers.process import ProcessError
from tests.helpers.pulse import PulseServer, Samples

ROOT = Path(__file__).resolve().parents[1]
RATE = 16000
CHIRP_S = 0.4
PERIOD_S = 2.0


@dataclass
class DirectionDevices:
    """One direction's measurement devices: chirps go into ``feed`` (left), the far end's speaker is ``out``."""

    sink: str  # stereo null sink; its monitor is recorded
    mic: str  # mono source = left channel of the sink's monitor
    out: str  # mono sink = right channel of the stereo sink


def make_path(server: PulseServer, name: str) -> DirectionDevices:
    server.pactl(
        "load-module",
        "module-null-sink",
        f"sink_name={name}",
        "channels=2",
        "channel_map=front-left,front-right",
        f"rate={RATE}",
    )
    mic, out = f"{name}_mic", f"{name}_out"
    server.pactl(
        "load-module",
        "module-remap-source",
        f"master={name}.monitor",
        f"source_name={mic}",
        "channels=1",
        "master_channel_map=front-left",
        "channel_map=mono",
        f"source_properties=device.description={mic}",
    )
    server.pactl(
        "load-module",
        "module-remap-sink",
        f"master={name}",
        f"sink_name={out}",
        "channels=1",
        "master_channel_map=front-right",
        "channel_map=mono",
        "remix=no",
        f"sink_properties=device.description={out}",
    )
    return DirectionDevices(name, mic, out)


def chirp_train(seconds: float) -> Samples:
    """Stereo: a 300–3400 Hz chirp every PERIOD_S on the left, silence on the right."""
    t = np.arange(int(CHIRP_S * RATE)) / RATE
    f0, f1 = 300.0, 3400.0
    chirp = 0.5 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) / (2 * CHIRP_S) * t**2)) * np.hanning(len(t))
    period = np.zeros(int(PERIOD_S * RATE))
    period[: len(chirp)] = chirp
    left = np.tile(period, int(seconds / PERIOD_S) + 1)
    return np.stack([left, np.zeros_like(left)], axis=1)


def lags_ms(recording: Samples) -> list[float]:
    """Per chirp: the delay of the right channel (heard) behind the left (said), by cross-correlation."""
    said, heard = recording[:, 0], recording[:, 1]
    n = int(PERIOD_S * RATE)
    found = []
    for start in range(0, len(said) - 2 * n, n):
        seg = said[start : start + n]
        if np.max(np.abs(seg)) < 0.1:
            continue
        onset = start + int(np.argmax(np.abs(seg) > 0.05))
        ref = said[onset : onset + int(CHIRP_S * RATE)]
        window = heard[onset : onset + n]
        if len(window) < len(ref) or np.max(np.abs(window)) < 0.01:
            continue
        corr = np.correlate(window, ref, mode="valid")
        peak = int(np.argmax(np.abs(corr)))
        if np.abs(corr[peak]) < 0.2 * np.sqrt(np.sum(ref**2) * np.sum(window**2)) / 4:
            continue
        found.append(peak * 1000.0 / RATE)
    return found


def measure(
    server: PulseServer, up: DirectionDevices, down: DirectionDevices, seconds: float
) -> tuple[float | None, float | None]:
    """Median uplink and downlink latency (ms) over ``seconds`` of chirps in both directions at once."""
    rec_up = server.record(f"{up.sink}.monitor", RATE, 2)
    rec_down = server.record(f"{down.sink}.monitor", RATE, 2)
    time.sleep(0.3)
    train = chirp_train(seconds)
    p_up = server.play(up.sink, train, RATE)
    p_down = server.play(down.sink, train, RATE)
    time.sleep(seconds + 1.0)
    p_up.stop()
    p_down.stop()
    up_lags, down_lags = lags_ms(rec_up.stop()), lags_ms(rec_down.stop())
    return (
        statistics.median(up_lags) if up_lags else None,
        statistics.median(down_lags) if down_lags else None,
    )


def baresip_on(pcm: str, user: str, lab: Lab, logs: Path, home: Path, answer: str) -> Baresip:
    peer = Baresip.for_lab(user, lab, logs, home, answer=answer)
    config = peer.home / "config"
    text = config.read_text()
    text = text.replace("audio_player alsa,null", f"audio_player alsa,{pcm}")
    text = text.replace("audio_source ausine,440", f"audio_source alsa,{pcm}")
    text = text.replace("ausrc_channels 2", "ausrc_channels 1\nauplay_channels 1")
    config.write_text(text)
    return peer


def start_bridged_softphone(
    server: PulseServer, log_dir: Path, mic: str, speaker: str, tuning: list[str]
) -> AgentProcess:
    """``tests/helpers/bridged_softphone_driver.py``: the app's SIP engine with the bridge, in its own process."""
    env = agent_env(server.env())
    env["PYTHONPATH"] = str(ROOT)
    argv = [sys.executable, "-m", "tests.helpers.bridged_softphone_driver", "--log", str(log_dir / "softphone.log")]
    argv += ["--microphone", mic, "--speaker", speaker, *tuning]
    stderr = (log_dir / "softphone.stderr").open("ab")
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1
    )
    stderr.close()
    agent = AgentProcess(proc, log_dir / "softphone.log", None)
    agent.wait_for(lambda e: bool(e.get("ready")), 30, kind="ready")
    return agent


class _Stopper:
    """``contextlib.closing`` adapter: stop an already started baresip on exit."""

    def __init__(self, peer: Baresip) -> None:
        self.peer = peer

    def close(self) -> None:
        self.peer.stop()


def started_baresip(pcm: str, user: str, lab: Lab, logs: Path, home: Path, answer: str) -> Baresip:
    """A started baresip; retried because its TLS listener takes the port after the one it was given, which
    another program on a busy machine may hold."""
    for attempt in range(5):
        peer = baresip_on(pcm, user, lab, logs, home / str(attempt), answer)
        try:
            return peer.start()
        except ProcessError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


def run(duration: float, work: Path, tuning: list[str], loop_only: bool = False) -> dict[str, Any]:
    server = PulseServer(work / "pa", work / "logs").start()
    lab = start_lab(work / "kamailio", work / "logs", tls=False, sip_trace=False)
    results: dict[str, Any] = {}
    try:
        # Agent side devices: mic = up_mic (chirps said by the agent), speaker = down_out (what the agent hears).
        up = make_path(server, "up")
        down = make_path(server, "down")
        server.add_alsa_pcm("customer_dev", sink=up.out, source=down.mic)
        server.add_alsa_pcm("agentnative_dev", sink=down.out, source=up.mic)
        os.environ.update(server.env())  # baresip (started by ManagedProcess) inherits the private server

        # 0. The bridge alone, in loop mode: headset mic -> bridge -> pjmedia conference -> bridge -> headset
        #    speaker, no network, no codec, no jitter buffer. Chirps in on the left, out on the right.
        loop = make_path(server, "loop")
        looper = AudioAgent(
            ["--mode", "loop", "--microphone", loop.mic, "--speaker", loop.out, *tuning],
            agent_env(server.env()),
            work / "logs" / "agent-loop.log",
            timeout=60,
        )
        try:
            looper.cmd("loop_start")
            time.sleep(3.0)
            looper.cmd("reset_stats")
            rec = server.record(f"{loop.sink}.monitor", RATE, 2)
            time.sleep(0.3)
            loop_s = duration if loop_only else min(20.0, duration)
            player = server.play(loop.sink, chirp_train(loop_s), RATE)
            # Queue depths sampled *while* the chirps are measured (the floors may move during a run).
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                sampled = pool.submit(looper.cmd, "depths", seconds=loop_s, timeout=loop_s + 60)
                time.sleep(loop_s + 1.0)
                loop_depths = sampled.result()
            player.stop()
            loop_lags = lags_ms(rec.stop())
            loop_stats = looper.cmd("stats")
        finally:
            looper.quit()
        results["loop_ms"] = statistics.median(loop_lags) if loop_lags else None
        results["loop_stats"] = loop_stats
        results["loop_depth_mean"] = {
            "mic": statistics.mean(d[0] for d in loop_depths),
            "speaker": statistics.mean(d[1] for d in loop_depths),
        }
        results["loop_s"] = loop_s
        if loop_only:
            return results

        # 1. Baseline: both ends native (baresip ↔ baresip).
        logs = work / "logs"
        native_agent = started_baresip("agentnative_dev", "1001", lab, logs, work / "b1", answer="auto")
        customer = started_baresip("customer_dev", "alice", lab, logs, work / "b2", answer="manual")
        with contextlib.closing(_Stopper(native_agent)), contextlib.closing(_Stopper(customer)):
            native_agent.wait_registered()
            customer.wait_registered()
            customer.dial("1001")
            customer.wait_event("CALL_ESTABLISHED", timeout=15)
            time.sleep(2.0)
            base_up, base_down = measure(server, up, down, min(20.0, duration))
            customer.hangup()
        results["baseline_ms"] = {"uplink": base_up, "downlink": base_down}

        # 2. The agent: the production softphone engine (sip.engine.SipEngine) with the bridge.
        agent = start_bridged_softphone(server, work / "logs", up.mic, down.out, tuning)
        customer = started_baresip("customer_dev", "alice", lab, logs, work / "b3", answer="manual")
        try:
            agent.register_to(lab, "1001", transport="udp")
            agent.wait_registered()
            with contextlib.closing(_Stopper(customer)):
                customer.wait_registered()
                customer.dial("1001")
                call = agent.wait_event("IncomingCall", timeout=15)["call"]
                agent.command("answer", call_id=call["call_id"])
                customer.wait_event("CALL_ESTABLISHED", timeout=15)
                time.sleep(3.0)
                agent.command("audio_reset_stats")
                agent_proc = psutil.Process(agent.proc.pid)
                customer_proc = psutil.Process(customer.process.pid)
                cpu0 = (cpu_seconds(agent_proc), cpu_seconds(customer_proc), time.monotonic())
                with concurrent.futures.ThreadPoolExecutor(1) as pool:
                    # Sparse random samples (every 100 ms on average) so the sampling costs the agent no CPU
                    # worth measuring.
                    sampled = pool.submit(
                        agent.command, "audio_depths", seconds=duration, interval=0.1, timeout=duration + 60
                    )
                    up_ms, down_ms = measure(server, up, down, duration)
                    depths = sampled.result()
                cpu1 = (cpu_seconds(agent_proc), cpu_seconds(customer_proc), time.monotonic())
                stats = agent.command("audio_stats")
                customer.hangup()
        finally:
            agent.quit()
        wall = cpu1[2] - cpu0[2]
        results["agent_ms"] = {"uplink": up_ms, "downlink": down_ms}
        results["added_ms"] = {
            "uplink": None if up_ms is None or base_up is None else up_ms - base_up,
            "downlink": None if down_ms is None or base_down is None else down_ms - base_down,
        }
        results["stats"] = stats
        results["queue_depth_mean"] = {
            "mic": statistics.mean(d[0] for d in depths),
            "speaker": statistics.mean(d[1] for d in depths),
        }
        results["cpu_pct"] = {
            "agent": 100.0 * (cpu1[0] - cpu0[0]) / wall,
            "baresip": 100.0 * (cpu1[1] - cpu0[1]) / wall,
        }
        results["duration_s"] = wall
    finally:
        lab.stop()
        server.stop()
    return results


def fmt(value: float | None, unit: str = "ms") -> str:
    return "n/a" if value is None else f"{value:.1f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of measured call (default 300)")
    parser.add_argument("--blocks", type=int, help="tuning: PortAudio blocks per 20 ms frame (1 or 2)")
    parser.add_argument("--target", type=int, help="tuning: queue floor in frames")
    parser.add_argument("--output-latency", type=float, help="tuning: PortAudio output latency (s)")
    parser.add_argument("--input-latency", type=float, help="tuning: PortAudio input latency (s)")
    parser.add_argument("--speaker-target", type=int, help="tuning: speaker queue floor in frames")
    parser.add_argument("--mic-target", type=int, help="tuning: microphone queue floor in frames")
    parser.add_argument("--no-realtime", action="store_true", help="tuning: audio threads at normal priority")
    parser.add_argument(
        "--bridge-path",
        choices=("auto", "native", "python"),
        default="auto",
        help="the bridge's OS side: native (C on libpulse), python (PortAudio callbacks); auto: native when built",
    )
    parser.add_argument("--loop-only", action="store_true", help="only the bridge-alone loop (no call)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, recordings)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ad-audio-bench-"))
    try:
        tuning = []
        for flag in ("blocks", "target", "output_latency", "input_latency", "speaker_target", "mic_target"):
            value = getattr(args, flag)
            if value is not None:
                tuning += [f"--{flag.replace('_', '-')}", str(value)]
        if args.no_realtime:
            tuning.append("--no-realtime")
        if args.bridge_path != "auto":
            tuning += ["--bridge-path", args.bridge_path]
        r = run(args.duration, work, tuning, loop_only=args.loop_only)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"AgentDesk audio bridge benchmark (load average {load[0]:.2f} {load[1]:.2f} on {os.cpu_count()} cores)")
    print(f"  tuning: {' '.join(tuning) or 'engine defaults'}")
    print_loop(r)
    if "stats" in r:
        print_call(r)
    return 0


def directions_ms(stats: dict[str, Any], depth: dict[str, float], blocks: int) -> tuple[float, float]:
    """Per direction, from what the bridge measures itself: the device delay PortAudio reports on every callback
    (capture → input callback, output callback → playback) and the time a frame waits in its queue (Little's law:
    the time-averaged depth sampled every 5 ms, times 20 ms). With 10 ms blocks the microphone queue holds blocks:
    a frame's first block waits half a block longer than the average block."""
    block_ms = 20.0 / blocks
    up = stats["input_device_delay"] * 1000 + depth["mic"] * 20 + (block_ms / 2 if blocks == 2 else 0.0)
    down = depth["speaker"] * 20 + stats["output_device_delay"] * 1000
    return up, down


def print_loop(r: dict[str, Any]) -> None:
    loop_ms = r["loop_ms"]
    ls, ld = r["loop_stats"], r["loop_depth_mean"]
    blocks = int(ls.get("blocks_per_frame", 2))
    up, down = directions_ms(ls, ld, blocks)
    print(f"  the bridge alone, {r['loop_s']:.0f} s (headset mic -> bridge -> pjmedia -> bridge -> headset speaker):")
    if loop_ms is None:
        print("    loop latency: no chirp found")
    else:
        print(f"    loop latency (chirps, cross-correlation of the sink monitor): {loop_ms:.1f} ms")
    print(
        f"    microphone -> call: {up:.1f} ms  (device {ls['input_device_delay'] * 1000:.1f} ms"
        f" + queue {ld['mic'] * 20 + (5.0 if blocks == 2 else 0.0):.1f} ms)"
    )
    print(
        f"    call -> speaker:    {down:.1f} ms  (queue {ld['speaker'] * 20:.1f} ms"
        f" + device {ls['output_device_delay'] * 1000:.1f} ms)    target <= 50 ms each"
    )
    if loop_ms is not None:
        print(
            f"    sum of the two {up + down:.1f} ms vs loop measured {loop_ms:.1f} ms (pjmedia + unaccounted {loop_ms - up - down:+.1f} ms)"
        )
    print_glitches(ls, "    ")
    print(f"    real-time threads: {ls.get('realtime_threads')}; OS side: {ls.get('path', 'python')}")


def print_glitches(s: dict[str, Any], indent: str) -> None:
    for side in ("capture", "playback"):
        c = s[side]
        print(
            f"{indent}{side:8}: {c['frames']} frames, underruns {c['underruns']}, overruns {c['overruns']},"
            f" drift corrections {c['drift_drops']}, backlog drops {c.get('burst_drops', 0)},"
            f" device xruns {c['os_flags']}, cushion {c.get('cushion_ms', 0):.0f} ms"
        )
    glitches = sum(
        s[k].get(f, 0)
        for k in ("capture", "playback")
        for f in ("underruns", "overruns", "drift_drops", "burst_drops", "os_flags")
    )
    print(
        f"{indent}glitches: {glitches} (target 0); longest gap between callbacks: output"
        f" {s['max_output_gap'] * 1000:.0f} ms, input {s['max_input_gap'] * 1000:.0f} ms"
    )


def print_call(r: dict[str, Any]) -> None:
    s = r["stats"]
    print(f"  a call through Kamailio to baresip, {r['duration_s']:.0f} s (the app's SipEngine with the bridge):")
    for key, label in (("uplink", "agent mic -> customer ear"), ("downlink", "customer mic -> agent ear")):
        print(
            f"    {key:8} ({label}): {fmt(r['agent_ms'][key])}; the same path between two native baresips "
            f"{fmt(r['baseline_ms'][key])} (difference {fmt(r['added_ms'][key])})"
        )
    up, down = directions_ms(s, r["queue_depth_mean"], int(s.get("blocks_per_frame", 2)))
    print(f"    the bridge's share of it (as above): microphone -> call {up:.1f} ms, call -> speaker {down:.1f} ms")
    print_glitches(s, "    ")
    cpu = r["cpu_pct"]
    ratio = cpu["agent"] / cpu["baresip"] if cpu["baresip"] > 0 else float("inf")
    print(
        f"    in-call CPU: agent {cpu['agent']:.2f} % of a core, baresip {cpu['baresip']:.2f} %"
        f"  -> {ratio:.2f}x (target <= 1.5x)"
    )


if __name__ == "__main__":
    sys.exit(main())
