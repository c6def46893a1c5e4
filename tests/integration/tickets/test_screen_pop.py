"""Screen pop end to end: a customer calls from baresip through Kamailio, the agent's softphone (the real
``SipEngine`` in its own process) rings, and the ticket panel shows that caller's open tickets from the hub."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.demo.kamailio import SipUser
from app.sync.events import ConnectionChanged, ConnectionState, DataSource, ScreenPop, TicketsReset
from app.sync_bridge import SyncBridge
from tests.helpers.agent import AgentProcess
from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import DEFAULT_USERS, Lab, start_lab
from tests.integration.sync.conftest import EngineFactory
from ui.tickets.model import TICKET_ROLE, TicketView
from ui.tickets.panel import TicketPanel

pytestmark = pytest.mark.integration

CUSTOMER = "13800138000"  # server.demo_content.DEMO_CALLER: 张伟, two open tickets


@pytest.fixture
def lab(tmp_path: Path, process_log_dir: Path) -> Iterator[Lab]:
    users = (*DEFAULT_USERS, SipUser(CUSTOMER, "customer-secret"))
    lab = start_lab(tmp_path / "kamailio", process_log_dir / tmp_path.name, users=users, tls=False)
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def softphone(process_log_dir: Path, tmp_path: Path) -> Iterator[AgentProcess]:
    proc = AgentProcess.start(process_log_dir / tmp_path.name, tmp_path / "agent", tone_hz=700)
    try:
        yield proc
    finally:
        proc.quit()


def test_incoming_call_pops_the_callers_open_tickets(
    engines: EngineFactory,
    lab: Lab,
    softphone: AgentProcess,
    qtbot: QtBot,
    process_log_dir: Path,
    tmp_path: Path,
) -> None:
    engine, rec = engines()
    bridge = SyncBridge(engine)
    panel = TicketPanel(bridge)
    qtbot.addWidget(panel)
    engine.login("agent.li", "agentdesk").result(30)
    rec.wait_for(TicketsReset, predicate=lambda e: e.source is DataSource.HUB)
    rec.wait_for(ConnectionChanged, predicate=lambda e: e.state is ConnectionState.ONLINE)

    softphone.register_to(lab, "1001")
    softphone.wait_registered()
    with Baresip.for_lab(CUSTOMER, lab, process_log_dir, tmp_path) as customer:
        customer.wait_registered()
        customer.dial(f"sip:1001@{lab.domain}")
        incoming = softphone.wait_event("IncomingCall", timeout=15)["call"]
        # What the composition root does with the softphone's IncomingCall event:
        with qtbot.waitSignal(
            panel.screen_pop_shown,
            timeout=15_000,
            check_params_cb=lambda pop: pop.source is DataSource.HUB,
        ) as shown:
            panel.on_call_incoming(str(incoming["call_id"]), str(incoming["remote_number"]))
        pop: ScreenPop = shown.args[0]
        assert pop.phone == "+86" + CUSTOMER
        assert pop.result is not None
        assert pop.result.customer_name == "张伟"
        assert len(pop.result.open_tickets) == 2
        assert panel.proxy.view is TicketView.CALLER
        shown_ids = {panel.proxy.index(r, 0).data(TICKET_ROLE).id for r in range(panel.proxy.rowCount())}
        assert {t.id for t in pop.result.open_tickets} <= shown_ids
        assert "张伟" in panel.banner_label.text()
        # "New ticket from this call": prefilled with the number, the call id and the start time.
        panel.pop_new_button.click()
        editor = panel.editors()[-1]
        assert editor.customer_phone.text() == "+86" + CUSTOMER
        assert editor.customer_name.text() == "张伟"
        assert editor.call_id == str(incoming["call_id"])
        customer.hangup()
        ended = softphone.wait_event("CallEnded", timeout=15)["call"]
        began = float(ended.get("connected_at") or ended["started_at"])
        panel.on_call_ended(str(incoming["call_id"]), max(0.0, time.time() - began))
        assert "duration" in editor.call_label.text() or "时长" in editor.call_label.text()
        create = editor.build_create()
        assert create.linked_call_ids == [str(incoming["call_id"])]
        assert create.initial_note
        assert str(incoming["call_id"]) in create.initial_note
        editor.reject()
    bridge.close()


def test_screen_pop_comes_from_the_cache_when_the_hub_is_down(engines: EngineFactory, qtbot: QtBot) -> None:
    engine, rec = engines()
    bridge = SyncBridge(engine)
    panel = TicketPanel(bridge)
    qtbot.addWidget(panel)
    engine.login("agent.li", "agentdesk").result(30)
    rec.wait_for(TicketsReset, predicate=lambda e: e.source is DataSource.HUB)
    engines.hub.stop()
    rec.wait_for(ConnectionChanged, predicate=lambda e: e.state is ConnectionState.OFFLINE)
    with qtbot.waitSignal(panel.screen_pop_shown, timeout=10_000) as shown:
        panel.on_call_incoming("call-offline-1", f'"张伟" <sip:{CUSTOMER}@pbx.example>')
    pop: ScreenPop = shown.args[0]
    assert pop.source is DataSource.CACHE
    assert pop.result is not None
    assert len(pop.result.open_tickets) == 2
    bridge.close()
