"""``GET /sync/tickets``: the client's full ticket sync in large keyset pages, gzip-compressed when accepted.

Home agents reach the hub over a VPN: 10,000 tickets are about 7 MB of JSON and well under 1 MB gzipped (level 1
costs the hub about 2 ms per 2,000 tickets). See ``server/ticket_sync.py`` for the query and the wire JSON cache.
"""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local Annotated aliases.
import gzip
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.protocol import TicketSyncPage
from server.auth import Principal
from server.context import HubContext
from server.routes.deps import MAX_ID, principal_dependency, read_db_dependency
from server.ticket_sync import DEFAULT_SYNC_PAGE, MAX_SYNC_PAGE, sync_page
from server.tickets import TicketService

_ERRORS: dict[int | str, dict[str, str]] = {401: {}, 422: {}}
#: Below this size compression is not worth its latency.
GZIP_MIN_BYTES = 1400


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0"):
            return True
    return False


def build_router(ctx: HubContext) -> APIRouter:
    router = APIRouter(tags=["tickets"])
    service = TicketService(ctx.bus)
    wire_cache = ctx.wire_cache  # this hub process's ready-made ticket JSON (see server/ticket_sync.py)
    ReadDB = Annotated[Session, Depends(read_db_dependency(ctx))]  # noqa: N806 - a type alias
    Me = Annotated[Principal, Depends(principal_dependency(ctx))]  # noqa: N806 - a type alias

    @router.get("/sync/tickets", response_model=TicketSyncPage, responses=_ERRORS)
    def sync_tickets(
        request: Request,
        me: Me,
        db: ReadDB,
        after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_SYNC_PAGE)] = DEFAULT_SYNC_PAGE,
    ) -> Response:
        """Every ticket you may see with ``id > after``, ordered by id (a full sync: start at 0, follow
        ``next_after``; the first page says how many there are in all, ``total``)."""
        body = sync_page(service, db, me, wire_cache, after=after, limit=limit).body()
        headers = {"Vary": "Accept-Encoding"}
        if len(body) >= GZIP_MIN_BYTES and _accepts_gzip(request):
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type="application/json", headers=headers)

    return router
