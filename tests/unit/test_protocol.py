"""The wire protocol: round trips, strict parsing with typed errors, the shared transition table, phone numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import protocol as p

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _status(**kw: object) -> p.AgentStatus:
    base: dict[str, object] = {
        "agent_id": 3,
        "username": "agent.li",
        "display_name": "李娜",
        "team_id": 1,
        "state": p.AgentState.NOT_READY,
        "reason": "lunch",
        "since": NOW,
        "version": 4,
    }
    base.update(kw)
    return p.AgentStatus(**base)  # type: ignore[arg-type]


def test_event_round_trip() -> None:
    status = _status(pending_state=p.AgentState.READY, cause=p.StateCause.SUPERVISOR, changed_by_name="张主管")
    text = p.make_envelope(p.EventType.AGENT_STATE, status, seq=42, ts=NOW)
    env = p.parse_envelope(text)
    assert (env.type, env.seq) == ("agent.state", 42)
    assert p.envelope_payload(env) == status
    assert "张主管" in text  # not \u-escaped


def test_nested_dataclasses_round_trip() -> None:
    ticket = p.Ticket(
        id=1,
        number="T20261123-000001",
        subject="挂失",
        description="",
        customer_name="张三",
        customer_phone="+8613800138000",
        category="card_loss",
        priority=p.TicketPriority.HIGH,
        status=p.TicketStatus.NEW,
        assignee_id=None,
        assignee_name=None,
        team_id=1,
        sla_due=NOW,
        custom_fields={"card_last4": "1234", "amount": 12.5, "flags": [1, None]},
        linked_call_ids=["c1"],
        created_by=3,
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )
    detail = p.TicketDetail(
        ticket, [], [p.TicketAuditEntry(1, 1, 3, "李娜", "created", {"status": [None, "new"]}, NOW)]
    )
    assert p.loads(p.TicketDetail, p.dumps(detail)) == detail


@pytest.mark.parametrize(
    ("raw", "kind", "path"),
    [
        ("{", p.ProtocolErrorKind.NOT_JSON, ""),
        ("[]", p.ProtocolErrorKind.WRONG_TYPE, ""),
        ('{"payload": {}}', p.ProtocolErrorKind.MISSING_FIELD, "type"),
        ('{"type": "agent.state", "payload": {}}', p.ProtocolErrorKind.BAD_VALUE, "seq"),
        ('{"type": "pong", "payload": {}, "seq": 3}', p.ProtocolErrorKind.BAD_VALUE, "seq"),
        ('{"type": 5, "payload": {}}', p.ProtocolErrorKind.WRONG_TYPE, "type"),
        ('{"type": "x", "payload": [], "seq": null}', p.ProtocolErrorKind.WRONG_TYPE, "payload"),
    ],
)
def test_malformed_envelopes_raise_typed_errors(raw: str, kind: p.ProtocolErrorKind, path: str) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.parse_envelope(raw)
    assert (info.value.kind, info.value.path) == (kind, path)


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"state": "dancing"}, "payload.state"),
        ({"version": "4"}, "payload.version"),
        ({"version": True}, "payload.version"),
        ({"since": "yesterday"}, "payload.since"),
        ({"since": "2026-11-23T09:30:00"}, "payload.since"),  # naive time
        ({"team_id": 1.5}, "payload.team_id"),
        ({"online": 1}, "payload.online"),
    ],
)
def test_bad_payload_fields_are_located(payload: dict[str, object], path: str) -> None:
    data = p.to_wire(_status())
    data.update(payload)
    env = p.Envelope(type="agent.state", payload=data, seq=1)
    with pytest.raises(p.ProtocolError) as info:
        p.envelope_payload(env)
    assert info.value.path == path


def test_unknown_fields_are_ignored_and_unknown_types_flagged() -> None:
    data = p.to_wire(_status())
    data["mood"] = "happy"  # a newer hub may add fields
    assert p.from_wire(p.AgentStatus, data) == _status()
    env = p.parse_envelope('{"type": "future.thing", "payload": {}, "seq": 9}')
    with pytest.raises(p.ProtocolError) as info:
        p.envelope_payload(env)
    assert info.value.kind is p.ProtocolErrorKind.UNKNOWN_MESSAGE


def test_non_finite_numbers_refused() -> None:
    with pytest.raises(p.ProtocolError):
        p.from_wire(p.HealthReportSubmit, {"verdict": "ok", "checks": [], "mos": float("nan")})


def test_transition_table_is_complete_and_consistent() -> None:
    assert set(p.AGENT_TRANSITIONS) == set(p.AgentState)
    assert p.can_transition(p.AgentState.SIGNED_OUT, p.AgentState.NOT_READY)
    assert not p.can_transition(p.AgentState.SIGNED_OUT, p.AgentState.READY)
    assert not p.can_transition(p.AgentState.NOT_READY, p.AgentState.ON_CALL)
    assert p.can_transition(p.AgentState.RINGING, p.AgentState.NOT_READY)  # missed call
    assert p.SUPERVISOR_TARGETS <= p.PENDING_TARGETS
    # every state can eventually be left for signed out
    for state in p.AgentState:
        seen, todo = {state}, [state]
        while todo:
            for nxt in p.AGENT_TRANSITIONS[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert p.AgentState.SIGNED_OUT in seen
    assert set(p.TICKET_TRANSITIONS) == set(p.TicketStatus)
    assert p.TicketStatus.IN_PROGRESS in p.TICKET_TRANSITIONS[p.TicketStatus.CLOSED]  # reopen


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("0086-13800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("010-88886666", "+861088886666"),
        ("(010) 8888 6666", "+861088886666"),
        ("021-6888 8888 转 123", "+862168888888"),
        ("0571-88886666", "+8657188886666"),
        ("0755 8888 666", "+867558888666"),
        ("+86 10 8888 6666", "+861088886666"),
        ("+86 (0)10 8888 6666", "+861088886666"),
        ("400-820-8820", "+864008208820"),
        ("+1 415 555 0100", "+14155550100"),
    ],
)
def test_phone_normalisation(raw: str, e164: str) -> None:
    assert p.normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["", "abc", "12345", "1380013800", "23800138000", "010-123", "+86 999", "+0 123"])
def test_bad_phones_refused(raw: str) -> None:
    with pytest.raises(p.PhoneError):
        p.normalize_phone(raw)


def test_versions() -> None:
    assert p.client_version_supported("0.1.0")
    assert p.client_version_supported("1.0.0rc1")
    assert not p.client_version_supported("0.0.9")
    assert not p.client_version_supported("garbage")
