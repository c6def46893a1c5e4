"""Tickets (工单): creation with templates and SLA, updates with optimistic concurrency and a status workflow, notes
with compliance flags, audit trail, duplicate check, customer lookup, category suggestion and customer tracking.

Every function runs inside the caller's transaction and raises ``ApiError`` with field details on bad input.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, column, event, func, inspect, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper, Session

from app.protocol import (
    OPEN_TICKET_STATUSES,
    TICKET_TRANSITIONS,
    CategorySuggestion,
    ComplianceHit,
    ComplianceResult,
    CustomerTickets,
    CustomFieldType,
    ErrorCode,
    EventType,
    FieldError,
    NoteCreate,
    NoteVisibility,
    PhoneError,
    PublicNote,
    Role,
    Ticket,
    TicketAuditEntry,
    TicketCategory,
    TicketCreate,
    TicketDetail,
    TicketNote,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
    TrackingResult,
    from_wire,
    normalize_phone,
    to_wire,
)
from server.auth import Principal
from server.db import (
    CompliancePhrase,
    Counter,
    IdempotencyKey,
    TicketAuditRow,
    TicketCategoryRow,
    TicketNoteRow,
    TicketRow,
    User,
    is_sqlite,
    utcnow,
)
from server.errors import ApiError, field_error, forbidden, not_found, validation_error
from server.push import Audience, EventBus
from server.search import fts5_match, join_text, query_terms, tsquery

PRIORITY_SLA_FACTOR = {
    TicketPriority.URGENT: 0.25,
    TicketPriority.HIGH: 0.5,
    TicketPriority.NORMAL: 1.0,
    TicketPriority.LOW: 2.0,
}
MAX_TEXT = {"subject": 200, "customer_name": 100, "description": 10_000, "body": 10_000}
MAX_CALL_IDS = 50


#: Ticket columns whose text the full-text index covers.
SEARCH_FIELDS = ("number", "subject", "description", "customer_name", "customer_phone")


def phone_search_forms(e164: str | None) -> list[str]:
    """The digit strings an agent types for a stored E.164 number: in full, national (with the trunk 0 for Chinese
    landlines) and the last four digits."""
    if not e164:
        return []
    digits = e164.lstrip("+")
    forms = [digits]
    if digits.startswith("86"):
        national = digits[2:]
        forms.append(national)
        if not re.fullmatch(r"1[3-9]\d{9}|[48]00\d{7}", national):  # landline: 10 8888 6666 is written 010-8888 6666
            forms.append("0" + national)
    forms.append(digits[-4:])
    return forms


def search_text(
    number: str | None, subject: str | None, description: str | None, customer_name: str | None, phone: str | None
) -> str:
    """The segmented text the ticket full-text index sees (``tickets.search_seg``)."""
    return " ".join(
        part for part in (join_text([number, subject, customer_name, description]), *phone_search_forms(phone)) if part
    )


@event.listens_for(TicketRow, "before_insert")
@event.listens_for(TicketRow, "before_update")
def _keep_search_text(_mapper: Mapper[TicketRow], _conn: Any, target: TicketRow) -> None:
    """Keep ``search_seg`` in step with the ticket's text on every insert and update, whichever code writes it;
    the FTS5 triggers (SQLite) and the expression index (PostgreSQL) follow the column."""
    state = inspect(target)
    if state.pending or any(state.attrs[name].history.has_changes() for name in SEARCH_FIELDS):
        target.search_seg = search_text(
            target.number, target.subject, target.description, target.customer_name, target.customer_phone
        )


def _canonical_hash(body: object) -> str:
    return hashlib.sha256(json.dumps(to_wire(body), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class TicketService:
    def __init__(self, bus: EventBus) -> None:
        self.bus = bus

    # -- categories and phrases -----------------------------------------------------------------------------
    def categories(self, db: Session) -> dict[str, TicketCategory]:
        rows = db.scalars(select(TicketCategoryRow).where(TicketCategoryRow.active.is_(True)))
        return {r.code: from_wire(TicketCategory, r.spec) for r in rows}

    def category(self, db: Session, code: str, field: str = "category") -> TicketCategory:
        row = db.get(TicketCategoryRow, code) if len(code) <= 64 else None
        if row is None or not row.active:
            raise field_error(field, "invalid_choice", f"unknown category {code[:40]!r}")
        return from_wire(TicketCategory, row.spec)

    def phrases(self, db: Session) -> list[str]:
        return list(db.scalars(select(CompliancePhrase.phrase)))

    # -- permissions ------------------------------------------------------------------------------------------
    @staticmethod
    def can_see(me: Principal, row: TicketRow) -> bool:
        if me.role is Role.ADMIN:
            return True
        if me.team_id is not None and row.team_id == me.team_id:
            return True
        return me.role is Role.AGENT and me.user_id in (row.assignee_id, row.created_by)

    def _get(self, db: Session, me: Principal, ticket_id: int, *, for_update: bool = False) -> TicketRow:
        query = select(TicketRow).where(TicketRow.id == ticket_id)
        if for_update:
            query = query.with_for_update()
        row = db.scalar(query)
        if row is None or not self.can_see(me, row):
            raise not_found("ticket")  # not 403: do not reveal other teams' ticket ids
        return row

    # -- conversions --------------------------------------------------------------------------------------
    @staticmethod
    def _display_name(db: Session, user_id: int | None) -> str | None:
        """A user's display name, remembered for the rest of the session (transaction): the identity map holds
        ``User`` rows weakly, so ``db.get`` per ticket was one SELECT per row of a listing or a screen pop."""
        if user_id is None:
            return None
        names: dict[int, str | None] = db.info.setdefault("agentdesk_user_names", {})
        if user_id not in names:
            user = db.get(User, user_id)
            names[user_id] = user.display_name if user else None
        return names[user_id]

    def to_ticket(self, db: Session, row: TicketRow) -> Ticket:
        return Ticket(
            id=row.id,
            number=row.number,
            subject=row.subject,
            description=row.description,
            customer_name=row.customer_name,
            customer_phone=row.customer_phone,
            category=row.category,
            priority=TicketPriority(row.priority),
            status=TicketStatus(row.status),
            assignee_id=row.assignee_id,
            assignee_name=self._display_name(db, row.assignee_id),
            team_id=row.team_id,
            sla_due=row.sla_due,
            custom_fields=dict(row.custom_fields or {}),
            linked_call_ids=list(row.linked_call_ids or []),
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
            closing_template=row.closing_template,
            resolved_at=row.resolved_at,
            closed_at=row.closed_at,
        )

    def to_note(self, db: Session, row: TicketNoteRow) -> TicketNote:
        return TicketNote(
            id=row.id,
            ticket_id=row.ticket_id,
            author_id=row.author_id,
            author_name=self._display_name(db, row.author_id) or "",
            visibility=NoteVisibility(row.visibility),
            body=row.body,
            created_at=row.created_at,
            compliance_flags=[str(f) for f in row.compliance_flags or []],
        )

    def detail(self, db: Session, me: Principal, ticket_id: int) -> TicketDetail:
        row = self._get(db, me, ticket_id)
        notes = db.scalars(select(TicketNoteRow).where(TicketNoteRow.ticket_id == row.id).order_by(TicketNoteRow.id))
        audit = db.scalars(select(TicketAuditRow).where(TicketAuditRow.ticket_id == row.id).order_by(TicketAuditRow.id))
        names: dict[int, str] = {}

        def name(uid: int | None) -> str | None:
            if uid is None:
                return None
            if uid not in names:
                user = db.get(User, uid)
                names[uid] = user.display_name if user else ""
            return names[uid]

        return TicketDetail(
            ticket=self.to_ticket(db, row),
            notes=[self.to_note(db, n) for n in notes],
            audit=[
                TicketAuditEntry(a.id, a.ticket_id, a.actor_id, name(a.actor_id), a.action, dict(a.changes or {}), a.at)
                for a in audit
            ],
        )

    # -- validation --------------------------------------------------------------------------------------
    @staticmethod
    def _phone(raw: str | None, errors: list[FieldError], field: str = "customer_phone") -> str | None:
        if raw is None or not raw.strip():
            return None
        try:
            return normalize_phone(raw[:64])
        except PhoneError:
            errors.append(FieldError(field, "invalid_phone", "not a Chinese mobile/landline or E.164 number"))
            return None

    @staticmethod
    def _text(name: str, value: str | None, errors: list[FieldError], *, required: bool = False) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if required and not value:
            errors.append(FieldError(name, "required", f"{name} is required"))
        elif len(value) > MAX_TEXT.get(name, 200):
            errors.append(FieldError(name, "too_long", f"at most {MAX_TEXT.get(name, 200)} characters"))
        elif "\x00" in value:
            errors.append(FieldError(name, "invalid", "contains a NUL character"))
        return value

    @staticmethod
    def validate_fields(
        category: TicketCategory, values: dict[str, Any], errors: list[FieldError], *, partial: bool = False
    ) -> dict[str, Any]:
        specs = {f.key: f for f in category.fields}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            spec = specs.get(key)
            path = f"custom_fields.{key[:40]}"
            if spec is None:
                errors.append(FieldError(path, "unknown_field", f"category {category.code} has no field {key[:40]!r}"))
                continue
            if value is None or value == "":
                if spec.required and not partial:
                    errors.append(FieldError(path, "required", f"{spec.label_en} is required"))
                clean[key] = None
                continue
            ok = True
            if spec.type is CustomFieldType.TEXT:
                ok = isinstance(value, str) and len(value) <= spec.max_length
            elif spec.type is CustomFieldType.NUMBER:
                ok = isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e15
            elif spec.type is CustomFieldType.BOOL:
                ok = isinstance(value, bool)
            elif spec.type is CustomFieldType.CHOICE:
                ok = isinstance(value, str) and value in spec.choices
            elif spec.type is CustomFieldType.DATE:
                ok = isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
                if ok:
                    try:
                        date.fromisoformat(str(value))
                    except ValueError:
                        ok = False
            if not ok:
                code = "invalid_choice" if spec.type is CustomFieldType.CHOICE else f"invalid_{spec.type.value}"
                errors.append(FieldError(path, code, f"{spec.label_en}: not a valid {spec.type.value}"))
                continue
            clean[key] = value
        if not partial:
            for spec in category.fields:
                if spec.required and clean.get(spec.key) in (None, "") and spec.key not in values:
                    errors.append(FieldError(f"custom_fields.{spec.key}", "required", f"{spec.label_en} is required"))
        return clean

    def _call_ids(self, ids: Iterable[str], errors: list[FieldError], field: str) -> list[str]:
        out: list[str] = []
        for i, cid in enumerate(ids):
            if not 1 <= len(cid) <= 128:
                errors.append(FieldError(f"{field}[{i}]", "invalid", "call ids are 1..128 characters"))
            elif cid not in out:
                out.append(cid)
        if len(out) > MAX_CALL_IDS:
            errors.append(FieldError(field, "too_many", f"at most {MAX_CALL_IDS} call ids"))
        return out

    def _check_assignee(
        self, db: Session, me: Principal, assignee_id: int, team_id: int, errors: list[FieldError]
    ) -> None:
        assignee = db.get(User, assignee_id)
        if assignee is None or not assignee.active:
            errors.append(FieldError("assignee_id", "not_found", "no such user"))
        elif assignee.team_id != team_id:
            errors.append(FieldError("assignee_id", "other_team", "the assignee must be in the ticket's team"))
        elif me.role is Role.AGENT and assignee_id != me.user_id and assignee.role != Role.AGENT.value:
            errors.append(FieldError("assignee_id", "invalid", "agents can assign to agents only"))

    # -- idempotency ---------------------------------------------------------------------------------------
    def idempotent_replay(
        self, db: Session, me: Principal, key: str | None, scope: str, body: object
    ) -> tuple[int, Any] | None:
        if key is None:
            return None
        if not 8 <= len(key) <= 128:
            raise field_error("Idempotency-Key", "invalid", "idempotency keys are 8..128 characters")
        row = db.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == me.user_id, IdempotencyKey.key == key))
        if row is None:
            return None
        if row.scope != scope or row.request_hash != _canonical_hash(body):
            raise ApiError(422, ErrorCode.IDEMPOTENCY_MISMATCH, "this idempotency key was used for a different request")
        return row.status_code, row.response

    def remember(
        self, db: Session, me: Principal, key: str | None, scope: str, body: object, status: int, response: Any
    ) -> None:
        if key is None:
            return
        db.add(
            IdempotencyKey(
                user_id=me.user_id,
                key=key,
                scope=scope,
                request_hash=_canonical_hash(body),
                status_code=status,
                response=to_wire(response),
            )
        )
        try:
            db.flush()
        except IntegrityError:
            # the same key committed concurrently: the caller rolls back and replays the stored answer
            raise ApiError(
                409, ErrorCode.CONFLICT, "a request with this idempotency key is in progress; retry"
            ) from None

    # -- numbering and SLA -----------------------------------------------------------------------------------
    def _next_number(self, db: Session, now: datetime) -> str:
        day = now.strftime("%Y%m%d")
        name = f"ticket:{day}"
        result = db.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
        if not getattr(result, "rowcount", 0):
            try:
                with db.begin_nested():
                    db.add(Counter(name=name, value=1))
                    db.flush()
            except IntegrityError:
                db.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
        value = db.scalar(select(Counter.value).where(Counter.name == name))
        return f"T{day}-{int(value or 0):06d}"

    @staticmethod
    def sla_due(category: TicketCategory, priority: TicketPriority, start: datetime) -> datetime:
        return start + timedelta(minutes=category.sla_minutes * PRIORITY_SLA_FACTOR[priority])

    # -- create ------------------------------------------------------------------------------------------------
    def create(self, db: Session, me: Principal, body: TicketCreate) -> Ticket:
        errors: list[FieldError] = []
        subject = self._text("subject", body.subject, errors, required=True)
        customer = self._text("customer_name", body.customer_name, errors, required=True)
        description = self._text("description", body.description, errors) or ""
        phone = self._phone(body.customer_phone, errors)
        team_id = body.team_id if body.team_id is not None else me.team_id
        if team_id is None:
            errors.append(FieldError("team_id", "required", "no team for this ticket"))
        elif me.role is not Role.ADMIN and team_id != me.team_id:
            raise forbidden("tickets can only be created for your own team")
        try:
            category = self.category(db, body.category)
        except ApiError as exc:
            errors.extend(exc.fields)
            category = None
        fields = self.validate_fields(category, body.custom_fields, errors) if category else {}
        call_ids = self._call_ids(body.linked_call_ids, errors, "linked_call_ids")
        if body.assignee_id is not None and team_id is not None:
            self._check_assignee(db, me, body.assignee_id, team_id, errors)
        note_body = self._text("body", body.initial_note, errors) if body.initial_note else None
        if errors:
            raise validation_error(errors)
        assert category is not None
        assert team_id is not None
        assert subject is not None
        assert customer is not None
        if not body.allow_duplicate and phone is not None:
            dups = self.duplicates(db, me, phone, category.code)
            if dups:
                raise ApiError(
                    409,
                    ErrorCode.DUPLICATE,
                    "an open ticket exists for this customer and category",
                    details={"duplicates": to_wire(dups)},
                )
        now = utcnow()
        row = TicketRow(
            number=self._next_number(db, now),
            subject=subject,
            description=description,
            customer_name=customer,
            customer_phone=phone,
            category=category.code,
            priority=body.priority.value,
            status=TicketStatus.NEW.value,
            assignee_id=body.assignee_id,
            team_id=team_id,
            sla_due=self.sla_due(category, body.priority, now),
            custom_fields=fields,
            linked_call_ids=call_ids,
            created_by=me.user_id,
            created_at=now,
            updated_at=now,
            version=1,
        )
        db.add(row)
        db.flush()
        ticket = self.to_ticket(db, row)
        self._audit(db, row.id, me.user_id, "created", {"ticket": [None, to_wire(ticket)]}, now)
        self._emit(db, EventType.TICKET_CREATED, ticket, row)
        if note_body:
            self.add_note(db, me, row.id, NoteCreate(note_body, NoteVisibility.INTERNAL))
            ticket = self.to_ticket(db, row)
        return ticket

    # -- update ------------------------------------------------------------------------------------------------
    def update(self, db: Session, me: Principal, ticket_id: int, body: TicketUpdate) -> Ticket:
        row = self._get(db, me, ticket_id, for_update=True)
        if body.version != row.version:
            raise ApiError(
                409,
                ErrorCode.CONFLICT,
                "the ticket was changed by someone else",
                details={"current": to_wire(self.to_ticket(db, row))},
            )
        errors: list[FieldError] = []
        changes: dict[str, list[Any]] = {}

        def change(name: str, new: Any) -> None:
            old = getattr(row, name)
            if new != old:
                changes[name] = [to_wire(old), to_wire(new)]
                setattr(row, name, new)

        for name in ("subject", "customer_name", "description"):
            value = getattr(body, name)
            if value is not None:
                clean = self._text(name, value, errors, required=name != "description")
                if clean is not None:
                    change(name, clean)
        if body.customer_phone is not None:
            change("customer_phone", self._phone(body.customer_phone, errors))
        category = None
        if body.category is not None:
            try:
                category = self.category(db, body.category)
                change("category", category.code)
            except ApiError as exc:
                errors.extend(exc.fields)
        if category is None:
            try:
                category = self.category(db, row.category)
            except ApiError:
                category = None
        if body.custom_fields is not None and category is not None:
            merged = {**(row.custom_fields or {}), **body.custom_fields}
            clean_fields = self.validate_fields(category, merged, errors)
            change("custom_fields", clean_fields)
        elif body.category is not None and category is not None:
            # a new category: its required fields must be present
            clean_fields = self.validate_fields(
                category,
                {k: v for k, v in (row.custom_fields or {}).items() if k in {f.key for f in category.fields}},
                errors,
            )
            change("custom_fields", clean_fields)
        if body.priority is not None:
            change("priority", body.priority.value)
            if category is not None:
                change("sla_due", self.sla_due(category, body.priority, row.created_at))
        if body.unassign:
            change("assignee_id", None)
        elif body.assignee_id is not None:
            self._check_assignee(db, me, body.assignee_id, row.team_id, errors)
            change("assignee_id", body.assignee_id)
        if body.add_call_ids:
            ids = self._call_ids([*(row.linked_call_ids or []), *body.add_call_ids], errors, "add_call_ids")
            change("linked_call_ids", ids)
        now = utcnow()
        if body.closing_template is not None:
            codes = {t.code for t in category.closing_templates} if category else set()
            if body.closing_template not in codes:
                errors.append(
                    FieldError("closing_template", "invalid_choice", "not a closing template of this category")
                )
            else:
                change("closing_template", body.closing_template)
        if body.status is not None:
            current = TicketStatus(row.status)
            if body.status is not current:
                if body.status not in TICKET_TRANSITIONS[current]:
                    raise ApiError(
                        409,
                        ErrorCode.INVALID_TRANSITION,
                        f"cannot go from {current.value} to {body.status.value}",
                        details={"current": to_wire(self.to_ticket(db, row))},
                    )
                change("status", body.status.value)
                if body.status is TicketStatus.RESOLVED:
                    change("resolved_at", now)
                elif body.status is TicketStatus.CLOSED:
                    change("closed_at", now)
                elif body.status is TicketStatus.IN_PROGRESS and current in (
                    TicketStatus.RESOLVED,
                    TicketStatus.CLOSED,
                ):
                    change("resolved_at", None)
                    change("closed_at", None)
        if errors:
            raise validation_error(errors)
        if not changes:
            return self.to_ticket(db, row)
        row.version += 1
        row.updated_at = now
        db.flush()
        action = "status" if set(changes) <= {"status", "resolved_at", "closed_at"} else "updated"
        self._audit(db, row.id, me.user_id, action, changes, now)
        ticket = self.to_ticket(db, row)
        self._emit(db, EventType.TICKET_UPDATED, ticket, row)
        return ticket

    # -- notes ------------------------------------------------------------------------------------------------
    def add_note(self, db: Session, me: Principal, ticket_id: int, body: NoteCreate) -> TicketNote:
        row = self._get(db, me, ticket_id, for_update=True)
        errors: list[FieldError] = []
        text = self._text("body", body.body, errors, required=True)
        if errors or text is None:
            raise validation_error(errors)
        flags = [hit.phrase for hit in self.compliance(db, text).hits]
        now = utcnow()
        note = TicketNoteRow(
            ticket_id=row.id,
            author_id=me.user_id,
            visibility=body.visibility.value,
            body=text,
            compliance_flags=sorted(set(flags)),
            created_at=now,
        )
        db.add(note)
        row.updated_at = now
        row.version += 1
        db.flush()
        self._audit(
            db, row.id, me.user_id, "note", {"note": [None, note.id], "visibility": [None, note.visibility]}, now
        )
        result = self.to_note(db, note)
        self._emit(db, EventType.TICKET_NOTE, result, row)
        self._emit(db, EventType.TICKET_UPDATED, self.to_ticket(db, row), row)
        return result

    # -- queries -------------------------------------------------------------------------------------------
    def visible_query(self, me: Principal) -> Any:
        query = select(TicketRow)
        if me.role is Role.ADMIN:
            return query
        conds = [TicketRow.team_id == me.team_id] if me.team_id is not None else []
        conds += [TicketRow.assignee_id == me.user_id, TicketRow.created_by == me.user_id]
        return query.where(or_(*conds))

    def search(
        self,
        db: Session,
        me: Principal,
        *,
        view: str | None,
        status: list[TicketStatus],
        category: str | None,
        assignee_id: int | None,
        phone: str | None,
        q: str | None,
        updated_since: datetime | None,
        offset: int,
        limit: int,
        sort: str,
    ) -> tuple[list[Ticket], int]:
        query = self.visible_query(me)
        if view == "mine":
            query = query.where(TicketRow.assignee_id == me.user_id)
        elif view == "team":
            query = query.where(TicketRow.team_id == me.team_id)
        elif view == "open":
            query = query.where(TicketRow.status.in_([s.value for s in OPEN_TICKET_STATUSES]))
        if status:
            query = query.where(TicketRow.status.in_([s.value for s in status]))
        if category:
            query = query.where(TicketRow.category == category)
        if assignee_id is not None:
            query = query.where(TicketRow.assignee_id == assignee_id)
        if phone:
            errors: list[FieldError] = []
            normalized = self._phone(phone, errors, "phone")
            if errors:
                raise validation_error(errors)
            query = query.where(TicketRow.customer_phone == normalized)
        if q and q.strip():
            query = query.where(self._text_condition(db, q))
        if updated_since is not None:
            query = query.where(TicketRow.updated_at >= updated_since)
        total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
        order = {
            "updated": TicketRow.updated_at.desc(),
            "created": TicketRow.created_at.desc(),
            "sla": TicketRow.sla_due.asc(),
            "number": TicketRow.number.asc(),
        }[sort]
        rows = db.scalars(query.order_by(order, TicketRow.id.desc()).offset(offset).limit(limit))
        return [self.to_ticket(db, r) for r in rows], total

    @staticmethod
    def _text_condition(db: Session, q: str) -> Any:
        """Full-text condition for ``q``: every jieba term of it must occur in the ticket (Latin letters and digits also
        as prefixes: ``T2026``, ``1391111``); a query that is a phone number also matches the stored number exactly."""
        terms = query_terms(q)
        conditions: list[Any] = []
        if terms:
            if is_sqlite(str(db.get_bind().engine.url)):
                matching = (
                    text("SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH :ticket_match")
                    .bindparams(ticket_match=fts5_match(terms, prefix=True))
                    .columns(column("rowid", Integer))
                )
                conditions.append(TicketRow.id.in_(matching))
            else:
                conditions.append(
                    text(
                        "to_tsvector('simple'::regconfig, tickets.search_seg) @@ "
                        "to_tsquery('simple'::regconfig, :ticket_query)"
                    ).bindparams(ticket_query=tsquery(terms, prefix=True))
                )
        else:
            # only punctuation or stop words (e.g. "的"): a plain substring match on the short fields
            like = (
                "%" + q.replace("\x00", "").strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            conditions += [
                TicketRow.subject.like(like, escape="\\"),
                TicketRow.customer_name.like(like, escape="\\"),
            ]
        with contextlib.suppress(PhoneError):
            conditions.append(TicketRow.customer_phone == normalize_phone(q[:64]))
        return or_(*conditions)

    def duplicates(self, db: Session, me: Principal, phone: str, category: str) -> list[Ticket]:
        cat = self.category(db, category)
        since = utcnow() - timedelta(days=cat.duplicate_window_days)
        query = self.visible_query(me).where(
            TicketRow.customer_phone == phone,
            TicketRow.category == category,
            TicketRow.status.in_([s.value for s in OPEN_TICKET_STATUSES]),
            TicketRow.created_at >= since,
        )
        return [self.to_ticket(db, r) for r in db.scalars(query.order_by(TicketRow.created_at.desc()).limit(20))]

    def lookup(self, db: Session, me: Principal, raw_phone: str) -> CustomerTickets:
        errors: list[FieldError] = []
        phone = self._phone(raw_phone, errors, "phone")
        if errors or phone is None:
            raise validation_error(errors or [FieldError("phone", "required", "phone is required")])
        base = self.visible_query(me).where(TicketRow.customer_phone == phone)
        open_rows = db.scalars(
            base.where(TicketRow.status.in_([s.value for s in OPEN_TICKET_STATUSES]))
            .order_by(TicketRow.updated_at.desc())
            .limit(50)
        )
        recent_rows = db.scalars(base.order_by(TicketRow.updated_at.desc()).limit(10))
        open_tickets = [self.to_ticket(db, r) for r in open_rows]
        recent = [self.to_ticket(db, r) for r in recent_rows]
        name = (open_tickets or recent)[0].customer_name if (open_tickets or recent) else None
        return CustomerTickets(phone=phone, customer_name=name, open_tickets=open_tickets, recent_tickets=recent)

    # -- rules ---------------------------------------------------------------------------------------------
    def suggest(self, db: Session, text: str) -> list[CategorySuggestion]:
        """Explainable keyword rules: each category scores the number of its keywords found in the text (longer
        keywords weigh more); the matched keywords are the explanation."""
        lowered = text.lower()
        out: list[CategorySuggestion] = []
        for cat in self.categories(db).values():
            matched = [k for k in cat.keywords if k and k.lower() in lowered]
            if matched:
                score = sum(1.0 + 0.1 * len(k) for k in matched)
                out.append(CategorySuggestion(cat.code, round(score, 3), matched))
        out.sort(key=lambda s: (-s.score, s.category))
        return out[:5]

    def compliance(self, db: Session, text: str) -> ComplianceResult:
        hits: list[ComplianceHit] = []
        normalized = re.sub(r"\s+", "", text)
        spaced = len(normalized) != len(text)
        for phrase in self.phrases(db):
            start = text.find(phrase)
            while start != -1:
                hits.append(ComplianceHit(phrase, start, start + len(phrase)))
                start = text.find(phrase, start + 1)
            if spaced and phrase in normalized and not any(h.phrase == phrase for h in hits):
                # written with spaces in between ("保 本 保 收 益"): flag it without exact offsets
                hits.append(ComplianceHit(phrase, -1, -1))
        hits.sort(key=lambda h: (h.start, h.phrase))
        return ComplianceResult(ok=not hits, hits=hits)

    def track(self, db: Session, number: str, last4: str) -> TrackingResult:
        if not re.fullmatch(r"\d{4}", last4):
            raise field_error("phone_last4", "invalid", "four digits")
        row = db.scalar(select(TicketRow).where(TicketRow.number == number[:32]))
        if row is None or not row.customer_phone or not row.customer_phone.endswith(last4):
            raise not_found("ticket")  # same answer for a wrong number and wrong digits
        notes = db.scalars(
            select(TicketNoteRow)
            .where(TicketNoteRow.ticket_id == row.id, TicketNoteRow.visibility == NoteVisibility.CUSTOMER.value)
            .order_by(TicketNoteRow.id)
        )
        return TrackingResult(
            number=row.number,
            status=TicketStatus(row.status),
            category=row.category,
            updated_at=row.updated_at,
            notes=[PublicNote(n.body, n.created_at) for n in notes],
        )

    # -- helpers -------------------------------------------------------------------------------------------
    def _audit(
        self, db: Session, ticket_id: int, actor: int | None, action: str, changes: dict[str, Any], at: datetime
    ) -> None:
        db.add(TicketAuditRow(ticket_id=ticket_id, actor_id=actor, action=action, changes=to_wire(changes), at=at))

    def _emit(self, db: Session, kind: EventType, payload: object, row: TicketRow) -> None:
        self.bus.emit(
            db, kind, payload, Audience(user_id=row.assignee_id, team_id=row.team_id, team_min_role=Role.AGENT)
        )
