"""The state area's use of the hub connection (app/state/hub_link.py), with a recorded requester: request paths and
bodies, error mapping, snapshot on reconnect and push routing."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

import pytest

from app.protocol import (
    AgentState,
    Broadcast,
    ErrorCode,
    EventType,
    StateChangeRequest,
    to_wire,
)
from app.state.controller import StateController
from app.state.hub_link import HubStateLink, StateSync, refusal_of
from app.state.model import AgentEvent, RefusalKind
from app.state.ports import StateReply
from tests.helpers.state_fakes import T0, TEAM, Clock, make_status

pytestmark = pytest.mark.unit


class HubError(Exception):
    """Shaped like app.sync.errors.SyncError (code, status, fields, details)."""

    def __init__(self, code: str | None, status: int | None, details: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.fields: dict[str, str] = {}
        self.details = details or {}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any, dict[str, Any] | None]] = []
        self.answers: dict[tuple[str, str], Any] = {}

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> concurrent.futures.Future[Any]:
        del idempotency_key
        self.calls.append((method, path, to_wire(body), params))
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        answer = self.answers.get((method, path))
        if isinstance(answer, Exception):
            future.set_exception(answer)
        else:
            future.set_result(answer)
        return future


def deliver(
    future: concurrent.futures.Future[Any], ok: Callable[[Any], None], failed: Callable[[Exception], None]
) -> None:
    exc = future.exception()
    if exc is None:
        ok(future.result())
    else:
        assert isinstance(exc, Exception)
        failed(exc)


def test_state_request_goes_to_the_hub_and_the_answer_is_parsed() -> None:
    rec = Recorder()
    status = make_status(AgentState.READY, version=6)
    rec.answers[("PUT", "/agents/me/state")] = to_wire(status)
    replies: list[StateReply] = []
    HubStateLink(rec, deliver).request_state(
        StateChangeRequest(state=AgentState.READY, expected_version=5), replies.append
    )
    assert rec.calls[0][:2] == ("PUT", "/agents/me/state")
    assert rec.calls[0][2]["expected_version"] == 5
    assert replies == [StateReply(status=status)]


def test_errors_map_to_refusals_with_the_hubs_current_state() -> None:
    current = make_status(AgentState.NOT_READY, version=9)
    kind, got = refusal_of(HubError(ErrorCode.CONFLICT.value, 409, {"current": to_wire(current)}))
    assert (kind, got) == (RefusalKind.CONFLICT, current)
    assert refusal_of(HubError(ErrorCode.FORBIDDEN.value, 403))[0] is RefusalKind.FORBIDDEN
    assert refusal_of(HubError(ErrorCode.INVALID_TRANSITION.value, 409))[0] is RefusalKind.NOT_ALLOWED
    assert refusal_of(HubError(None, None))[0] is RefusalKind.DISCONNECTED
    assert refusal_of(HubError(ErrorCode.INTERNAL.value, 500))[0] is RefusalKind.HUB_ERROR
    assert refusal_of(HubError(ErrorCode.CONFLICT.value, 409, {"current": {"garbage": 1}}))[1] is None


def test_reconnect_adopts_the_hubs_snapshot_and_pushes_are_routed() -> None:
    rec = Recorder()
    clock = Clock()
    link = HubStateLink(rec, deliver)
    ctl = StateController(link, clock, TEAM, hub_now=clock.now)
    broadcasts: list[Broadcast] = []
    sync = StateSync(link, ctl, agent_id=7, on_broadcast=broadcasts.append)
    rec.answers[("GET", "/agents/me/policy")] = to_wire(TEAM)
    rec.answers[("GET", "/agents/me/state")] = to_wire(make_status(AgentState.READY, version=3))
    sync.on_online()
    view = ctl.view
    assert view.state is AgentState.READY
    assert view.connected
    pushed = make_status(AgentState.NOT_READY, reason="supervisor", version=4)
    sync.on_hub_event(EventType.AGENT_STATE.value, pushed)
    sync.on_hub_event(EventType.AGENT_STATE.value, make_status(AgentState.READY, agent_id=99, version=50))
    assert ctl.view.status == pushed
    sync.on_offline()
    offline = ctl.view
    assert not offline.connected
    assert offline.state is AgentState.NOT_READY  # a lost connection does not sign out
    b = Broadcast(1, 1, "注意", 3, "张主管", T0, T0)
    sync.on_hub_event(EventType.BROADCAST.value, b)
    assert broadcasts == [b]
    rec.answers[("PUT", "/agents/me/state")] = HubError(ErrorCode.CONFLICT.value, 409, {"current": to_wire(pushed)})
    assert ctl.request(AgentEvent.GO_READY) is None
    assert ctl.view.pending is None  # refused at once
    sync.on_session_replaced()
    assert ctl.request(AgentEvent.GO_READY) is RefusalKind.DISCONNECTED


def test_a_failed_snapshot_is_fetched_again_while_online(caplog: pytest.LogCaptureFixture) -> None:
    rec = Recorder()
    clock = Clock()
    link = HubStateLink(rec, deliver)
    ctl = StateController(link, clock, TEAM, hub_now=clock.now)
    sync = StateSync(link, ctl, agent_id=7, scheduler=clock)
    rec.answers[("GET", "/agents/me/policy")] = HubError(ErrorCode.INTERNAL.value, 503)
    sync.on_online()
    first = ctl.view
    assert first.status is None
    assert "retrying" in caplog.text
    rec.answers[("GET", "/agents/me/policy")] = to_wire(TEAM)
    rec.answers[("GET", "/agents/me/state")] = to_wire(make_status(AgentState.READY, version=3))
    clock.advance(2.1)
    status = ctl.view.status
    assert status is not None
    assert status.state is AgentState.READY
