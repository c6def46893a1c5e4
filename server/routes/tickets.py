"""``/tickets``, ``/ticket-categories``, ``/customers``, rules (suggestion, compliance) and public tracking."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local Annotated aliases.
import threading
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.protocol import (
    IDEMPOTENCY_HEADER,
    CategorySuggestion,
    CategorySuggestionRequest,
    ComplianceCheckRequest,
    ComplianceResult,
    CustomerTickets,
    DuplicateCheckResult,
    ErrorCode,
    FieldError,
    NoteCreate,
    PhoneError,
    Ticket,
    TicketCategory,
    TicketCreate,
    TicketDetail,
    TicketNote,
    TicketPage,
    TicketStatus,
    TicketUpdate,
    TrackingRequest,
    TrackingResult,
    normalize_phone,
)
from server.auth import Principal
from server.context import HubContext
from server.errors import ApiError, field_error, validation_error
from server.routes.deps import MAX_ID, IdPath, db_dependency, principal_dependency, read_db_dependency, wire
from server.tickets import TicketService

_ERRORS: dict[int | str, dict[str, str]] = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}
MAX_QUERY = 200


class _RateLimiter:
    """Per-client sliding window, for the unauthenticated tracking endpoint (guessing 4 digits must be slow)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = [t for t in self._hits.get(key, []) if now - t < self.window_s]
            if len(hits) >= self.limit:
                self._hits[key] = hits
                return False
            hits.append(now)
            self._hits[key] = hits
            if len(self._hits) > 10_000:
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] < self.window_s}
            return True


def build_router(ctx: HubContext) -> APIRouter:
    router = APIRouter(tags=["tickets"])
    service = TicketService(ctx.bus)
    get_db = db_dependency(ctx)
    current = principal_dependency(ctx)
    DB = Annotated[Session, Depends(get_db)]  # noqa: N806 - a type alias for FastAPI dependencies
    ReadDB = Annotated[Session, Depends(read_db_dependency(ctx))]  # noqa: N806 - a type alias
    Me = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias for FastAPI dependencies
    IdemKey = Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER)]  # noqa: N806 - a type alias
    tracking_limiter = _RateLimiter(limit=10, window_s=60)

    def _idempotent(db: Session, me: Principal, key: str | None, scope: str, body: object, run: object) -> JSONResponse:
        replay = service.idempotent_replay(db, me, key, scope, body)
        if replay is not None:
            status, response = replay
            return JSONResponse(response, status_code=status, headers={"Idempotent-Replay": "true"})
        assert callable(run)
        status, result = run()
        service.remember(db, me, key, scope, body, status, result)
        db.commit()
        return wire(result, status)

    @router.get("/ticket-categories", response_model=list[TicketCategory], responses=_ERRORS)
    def categories(me: Me, db: ReadDB) -> JSONResponse:
        del me
        return wire(sorted(service.categories(db).values(), key=lambda c: c.code))

    @router.post("/tickets", response_model=Ticket, status_code=201, responses=_ERRORS)
    def create(body: TicketCreate, me: Me, db: DB, idempotency_key: IdemKey = None) -> JSONResponse:
        return _idempotent(db, me, idempotency_key, "POST /tickets", body, lambda: (201, service.create(db, me, body)))

    @router.get("/tickets", response_model=TicketPage, responses=_ERRORS)
    def list_tickets(
        me: Me,
        db: ReadDB,
        view: Annotated[str | None, Query(pattern="^(mine|team|open|recent)$")] = None,
        status: Annotated[list[TicketStatus] | None, Query()] = None,
        category: Annotated[str | None, Query(max_length=64)] = None,
        assignee_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
        phone: Annotated[str | None, Query(max_length=64)] = None,
        q: Annotated[str | None, Query(max_length=MAX_QUERY)] = None,
        updated_since: datetime | None = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        sort: Annotated[str, Query(pattern="^(updated|created|sla|number)$")] = "updated",
    ) -> JSONResponse:
        since = None
        if updated_since is not None:
            since = updated_since.replace(tzinfo=UTC) if updated_since.tzinfo is None else updated_since
        items, total = service.search(
            db,
            me,
            view=None if view == "recent" else view,
            status=status or [],
            category=category,
            assignee_id=assignee_id,
            phone=phone,
            q=q,
            updated_since=since,
            offset=offset,
            limit=limit,
            sort="updated" if view == "recent" else sort,
        )
        return wire(TicketPage(items, total, offset, limit))

    @router.get("/tickets/duplicates", response_model=DuplicateCheckResult, responses=_ERRORS)
    def duplicates(
        me: Me,
        db: ReadDB,
        phone: Annotated[str, Query(max_length=64)],
        category: Annotated[str, Query(max_length=64)],
    ) -> JSONResponse:
        try:
            normalized = normalize_phone(phone)
        except PhoneError:
            raise field_error("phone", "invalid_phone", "not a phone number") from None
        return wire(DuplicateCheckResult(service.duplicates(db, me, normalized, category)))

    @router.get("/tickets/{ticket_id}", response_model=TicketDetail, responses=_ERRORS)
    def detail(ticket_id: IdPath, me: Me, db: ReadDB) -> JSONResponse:
        return wire(service.detail(db, me, ticket_id))

    @router.patch("/tickets/{ticket_id}", response_model=Ticket, responses=_ERRORS)
    def patch(ticket_id: IdPath, body: TicketUpdate, me: Me, db: DB, idempotency_key: IdemKey = None) -> JSONResponse:
        return _idempotent(
            db,
            me,
            idempotency_key,
            f"PATCH /tickets/{ticket_id}",
            body,
            lambda: (200, service.update(db, me, ticket_id, body)),
        )

    @router.post("/tickets/{ticket_id}/notes", response_model=TicketNote, status_code=201, responses=_ERRORS)
    def add_note(ticket_id: IdPath, body: NoteCreate, me: Me, db: DB, idempotency_key: IdemKey = None) -> JSONResponse:
        return _idempotent(
            db,
            me,
            idempotency_key,
            f"POST /tickets/{ticket_id}/notes",
            body,
            lambda: (201, service.add_note(db, me, ticket_id, body)),
        )

    @router.get("/customers/lookup", response_model=CustomerTickets, responses=_ERRORS)
    def lookup(me: Me, db: ReadDB, phone: Annotated[str, Query(max_length=64)]) -> JSONResponse:
        return wire(service.lookup(db, me, phone))

    @router.post("/tickets/suggest-category", response_model=list[CategorySuggestion], responses=_ERRORS)
    def suggest(body: CategorySuggestionRequest, me: Me, db: ReadDB) -> JSONResponse:
        del me
        if len(body.text) > 20_000:
            raise field_error("text", "too_long", "at most 20000 characters")
        return wire(service.suggest(db, body.text))

    @router.post("/compliance/check", response_model=ComplianceResult, responses=_ERRORS)
    def compliance(body: ComplianceCheckRequest, me: Me, db: ReadDB) -> JSONResponse:
        del me
        if len(body.text) > 20_000:
            raise field_error("text", "too_long", "at most 20000 characters")
        return wire(service.compliance(db, body.text))

    @router.post("/public/track", response_model=TrackingResult, tags=["public"], responses={404: {}, 422: {}, 429: {}})
    def track(body: TrackingRequest, request: Request, db: DB) -> JSONResponse:
        """Customer tracking: ticket number + last 4 digits of the phone; customer-visible notes only."""
        client = request.client.host if request.client else "?"
        if not tracking_limiter.allow(client):
            raise ApiError(
                429, ErrorCode.RATE_LIMITED, "too many tracking requests; wait a minute", headers={"Retry-After": "60"}
            )
        if not body.number or len(body.number) > 32:
            raise validation_error([FieldError("number", "invalid", "1..32 characters")])
        return wire(service.track(db, body.number.strip(), body.phone_last4))

    return router
