"""Bulk ticket sync: every ticket a caller may see, in large keyset pages, serialised straight from the rows.

The client's first sync (and every resync the hub asks for) fetches all visible tickets — 10,000 for a busy team.
The general ``GET /tickets`` listing is built for screens (offset paging, filters, a count, an ORM object and a
``Ticket`` dataclass per row, reflection-based ``to_wire``), which costs about a millisecond per ticket. This path
selects plain columns with the assignee's name joined in, pages by id (``WHERE id > :after ORDER BY id``, the primary
key index, so page 3 costs what page 1 costs and tickets changed meanwhile are never skipped or repeated) and builds
the wire dicts directly: the same fields and values as ``to_wire(Ticket)`` (``tests/unit/hub/test_ticket_sync.py``
holds the two to the same parsed tickets).

Runs inside the caller's (read) transaction; raises nothing of its own.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, type_coerce
from sqlalchemy.orm import Session

from server.auth import Principal
from server.db import TicketRow, User
from server.tickets import TicketService

#: Largest page a client may ask for (about 7 MB of JSON before compression).
MAX_SYNC_PAGE = 10_000
DEFAULT_SYNC_PAGE = 5_000

_JSON = frozenset({"custom_fields", "linked_call_ids"})
_TIMES = frozenset({"sla_due", "created_at", "updated_at", "resolved_at", "closed_at"})
# JSON and time columns are read as the driver's raw values (``type_coerce`` to String skips SQLAlchemy's per-value
# result processors, which were three quarters of the cost): SQLite gives text, PostgreSQL (psycopg) gives parsed
# JSON and naive UTC datetimes. ``_json`` and ``_time`` accept both.
_COLUMNS = tuple(
    type_coerce(column, String) if column.key in _JSON | _TIMES else column
    for column in (
        TicketRow.id,
        TicketRow.number,
        TicketRow.subject,
        TicketRow.description,
        TicketRow.customer_name,
        TicketRow.customer_phone,
        TicketRow.category,
        TicketRow.priority,
        TicketRow.status,
        TicketRow.assignee_id,
        TicketRow.team_id,
        TicketRow.sla_due,
        TicketRow.custom_fields,
        TicketRow.linked_call_ids,
        TicketRow.created_by,
        TicketRow.created_at,
        TicketRow.updated_at,
        TicketRow.version,
        TicketRow.closing_template,
        TicketRow.resolved_at,
        TicketRow.closed_at,
    )
)
#: SQLAlchemy's SQLite storage format for DateTime: "2026-11-23 13:38:48.976386" (naive UTC).
_SQLITE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?")


def _time(value: object) -> str | None:
    """A stored time as the wire's ISO 8601 text with its UTC offset (what ``to_wire`` gives)."""
    if value is None:
        return None
    if isinstance(value, str):
        if _SQLITE_TIME.fullmatch(value):
            return value.replace(" ", "T", 1) + "+00:00"
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"unexpected time value {type(value).__name__}")
    if value.tzinfo is None:  # stored as naive UTC (UtcDateTime)
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _json(value: object, empty: dict[str, Any] | list[Any]) -> Any:
    """A JSON column's value (a copy of ``empty`` for NULL)."""
    if value is None:
        return empty.copy()
    if value == "[]":  # most tickets: no call linked yet
        return []
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def sync_page(
    service: TicketService, db: Session, me: Principal, *, after: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Tickets visible to ``me`` with ``id > after``, by id: (wire dicts, the next ``after`` or None at the end)."""
    visible = service.visible_query(me)
    query = (
        visible.with_only_columns(*_COLUMNS, User.display_name, maintain_column_froms=False)
        .select_from(TicketRow)
        .outerjoin(User, User.id == TicketRow.assignee_id)
        .where(TicketRow.id > after)
        .order_by(TicketRow.id)
        .limit(limit)
    )
    items: list[dict[str, Any]] = []
    for row in db.execute(query):
        (
            tid,
            number,
            subject,
            description,
            customer_name,
            customer_phone,
            category,
            priority,
            status,
            assignee_id,
            team_id,
            sla_due,
            custom_fields,
            linked_call_ids,
            created_by,
            created_at,
            updated_at,
            version,
            closing_template,
            resolved_at,
            closed_at,
            assignee_name,
        ) = row
        items.append(
            {
                "id": tid,
                "number": number,
                "subject": subject,
                "description": description,
                "customer_name": customer_name,
                "customer_phone": customer_phone,
                "category": category,
                "priority": priority,
                "status": status,
                "assignee_id": assignee_id,
                "assignee_name": assignee_name if assignee_id is not None else None,
                "team_id": team_id,
                "sla_due": _time(sla_due),
                "custom_fields": _json(custom_fields, {}),
                "linked_call_ids": _json(linked_call_ids, []),
                "created_by": created_by,
                "created_at": _time(created_at),
                "updated_at": _time(updated_at),
                "version": version,
                "closing_template": closing_template,
                "resolved_at": _time(resolved_at),
                "closed_at": _time(closed_at),
            }
        )
    next_after = items[-1]["id"] if len(items) == limit else None
    return items, next_after
