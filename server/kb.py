"""Knowledge base: articles, Chinese full-text search, snippets, suggestions, change feed and Markdown/CSV import.

Search works on jieba-segmented copies of title and body (``title_seg``/``body_seg``, lower-cased, tokens separated by
spaces; ``server.search``): SQLite indexes the live articles with FTS5 (``unicode61``; the trigram tokenizer finds
nothing for 2-character CJK words like 退款 on SQLite 3.40) ranked by bm25 with the title weighted 5×; PostgreSQL
stores a weighted ``tsvector`` (title A, body D) with a GIN index over live articles, ranked by ``ts_rank``. Queries are
segmented the same way; all terms must match (falling back to any term when that finds nothing). A query whose
every term is common is ranked from the hub's in-memory index of common terms (``server.kb_index``) while that index
is of the database's generation: on SQLite with the same bm25, without scoring every match in FTS5; on PostgreSQL the
index pre-selects candidates and ``ts_rank`` ranks those only. Totals are counted up
to ``COUNT_CAP``. Snippets and highlighted titles are cut, for the returned page only, from the original text around
the matched terms. Results are cached per process until the next article change (``KbService``).
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import io
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.protocol import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    ErrorCode,
    EventType,
    FieldError,
    KbArticle,
    KbArticleWrite,
    KbChange,
    KbChangeFeed,
    KbHit,
    KbSearchResult,
)
from server.config import HubConfig
from server.db import KbArticleRow, KbChangeRow, is_sqlite, make_engine, make_sessionmaker, utcnow
from server.errors import ApiError, not_found, validation_error
from server.kb_index import ImpactIndex, IndexHolder, kb_generation
from server.push import Audience, EventBus
from server.search import MAX_QUERY, fts5_match, query_terms, segmented, tsquery

__all__ = ["COUNT_CAP", "MAX_QUERY", "KbService", "highlight", "plain_text", "query_terms", "segmented"]

log = logging.getLogger(__name__)

#: Totals are counted up to this many matches (shown as 1000+); counting every match of a very common word
#: would cost more than the search itself.
COUNT_CAP = 1_000
#: PostgreSQL with the pre-ranking index: ``ts_rank`` re-ranks this many candidates (at least, and
#: ``RERANK_FACTOR`` × the page's end; every match when there are fewer than ``COUNT_CAP``); pages ending after
#: ``RERANK_MAX`` rank every match in the database.
RERANK_CANDIDATES = 200
RERANK_FACTOR = 5
RERANK_MAX = 1_000


# ============================================================================================== snippets
def highlight(value: str, terms: Sequence[str], *, width: int | None = None) -> str:
    """``value`` (or a window of ``width`` characters around the first, densest match) with the terms marked."""
    if not terms:
        return value[:width] if width else value
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)), re.IGNORECASE)
    source = value
    if width is not None and len(value) > width:
        matches = [m.start() for m in pattern.finditer(value)]
        if matches:
            best, best_count = matches[0], 0
            for start in matches:
                count = sum(1 for m in matches if start <= m < start + width)
                if count > best_count:
                    best, best_count = start, count
            begin = max(0, best - width // 4)
        else:
            begin = 0
        source = value[begin : begin + width]
        source = ("…" if begin > 0 else "") + source + ("…" if begin + width < len(value) else "")
    return pattern.sub(lambda m: f"{HIGHLIGHT_START}{m.group(0)}{HIGHLIGHT_END}", source)


def plain_text(markdown: str) -> str:
    """Markdown → readable one-line text for snippets."""
    out = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    out = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", out)
    out = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", out)
    out = re.sub(r"^[#>\-*+\s]+|[*_`|]+", " ", out, flags=re.M)
    return re.sub(r"\s+", " ", out).strip()


# ============================================================================================== service
def body_segmented(body: str, tags: Sequence[str], category: str) -> str:
    """The indexed text of an article besides its title: the Markdown's plain text, the tags and the category."""
    return segmented(" ".join([plain_text(body), " ".join(tags), category]))


def new_article_values(title: str, body: str, category: str, tags: Sequence[str], now: Any) -> dict[str, Any]:
    """Column values of a new Chinese article for a bulk ``INSERT`` (benchmarks and tests that load many at once),
    segmented exactly as ``KbService.upsert`` does."""
    return {
        "title": title,
        "body": body,
        "category": category,
        "tags": list(tags),
        "lang": "zh",
        "title_seg": segmented(title),
        "body_seg": body_segmented(body, tags, category),
        "updated_at": now,
        "version": 1,
        "deleted": False,
    }


class KbService:
    """Articles and search. ``cache_size`` results are kept per process (0: none), keyed by the knowledge base's
    generation (the newest ``kb_changes`` id), so a cached result is never served after any article changed."""

    def __init__(
        self, bus: EventBus | None, *, cache_size: int = 512, ranking_index: IndexHolder | None = None
    ) -> None:
        self.bus = bus
        self._cache = _ResultCache(cache_size) if cache_size > 0 else None
        #: The in-memory ranking of common terms (``server.kb_index``), used while it is of the database's
        #: generation; ``None``: every search ranks in the database.
        self.ranking_index = ranking_index

    @staticmethod
    def to_article(row: KbArticleRow) -> KbArticle:
        return KbArticle(
            id=row.id,
            title=row.title,
            body=row.body,
            category=row.category,
            tags=[str(t) for t in row.tags or []],
            updated_at=row.updated_at,
            version=row.version,
            lang=row.lang,
        )

    @staticmethod
    def validate(body: KbArticleWrite) -> KbArticleWrite:
        errors: list[FieldError] = []
        if not body.title.strip() or len(body.title) > 300:
            errors.append(FieldError("title", "invalid", "1..300 characters"))
        if len(body.body) > 200_000:
            errors.append(FieldError("body", "too_long", "at most 200000 characters"))
        if not body.category.strip() or len(body.category) > 64:
            errors.append(FieldError("category", "invalid", "1..64 characters"))
        if len(body.tags) > 30 or any(not t.strip() or len(t) > 40 for t in body.tags):
            errors.append(FieldError("tags", "invalid", "at most 30 tags of 1..40 characters"))
        if body.lang not in ("zh", "en"):
            errors.append(FieldError("lang", "invalid_choice", "zh or en"))
        if errors:
            raise validation_error(errors)
        return body

    def _fill(self, row: KbArticleRow, body: KbArticleWrite) -> None:
        row.title = body.title.strip()
        row.body = body.body
        row.category = body.category.strip()
        row.tags = [t.strip() for t in body.tags]
        row.lang = body.lang
        row.title_seg = segmented(row.title)
        row.body_seg = body_segmented(body.body, row.tags, row.category)

    def upsert(
        self, db: Session, body: KbArticleWrite, article_id: int | None = None, version: int | None = None
    ) -> KbArticle:
        self.validate(body)
        now = utcnow()
        if article_id is None:
            row = KbArticleRow(version=1, updated_at=now, deleted=False)
            self._fill(row, body)
            db.add(row)
        else:
            found = db.get(KbArticleRow, article_id)
            if found is None or found.deleted:
                raise not_found("article")
            row = found
            if version is not None and version != row.version:
                raise ApiError(
                    409, ErrorCode.CONFLICT, "the article changed meanwhile", details={"current_version": row.version}
                )
            self._fill(row, body)
            row.version += 1
            row.updated_at = now
        db.flush()
        self._changed(db, row, "upsert")
        return self.to_article(row)

    def delete(self, db: Session, article_id: int) -> None:
        row = db.get(KbArticleRow, article_id)
        if row is None or row.deleted:
            raise not_found("article")
        row.deleted = True
        row.version += 1
        row.updated_at = utcnow()
        db.flush()
        self._changed(db, row, "delete")

    def _changed(self, db: Session, row: KbArticleRow, change: str) -> None:
        db.add(KbChangeRow(article_id=row.id, change=change, version=row.version, at=row.updated_at))
        if self.bus is not None:
            payload = KbChange(row.id, change, row.version, row.updated_at, row.title, row.category)
            self.bus.emit(db, EventType.KB_ARTICLE, payload, Audience(everyone=True))

    def get(self, db: Session, article_id: int) -> KbArticle:
        row = db.get(KbArticleRow, article_id)
        if row is None or row.deleted:
            raise not_found("article")
        return self.to_article(row)

    def changes(self, db: Session, since: int, limit: int) -> KbChangeFeed:
        rows = list(db.scalars(select(KbChangeRow).where(KbChangeRow.id > since).order_by(KbChangeRow.id).limit(limit)))
        out: list[KbChange] = []
        for r in rows:
            art = db.get(KbArticleRow, r.article_id)
            out.append(
                KbChange(r.article_id, r.change, r.version, r.at, art.title if art else "", art.category if art else "")
            )
        return KbChangeFeed(out, rows[-1].id if rows else since)

    # -- search ------------------------------------------------------------------------------------------
    def search(
        self, db: Session, query: str, *, category: str | None = None, limit: int = 20, offset: int = 0
    ) -> KbSearchResult:
        terms = query_terms(query)
        if not terms:
            return KbSearchResult(query, [], [], 0)
        sqlite = is_sqlite(str(db.get_bind().engine.url))
        key: tuple[Any, ...] | None = None
        index: ImpactIndex | None = None
        if self._cache is not None or self.ranking_index is not None:
            # Every article change writes a kb_changes row in its transaction, in whichever hub process: its newest
            # id (with the newest article id) is the generation of the whole knowledge base, read in the same
            # transaction as the search, so neither a cached page nor the ranking index is ever stale.
            generation = kb_generation(db)
            key = (generation, tuple(terms), category, limit, offset)
            cached = self._cache.get(key) if self._cache is not None else None
            if cached is not None:
                return dataclasses.replace(cached, query=query)
            if self.ranking_index is not None:
                index = self.ranking_index.current(generation)
        ids_scores, total = self._rank(db, sqlite, index, terms, category, limit, offset, all_terms=True)
        if total == 0 and len(terms) > 1:
            ids_scores, total = self._rank(db, sqlite, index, terms, category, limit, offset, all_terms=False)
        hits = self._hits(db, ids_scores, terms)
        result = KbSearchResult(query, terms, hits, total)
        if self._cache is not None and key is not None:
            self._cache.put(key, result)
        return result

    def _rank(
        self,
        db: Session,
        sqlite: bool,
        index: ImpactIndex | None,
        terms: list[str],
        category: str | None,
        limit: int,
        offset: int,
        *,
        all_terms: bool,
    ) -> tuple[list[tuple[int, float]], int]:
        """Ranked page and capped count: from the in-memory index when every term is common (or, for any-term
        matching, when some are: the rare ones' scores come from FTS5, a few hundred rows each), otherwise in the
        database, where a rare term bounds the work."""
        if index is not None and (index.exact or offset + limit <= RERANK_MAX):
            common = [t for t in terms if t in index.postings]
            if len(common) == len(terms) or (common and not all_terms):
                extra = {t: self._term_scores(db, sqlite, t) for t in terms if t not in index.postings}
                if index.exact:  # SQLite: FTS5's bm25 itself
                    return index.search(
                        terms, category, limit, offset, all_terms=all_terms, count_cap=COUNT_CAP, extra=extra
                    )
                # PostgreSQL: the sum of single-word ts_rank pre-selects candidates; ts_rank ranks them.
                want = max(RERANK_CANDIDATES, RERANK_FACTOR * (offset + limit))
                candidates, total = index.search(
                    terms, category, want, 0, all_terms=all_terms, count_cap=COUNT_CAP, extra=extra
                )
                if want < total < COUNT_CAP:  # fewer matches than the cap: ts_rank ranks all of them (exact)
                    candidates, total = index.search(
                        terms, category, total, 0, all_terms=all_terms, count_cap=COUNT_CAP, extra=extra
                    )
                params = {
                    "q": tsquery(terms, all_terms=all_terms),
                    "ids": [i for i, _ in candidates],
                    "limit": limit,
                    "offset": offset,
                }
                rows = db.execute(_PG_RERANK, params).all()
                return [(int(r[0]), float(r[1])) for r in rows], total
        run = self._search_sqlite if sqlite else self._search_pg
        return run(db, terms, category, limit, offset, all_terms=all_terms)

    @staticmethod
    def _term_scores(db: Session, sqlite: bool, term: str) -> tuple[Any, Any]:
        """One rare term's article ids and scores (a single-term bm25 is that term's share of any query's)."""
        if sqlite:
            rows = db.execute(_SQLITE_TERM_SCORES, {"match": fts5_match([term])}).all()
        else:
            rows = db.execute(_PG_TERM_SCORES, {"q": tsquery([term])}).all()
        return (
            np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            np.fromiter((-r[1] if sqlite else r[1] for r in rows), dtype=np.float64, count=len(rows)),
        )

    @staticmethod
    def _hits(db: Session, ids_scores: list[tuple[int, float]], terms: list[str]) -> list[KbHit]:
        """The page's articles with highlighted titles and snippets (only the returned page is read and cut)."""
        if not ids_scores:
            return []
        rows = {
            r.id: r for r in db.scalars(select(KbArticleRow).where(KbArticleRow.id.in_([i for i, _ in ids_scores])))
        }
        hits = []
        for art_id, score in ids_scores:
            row = rows.get(art_id)
            if row is None or row.deleted:
                continue
            hits.append(
                KbHit(
                    id=row.id,
                    title=row.title,
                    category=row.category,
                    tags=[str(t) for t in row.tags or []],
                    updated_at=row.updated_at,
                    score=round(score, 4),
                    snippet=highlight(plain_text(row.body), terms, width=120),
                    title_highlighted=highlight(row.title, terms),
                )
            )
        return hits

    @staticmethod
    def _search_sqlite(
        db: Session, terms: list[str], category: str | None, limit: int, offset: int, *, all_terms: bool
    ) -> tuple[list[tuple[int, float]], int]:
        # Deleted articles are not in kb_fts (migration 0006), so neither the ranking nor the count joins the
        # articles table unless a category is asked for. bm25 is computed once per matching row: ordered by the
        # result column. The statements' text never changes, so sqlite3's statement cache keeps them prepared.
        params: dict[str, Any] = {
            "match": fts5_match(terms, all_terms=all_terms),
            "limit": limit,
            "offset": offset,
            "cap": COUNT_CAP,
        }
        if category:
            params["category"] = category
            rows = db.execute(_SQLITE_RANK_IN_CATEGORY, params).all()
            total = db.execute(_SQLITE_COUNT_IN_CATEGORY, params).scalar_one()
        else:
            rows = db.execute(_SQLITE_RANK, params).all()
            total = db.execute(_SQLITE_COUNT, params).scalar_one()
        return [(int(r[0]), -float(r[1])) for r in rows], int(total)

    @staticmethod
    def _search_pg(
        db: Session, terms: list[str], category: str | None, limit: int, offset: int, *, all_terms: bool
    ) -> tuple[list[tuple[int, float]], int]:
        # fts_vector is a stored, weighted tsvector (title A, body D) with a partial GIN index over live articles
        # (migration 0006): matching uses the index and ranking reads the stored vector instead of re-parsing text.
        params: dict[str, Any] = {
            "q": tsquery(terms, all_terms=all_terms),
            "limit": limit,
            "offset": offset,
            "cap": COUNT_CAP,
            "category": category,
        }
        statements = (_PG_RANK_IN_CATEGORY, _PG_COUNT_IN_CATEGORY) if category else (_PG_RANK, _PG_COUNT)
        rows = db.execute(statements[0], params).all()
        total = db.execute(statements[1], params).scalar_one()
        return [(int(r[0]), float(r[1])) for r in rows], int(total)

    def suggest(self, db: Session, *, category: str | None, text_hint: str | None, limit: int = 5) -> list[KbHit]:
        """Articles for an open ticket or call: by the ticket text (best terms) within its category, then category."""
        hits: list[KbHit] = []
        if text_hint:
            hits = self.search(db, text_hint, category=category, limit=limit).hits
            if len(hits) < limit:
                extra = self.search(db, text_hint, limit=limit).hits
                hits += [h for h in extra if h.id not in {x.id for x in hits}]
        if len(hits) < limit and category:
            rows = db.scalars(
                select(KbArticleRow)
                .where(KbArticleRow.category == category, KbArticleRow.deleted.is_(False))
                .order_by(KbArticleRow.updated_at.desc())
                .limit(limit)
            )
            for row in rows:
                if row.id not in {h.id for h in hits}:
                    hits.append(
                        KbHit(
                            row.id,
                            row.title,
                            row.category,
                            [str(t) for t in row.tags or []],
                            row.updated_at,
                            0.0,
                            plain_text(row.body)[:120],
                            row.title,
                        )
                    )
        return hits[:limit]

    def categories(self, db: Session) -> list[tuple[str, int]]:
        rows = db.execute(
            select(KbArticleRow.category, func.count())
            .where(KbArticleRow.deleted.is_(False))
            .group_by(KbArticleRow.category)
            .order_by(KbArticleRow.category)
        ).all()
        return [(str(r[0]), int(r[1])) for r in rows]


# ============================================================================================== statements
# Ties are ordered by article id, as in the in-memory index (``server.kb_index``).
_SQLITE_RANK = text(
    "SELECT rowid, bm25(kb_fts, 5.0, 1.0) AS score FROM kb_fts WHERE kb_fts MATCH :match "
    "ORDER BY score, rowid LIMIT :limit OFFSET :offset"
)
_SQLITE_TERM_SCORES = text("SELECT rowid, bm25(kb_fts, 5.0, 1.0) FROM kb_fts WHERE kb_fts MATCH :match")
_SQLITE_COUNT = text("SELECT count(*) FROM (SELECT 1 FROM kb_fts WHERE kb_fts MATCH :match LIMIT :cap)")
_SQLITE_RANK_IN_CATEGORY = text(
    "SELECT kb_fts.rowid, bm25(kb_fts, 5.0, 1.0) AS score FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid "
    "WHERE kb_fts MATCH :match AND a.category = :category ORDER BY score, kb_fts.rowid LIMIT :limit OFFSET :offset"
)
_SQLITE_COUNT_IN_CATEGORY = text(
    "SELECT count(*) FROM (SELECT 1 FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid "
    "WHERE kb_fts MATCH :match AND a.category = :category LIMIT :cap)"
)
_PG_MATCH = "fts_vector @@ to_tsquery('simple'::regconfig, :q) AND NOT deleted"
_PG_RANK = text(
    f"SELECT id, ts_rank(fts_vector, to_tsquery('simple'::regconfig, :q)) AS score FROM kb_articles "
    f"WHERE {_PG_MATCH} ORDER BY score DESC, id LIMIT :limit OFFSET :offset"
)
_PG_RERANK = text(
    "SELECT id, ts_rank(fts_vector, to_tsquery('simple'::regconfig, :q)) AS score FROM kb_articles "
    "WHERE id = ANY(:ids) AND NOT deleted ORDER BY score DESC, id LIMIT :limit OFFSET :offset"
)
_PG_TERM_SCORES = text(
    f"SELECT id, ts_rank(fts_vector, to_tsquery('simple'::regconfig, :q)) FROM kb_articles WHERE {_PG_MATCH}"
)
_PG_COUNT = text(f"SELECT count(*) FROM (SELECT 1 FROM kb_articles WHERE {_PG_MATCH} LIMIT :cap) AS capped")
_PG_RANK_IN_CATEGORY = text(
    f"SELECT id, ts_rank(fts_vector, to_tsquery('simple'::regconfig, :q)) AS score FROM kb_articles "
    f"WHERE {_PG_MATCH} AND category = :category ORDER BY score DESC, id LIMIT :limit OFFSET :offset"
)
_PG_COUNT_IN_CATEGORY = text(
    f"SELECT count(*) FROM (SELECT 1 FROM kb_articles WHERE {_PG_MATCH} AND category = :category LIMIT :cap) AS capped"
)


class _ResultCache:
    """A small LRU of search results keyed by the knowledge base's generation (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: collections.OrderedDict[tuple[Any, ...], KbSearchResult] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> KbSearchResult | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: KbSearchResult) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


# ============================================================================================== import
def parse_markdown(path: Path, default_category: str) -> KbArticleWrite:
    """A Markdown file, optionally with front matter (``---`` / ``title:``, ``category:``, ``tags: a, b`` /
    ``---``); the title defaults to the first ``#`` heading, then the file name."""
    raw = path.read_text(encoding="utf-8-sig")
    meta: dict[str, str] = {}
    body = raw
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        if end != -1:
            for line in raw[3:end].splitlines():
                if ":" in line:
                    key, value = line.split(":", 1)
                    meta[key.strip().lower()] = value.strip()
            body = raw[end + 4 :].lstrip("\n")
    title = meta.get("title")
    if not title:
        heading = re.search(r"^#\s+(.+)$", body, flags=re.M)
        title = heading.group(1).strip() if heading else path.stem
    tags = [t.strip() for t in re.split(r"[,，、]", meta.get("tags", "")) if t.strip()]
    return KbArticleWrite(title, body, meta.get("category", default_category), tags, meta.get("lang", "zh"))


def parse_csv(data: str, default_category: str) -> list[KbArticleWrite]:
    """CSV with a header: ``title``, ``body`` (required), ``category``, ``tags`` (separated by ``,`` ``，`` ``、`` or
    ``|``), ``lang``."""
    reader = csv.DictReader(io.StringIO(data))
    if reader.fieldnames is None or not {"title", "body"} <= {f.strip().lower() for f in reader.fieldnames}:
        raise ValueError("the CSV needs a header with at least the columns title and body")
    out = []
    for number, rec in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in rec.items()}
        if not row.get("title", "").strip():
            raise ValueError(f"line {number}: empty title")
        tags = [t.strip() for t in re.split(r"[,，、|]", row.get("tags", "")) if t.strip()]
        out.append(
            KbArticleWrite(
                row["title"].strip(),
                row.get("body", ""),
                row.get("category", "").strip() or default_category,
                tags,
                row.get("lang", "").strip() or "zh",
            )
        )
    return out


def collect(paths: Iterable[Path], default_category: str) -> list[KbArticleWrite]:
    articles: list[KbArticleWrite] = []
    for path in paths:
        if path.is_dir():
            articles += [parse_markdown(p, default_category) for p in sorted(path.rglob("*.md"))]
        elif path.suffix.lower() == ".csv":
            articles += parse_csv(path.read_text(encoding="utf-8-sig"), default_category)
        elif path.suffix.lower() in (".md", ".markdown"):
            articles.append(parse_markdown(path, default_category))
        else:
            raise ValueError(f"{path}: expected a .md file, a directory of them, or a .csv file")
    return articles


def import_articles(db: Session, articles: Sequence[KbArticleWrite], bus: EventBus | None = None) -> int:
    """Insert or update (same title and category) articles; returns how many were written."""
    service = KbService(bus)
    count = 0
    for art in articles:
        KbService.validate(art)
        existing = db.scalar(
            select(KbArticleRow.id).where(
                KbArticleRow.title == art.title.strip(),
                KbArticleRow.category == art.category.strip(),
                KbArticleRow.deleted.is_(False),
            )
        )
        service.upsert(db, art, existing)
        count += 1
    return count


def import_paths(config: HubConfig, paths: Sequence[Path], default_category: str) -> int:
    articles = collect(paths, default_category)
    engine = make_engine(config.database_url)
    sessions = make_sessionmaker(engine)
    # Events are written (and, on PostgreSQL, notified to running hubs) like any other change; clients that are
    # connected to a SQLite hub get them on their next resume.
    bus = EventBus(engine, sessions, "import-kb")
    try:
        with sessions() as db:
            count = import_articles(db, articles, bus)
            db.commit()
            return count
    finally:
        engine.dispose()
