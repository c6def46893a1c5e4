"""The sync engine against the real hub process: sign-in, push, heartbeat, reconnect, replay by sequence."""

from __future__ import annotations

import pytest

from app import protocol as proto
from app.sync.errors import SyncError, SyncErrorKind
from app.sync.events import ConnectionChanged, ConnectionState, HubEvent, SessionEnded, SessionStarted
from tests.integration.sync.conftest import EngineFactory

pytestmark = pytest.mark.integration


def online(event: ConnectionChanged) -> bool:
    return event.state is ConnectionState.ONLINE


def test_login_keeps_only_the_refresh_token_in_the_keyring(engines: EngineFactory) -> None:
    engine, rec = engines()
    user = engine.login("agent.li", "agentdesk").result(20)
    assert user.username == "agent.li"
    rec.wait_for(ConnectionChanged, predicate=online)
    account = f"agent.li@{engines.hub.url}"
    refresh = engines.secrets.get_secret("refresh-token:" + account)
    assert refresh
    assert engines.secrets.get_secret("cache-key:" + account)
    assert set(engines.secrets._values) == {"refresh-token:" + account, "cache-key:" + account}


def test_wrong_password_is_an_auth_error(engines: EngineFactory) -> None:
    engine, _ = engines()
    with pytest.raises(SyncError) as info:
        engine.login("agent.li", "wrong").result(20)
    assert info.value.kind is SyncErrorKind.AUTH
    assert engine.state is ConnectionState.SIGNED_OUT


def test_pushes_reach_subscribers_and_commands_go_through(engines: EngineFactory) -> None:
    engine, rec = engines()
    engine.login("agent.li", "agentdesk").result(20)
    rec.wait_for(ConnectionChanged, predicate=online)
    status = engine.request(
        "PUT", "/agents/me/state", proto.StateChangeRequest(state=proto.AgentState.NOT_READY, reason="meeting")
    ).result(20)
    assert status["state"] == "not_ready"
    # The hub also pushes the agent coming online (presence) at its next sweep; that may arrive first.
    event = rec.wait_for(
        HubEvent,
        predicate=lambda e: (
            e.type == proto.EventType.AGENT_STATE.value and getattr(e.payload, "reason", None) == "meeting"
        ),
    )
    assert isinstance(event.payload, proto.AgentStatus)
    assert event.payload.state is proto.AgentState.NOT_READY
    assert engine.last_seq >= event.seq


def test_resume_replays_what_happened_while_closed(engines: EngineFactory) -> None:
    engine, rec = engines()
    engine.login("agent.li", "agentdesk").result(20)
    rec.wait_for(ConnectionChanged, predicate=online)
    engine.stop()
    # While the client is closed, the agent's state changes (e.g. from another tool).
    other = engines.hub.client("agent.li", client_kind="service")
    other.set_state("not_ready", "training")
    again, rec2 = engines()
    user = again.resume("agent.li").result(20)
    assert user is not None
    started = rec2.wait_for(SessionStarted)
    assert started.offline  # resumed from the cache before the hub answered
    replayed = rec2.wait_for(
        HubEvent, predicate=lambda e: isinstance(e.payload, proto.AgentStatus) and e.payload.reason == "training"
    )
    assert replayed.seq > 0
    rec2.wait_for(ConnectionChanged, predicate=online)


@pytest.mark.allow_log_warnings
def test_hub_outage_goes_offline_then_reconnects(engines: EngineFactory) -> None:
    engine, rec = engines()
    engine.login("agent.li", "agentdesk").result(20)
    rec.wait_for(ConnectionChanged, predicate=online)
    engines.hub.stop()
    offline = rec.wait_for(ConnectionChanged, predicate=lambda e: e.state is ConnectionState.OFFLINE)
    assert offline.retry_in_s is not None
    engines.hub.start()
    rec.wait_for(ConnectionChanged, predicate=online, timeout=30)


@pytest.mark.allow_log_warnings
def test_sign_in_elsewhere_ends_this_session(engines: EngineFactory) -> None:
    engine, rec = engines()
    engine.login("agent.li", "agentdesk").result(20)
    rec.wait_for(ConnectionChanged, predicate=online)
    engines.hub.client("agent.li")  # a second desktop sign-in takes over
    ended = rec.wait_for(SessionEnded)
    assert ended.kind is SyncErrorKind.SESSION_TAKEN_OVER
    rec.wait_for(ConnectionChanged, predicate=lambda e: e.state is ConnectionState.AUTH_REQUIRED)
