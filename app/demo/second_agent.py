"""A simulated second agent for the demo, so the supervisor's team board has someone else to watch and command.

``python -m app.demo.second_agent --hub http://127.0.0.1:8740`` signs in as ``agent.wang`` (王强, team 信用卡客服一组,
supervisor ``sup.zhang``; every demo account's password is ``agentdesk``) with the client's own headless state stack
(``app.state.headless``: the real sync engine and state controller) and works a shift: 签入, 示闲, takes simulated
queue calls (振铃 → 通话中 → 话后整理), takes a 小休 now and then. It follows whatever a supervisor forces, like a real
agent: forced to 示忙 it stays there for a while, then goes ready again. :class:`SecondAgentService` runs it as a demo
service once the demo has a hub (``hub_url``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from app.demo.orchestrator import DemoContext
from app.protocol import AgentState, StateCause
from app.state.headless import HeadlessStateClient
from app.state.model import AgentEvent

log = logging.getLogger("app.demo.second_agent")
DEMO_PASSWORD = "agentdesk"  # server/seed.py DEMO_PASSWORD


def work_shift(client: HeadlessStateClient, stop: threading.Event, *, pace_s: float = 8.0, seed: int = 2) -> None:
    """Act like an agent until ``stop`` is set. ``pace_s`` is the typical time between actions."""
    rng = random.Random(seed)

    def pause(factor: float = 1.0) -> bool:
        return stop.wait(pace_s * factor * rng.uniform(0.6, 1.4))

    if client.view.state is AgentState.SIGNED_OUT:
        client.request(AgentEvent.SIGN_IN)
    while not stop.is_set():
        view = client.view
        status = view.status
        if status is None or view.pending is not None:
            if stop.wait(0.5):
                return
            continue
        state = status.state
        if state is AgentState.NOT_READY:
            # Forced by a supervisor or on a break: stay a while, then back to ready.
            if pause(2.0 if status.cause is StateCause.SUPERVISOR else 1.0):
                return
            client.request(AgentEvent.GO_READY)
        elif state is AgentState.READY:
            if pause():
                return
            if rng.random() < 0.25:
                client.request(AgentEvent.GO_NOT_READY, rng.choice(["break", "restroom", "follow_up"]))
            else:
                call_id = f"demo-{uuid.uuid4().hex[:8]}"
                client.call_event(AgentEvent.CALL_OFFERED, call_id)
                if pause(0.3):
                    return
                client.call_event(AgentEvent.CALL_ANSWERED, call_id)
                if pause(2.0):
                    return
                client.call_event(AgentEvent.CALL_ENDED, call_id)
        elif state is AgentState.WRAP_UP:
            if pause(0.5):
                return
            client.request(AgentEvent.GO_READY)  # ends a wrap-up early when the team's policy allows it
        elif state is AgentState.SIGNED_OUT:
            if pause(3.0):
                return
            client.request(AgentEvent.SIGN_IN)
        elif stop.wait(1.0):
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="second_agent", description=__doc__)
    parser.add_argument("--hub", required=True, help="the hub's base URL")
    parser.add_argument("--user", default="agent.wang")
    parser.add_argument("--pace", type=float, default=8.0, help="typical seconds between the agent's actions")
    parser.add_argument("--work-dir", type=Path)
    parser.add_argument("--ca-file", type=Path, help="PEM file of the CA that signed the hub's certificate")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="demo-agent-"))
    client = HeadlessStateClient(args.hub, work, ca_file=args.ca_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        user = client.sign_in(args.user, DEMO_PASSWORD)
        log.info("signed in as %s (%s)", user.username, user.display_name)
        client.controller.add_view_listener(lambda v: log.info("state: %s", v.state.value))
        work_shift(client, stop, pace_s=args.pace)
    except KeyboardInterrupt:
        pass
    finally:
        client.close()
    return 0


class ShiftStartService:
    """Demo service: the demo's agent (李娜) starts the shift by itself once the client is signed in to the hub —
    签入, then 示闲 (``--start-shift ready``) — so the state bar shows a working shift and the simulated customer's
    calls ring (a signed-out agent's queue calls are refused as busy). Nothing to stop."""

    name = "shift start"

    def __init__(self, target: str = "ready") -> None:
        self.target = target

    def start(self, ctx: DemoContext) -> None:
        ctx.add_client_args("--start-shift", self.target)
        ctx.say(f"the client starts the shift itself: 签入, then {'示闲' if self.target == 'ready' else '示忙'}")

    def stop(self) -> None:
        pass


class SecondAgentService:
    """Demo service: runs :func:`main` as a process against the demo's hub (``hub_url()`` once the hub is up)."""

    name = "second-agent"

    def __init__(self, hub_url: Callable[[], str], ca_file: Callable[[], Path | None] = lambda: None) -> None:
        self._hub_url = hub_url
        self._ca_file = ca_file
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, ctx: DemoContext) -> None:
        root = Path(__file__).resolve().parents[2]
        log_file = (ctx.work_dir / "second-agent.log").open("ab")
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.demo.second_agent",
                "--hub",
                self._hub_url(),
                "--work-dir",
                str(ctx.work_dir / "second-agent"),
                *(["--ca-file", str(ca)] if (ca := self._ca_file()) else []),
            ],
            cwd=root,
            env=dict(os.environ, PYTHONPATH=str(root)),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log_file.close()
        ctx.say(
            "a second agent (agent.wang, 王强) works a shift; sign in as sup.zhang / agentdesk to supervise the team"
        )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
