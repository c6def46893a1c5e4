"""``python -m app.demo`` (what ``./demo.sh`` runs): the AgentDesk demo on this machine.

Today the demo runs the desktop client's shell. Each part of the product adds its service to :func:`services` (the
hub on SQLite with demo data, Kamailio with demo agents, a simulated caller, signing the client in); see
``app/demo/orchestrator.py`` for the interface.

Without a screen (no ``DISPLAY``/``WAYLAND_DISPLAY``) the client runs on a virtual X display and the demo saves a
screenshot instead of waiting for a window nobody can see.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.demo.health import HealthDemoSettings
from app.demo.hub import DemoKeyring, HubService, accounts_message
from app.demo.orchestrator import ROOT, Demo, DemoError, DemoService, VirtualDisplay
from app.demo.second_agent import SecondAgentService, ShiftStartService


def services(*, headless: bool, first_call_s: float = 20.0, call_interval_s: float = 60.0) -> list[DemoService]:
    """The demo's services in start order. Add yours here."""
    result: list[DemoService] = []
    if headless:
        result.append(VirtualDisplay())
    hub = HubService()
    result.append(hub)
    result += softphone_services(first_call_s, call_interval_s)
    result.append(HealthDemoSettings())  # issue 8: no VPN or approved headset on a demo machine
    result.append(DemoKeyring(lambda: hub.url))  # the client signs in as agent.li with the keyring's password
    result.append(ShiftStartService("ready"))  # issue 6: … and starts the shift (签入, 示闲)
    result.append(SecondAgentService(lambda: hub.url, lambda: hub.ca_file))  # someone else on the team board
    return result


def softphone_services(first_call_s: float = 20.0, call_interval_s: float = 60.0) -> list[DemoService]:
    """Kamailio with the demo agents' extensions and a simulated customer calling extension 1001 (issue 3)."""
    from app.demo.softphone import KamailioService, SimulatedCustomerService

    kamailio = KamailioService(agent_extension="1001")
    return [kamailio, SimulatedCustomerService(kamailio, first_s=first_call_s, interval_s=call_interval_s)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--check",
        action="store_true",
        help="start everything, wait until the client is signed in to the hub, stop (smoke test)",
    )
    parser.add_argument(
        "--check-call",
        action="store_true",
        help="smoke test of a call: the customer calls at once; stop when the client shows the hub's screen pop",
    )
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the client window and stop")
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="keep the demo's files (site settings, client profile and logs, services' data) here; "
        "default: a temporary directory removed at the end",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    parser.add_argument("client_args", nargs="*", help="extra arguments for the client (after --)")
    args = parser.parse_args(argv)

    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    client_args = list(args.client_args)
    if args.check:
        client_args.append("--exit-after-sign-in")
    if args.check_call:
        client_args.append("--exit-after-screen-pop")
    checking = args.check or args.check_call
    screenshot = args.screenshot
    if headless and not checking and screenshot is None:
        screenshot = ROOT / "out" / "demo-screenshot.png"
        print(f"[demo] no screen found: the client runs on a virtual display and the demo saves {screenshot}")
    if screenshot is not None:
        client_args += ["--screenshot", str(screenshot.resolve())]
    if not args.quiet:
        print("[demo] " + accounts_message().replace("\n", "\n[demo] "), flush=True)
    try:
        # --check-call: the customer calls every few seconds until the client's phone answers the INVITE
        calls = {"first_call_s": 5.0, "call_interval_s": 5.0} if args.check_call else {}
        demo = Demo(services(headless=headless, **calls), quiet=args.quiet)
        code = demo.run(client_args, work_dir=args.work_dir)
    except DemoError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    if code == 0 and screenshot is not None:
        print(f"[demo] screenshot saved: {screenshot}")
    return code


if __name__ == "__main__":
    sys.exit(main())
