"""Auth, agent states, supervisor commands and live push against the real hub process, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from app.protocol import AgentState, AgentStatus, EventType, WsCloseCode, envelope_payload
from tests.helpers.hub import HubProcess

pytestmark = pytest.mark.integration


def test_login_refresh_rotates_and_reuse_revokes(hub: HubProcess) -> None:
    agent = hub.client("agent.li")
    assert agent.user["role"] == "agent"
    assert agent.user["team_name"] == "信用卡客服一组"
    first = agent.tokens["refresh_token"]
    anon = hub.anonymous()
    rotated = anon.ok("POST", "/auth/refresh", json={"refresh_token": first})
    assert rotated["refresh_token"] != first
    # the used token again: theft suspected, the whole session ends
    reuse = anon.post("/auth/refresh", json={"refresh_token": first})
    assert reuse.status_code == 401
    assert reuse.json()["code"] == "refresh_invalid"
    assert anon.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401
    me = anon.get("/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert me.status_code == 401


def test_wrong_password_five_times_locks_the_account(hub: HubProcess) -> None:
    anon = hub.anonymous()
    for _ in range(5):
        r = anon.post("/auth/login", json={"username": "agent.wang", "password": "wrong-password"})
        assert r.status_code == 401
        assert r.json()["code"] == "invalid_credentials"
    locked = anon.post("/auth/login", json={"username": "agent.wang", "password": "agentdesk"})
    assert locked.status_code == 423
    assert locked.json()["code"] == "account_locked"
    assert 0 < locked.json()["details"]["retry_after_s"] <= 300
    # unknown users get the same answer as wrong passwords
    r = anon.post("/auth/login", json={"username": "nobody", "password": "whatever1"})
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_credentials"


def test_agent_state_flow_with_call_and_wrap_up(hub: HubProcess) -> None:
    agent = hub.client("agent.li")
    assert agent.ok("GET", "/agents/me/state")["state"] == "signed_out"
    s = agent.set_state("not_ready", "sign_in")
    assert (s["state"], s["reason"]) == ("not_ready", "sign_in")
    assert agent.set_state("ready")["state"] == "ready"
    assert agent.set_state("ringing", call_id="call-1")["call_id"] == "call-1"
    assert agent.set_state("on_call")["state"] == "on_call"
    # choose the next state during the call
    pending = agent.ok("PUT", "/agents/me/state", json={"state": "not_ready", "reason": "lunch", "pending": True})
    assert (pending["state"], pending["pending_state"], pending["pending_reason"]) == ("on_call", "not_ready", "lunch")
    # team 1's policy: mandatory wrap-up, so straight to ready is refused
    r = agent.put("/agents/me/state", json={"state": "ready"})
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"
    wrap = agent.set_state("wrap_up")
    assert wrap["wrap_up_until"] is not None
    assert wrap["pending_state"] == "not_ready"
    extended = agent.ok("PUT", "/agents/me/state", json={"state": "wrap_up", "extend_wrap_up": True})
    assert extended["wrap_up_extensions"] == 1
    done = agent.set_state("not_ready", "lunch")
    assert (done["state"], done["pending_state"]) == ("not_ready", None)
    # an unknown reason code is a field error
    r = agent.put("/agents/me/state", json={"state": "not_ready", "reason": "nap"})
    assert r.status_code == 422
    assert r.json()["fields"][0]["field"] == "reason"
    # a stale expected_version is a conflict carrying the current status
    r = agent.put("/agents/me/state", json={"state": "ready", "expected_version": 1})
    assert r.status_code == 409
    assert r.json()["details"]["current"]["state"] == "not_ready"
    history = agent.ok("GET", f"/agents/{agent.user['id']}/history")
    assert [h["state"] for h in history][:3] == ["not_ready", "wrap_up", "on_call"]


def test_supervisor_force_is_pushed_to_the_agent(hub: HubProcess) -> None:
    agent = hub.client("agent.li")
    sup = hub.client("sup.zhang")
    agent.set_state("not_ready", "sign_in")
    agent.set_state("ready")
    agent_ws = agent.ws()
    sup_ws = sup.ws()
    assert agent_ws.welcome.type == "welcome"
    forced = sup.ok("POST", f"/agents/{agent.user['id']}/force", json={"state": "not_ready"})
    assert (forced["state"], forced["reason"], forced["cause"]) == ("not_ready", "supervisor", "supervisor")
    env = agent_ws.next_of(EventType.AGENT_STATE.value, predicate=lambda p: p["state"] == "not_ready")
    status = envelope_payload(env)
    assert isinstance(status, AgentStatus)
    assert status.changed_by_name == "张主管"
    assert status.state is AgentState.NOT_READY
    # the supervisor's board sees it too
    sup_ws.next_of(EventType.AGENT_STATE.value, predicate=lambda p: p["agent_id"] == agent.user["id"])
    board = sup.ok("GET", f"/teams/{sup.user['team_id']}/agents")
    assert {b["username"] for b in board} == {"agent.li", "agent.wang"}
    agent_ws.close()
    sup_ws.close()


def test_authorization_matrix_for_states(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    wang = hub.client("agent.wang")
    other_sup = hub.client("sup.chen")
    li.set_state("not_ready", "sign_in")
    # agents cannot force anyone
    r = wang.post(f"/agents/{li.user['id']}/force", json={"state": "ready"})
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    # a supervisor of another team cannot either, nor see the board
    r = other_sup.post(f"/agents/{li.user['id']}/force", json={"state": "ready"})
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert other_sup.get(f"/teams/{li.user['team_id']}/agents").status_code == 403
    assert wang.get(f"/teams/{li.user['team_id']}/agents").status_code == 403
    # an admin may
    admin = hub.client("admin", client_kind="service")
    assert admin.ok("POST", f"/agents/{li.user['id']}/force", json={"state": "ready"})["state"] == "ready"
    # no token
    assert hub.anonymous().get("/agents/me/state").status_code == 401


def test_agents_see_only_their_own_state_events(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    wang = hub.client("agent.wang")
    wang_ws = wang.ws()
    li.set_state("not_ready", "sign_in")
    wang.set_state("not_ready", "sign_in")
    env = wang_ws.next_of(EventType.AGENT_STATE.value)
    assert env.payload["agent_id"] == wang.user["id"]
    assert all(e.payload.get("agent_id") != li.user["id"] for e in wang_ws.drain())
    wang_ws.close()


def test_resume_replays_missed_events_and_old_seq_resyncs(hub: HubProcess) -> None:
    agent = hub.client("agent.li")
    sup = hub.client("sup.zhang")
    agent.set_state("not_ready", "sign_in")
    ws = agent.ws()
    head = ws.welcome.payload["head_seq"]
    ws.close()
    agent.set_state("ready")
    sup.ok("POST", f"/agents/{agent.user['id']}/force", json={"state": "not_ready", "reason": "meeting"})
    ws = agent.ws(last_seq=head)
    assert ws.welcome.payload["replay_from"] is not None
    replayed = [e for e in ws.drain(1.0) if e.type == "agent.state"]
    seqs = [e.seq or 0 for e in replayed]
    assert seqs == sorted(seqs)
    assert seqs[0] > head
    # presence changes (online) may be interleaved; the two state changes arrive in order
    changes = [(e.payload["state"], e.payload["reason"]) for e in replayed]
    assert changes.index(("ready", None)) < changes.index(("not_ready", "meeting"))
    ws.close()
    # a sequence the hub never issued: resync
    ws = agent.ws(last_seq=10_000_000)
    assert ws.next().type == "resync_required"
    ws.close()


def test_replay_after_hub_restart(hub: HubProcess) -> None:
    agent = hub.client("agent.li", client_kind="service")
    agent.set_state("not_ready", "sign_in")
    ws = agent.ws()
    head = ws.welcome.payload["head_seq"]
    ws.close()
    agent.set_state("ready")
    hub.restart()
    ws = agent.ws(last_seq=head)  # the access token survives a restart (secret is in the database)
    assert ws.welcome.payload["replay_from"] is not None
    # (a presence change, "online", may be replayed first)
    env = ws.next_of("agent.state", predicate=lambda p: p["state"] == "ready")
    assert env.seq is not None
    assert env.seq > head
    ws.close()


def test_second_desktop_sign_in_takes_over(hub: HubProcess) -> None:
    first = hub.client("agent.li")
    first.set_state("not_ready", "sign_in")
    ws = first.ws()
    second = hub.client("agent.li")
    env = ws.next_of("session_taken_over")
    assert env.payload["new_session_device"] == "pytest-agent.li"
    assert ws.closed_code() == WsCloseCode.SESSION_TAKEN_OVER
    r = first.get("/agents/me/state")
    assert (r.status_code, r.json()["code"]) == (401, "session_replaced")
    state = second.ok("GET", "/agents/me/state")
    assert (state["state"], state["reason"]) == ("signed_out", "session_replaced")


def test_bad_frames_do_not_break_the_socket(hub: HubProcess) -> None:
    agent = hub.client("agent.li")
    ws = agent.ws()
    for junk in ["not json", "[]", '{"type": "ping", "payload": 5}', '{"type": "teleport", "payload": {}}', "{" * 5000]:
        ws.send_raw(junk)
        assert ws.next().type == "error"
    ws.ping()
    assert ws.next_of("pong").seq is None
    ws.close()


def test_bad_hello_closes(hub: HubProcess) -> None:
    from websockets.sync.client import connect

    frames: list[str | bytes] = []
    code = None
    with connect(hub.ws_url) as conn:
        conn.send('{"type": "hello", "payload": {"client_version": "0.1.0", "access_token": "x.y"}}')
        try:
            while True:
                frames.append(conn.recv(timeout=5))
        except Exception as exc:
            code = getattr(getattr(exc, "rcvd", None), "code", None)
    assert '"unauthenticated"' in frames[0]
    assert code == WsCloseCode.UNAUTHENTICATED


def test_status_and_openapi_published(hub: HubProcess) -> None:
    anon = hub.anonymous()
    status = anon.ok("GET", "/status")
    assert status["database"] in {"sqlite", "postgresql"}
    spec = anon.ok("GET", "/openapi.json")
    assert "/api/v1/agents/me/state" in spec["paths"]
    schema = spec["components"]["schemas"]
    assert "AgentStatus" in schema
    assert "TokenPair" in schema
