"""The admin REST API for users and teams (and the ``agentdesk-hub`` commands sharing its code), against the real hub
process on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from app.protocol import WsCloseCode
from tests.helpers.hub import HubClient, HubProcess, hub_cli

pytestmark = pytest.mark.integration

GOOD_PASSWORD = "Kefu-2026-secure"


def _admin(hub: HubProcess) -> HubClient:
    return hub.client("admin", client_kind="service")


def _name(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:6]}"


def _fields(response: Any) -> dict[str, str]:
    body = response.json()
    assert body["code"] == "validation_error", body
    return {f["field"]: f["code"] for f in body["fields"]}


def _no_secrets(*responses: Any) -> None:
    for data in responses:
        text = json.dumps(data, ensure_ascii=False)
        assert "argon2" not in text
        assert "password_hash" not in text
        assert GOOD_PASSWORD not in text


def test_admin_endpoints_are_for_admins_only(hub: HubProcess) -> None:
    calls = [
        ("GET", "/admin/users", None),
        ("POST", "/admin/users", {"username": "x1", "display_name": "x", "role": "agent", "password": GOOD_PASSWORD}),
        ("GET", "/admin/users/1", None),
        ("PATCH", "/admin/users/1", {"display_name": "x"}),
        ("POST", "/admin/users/1/password", {"password": GOOD_PASSWORD}),
        ("GET", "/admin/teams", None),
        ("POST", "/admin/teams", {"name": "x"}),
        ("GET", "/admin/teams/1", None),
        ("PATCH", "/admin/teams/1", {"name": "x"}),
        ("GET", "/admin/audit", None),
    ]
    for username in ("agent.li", "sup.zhang"):
        client = hub.client(username, client_kind="service")
        for method, path, body in calls:
            r = client.request(method, path, json=body)
            assert (r.status_code, r.json()["code"]) == (403, "forbidden"), (username, method, path, r.text)
    anonymous = hub.anonymous()
    for method, path, body in calls:
        assert anonymous.request(method, path, json=body).status_code == 401


def test_create_list_update_users_with_validation_and_audit(hub: HubProcess) -> None:
    admin = _admin(hub)
    team = admin.ok("POST", "/admin/teams", 201, json={"name": f"理财客服三组-{uuid.uuid4().hex[:4]}"})
    assert team["members"] == 0
    assert team["policy"]["team_name"] == team["name"]
    assert team["policy"]["reasons"]  # the hub's default reason codes

    username = _name("agent.sun")
    # validation: every problem reported with its field, nothing created
    r = admin.post(
        "/admin/users", json={"username": "-bad name", "display_name": " ", "role": "agent", "password": "short"}
    )
    assert r.status_code == 422
    assert _fields(r) == {
        "username": "invalid",
        "display_name": "invalid",
        "team_id": "required",
        "password": "weak_password",
    }
    r = admin.post(
        "/admin/users",
        json={
            "username": username,
            "display_name": "孙丽",
            "role": "agent",
            "password": GOOD_PASSWORD,
            "team_id": 999999,
        },
    )
    assert _fields(r) == {"team_id": "not_found"}
    r = admin.post("/admin/users", json={"username": "agent.li", "display_name": "x", "role": "agent"})
    assert r.status_code == 422  # the password is required (request shape)
    r = admin.post(
        "/admin/users",
        json={
            "username": "AGENT.LI",
            "display_name": "x",
            "role": "agent",
            "password": GOOD_PASSWORD,
            "team_id": team["id"],
        },
    )
    assert _fields(r) == {"username": "taken"}
    r = admin.post(
        "/admin/users",
        json={
            "username": username,
            "display_name": "孙丽",
            "role": "pilot",
            "password": GOOD_PASSWORD,
            "team_id": team["id"],
        },
    )
    assert r.status_code == 422

    created = admin.ok(
        "POST",
        "/admin/users",
        201,
        json={
            "username": username,
            "display_name": "孙丽",
            "role": "agent",
            "password": GOOD_PASSWORD,
            "team_id": team["id"],
        },
    )
    assert (created["role"], created["team_name"], created["active"], created["locale"]) == (
        "agent",
        team["name"],
        True,
        "zh_CN",
    )
    listed = admin.ok("GET", "/admin/users", params={"team_id": team["id"]})
    assert [u["username"] for u in listed["items"]] == [username]
    assert listed["total"] == 1
    assert admin.ok("GET", "/admin/users", params={"q": "孙丽"})["items"][0]["id"] == created["id"]
    agents = admin.ok("GET", "/admin/users", params={"role": "agent", "limit": 500})
    assert all(u["role"] == "agent" for u in agents["items"])
    assert admin.ok("GET", f"/admin/teams/{team['id']}")["members"] == 1

    # the new account works
    sun = hub.client(username, GOOD_PASSWORD, client_kind="service")
    assert sun.user["team_name"] == team["name"]

    updated = admin.ok("PATCH", f"/admin/users/{created['id']}", json={"display_name": "孙丽丽", "locale": "en"})
    assert (updated["display_name"], updated["locale"]) == ("孙丽丽", "en")
    r = admin.patch(f"/admin/users/{created['id']}", json={"role": "supervisor", "clear_team": True})
    assert _fields(r) == {"team_id": "required"}
    r = admin.patch(f"/admin/users/{created['id']}", json={"locale": "fr"})
    assert _fields(r) == {"locale": "invalid_choice"}
    assert admin.get("/admin/users/999999").status_code == 404

    audit = admin.ok("GET", "/admin/audit", params={"target_type": "user", "target_id": created["id"]})
    assert [a["action"] for a in audit] == ["user.updated", "user.created"]
    assert audit[0]["changes"]["display_name"] == ["孙丽", "孙丽丽"]
    assert audit[0]["actor_name"] == "系统管理员"
    _no_secrets(created, listed, updated, audit, admin.ok("GET", "/admin/users", params={"limit": 500}))


def test_disabling_a_user_ends_sessions_and_signs_the_agent_out(hub: HubProcess) -> None:
    admin = _admin(hub)
    sup = hub.client("sup.zhang", client_kind="service")
    sup_ws = sup.ws()
    li = hub.client("agent.li")
    li.set_state("not_ready", "sign_in")
    li_ws = li.ws()
    li_id = li.user["id"]

    admin.ok("PATCH", f"/admin/users/{li_id}", json={"active": False})
    error = li_ws.next_of("error")
    assert error.payload["code"] == "account_disabled"
    assert li_ws.closed_code() == WsCloseCode.SESSION_REVOKED
    sup_ws.next_of(
        "agent.state",
        predicate=lambda p: p["agent_id"] == li_id and p["state"] == "signed_out" and p["reason"] == "account_disabled",
    )
    assert li.get("/agents/me/state").status_code == 401
    assert li.post("/auth/refresh", json={"refresh_token": li.tokens["refresh_token"]}).status_code == 401
    r = hub.anonymous().post(
        "/auth/login", json={"username": "agent.li", "password": "agentdesk", "client_kind": "service"}
    )
    assert (r.status_code, r.json()["code"]) == (403, "account_disabled")
    assert admin.ok("GET", "/admin/users", params={"active": False, "q": "agent.li"})["items"][0]["id"] == li_id

    admin.ok("PATCH", f"/admin/users/{li_id}", json={"active": True})
    again = hub.client("agent.li", client_kind="service")
    assert again.ok("GET", "/agents/me/state")["state"] == "signed_out"


def test_password_reset_policy_sessions_and_unlock(hub: HubProcess) -> None:
    admin = _admin(hub)
    wang = hub.client("agent.wang", client_kind="service")
    wang_id = wang.user["id"]
    r = admin.post(f"/admin/users/{wang_id}/password", json={"password": "1234567"})
    assert _fields(r) == {"password": "weak_password"}
    assert wang.get("/me").status_code == 200  # nothing changed

    admin.ok("POST", f"/admin/users/{wang_id}/password", 204, json={"password": GOOD_PASSWORD})
    assert wang.get("/me").status_code == 401  # the old session ended
    anonymous = hub.anonymous()
    old = anonymous.post(
        "/auth/login", json={"username": "agent.wang", "password": "agentdesk", "client_kind": "service"}
    )
    assert old.status_code == 401
    hub.client("agent.wang", GOOD_PASSWORD, client_kind="service")

    # five wrong passwords lock the account; an admin unlocks it
    for _ in range(5):
        anonymous.post(
            "/auth/login", json={"username": "agent.wang", "password": "wrong-one", "client_kind": "service"}
        )
    locked = anonymous.post(
        "/auth/login", json={"username": "agent.wang", "password": GOOD_PASSWORD, "client_kind": "service"}
    )
    assert locked.status_code == 423
    assert admin.ok("GET", f"/admin/users/{wang_id}")["locked_until"] is not None
    assert admin.ok("PATCH", f"/admin/users/{wang_id}", json={"unlock": True})["locked_until"] is None
    hub.client("agent.wang", GOOD_PASSWORD, client_kind="service")

    # an admin changing their own password keeps the session that did it
    admin_id = admin.user["id"]
    other_admin_session = hub.client("admin", client_kind="service")
    admin.ok("POST", f"/admin/users/{admin_id}/password", 204, json={"password": GOOD_PASSWORD})
    assert admin.get("/me").status_code == 200
    assert other_admin_session.get("/me").status_code == 401
    actions = [
        a["action"] for a in admin.ok("GET", "/admin/audit", params={"target_id": wang_id, "target_type": "user"})
    ]
    assert actions == ["user.updated", "user.password_set"]


def test_admin_guard_rails(hub: HubProcess) -> None:
    admin = _admin(hub)
    admin_id = admin.user["id"]
    assert _fields(admin.patch(f"/admin/users/{admin_id}", json={"active": False})) == {"active": "own_account"}
    assert _fields(admin.patch(f"/admin/users/{admin_id}", json={"role": "agent", "team_id": 1})) == {
        "role": "own_account"
    }
    second = admin.ok(
        "POST",
        "/admin/users",
        201,
        json={"username": _name("admin"), "display_name": "副管理员", "role": "admin", "password": GOOD_PASSWORD},
    )
    other = hub.client(second["username"], GOOD_PASSWORD, client_kind="service")
    # another admin may disable the first one (one active admin remains) ...
    other.ok("PATCH", f"/admin/users/{admin_id}", json={"active": False})
    assert admin.get("/me").status_code == 401
    # ... but the hub never loses its last active administrator, not even from the command line
    with pytest.raises(RuntimeError, match="last_admin"):
        hub_cli("disable-user", "--database-url", hub.database_url, second["username"])
    assert other.get("/me").status_code == 200
    other.ok("PATCH", f"/admin/users/{admin_id}", json={"active": True})


def test_role_and_team_changes_reconnect_the_socket_and_inform_supervisors(hub: HubProcess) -> None:
    admin = _admin(hub)
    zhao = hub.client("agent.zhao")
    zhao_id = zhao.user["id"]
    old_team = zhao.user["team_id"]
    new_team = hub.client("agent.li", client_kind="service").user["team_id"]
    zhao_ws = zhao.ws()
    sup_old = hub.client("sup.chen", client_kind="service").ws()
    sup_new = hub.client("sup.zhang", client_kind="service").ws()
    version = zhao.ok("GET", "/agents/me/state")["version"]

    moved = admin.ok("PATCH", f"/admin/users/{zhao_id}", json={"team_id": new_team})
    assert moved["team_id"] == new_team
    assert zhao_ws.closed_code() == WsCloseCode.PERMISSIONS_CHANGED
    sup_old.next_of("agent.state", predicate=lambda p: p["agent_id"] == zhao_id and p["team_id"] == new_team)
    seen = sup_new.next_of("agent.state", predicate=lambda p: p["agent_id"] == zhao_id and p["team_id"] == new_team)
    assert seen.payload["version"] > version  # a new version: boards that drop versions already seen take it
    # REST follows at once: the agent now sees the new team's policy
    assert zhao.ok("GET", "/agents/me/policy")["team_id"] == new_team
    admin.ok("PATCH", f"/admin/users/{zhao_id}", json={"team_id": old_team})


def test_teams_rename_and_policy_are_validated_audited_and_pushed(hub: HubProcess) -> None:
    admin = _admin(hub)
    zhao = hub.client("agent.zhao")
    team_id = zhao.user["team_id"]
    ws = zhao.ws()
    r = admin.post("/admin/teams", json={"name": "宽带客服二组"})
    assert _fields(r) == {"name": "taken"}
    assert _fields(admin.post("/admin/teams", json={"name": "  "})) == {"name": "invalid"}
    bad_policy = {
        "reasons": [
            {"code": "lunch", "category": "break", "label_zh": "午餐", "label_en": "Lunch"},
            {"code": "lunch", "category": "busy", "label_zh": "午餐", "label_en": "Lunch"},
            {"code": "offline", "category": "busy", "label_zh": "离线", "label_en": "Offline"},
        ],
        "wrap_up": {"mode": "mandatory_timed", "seconds": 99999},
        "ring_timeout_s": 1,
    }
    r = admin.patch(f"/admin/teams/{team_id}", json={"policy": bad_policy})
    assert _fields(r) == {
        "policy.reasons[1].code": "duplicate",
        "policy.reasons[2].code": "reserved",
        "policy.wrap_up.seconds": "out_of_range",
        "policy.ring_timeout_s": "out_of_range",
    }
    r = admin.patch(f"/admin/teams/{team_id}", json={"policy": {**bad_policy, "wrap_up": "soon"}})
    assert r.status_code == 422

    before = admin.ok("GET", f"/admin/teams/{team_id}")
    new_name = f"宽带客服二组（夜班）{uuid.uuid4().hex[:4]}"
    policy = {
        "reasons": [{"code": "lunch", "category": "break", "label_zh": "午餐", "label_en": "Lunch", "max_minutes": 45}],
        "wrap_up": {"mode": "timed_no_early_exit", "seconds": 45, "max_extensions": 1, "extension_seconds": 30},
        "offline_grace_s": 180,
        "ring_timeout_s": 25,
        "auto_answer_delay_s": None,
    }
    renamed = admin.ok("PATCH", f"/admin/teams/{team_id}", json={"name": new_name, "policy": policy})
    assert renamed["name"] == new_name
    assert renamed["policy"]["wrap_up"]["mode"] == "timed_no_early_exit"
    pushed = ws.next_of("policy.updated", predicate=lambda p: p["team_name"] == new_name)
    assert pushed.payload["ring_timeout_s"] == 25
    assert zhao.ok("GET", "/agents/me/policy")["team_name"] == new_name
    entry = admin.ok("GET", "/admin/audit", params={"target_type": "team", "target_id": team_id, "limit": 1})[0]
    assert entry["action"] == "team.updated"
    assert entry["changes"]["name"] == [before["name"], new_name]
    assert new_name in {t["name"] for t in admin.ok("GET", "/admin/teams")}


def test_command_line_user_commands_share_the_service(hub: HubProcess) -> None:
    env = {"AGENTDESK_HUB_PASSWORD": GOOD_PASSWORD}
    username = _name("agent.cli")
    team = f"外呼组-{uuid.uuid4().hex[:4]}"
    out = hub_cli(
        "create-user", "--database-url", hub.database_url, username, "--team", team, "--display-name", "命令行", env=env
    )
    assert username in out
    admin = _admin(hub)
    created = admin.ok("GET", "/admin/users", params={"q": username})["items"][0]
    assert (created["team_name"], created["display_name"]) == (team, "命令行")
    actions = {(a["action"], a["actor_id"]) for a in admin.ok("GET", "/admin/audit", params={"limit": 50})}
    assert ("user.created", None) in actions
    assert ("team.created", None) in actions
    hub.client(username, GOOD_PASSWORD, client_kind="service")
    # the same validation as the API: a weak password and a taken name are refused with the field named
    with pytest.raises(RuntimeError, match="password"):
        hub_cli(
            "create-user",
            "--database-url",
            hub.database_url,
            _name("x"),
            "--team",
            team,
            env={"AGENTDESK_HUB_PASSWORD": "short"},
        )
    with pytest.raises(RuntimeError, match="username"):
        hub_cli("create-user", "--database-url", hub.database_url, username, "--team", team, env=env)
    # reset a password and disable from the command line
    hub_cli(
        "set-password", "--database-url", hub.database_url, username, env={"AGENTDESK_HUB_PASSWORD": "Another-pass-1"}
    )
    hub.client(username, "Another-pass-1", client_kind="service")
    hub_cli("disable-user", "--database-url", hub.database_url, username)
    assert admin.ok("GET", f"/admin/users/{created['id']}")["active"] is False
