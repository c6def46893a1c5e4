"""An in-memory impact index of the knowledge base's common terms: ranked search that does not score every match.

SQLite's ``bm25()`` is computed for every article that matches before the best 20 can be chosen (3–4 µs each): cheap
for a rare word, 60–90 ms of CPU for a word found in 20,000 of 100,000 articles. This index holds, for each term
found in more than ``COMMON_DF`` articles, the sorted positions of those articles and the term's weighted frequency
in each (title × 5 + body, the weights of ``bm25(kb_fts, 5.0, 1.0)``), plus every article's length. A query whose
terms are all common is then answered with a few vector operations over those arrays (a score accumulator over all
articles, the top page chosen with a partial sort) instead of one ``bm25()`` call per match. A query with a rare
term keeps using FTS5: its AND match set is bounded by that term's document frequency, so ranking it is cheap.

The scores are FTS5's own bm25, computed the same way (same IDF, same average length, same operation order in
double precision), so the two paths return the same articles in the same order with bit-identical scores; ties are
ordered by article id on both. The figures FTS5 uses (row count, total tokens, document frequencies, each
article's length, each term's hits per column) are read from FTS5 itself (its ``fts5vocab`` views, its averages
record and its ``docsize`` table) in one read transaction, so the index is exactly FTS5's view of that snapshot.

PostgreSQL's ``ts_rank`` of several words depends on the distance between their positions in each article and
cannot be summed from per-word figures: there the index (``build_postgresql``) pre-ranks — each word's single-word
``ts_rank`` per article, exact, and Σ √weight over its positions for the all-words case — and the database computes
the real ``ts_rank`` of the best candidates only (``server.kb``).

An index belongs to one *generation* of the knowledge base (``kb_generation``); it is only used while the database
is at that generation. It is built in a background thread at start and again after the knowledge base changes;
while it is missing, stale or building, searches take the exact FTS5 path (they are never answered from an
outdated index). One hub process holds one index; several hub processes build their own.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: Terms found in more articles than this are indexed; a query with a rarer term ranks at most this many matches
#: in FTS5 (a few ms).
COMMON_DF = 1_500
#: FTS5's bm25 constants (``fts5_aux.c``) and the column weights the hub ranks with (``bm25(kb_fts, 5.0, 1.0)``).
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 5.0
BODY_WEIGHT = 1.0
#: A new build starts at least this long after the previous one ended, and at least as long as that one took (so
#: a knowledge base that changes all the time costs at most about half a core in rebuilds); a failed build is
#: retried after ``RETRY_AFTER_FAILURE_S``.
MIN_REBUILD_INTERVAL_S = 5.0
RETRY_AFTER_FAILURE_S = 60.0

#: The knowledge base's generation: the newest change id (every article change writes one in its transaction, in
#: any hub process) and the newest article id (also moved by bulk loads that bypass the change feed).
GENERATION = text("SELECT (SELECT max(id) FROM kb_changes), (SELECT max(id) FROM kb_articles)")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def kb_generation(db: Session) -> tuple[int, int]:
    row = db.execute(GENERATION).one()
    return int(row[0] or 0), int(row[1] or 0)


@dataclasses.dataclass(frozen=True)
class Postings:
    positions: npt.NDArray[np.int32]  #: sorted positions (into ``ImpactIndex.ids``) of the articles with the term
    #: title hits × 5 + body hits, per article: small whole numbers, kept as uint16 when they fit (else float32)
    freq: npt.NDArray[np.uint16] | npt.NDArray[np.float32]
    #: PostgreSQL only: Σ √weight over the word's positions (title 1, body √0.1), for the all-words pre-ranking
    pair: npt.NDArray[np.float32] | None = None


@dataclasses.dataclass(frozen=True)
class ImpactIndex:
    generation: tuple[int, int]
    ids: IntArray  #: article id per position, ascending
    norm: FloatArray  #: per position: k1 × (1 − b + b × length / average length), as in fts5_aux.c
    category: npt.NDArray[np.int32]  #: per position: index into ``categories``
    categories: dict[str, int]
    rows: int  #: FTS5's row count (N in the IDF)
    postings: dict[str, Postings]
    build_seconds: float
    #: True: the scores are FTS5's bm25, final. False (PostgreSQL): ``Postings.freq`` holds each word's single-word
    #: ``ts_rank``, whose sum only pre-selects candidates that the database re-ranks exactly with ``ts_rank``.
    exact: bool = True

    @property
    def nbytes(self) -> int:
        arrays = self.ids.nbytes + self.norm.nbytes + self.category.nbytes
        return arrays + sum(
            p.positions.nbytes + p.freq.nbytes + (p.pair.nbytes if p.pair is not None else 0)
            for p in self.postings.values()
        )

    @property
    def entries(self) -> int:
        return sum(len(p.positions) for p in self.postings.values())

    def idf(self, df: int) -> float:
        value = math.log((self.rows - df + 0.5) / (df + 0.5))
        return value if value > 0.0 else 1e-6

    def contribution(self, term: str) -> tuple[npt.NDArray[np.int32], FloatArray]:
        """The positions of the articles with ``term`` and its bm25 contribution to each (FTS5's expression)."""
        post = self.postings[term]
        freq = post.freq.astype(np.float64)
        if not self.exact:
            return post.positions, freq
        return post.positions, self.idf(len(post.positions)) * (
            (freq * (K1 + 1.0)) / (freq + self.norm[post.positions])
        )

    def covers(self, terms: Sequence[str]) -> bool:
        return all(t in self.postings for t in terms)

    def search(
        self,
        terms: Sequence[str],
        category: str | None,
        limit: int,
        offset: int,
        *,
        all_terms: bool,
        count_cap: int,
        extra: dict[str, tuple[IntArray, FloatArray]] | None = None,
    ) -> tuple[list[tuple[int, float]], int]:
        """Ranked ``(article id, score)`` page and the match count (up to ``count_cap``). Every term must be indexed
        unless its contributions are given in ``extra`` (article ids and scores, from FTS5: the OR of a rare term)."""
        n = len(self.ids)
        score = np.zeros(n, dtype=np.float64)
        hits = np.zeros(n, dtype=np.int16)
        # PostgreSQL, every word required: ts_rank grows with the pairs of the words' positions (weighted by
        # √weight × √weight and by their distance, which is not kept): pre-rank by the sum over word pairs of
        # (Σ √weight) × (Σ √weight), that is ((Σ_words S)² − Σ_words S²) / 2.
        pairwise = not self.exact and all_terms and len(terms) > 1
        pair_sum = np.zeros(n, dtype=np.float64) if pairwise else score
        pair_squares = np.zeros(n, dtype=np.float64) if pairwise else score
        for term in terms:  # in query order: the same additions, in the same order, as FTS5's bm25 loop
            if term in self.postings:
                positions, contrib = self.contribution(term)
                pair = self.postings[term].pair
                if pairwise and pair is not None:
                    weights = pair.astype(np.float64)
                    pair_sum[positions] += weights
                    pair_squares[positions] += weights * weights
            else:
                ids, contrib = (extra or {})[term]
                positions = np.searchsorted(self.ids, ids).astype(np.int32)
                keep = (positions < n) & (self.ids[np.minimum(positions, n - 1)] == ids)
                positions, contrib = positions[keep], contrib[keep]
            score[positions] += contrib
            hits[positions] += 1
        if pairwise:
            score = (pair_sum * pair_sum - pair_squares) / 2 + 1e-3 * score
        matched = hits == len(terms) if all_terms else hits > 0
        if category is not None:
            code = self.categories.get(category)
            if code is None:
                return [], 0
            matched &= self.category == code
        candidates = np.flatnonzero(matched)
        total = min(len(candidates), count_cap)
        want = offset + limit
        if want <= 0 or len(candidates) == 0:
            return [], total
        values = score[candidates]
        if len(candidates) > want:
            # Everything scoring at least the want-th best score (ties at the boundary included), then sorted.
            threshold = np.partition(values, len(values) - want)[len(values) - want]
            keep = values >= threshold
            candidates, values = candidates[keep], values[keep]
        order = np.lexsort((candidates, -values))[offset:want]  # score descending, then article id
        return [(int(self.ids[candidates[i]]), float(values[i])) for i in order], total


# ============================================================================================== building
def _varints(blob: bytes) -> list[int]:
    """SQLite's varints (as FTS5 stores sizes): big-endian 7-bit groups, a 9th byte of 8 bits."""
    out: list[int] = []
    i = 0
    while i < len(blob):
        value = 0
        for k in range(9):
            byte = blob[i]
            i += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


def build_sqlite(path: str, *, common_df: int = COMMON_DF) -> ImpactIndex:
    """Read FTS5's figures for ``kb_fts`` in one read transaction of a private read-only connection (the
    ``fts5vocab`` views are temporary tables: the hub's read-only connections refuse to create them)."""
    started = time.perf_counter()
    log.info("building the knowledge-base ranking index (terms in more than %d articles)", common_df)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=30)
    conn.isolation_level = None
    try:
        conn.execute("BEGIN")
        gen = conn.execute(str(GENERATION)).fetchone()
        generation = (int(gen[0] or 0), int(gen[1] or 0))
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_vocab_row USING fts5vocab(main, kb_fts, 'row')")
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_vocab_instance USING fts5vocab(main, kb_fts, 'instance')"
        )
        averages = conn.execute("SELECT block FROM kb_fts_data WHERE id = 1").fetchone()
        totals = _varints(bytes(averages[0])) if averages else [0]
        rows, total_tokens = totals[0], sum(totals[1:])
        sizes = conn.execute("SELECT id, sz FROM kb_fts_docsize ORDER BY id").fetchall()
        ids = np.fromiter((r[0] for r in sizes), dtype=np.int64, count=len(sizes))
        length = np.fromiter((sum(_varints(bytes(r[1]))) for r in sizes), dtype=np.float64, count=len(sizes))
        del sizes
        category_rows = dict(conn.execute("SELECT id, category FROM kb_articles WHERE NOT deleted").fetchall())
        categories: dict[str, int] = {}
        category = np.fromiter(
            (categories.setdefault(str(category_rows.get(int(i), "")), len(categories)) for i in ids),
            dtype=np.int32,
            count=len(ids),
        )
        del category_rows
        avgdl = total_tokens / rows if rows else 1.0
        # fts5_aux.c: k1 * (1 - b + b * D / avgdl), evaluated in that order.
        norm = K1 * ((1 - B) + (B * length) / avgdl)
        postings: dict[str, Postings] = {}
        common = conn.execute("SELECT term FROM temp.kb_vocab_row WHERE doc > ?", (common_df,)).fetchall()
        for (term,) in common:
            found = conn.execute(
                "SELECT doc, sum(CASE col WHEN 'title_seg' THEN ? ELSE ? END) FROM temp.kb_vocab_instance "
                "WHERE term = ? GROUP BY doc ORDER BY doc",
                (TITLE_WEIGHT, BODY_WEIGHT, term),
            ).fetchall()
            doc = np.fromiter((r[0] for r in found), dtype=np.int64, count=len(found))
            positions = np.searchsorted(ids, doc)
            if len(doc) and (positions.max() >= len(ids) or not np.array_equal(ids[positions], doc)):
                raise RuntimeError(f"kb_fts lists articles its docsize table lacks (term {term!r})")
            freq = np.fromiter((r[1] for r in found), dtype=np.float32, count=len(found))
            compact = freq.astype(np.uint16)
            exact = len(freq) == 0 or (freq.max() <= np.iinfo(np.uint16).max and np.array_equal(compact, freq))
            postings[str(term)] = Postings(positions.astype(np.int32), compact if exact else freq)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return ImpactIndex(generation, ids, norm, category, categories, rows, postings, time.perf_counter() - started)


#: ts_rank's single-word score of a word with t title (weight A, 1.0) and b body (weight D, 0.1) positions, titles
#: first (``calc_rank_or`` in tsrank.c: Σ w_j / (j+1)², over at most 256 positions, / 1.64493406685).
_INVERSE_SQUARES = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, 257, dtype=np.float64) ** 2)])


def single_word_ts_rank(title: npt.NDArray[np.int64], body: npt.NDArray[np.int64]) -> FloatArray:
    t = np.minimum(title, 256)
    n = np.minimum(title + body, 256)
    head = _INVERSE_SQUARES[t]
    value: FloatArray = (head + 0.1 * (_INVERSE_SQUARES[n] - head)) / 1.64493406685
    return value


def build_postgresql(engine: Engine, *, common_df: int = COMMON_DF) -> ImpactIndex:
    """PostgreSQL: the common words of the stored ``fts_vector`` (``ts_stat``) with each article's single-word
    ``ts_rank`` (from the word's title and body positions), read in one repeatable-read transaction."""
    started = time.perf_counter()
    log.info("building the knowledge-base pre-ranking index (words in more than %d articles)", common_df)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        gen = conn.execute(GENERATION).one()
        generation = (int(gen[0] or 0), int(gen[1] or 0))
        live = conn.execute(text("SELECT id, category FROM kb_articles WHERE NOT deleted ORDER BY id")).all()
        ids = np.fromiter((r[0] for r in live), dtype=np.int64, count=len(live))
        categories: dict[str, int] = {}
        category = np.fromiter(
            (categories.setdefault(str(r[1]), len(categories)) for r in live), dtype=np.int32, count=len(live)
        )
        del live
        words = [
            str(r[0])
            for r in conn.execute(
                text(
                    "SELECT word FROM ts_stat('SELECT fts_vector FROM kb_articles WHERE NOT deleted') WHERE ndoc > :df"
                ),
                {"df": common_df},
            )
        ]
        postings: dict[str, Postings] = {}
        if words:
            found = conn.execute(
                text(
                    "SELECT u.lexeme, string_agg(a.id::text, ',' ORDER BY a.id), "
                    "string_agg(cardinality(array_positions(u.weights, 'A'))::text, ',' ORDER BY a.id), "
                    "string_agg(cardinality(u.positions)::text, ',' ORDER BY a.id) "
                    "FROM kb_articles a, unnest(a.fts_vector) u "
                    "WHERE NOT a.deleted AND u.lexeme = ANY(:words) GROUP BY u.lexeme"
                ),
                {"words": words},
            )
            for word, doc_text, title_text, all_text in found:
                doc = np.array(doc_text.split(","), dtype=np.int64)
                title = np.array(title_text.split(","), dtype=np.int64)
                total = np.array(all_text.split(","), dtype=np.int64)
                positions = np.searchsorted(ids, doc)
                impact = single_word_ts_rank(title, total - title).astype(np.float32)
                pair = (title + math.sqrt(0.1) * (total - title)).astype(np.float32)
                postings[str(word)] = Postings(positions.astype(np.int32), impact, pair)
        conn.rollback()
    return ImpactIndex(
        generation,
        ids,
        np.zeros(0, dtype=np.float64),
        category,
        categories,
        len(ids),
        postings,
        time.perf_counter() - started,
        exact=False,
    )


def sqlite_path(engine: Engine) -> str | None:
    """The database file of a SQLite engine (``None``: in memory, or not SQLite)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return str(url.database)


# ============================================================================================== holder
class IndexHolder:
    """The current index of one hub process and its background (re)builds."""

    def __init__(self, build: Callable[[], ImpactIndex], *, name: str = "kb-index") -> None:
        self._build = build
        self._name = name
        self._lock = threading.Lock()
        self._current: ImpactIndex | None = None
        self._thread: threading.Thread | None = None
        self._not_before = 0.0
        self._built = threading.Condition(self._lock)

    def current(self, generation: tuple[int, int]) -> ImpactIndex | None:
        """The index if it is of ``generation``; otherwise ``None``, and a rebuild is started (unless one is
        running or waiting already)."""
        index = self._current
        if index is not None and index.generation == generation:
            return index
        self.refresh()
        return None

    def refresh(self) -> None:
        """Start a build unless one is running or waiting (a build asked for soon after the previous one waits for
        the minimum interval, then reads the database as it is by then)."""
        with self._lock:
            if self._thread is not None:
                return
            delay = max(0.0, self._not_before - time.monotonic())
            self._thread = threading.Thread(target=self._run, args=(delay,), name=self._name, daemon=True)
            self._thread.start()

    def _run(self, delay: float) -> None:
        if delay:
            time.sleep(delay)
        started = time.monotonic()
        index: ImpactIndex | None = None
        try:
            index = self._build()
            log.info(
                "knowledge-base ranking index built for generation %s: %d articles, %d common terms, %d entries, "
                "%.1f MB in %.1f s",
                index.generation,
                len(index.ids),
                len(index.postings),
                index.entries,
                index.nbytes / 1e6,
                index.build_seconds,
            )
        except Exception:
            log.exception("building the knowledge-base ranking index failed; searches rank in the database")
        took = time.monotonic() - started
        with self._lock:
            if index is not None:
                self._current = index
                self._not_before = time.monotonic() + max(MIN_REBUILD_INTERVAL_S, took)
            else:
                self._not_before = time.monotonic() + RETRY_AFTER_FAILURE_S
            self._thread = None
            self._built.notify_all()

    def wait(self, timeout: float) -> ImpactIndex | None:
        """Wait for the running build (benchmarks and tests); the newest index."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._thread is not None and time.monotonic() < deadline:
                self._built.wait(deadline - time.monotonic())
            return self._current


def holder_for(engine: Engine, *, common_df: int = COMMON_DF) -> IndexHolder | None:
    """An index holder for the knowledge base in ``engine``'s database, if that database supports one."""
    path = sqlite_path(engine)
    if path is not None:
        return IndexHolder(lambda: build_sqlite(path, common_df=common_df))
    if engine.url.get_backend_name() == "postgresql":
        return IndexHolder(lambda: build_postgresql(engine, common_df=common_df))
    return None


__all__ = [
    "COMMON_DF",
    "ImpactIndex",
    "IndexHolder",
    "build_postgresql",
    "build_sqlite",
    "holder_for",
    "kb_generation",
]
