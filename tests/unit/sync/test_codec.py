"""The fast ticket codec agrees with the protocol's generic (reflective) decoder, valid or not."""

from __future__ import annotations

from typing import Any

import pytest

from app import protocol as proto
from app.sync.codec import ticket_from_wire, ticket_to_wire
from tests.unit.sync.test_cache_outbox import make_ticket

pytestmark = pytest.mark.unit


def test_round_trip_matches_the_protocol() -> None:
    ticket = make_ticket(3, custom_fields={"amount": 12.5, "ok": True, "nested": {"a": [1, "x"]}})
    wire = proto.to_wire(ticket)
    assert ticket_to_wire(ticket) == wire
    assert ticket_from_wire(wire) == proto.from_wire(proto.Ticket, wire) == ticket
    optional = dict(wire)
    for key in ("closing_template", "resolved_at", "closed_at"):
        optional.pop(key)
    assert ticket_from_wire(optional) == proto.from_wire(proto.Ticket, optional)


def _variants() -> list[tuple[str, Any]]:
    wire = proto.to_wire(make_ticket(3))
    return [
        ("not an object", [wire]),
        ("missing id", {k: v for k, v in wire.items() if k != "id"}),
        ("string id", {**wire, "id": "3"}),
        ("bool version", {**wire, "version": True}),
        ("bad status", {**wire, "status": "lost"}),
        ("bad priority", {**wire, "priority": 3}),
        ("naive time", {**wire, "created_at": "2026-11-23T09:00:00"}),
        ("bad time", {**wire, "sla_due": "tomorrow"}),
        ("null subject", {**wire, "subject": None}),
        ("fields list", {**wire, "custom_fields": []}),
        ("call id number", {**wire, "linked_call_ids": [5]}),
        ("missing phone", {k: v for k, v in wire.items() if k != "customer_phone"}),
        ("nan field", {**wire, "custom_fields": {"x": float("nan")}}),
    ]


@pytest.mark.parametrize(("name", "data"), _variants())
def test_malformed_tickets_are_refused_like_the_protocol_does(name: str, data: Any) -> None:
    with pytest.raises(proto.ProtocolError) as generic:
        proto.from_wire(proto.Ticket, data)
    with pytest.raises(proto.ProtocolError) as fast:
        ticket_from_wire(data)
    assert fast.value.kind is generic.value.kind, name
    assert fast.value.path == generic.value.path, name
