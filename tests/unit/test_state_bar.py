"""The state bar widget over a real StateController and a scripted hub (offscreen Qt)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QIcon

from app.protocol import AgentState, Broadcast
from app.state.bridge import StateBridge
from app.state.controller import StateController
from app.state.model import AgentEvent, RefusalKind
from tests.helpers.state_fakes import T0, TEAM, Clock, FakeHub, make_status
from ui.state.state_bar import StateBar, format_duration

pytestmark = pytest.mark.unit


def make_bar(qtbot: QtBot, state: AgentState, **kw: object) -> tuple[StateBar, StateController, FakeHub, Clock]:
    clock = Clock()
    status = make_status(state, **kw)
    hub = FakeHub(clock, status)
    ctl = StateController(hub, clock, TEAM, hub_now=clock.now)
    bridge = StateBridge(ctl)
    bar = StateBar(bridge, clock=clock.now, chinese=False)
    qtbot.addWidget(bar)
    ctl.on_connection(True)
    ctl.on_snapshot(status)
    return bar, ctl, hub, clock


def test_shows_the_hubs_state_large_with_time_in_state(qtbot: QtBot) -> None:
    bar, _ctl, _hub, clock = make_bar(qtbot, AgentState.READY)
    assert bar.state_label.text() == "Ready"
    assert "#2e7d32" in bar.state_label.styleSheet()
    clock.advance(65)
    bar._on_tick_timeout()
    assert bar.time_label.text() == "01:05"


def test_pending_change_is_shown_beside_the_state_then_confirmed(qtbot: QtBot) -> None:
    bar, _ctl, hub, _clock = make_bar(qtbot, AgentState.NOT_READY)
    hub.auto = False
    with qtbot.waitSignal(bar.title_changed, raising=False, timeout=50) as blocker:
        bar.ready_action.trigger()
    assert not blocker.signal_triggered  # the state did not change yet
    assert bar.state_label.text().startswith("Not ready")
    assert bar.pending_label.text() == "Switching to Ready…"
    request, reply = hub.replies.pop()
    with qtbot.waitSignal(bar.title_changed) as blocker:
        reply(hub.answer(request))
    assert blocker.args == ["Ready"]
    assert bar.pending_label.text() == ""


def test_a_refusal_reverts_and_explains(qtbot: QtBot) -> None:
    bar, _ctl, hub, _clock = make_bar(qtbot, AgentState.NOT_READY)
    hub.refuse_next = RefusalKind.NOT_ALLOWED
    with qtbot.waitSignal(bar.notice_shown) as blocker:
        bar.ready_action.trigger()
    assert "Could not change to Ready" in blocker.args[0]
    assert bar.state_label.text().startswith("Not ready")


def test_reason_menus_offer_busy_and_break_reasons(qtbot: QtBot) -> None:
    bar, ctl, _hub, _clock = make_bar(qtbot, AgentState.READY)
    busy = [a.text() for a in bar.busy_menu.actions()]
    brk = [a.text() for a in bar.break_menu.actions()]
    assert busy == ["Meeting"]
    assert brk == ["Lunch"]
    with qtbot.waitSignal(bar.icon_changed) as blocker:
        bar.break_menu.actions()[0].trigger()
    assert isinstance(blocker.args[0], QIcon)
    assert bar.state_label.text() == "Break · Lunch"
    assert ctl.view.state is AgentState.NOT_READY


def test_supervisor_change_is_shown_with_the_supervisors_name(qtbot: QtBot) -> None:
    bar, ctl, hub, _clock = make_bar(qtbot, AgentState.READY)
    with qtbot.waitSignal(bar.notice_shown) as blocker:
        ctl.on_hub_status(hub.force(AgentEvent.FORCE_NOT_READY, by="王主管"))
    assert blocker.args == ["王主管 changed your state to Not ready."]
    assert bar.state_label.text() == "Not ready · Set by supervisor"
    assert bar.state_label.toolTip() == "Set by 王主管"


def test_wrap_up_countdown_and_next_state_selector(qtbot: QtBot) -> None:
    bar, _ctl, hub, _clock = make_bar(qtbot, AgentState.WRAP_UP, call_id="c1", wrap_up_until=T0 + timedelta(seconds=30))
    assert bar.wrap_label.text() == "Wrap-up left: 00:30"
    assert not bar.next_combo.isHidden()
    assert not bar.end_wrap_button.isHidden()  # MANDATORY_TIMED: may end early
    index = bar.next_combo.findText("Signed out")
    bar.next_combo.activated.emit(index)
    assert hub.requests[-1].state is AgentState.SIGNED_OUT
    assert bar.state_label.text() == "Signed out"


def test_sign_in_and_out_button_and_broadcast_banner(qtbot: QtBot) -> None:
    bar, ctl, _hub, _clock = make_bar(qtbot, AgentState.SIGNED_OUT)
    assert bar.sign_action.text() == "Sign in"
    bar.sign_action.trigger()
    assert ctl.view.state is AgentState.NOT_READY
    assert bar.sign_action.text() == "Sign out"
    broadcast = Broadcast(1, 1, "10点开晨会", 3, "李主管", T0, T0 + timedelta(minutes=5))
    with qtbot.waitSignal(bar.notice_shown):
        bar.show_broadcast(broadcast)
    assert bar.broadcast_label.text() == "Message from 李主管: 10点开晨会"
    assert not bar.broadcast_label.isHidden()


def test_format_duration() -> None:
    assert format_duration(0) == "00:00"
    assert format_duration(3725) == "1:02:05"
