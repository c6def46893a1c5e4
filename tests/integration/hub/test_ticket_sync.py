"""``GET /sync/tickets`` (the client's full sync) against the real hub, on SQLite and PostgreSQL: the same tickets
as the listing for each user, by id in keyset pages, nothing repeated or skipped, gzip when the client accepts it."""

from __future__ import annotations

from typing import Any

import pytest

from app import protocol as proto
from app.sync.codec import ticket_from_wire
from tests.helpers.hub import HubClient, HubProcess

pytestmark = pytest.mark.integration


def _listing(client: HubClient) -> dict[int, proto.Ticket]:
    tickets: dict[int, proto.Ticket] = {}
    offset = 0
    while True:
        page = client.ok("GET", "/tickets", params={"offset": offset, "limit": 500, "sort": "number"})
        for item in page["items"]:
            tickets[item["id"]] = proto.from_wire(proto.Ticket, item)
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return tickets


def _sync(client: HubClient, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after = 0
    while True:
        page = client.ok("GET", "/sync/tickets", params={"after": after, "limit": limit})
        assert set(page) == {"items", "next_after", "total"}
        assert (page["total"] is None) == (after != 0)
        if after == 0:
            total = page["total"]
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        if page["next_after"] is None:
            assert len(items) == total
            return items
        assert page["next_after"] == page["items"][-1]["id"]
        after = page["next_after"]


@pytest.mark.parametrize("username", ["agent.li", "agent.zhao", "sup.zhang"])
def test_bulk_sync_gives_exactly_the_visible_tickets_in_id_order(hub: HubProcess, username: str) -> None:
    client = hub.client(username)
    if username == "agent.li":  # a ticket with linked calls, custom fields and no phone, freshly changed
        created = client.ok(
            "POST",
            "/tickets",
            201,
            json={
                "subject": "无号码来电",
                "customer_name": "匿名",
                "category": "card_loss",
                "custom_fields": {"card_last4": "0000", "loss_type": "临时挂失"},
                "linked_call_ids": ["call-a", "call-b"],
            },
        )
        client.ok("PATCH", f"/tickets/{created['id']}", json={"version": created["version"], "status": "in_progress"})
    listing = _listing(client)
    assert listing, "the demo data gives every user some tickets"
    items = _sync(client, limit=7)  # small pages: several keyset steps
    ids = [item["id"] for item in items]
    assert ids == sorted(set(ids))  # ordered by id, nothing twice
    assert {i: ticket_from_wire(item) for i, item in zip(ids, items, strict=True)} == listing


def test_bulk_sync_is_gzip_compressed_only_when_accepted(hub_sqlite: HubProcess) -> None:
    client = hub_sqlite.client("agent.li")
    zipped = client.get("/sync/tickets", headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200
    assert zipped.headers.get("content-encoding") == "gzip"
    plain = client.get("/sync/tickets", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()  # httpx decodes the gzip body


def test_bulk_sync_checks_its_parameters(hub_sqlite: HubProcess) -> None:
    client = hub_sqlite.client("agent.li")
    for params in ({"limit": 0}, {"limit": 10_001}, {"after": -1}, {"after": "x"}):
        assert client.get("/sync/tickets", params=params).status_code == 422
    assert hub_sqlite.anonymous().get("/sync/tickets").status_code == 401


def test_bulk_sync_serves_changes_made_after_an_earlier_sync(hub_sqlite: HubProcess) -> None:
    """The hub keeps each ticket's wire JSON ready between syncs: an edit (new version) and a renamed assignee (the
    name comes from the users table) must show in the next sync, not the JSON served before."""
    client = hub_sqlite.client("agent.li")
    before = {item["id"]: item for item in _sync(client, limit=7)}
    mine = next(item for item in before.values() if item["assignee_id"] == client.user["id"])
    edited = client.ok("PATCH", f"/tickets/{mine['id']}", json={"version": mine["version"], "subject": "已改主题"})
    admin = hub_sqlite.client("admin", client_kind="service")
    admin.ok("PATCH", f"/admin/users/{client.user['id']}", json={"display_name": "李娜（二线）"})
    after = {item["id"]: item for item in _sync(client, limit=7)}
    assert after[mine["id"]]["subject"] == "已改主题"
    assert after[mine["id"]]["version"] == edited["version"]
    assert {i: ticket_from_wire(item) for i, item in after.items()} == _listing(client)
    assert all(
        item["assignee_name"] == "李娜（二线）" for item in after.values() if item["assignee_id"] == client.user["id"]
    )


def test_hub_prepares_every_tickets_json_at_start_up(hub_sqlite: HubProcess) -> None:
    """After a (re)start the hub prepares the tickets' JSON in the background, so the first agents' syncs need not
    build it; what it serves is still exactly the listing."""
    match = hub_sqlite.process.wait_for_log(r"ticket JSON prepared for (\d+) ticket", timeout=30)
    admin = hub_sqlite.client("admin", client_kind="service")
    first = admin.ok("GET", "/sync/tickets", params={"limit": 1})
    assert int(match.group(1)) == first["total"] > 0  # the admin sees every ticket
    client = hub_sqlite.client("agent.li")
    assert {item["id"]: ticket_from_wire(item) for item in _sync(client, limit=7)} == _listing(client)
