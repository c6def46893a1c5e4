"""Ticket full-text search (jieba-segmented FTS5 on SQLite, tsvector + GIN on PostgreSQL) against the real hub."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.helpers.hub import HubClient, HubProcess

pytestmark = pytest.mark.integration


def _ticket(client: HubClient, subject: str, description: str, phone: str, name: str = "刘先生") -> dict[str, Any]:
    result: dict[str, Any] = client.ok(
        "POST",
        "/tickets",
        201,
        json={
            "subject": subject,
            "description": description,
            "customer_name": name,
            "customer_phone": phone,
            "category": "general",
            "allow_duplicate": True,
        },
    )
    return result


def _found(client: HubClient, q: str) -> set[int]:
    page = client.ok("GET", "/tickets", params={"q": q, "limit": 500})
    assert page["total"] == len(page["items"])
    return {t["id"] for t in page["items"]}


def test_chinese_words_phone_numbers_and_ticket_numbers(hub: HubProcess) -> None:
    zhao = hub.client("agent.zhao")
    tag = uuid.uuid4().hex[:8]  # an ASCII token of this test only, so seeded tickets never interfere
    fault = _ticket(zhao, f"宽带故障 {tag}", "客户反映宽带频繁掉线，光猫红灯闪烁，需要上门检修。", "139 1234 5678")
    slow = _ticket(zhao, f"网速慢 {tag}", "晚上宽带网速很慢，测速只有10兆。", "010-8888 6666", name="周女士")
    bill = _ticket(zhao, f"话费账单疑问 {tag}", "客户对上月话费有疑问，怀疑重复扣费。", "+86 137 0000 1111")

    # Chinese: one word, two words (all must occur), a word inside a longer text, no substring noise
    assert _found(zhao, f"宽带 {tag}") == {fault["id"], slow["id"]}
    assert _found(zhao, f"宽带 故障 {tag}") == {fault["id"]}
    assert _found(zhao, f"宽带故障 {tag}") == {fault["id"]}
    assert _found(zhao, f"掉线 {tag}") == {fault["id"]}
    assert _found(zhao, f"重复扣费 {tag}") == {bill["id"]}
    assert _found(zhao, f"周女士 {tag}") == {slow["id"]}
    assert _found(zhao, f"投诉 {tag}") == set()

    # phone numbers, however they are typed: full, national with separators, +86, landline with trunk 0, last 4
    assert fault["id"] in _found(zhao, "13912345678")
    assert fault["id"] in _found(zhao, "139-1234-5678")
    assert fault["id"] in _found(zhao, "+86 139 1234 5678")
    assert slow["id"] in _found(zhao, "01088886666")
    assert _found(zhao, f"5678 {tag}") == {fault["id"]}
    assert _found(zhao, f"1391234 {tag}") == {fault["id"]}  # a prefix of the number

    # the ticket number, whole or in part
    assert _found(zhao, fault["number"]) == {fault["id"]}
    assert fault["id"] in _found(zhao, fault["number"].split("-")[1])

    # the index follows updates: the old words are gone, the new ones found
    changed = zhao.ok(
        "PATCH",
        f"/tickets/{fault['id']}",
        json={"version": fault["version"], "subject": f"路由器无法连接 {tag}", "description": "已更换路由器。"},
    )
    assert _found(zhao, f"路由器 {tag}") == {fault["id"]}
    assert _found(zhao, f"掉线 {tag}") == set()
    zhao.ok("PATCH", f"/tickets/{fault['id']}", json={"version": changed["version"], "customer_phone": "13800001111"})
    assert fault["id"] not in _found(zhao, "13912345678")
    assert _found(zhao, f"13800001111 {tag}") == {fault["id"]}

    # punctuation and operator-like input is text, never FTS syntax; nothing fails
    for raw in ('"', "AND OR NOT", "宽带 *", "NEAR(a b)", "'; DROP TABLE tickets; --", "的", "（）", "a:b"):
        r = zhao.get("/tickets", params={"q": raw})
        assert r.status_code == 200, (raw, r.text)


def test_search_respects_visibility(hub: HubProcess) -> None:
    zhao = hub.client("agent.zhao")  # broadband team
    li = hub.client("agent.li")  # cards team
    tag = uuid.uuid4().hex[:8]
    theirs = _ticket(zhao, f"宽带故障 {tag}", "光猫故障", "13955556666")
    assert _found(zhao, f"光猫 {tag}") == {theirs["id"]}
    assert _found(li, f"光猫 {tag}") == set()
    assert theirs["id"] not in _found(li, "13955556666")
    admin = hub.client("admin", client_kind="service")
    assert _found(admin, f"光猫 {tag}") == {theirs["id"]}
