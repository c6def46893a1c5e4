"""Softphone benchmark: real Kamailio, the agent's ``SipEngine`` in its own process, a pjsua2 customer.

Prints:
- INVITE received → ringing event (ms): the agent's SIP trace timestamp of the INVITE vs. its "incoming call" log line;
- answer → media flowing (ms): from the answer command until the first RTP packet has been received;
- idle CPU while registered (% of one core, over ``--idle`` seconds, 60 by default), and the process's threads;
- in-call CPU (% of one core, over ``--in-call`` seconds);
- RSS of the agent process (MB), idle and in a call;
- registration recovery after a registrar restart over TCP (s, from the registrar accepting again).

Figures depend on the machine and its load (the development box has 2 cores shared with other work).

    .venv/bin/python bench/softphone.py [--idle 60] [--in-call 20]
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.agent import AgentProcess  # noqa: E402  (path set above)
from tests.helpers.kamailio import Lab, start_lab  # noqa: E402


def cpu_percent(proc: psutil.Process, seconds: float) -> float:
    before = proc.cpu_times()
    start = time.monotonic()
    time.sleep(seconds)
    after = proc.cpu_times()
    used = (after.user + after.system) - (before.user + before.system)
    return 100.0 * used / (time.monotonic() - start)


def _log_time(line: str) -> float:
    return float(line.split()[2])  # "%(asctime)s %(created).6f ..." (date, time, created)


def invite_to_ringing_ms(agent: AgentProcess, call_no: int) -> float:
    text = agent.log_path.read_text(errors="replace").splitlines()
    invites = [_log_time(line) for line in text if re.search(r"sip\.trace INFO RX \d+ bytes Request msg INVITE", line)]
    ringing = [_log_time(line) for line in text if "sip.engine INFO incoming call" in line]
    return (ringing[call_no] - invites[call_no]) * 1000.0


def one_call(agent: AgentProcess, customer: AgentProcess, call_no: int) -> tuple[float, float]:
    mark = agent.mark()
    customer.command("call", number="1001")
    incoming = agent.wait_event("IncomingCall", after=mark)
    call_id = incoming["call"]["call_id"]
    t0 = time.monotonic()
    agent.command("answer", call_id=call_id)
    while agent.command("media_stats", call_id=call_id)["rx_pkt"] == 0:
        if time.monotonic() - t0 > 5:
            raise RuntimeError("no media 5 s after answering")
        time.sleep(0.002)
    answer_to_media = (time.monotonic() - t0) * 1000.0
    time.sleep(0.2)
    return invite_to_ringing_ms(agent, call_no), answer_to_media


def registrar_recovery_s(lab: Lab, agent: AgentProcess) -> float:
    mark = agent.mark()
    lab.stop()
    agent.wait_event("RegistrationChanged", lambda e: e["state"] != "registered", after=mark)
    time.sleep(1.0)
    mark = agent.mark()
    lab.start()
    back = time.monotonic()
    while True:  # measure from the moment the registrar accepts connections
        try:
            with socket.create_connection((lab.host, lab.tcp_port), timeout=0.1):
                break
        except OSError:
            time.sleep(0.01)
    back = min(back, time.monotonic())
    agent.wait_registered(after=mark, timeout=30)
    return time.monotonic() - back


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU measurement (default 60)")
    parser.add_argument("--in-call", type=float, default=20.0, help="seconds of in-call CPU measurement")
    parser.add_argument("--calls", type=int, default=5, help="calls for the latency figures")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-softphone-"))
    logs = work / "logs"
    lab = start_lab(work / "kamailio", logs, tls=False, sip_trace=False)
    agent = AgentProcess.start(logs, work / "agent", name="agent", tone_hz=700, record=False)
    customer = AgentProcess.start(logs, work / "customer", name="customer", tone_hz=440, record=False)
    try:
        agent.register_to(lab, "1001", "tcp")
        agent.wait_registered()
        customer.register_to(lab, "2001", "tcp")
        customer.wait_registered()
        proc = psutil.Process(agent.proc.pid)

        ringing: list[float] = []
        media: list[float] = []
        for i in range(args.calls):
            r, m = one_call(agent, customer, i)
            ringing.append(r)
            media.append(m)
            mark = agent.mark()
            agent.command("hangup", call_id=agent.command("calls")[0]["call_id"])
            agent.wait_event("CallEnded", after=mark)
            time.sleep(0.3)

        time.sleep(3.0)  # let the media clock linger end and settle
        threads = proc.num_threads()
        idle = cpu_percent(proc, args.idle)
        rss_idle = proc.memory_info().rss / 1e6

        customer.command("call", number="1001")
        call_id = agent.wait_event("IncomingCall", after=agent.mark() - 1)["call"]["call_id"]
        agent.command("answer", call_id=call_id)
        agent.wait_call_state("connected", call_id=call_id)
        time.sleep(1.0)
        in_call = cpu_percent(proc, args.in_call)
        rss_call = proc.memory_info().rss / 1e6
        agent.command("hangup", call_id=call_id)

        recovery = registrar_recovery_s(lab, agent)

        print("softphone benchmark (agent = SipEngine process; Kamailio and a pjsua2 customer on loopback)")
        print(
            f"  INVITE received -> ringing event : median {statistics.median(ringing):.2f} ms (max {max(ringing):.2f}, n={len(ringing)})"
        )
        print(
            f"  answer -> media flowing         : median {statistics.median(media):.1f} ms (max {max(media):.1f}, n={len(media)})"
        )
        print(f"  idle CPU while registered       : {idle:.3f} % of a core over {args.idle:.0f} s ({threads} threads)")
        print(f"  in-call CPU                     : {in_call:.2f} % of a core over {args.in_call:.0f} s")
        print(f"  RSS                             : {rss_idle:.1f} MB idle, {rss_call:.1f} MB in a call")
        print(f"  registration recovery (TCP)     : {recovery:.2f} s after the registrar accepts again")
        return 0
    finally:
        customer.quit()
        agent.quit()
        lab.stop()


if __name__ == "__main__":
    sys.exit(main())
