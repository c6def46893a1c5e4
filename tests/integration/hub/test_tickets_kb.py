"""Tickets, customers, rules, tracking and the knowledge base against the real hub, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.protocol import HIGHLIGHT_END, HIGHLIGHT_START
from tests.helpers.hub import HubClient, HubProcess, hub_cli

pytestmark = pytest.mark.integration


def _new_ticket(client: HubClient, **extra: Any) -> dict[str, Any]:
    body = {
        "subject": "信用卡丢失",
        "customer_name": "张三",
        "customer_phone": "138 0013 8000",
        "category": "card_loss",
        "custom_fields": {"card_last4": "1234", "loss_type": "临时挂失"},
        **extra,
    }
    result: dict[str, Any] = client.ok("POST", "/tickets", 201, json=body)
    return result


def test_ticket_lifecycle_with_template_sla_notes_and_audit(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    cats = {c["code"]: c for c in li.ok("GET", "/ticket-categories")}
    assert {"card_loss", "refund", "broadband_fault"} <= set(cats)
    # required template fields are checked, with field paths
    r = li.post(
        "/tickets",
        json={
            "subject": "x",
            "customer_name": "张三",
            "category": "card_loss",
            "customer_phone": "12345",
            "custom_fields": {"card_last4": "1234", "colour": "red"},
        },
    )
    assert r.status_code == 422
    fields = {(f["field"], f["code"]) for f in r.json()["fields"]}
    assert ("custom_fields.loss_type", "required") in fields
    assert ("custom_fields.colour", "unknown_field") in fields
    assert ("customer_phone", "invalid_phone") in fields
    t = _new_ticket(li, priority="urgent", linked_call_ids=["call-7"])
    assert t["customer_phone"] == "+8613800138000"
    assert t["number"].startswith("T")
    assert (t["status"], t["version"], t["team_id"]) == ("new", 1, li.user["team_id"])
    assert t["sla_due"] > t["created_at"]  # ISO strings in UTC compare in time order
    tid = t["id"]
    # workflow: new → in progress → pending customer → resolved → closed → reopen
    v = t["version"]
    for status in ("in_progress", "pending_customer", "resolved", "closed", "in_progress"):
        t = li.ok("PATCH", f"/tickets/{tid}", json={"version": v, "status": status})
        assert t["status"] == status
        v = t["version"]
    r = li.patch(f"/tickets/{tid}", json={"version": v, "status": "new"})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    # notes: internal and customer-visible, compliance phrases flagged
    note = li.ok(
        "POST", f"/tickets/{tid}/notes", 201, json={"body": "已告知客户此产品保本保收益", "visibility": "internal"}
    )
    assert note["compliance_flags"] == ["保本保收益"]
    li.ok("POST", f"/tickets/{tid}/notes", 201, json={"body": "已为您挂失，新卡七日内寄出", "visibility": "customer"})
    detail = li.ok("GET", f"/tickets/{tid}")
    assert [n["visibility"] for n in detail["notes"]] == ["internal", "customer"]
    actions = [a["action"] for a in detail["audit"]]
    assert actions[0] == "created"
    assert actions.count("status") == 5
    assert actions.count("note") == 2
    assert detail["audit"][1]["changes"]["status"] == ["new", "in_progress"]
    # customer tracking: number + last 4 digits → status and customer-visible notes only
    anon = hub.anonymous()
    tracked = anon.ok("POST", "/public/track", json={"number": t["number"], "phone_last4": "8000"})
    assert tracked["status"] == "in_progress"
    assert [n["body"] for n in tracked["notes"]] == ["已为您挂失，新卡七日内寄出"]
    assert "保本" not in str(tracked)
    assert anon.post("/public/track", json={"number": t["number"], "phone_last4": "0000"}).status_code == 404


def test_optimistic_concurrency_and_idempotency(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    wang = hub.client("agent.wang")
    key = f"create-{uuid.uuid4()}"
    body = {
        "subject": "退款未到账",
        "customer_name": "李四",
        "category": "refund",
        "customer_phone": "021-6888 8888",
        "custom_fields": {"amount": 358, "merchant": "京东商城"},
    }
    first = li.post("/tickets", json=body, headers={"Idempotency-Key": key})
    again = li.post("/tickets", json=body, headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert again.headers.get("Idempotent-Replay") == "true"
    other = li.post("/tickets", json={**body, "subject": "别的"}, headers={"Idempotency-Key": key})
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_mismatch")
    tid, version = first.json()["id"], first.json()["version"]
    ok = wang.ok("PATCH", f"/tickets/{tid}", json={"version": version, "priority": "high"})
    stale = li.patch(f"/tickets/{tid}", json={"version": version, "subject": "我的修改"})
    assert (stale.status_code, stale.json()["code"]) == (409, "version_conflict")
    assert stale.json()["details"]["current"]["version"] == ok["version"]
    assert stale.json()["details"]["current"]["priority"] == "high"
    # an idempotent update replays the same answer even after later changes
    key2 = f"patch-{uuid.uuid4()}"
    upd = li.ok(
        "PATCH",
        f"/tickets/{tid}",
        json={"version": ok["version"], "subject": "合并"},
        headers={"Idempotency-Key": key2},
    )
    replay = li.ok(
        "PATCH",
        f"/tickets/{tid}",
        json={"version": ok["version"], "subject": "合并"},
        headers={"Idempotency-Key": key2},
    )
    assert replay == upd


def test_duplicates_lookup_filters_and_paging(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    phone = "+86 139 1111 2222"
    first = _new_ticket(li, customer_phone=phone, assignee_id=li.user["id"])
    dups = li.ok("GET", "/tickets/duplicates", params={"phone": "13911112222", "category": "card_loss"})
    assert [d["id"] for d in dups["duplicates"]] == [first["id"]]
    r = li.post(
        "/tickets",
        json={
            "subject": "again",
            "customer_name": "张三",
            "customer_phone": "139-1111-2222",
            "category": "card_loss",
            "allow_duplicate": False,
            "custom_fields": {"card_last4": "1234", "loss_type": "正式挂失"},
        },
    )
    assert (r.status_code, r.json()["code"]) == (409, "duplicate_ticket")
    assert r.json()["details"]["duplicates"][0]["id"] == first["id"]
    pop = li.ok("GET", "/customers/lookup", params={"phone": "0086 139 1111 2222"})
    assert pop["phone"] == "+8613911112222"
    assert [t["id"] for t in pop["open_tickets"]] == [first["id"]]
    for i in range(4):
        _new_ticket(li, subject=f"分页测试{i}", customer_phone=f"1370000000{i}")
    page1 = li.ok("GET", "/tickets", params={"q": "分页测试", "limit": 3, "sort": "created"})
    page2 = li.ok("GET", "/tickets", params={"q": "分页测试", "limit": 3, "offset": 3, "sort": "created"})
    assert page1["total"] == page2["total"] == 4
    assert len(page1["items"]) == 3
    assert len(page2["items"]) == 1
    mine = li.ok("GET", "/tickets", params={"view": "mine"})
    assert all(t["assignee_id"] == li.user["id"] for t in mine["items"])
    assert first["id"] in {t["id"] for t in mine["items"]}
    by_status = li.ok("GET", "/tickets", params=[("status", "new"), ("category", "card_loss")])
    assert all(t["status"] == "new" and t["category"] == "card_loss" for t in by_status["items"])
    bad = li.get("/tickets", params={"status": "sleeping"})
    assert bad.status_code == 422


def test_ticket_authorization_and_push_filtering(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    zhao = hub.client("agent.zhao")  # other team
    sup_other = hub.client("sup.chen")
    zhao_ws = zhao.ws()
    li_ws = li.ws()
    t = _new_ticket(li)
    # the creator's team sees the push; the other team does not
    li_ws.next_of("ticket.created", predicate=lambda p: p["id"] == t["id"])
    assert all(e.payload.get("id") != t["id"] for e in zhao_ws.drain(0.5))
    for client in (zhao, sup_other):
        assert client.get(f"/tickets/{t['id']}").status_code == 404
        assert client.patch(f"/tickets/{t['id']}", json={"version": 1, "subject": "x"}).status_code == 404
        assert client.post(f"/tickets/{t['id']}/notes", json={"body": "x"}).status_code == 404
        listed = client.ok("GET", "/tickets", params={"q": t["number"]})
        assert listed["total"] == 0
    r = zhao.post(
        "/tickets", json={"subject": "x", "customer_name": "y", "category": "general", "team_id": li.user["team_id"]}
    )
    assert r.status_code == 403


def test_rules_suggestion_and_compliance(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    sugg = li.ok("POST", "/tickets/suggest-category", json={"text": "客户说信用卡丢了，要求挂失补卡"})
    assert sugg[0]["category"] == "card_loss"
    assert {"挂失", "丢了", "补卡"} <= set(sugg[0]["matched_keywords"])
    check = li.ok("POST", "/compliance/check", json={"text": "这款理财稳赚不赔，而且零风险"})
    assert check["ok"] is False
    assert [h["phrase"] for h in check["hits"]] == ["稳赚不赔", "零风险"]
    assert check["hits"][0]["start"] == 4
    assert li.ok("POST", "/compliance/check", json={"text": "理财有风险，投资需谨慎"})["ok"] is True


def test_kb_import_search_snippets_suggestions_and_changes(hub: HubProcess, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: 信用卡挂失流程\ncategory: kbtest_cards\ntags: 挂失, 补卡\n---\n# 信用卡挂失流程\n\n"
        "客户来电要求挂失时，先核实身份，再办理临时挂失或正式挂失。补卡费用按卡种收取。\n",
        encoding="utf-8",
    )
    (tmp_path / "kb.csv").write_text(
        "title,body,category,tags\n"
        "退款到账时间说明,商户退款一般 3-15 个工作日原路退回；超过时效请登记退款查询工单。,kbtest_refund,退款|到账\n"
        "宽带断网排查,先看光猫 LOS 灯，再重启路由器；仍无法上网请预约上门。,kbtest_broadband,宽带\n"
        "Refund timelines explained,Refunds usually arrive within 3-15 working days.,kbtest_refund,english\n",
        encoding="utf-8",
    )
    out = hub_cli("import-kb", "--database-url", hub.database_url, str(tmp_path / "a.md"), str(tmp_path / "kb.csv"))
    assert "imported 4 articles" in out
    li = hub.client("agent.li")
    # the demo dataset has articles on the same subjects: these searches are within the imported categories
    res = li.ok("GET", "/kb/search", params={"q": "退款", "category": "kbtest_refund"})
    assert res["terms"] == ["退款"]
    top = res["hits"][0]
    assert top["title"] == "退款到账时间说明"
    assert f"{HIGHLIGHT_START}退款{HIGHLIGHT_END}" in top["snippet"]
    cards = {"category": "kbtest_cards"}
    assert li.ok("GET", "/kb/search", params={"q": "挂失", **cards})["hits"][0]["title"] == "信用卡挂失流程"
    assert li.ok("GET", "/kb/search", params={"q": "怎么办理正式挂失", **cards})["hits"][0]["title"] == "信用卡挂失流程"
    assert (
        li.ok("GET", "/kb/search", params={"q": "refund timelines"})["hits"][0]["title"] == "Refund timelines explained"
    )
    assert li.ok("GET", "/kb/search", params={"q": "宽带", "category": "kbtest_refund"})["total"] == 0
    assert li.ok("GET", "/kb/search", params={"q": "的"})["hits"] == []
    sugg = li.ok("GET", "/kb/suggestions", params={"category": "kbtest_broadband", "text": "光猫红灯"})
    assert sugg[0]["title"] == "宽带断网排查"
    # writes: supervisors only; the change feed and the push carry them
    assert li.post("/kb/articles", json={"title": "x", "body": "y", "category": "general"}).status_code == 403
    sup = hub.client("sup.zhang")
    feed = li.ok("GET", "/kb/changes")
    ws = li.ws()
    art = sup.ok(
        "POST",
        "/kb/articles",
        201,
        json={
            "title": "挂失后找回卡片怎么办",
            "body": "找回后卡片不能再用。",
            "category": "card_loss",
            "tags": ["挂失"],
        },
    )
    ws.next_of("kb.article", predicate=lambda p: p["id"] == art["id"])
    newer = li.ok("GET", "/kb/changes", params={"since": feed["cursor"]})
    assert [c["id"] for c in newer["changes"]] == [art["id"]]
    sup.ok(
        "PUT",
        f"/kb/articles/{art['id']}",
        json={"title": "挂失后找回卡片", "body": "作废。", "category": "kbtest_cards"},
    )
    assert li.ok("GET", f"/kb/articles/{art['id']}")["version"] == 2
    r = sup.put(
        f"/kb/articles/{art['id']}", params={"version": 1}, json={"title": "t", "body": "b", "category": "kbtest_cards"}
    )
    assert r.status_code == 409
    assert sup.request("DELETE", f"/kb/articles/{art['id']}").status_code == 204
    assert li.get(f"/kb/articles/{art['id']}").status_code == 404
    assert all(h["id"] != art["id"] for h in li.ok("GET", "/kb/search", params={"q": "找回", **cards})["hits"])


def test_broadcast_health_and_metrics(hub: HubProcess) -> None:
    li = hub.client("agent.li")
    zhao = hub.client("agent.zhao")
    sup = hub.client("sup.zhang")
    li_ws, zhao_ws = li.ws(), zhao.ws()
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    b = sup.ok("POST", "/broadcasts", 201, json={"text": "10点开始系统升级", "expires_at": soon})
    li_ws.next_of("broadcast", predicate=lambda p: p["id"] == b["id"])
    assert all(e.type != "broadcast" for e in zhao_ws.drain(0.5))
    assert li.post("/broadcasts", json={"text": "x", "expires_at": soon}).status_code == 403
    past = sup.post("/broadcasts", json={"text": "x", "expires_at": "2000-01-01T00:00:00Z"})
    assert (past.status_code, past.json()["fields"][0]["field"]) == (422, "expires_at")
    assert [x["id"] for x in li.ok("GET", "/broadcasts")] == [b["id"]]
    # health reports: the latest per agent, visible to the team's supervisor only
    sup_ws = sup.ws()
    li.ok(
        "POST",
        "/health/reports",
        201,
        json={
            "verdict": "warn",
            "checks": [{"name": "vpn", "verdict": "ok"}, {"name": "latency", "verdict": "warn", "value": 180.0}],
            "mos": 3.9,
        },
    )
    sup_ws.next_of("health.report", predicate=lambda p: p["agent_id"] == li.user["id"])
    reports = sup.ok("GET", f"/teams/{sup.user['team_id']}/health")
    assert [(r["agent_name"], r["verdict"]) for r in reports] == [("李娜", "warn")]
    assert hub.client("sup.chen").get(f"/teams/{sup.user['team_id']}/health").status_code == 403
    assert zhao.get(f"/agents/{li.user['id']}/health").status_code == 403
    # metrics from a handled and a missed call
    li.set_state("not_ready", "sign_in")
    li.set_state("ready")
    li.set_state("ringing", call_id="c-1")
    li.set_state("on_call")
    li.set_state("wrap_up")
    li.set_state("ready")
    li.set_state("ringing", call_id="c-2")
    li.set_state("not_ready", "missed_call")
    m = sup.ok("GET", f"/teams/{sup.user['team_id']}/metrics")
    mine = next(a for a in m["agents"] if a["agent_id"] == li.user["id"])
    assert (mine["calls_offered"], mine["calls_handled"], mine["missed_calls"]) == (2, 1, 1)
    assert mine["answer_rate"] == 0.5
    assert mine["average_handle_s"] is not None
    assert mine["seconds_in_state"]["ready"] > 0
    assert m["totals"]["calls_offered"] >= 2
    assert li.get(f"/teams/{sup.user['team_id']}/metrics").status_code == 403
