"""``/kb``: articles, search, suggestions, change feed. Everyone signed in reads; admins and supervisors write."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local Annotated aliases.
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.protocol import KbArticle, KbArticleWrite, KbChangeFeed, KbHit, KbSearchResult
from server.auth import Principal
from server.context import HubContext
from server.kb import MAX_QUERY, KbService
from server.kb_index import holder_for
from server.routes.deps import (
    MAX_ID,
    IdPath,
    db_dependency,
    principal_dependency,
    read_db_dependency,
    require_supervisor,
    wire,
)

_ERRORS: dict[int | str, dict[str, str]] = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}


def build_router(ctx: HubContext) -> APIRouter:
    router = APIRouter(tags=["knowledge"])
    # The ranking index of common terms (server.kb_index) starts building now, in a background thread; searches
    # rank in the database until it is ready, and again whenever the knowledge base moved past it.
    ranking = holder_for(ctx.engine, common_df=ctx.config.kb_index_min_df) if ctx.config.kb_index_min_df else None
    if ranking is not None:
        ranking.refresh()
    service = KbService(ctx.bus, ranking_index=ranking)
    get_db = db_dependency(ctx)
    current = principal_dependency(ctx)
    DB = Annotated[Session, Depends(get_db)]  # noqa: N806 - a type alias for FastAPI dependencies
    ReadDB = Annotated[Session, Depends(read_db_dependency(ctx))]  # noqa: N806 - a type alias
    Me = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias for FastAPI dependencies
    Category = Annotated[str | None, Query(max_length=64)]  # noqa: N806 - a type alias

    @router.get("/kb/search", response_model=KbSearchResult, responses=_ERRORS)
    def search(
        me: Me,
        db: ReadDB,
        q: Annotated[str, Query(max_length=MAX_QUERY)],
        category: Category = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    ) -> JSONResponse:
        del me
        return wire(service.search(db, q, category=category, limit=limit, offset=offset))

    @router.get("/kb/suggestions", response_model=list[KbHit], responses=_ERRORS)
    def suggestions(
        me: Me,
        db: ReadDB,
        category: Category = None,
        text: Annotated[str | None, Query(max_length=2000)] = None,
        limit: Annotated[int, Query(ge=1, le=20)] = 5,
    ) -> JSONResponse:
        del me
        return wire(service.suggest(db, category=category, text_hint=text, limit=limit))

    @router.get("/kb/changes", response_model=KbChangeFeed, responses=_ERRORS)
    def changes(
        me: Me,
        db: ReadDB,
        since: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> JSONResponse:
        del me
        return wire(service.changes(db, since, limit))

    @router.get("/kb/articles/{article_id}", response_model=KbArticle, responses=_ERRORS)
    def article(article_id: IdPath, me: Me, db: ReadDB) -> JSONResponse:
        del me
        return wire(service.get(db, article_id))

    @router.post("/kb/articles", response_model=KbArticle, status_code=201, responses=_ERRORS)
    def create(body: KbArticleWrite, me: Me, db: DB) -> JSONResponse:
        require_supervisor(me)
        art = service.upsert(db, body)
        db.commit()
        return wire(art, 201)

    @router.put("/kb/articles/{article_id}", response_model=KbArticle, responses=_ERRORS)
    def replace(
        article_id: IdPath,
        body: KbArticleWrite,
        me: Me,
        db: DB,
        version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    ) -> JSONResponse:
        require_supervisor(me)
        art = service.upsert(db, body, article_id, version)
        db.commit()
        return wire(art)

    @router.delete("/kb/articles/{article_id}", status_code=204, responses=_ERRORS)
    def delete(article_id: IdPath, me: Me, db: DB) -> Response:
        require_supervisor(me)
        service.delete(db, article_id)
        db.commit()
        return Response(status_code=204)

    return router
