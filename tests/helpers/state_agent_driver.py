"""An agent client for the state tests, run as its own process: the real softphone engine (pjsua2, registered to
Kamailio), the real hub connection (``app.sync``) and the state core (controller + ACD coupling) wired as the app
wires them, on a loop thread instead of Qt's. Driven over JSON lines like ``tests/helpers/agent_driver.py``.

Commands: ``register`` (as agent_driver), ``sign_in {hub_url, username, password, data_dir}``,
``request {event, reason}``, ``view``, ``headset {present}``, ``quit``. Output events: every SIP event, and
``StateView`` / ``Notice`` from the state core.

    python -m tests.helpers.state_agent_driver --log agent.log
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from app.state.controller import Notice, StateView
from app.state.coupling import AcdCoupling
from app.state.headless import HeadlessStateClient
from app.state.model import AgentEvent
from app.state.phone_link import SoftphoneStateLink
from sip.engine import SipEngine
from sip.media import NullCallAudio
from sip.model import AccountSettings, AutoAnswerMode, EngineSettings, SipEvent, Transport
from tests.helpers.agent_driver import _jsonable, emit

log = logging.getLogger("state_agent")


def view_json(view: StateView) -> dict[str, Any]:
    status = view.status
    return {
        "event": "StateView",
        "state": view.state.value,
        "reason": status.reason if status else None,
        "pending": _jsonable(view.pending),
        "pending_state": status.pending_state.value if status and status.pending_state else None,
        "cause": status.cause.value if status else None,
        "changed_by_name": status.changed_by_name if status else None,
        "version": status.version if status else None,
        "connected": view.connected,
        "phase": view.phase.value,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    logging.basicConfig(
        filename=str(args.log) if args.log else None,
        level=logging.INFO,
        format="%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s",
    )
    headset = threading.Event()
    headset.set()
    client: HeadlessStateClient | None = None
    link: SoftphoneStateLink | None = None

    def on_sip_event(event: SipEvent) -> None:
        emit({"event": type(event).__name__, **_jsonable(event)})
        if link is not None:
            link.on_sip_event(event)

    engine = SipEngine(EngineSettings(ip_monitor=False), on_sip_event, call_audio=NullCallAudio())
    engine.start()
    emit({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        req_id, cmd, a = msg.get("id"), msg["cmd"], msg.get("args", {})
        try:
            result: Any = None
            if cmd == "register":
                acc = AccountSettings(
                    server=a["server"],
                    user=a["user"],
                    domain=a.get("domain", ""),
                    port=a.get("port", 0),
                    transport=Transport(a.get("transport", "tcp")),
                    auto_answer=AutoAnswerMode.OFF,  # auto-answer is the state coupling's decision
                )
                result = engine.register(acc, a["password"]).result(10)
            elif cmd == "sign_in":
                client = HeadlessStateClient(a["hub_url"], Path(a["data_dir"]))
                client.controller.add_view_listener(lambda v: emit(view_json(v)))
                client.controller.add_notice_listener(lambda n: emit(_notice(n)))
                link = SoftphoneStateLink(engine, client.loop.post)
                coupling = AcdCoupling(client.controller, link, client.loop, headset_present=headset.is_set)
                link.attach(coupling)
                user = client.sign_in(a["username"], a["password"])
                result = {"id": user.id}
            elif cmd == "request":
                assert client is not None
                kind = client.request(AgentEvent(a["event"]), a.get("reason"))
                result = kind.value if kind else None
            elif cmd == "view":
                assert client is not None
                result = view_json(client.view)
            elif cmd == "headset":
                if a["present"]:
                    headset.set()
                else:
                    headset.clear()
            elif cmd != "quit":
                raise ValueError(f"unknown command {cmd!r}")
            emit({"reply": req_id, "ok": True, "result": result})
        except Exception as exc:
            log.exception("command %s failed", cmd)
            emit({"reply": req_id, "ok": False, "error": repr(exc)})
        if cmd == "quit":
            break
    if client is not None:
        client.close()
    engine.shutdown()
    emit({"bye": True})
    return 0


def _notice(notice: Notice) -> dict[str, Any]:
    data: dict[str, Any] = _jsonable(notice)
    data["about"] = data.pop("event")  # the AgentEvent concerned; "event" names the output line
    return {**data, "event": "Notice"}


if __name__ == "__main__":
    sys.exit(main())
