"""The knowledge base's in-memory ranking index (``server.kb_index``) against the databases' own ranking, on a
generated Chinese corpus. SQLite: the same articles, in the same order, with the same scores as FTS5's bm25, for every
kind of query (common words, a rare word, any-term fallback, category, offsets); never used once the knowledge base
moved past it; wired into a real hub process (built at start, rebuilt after changes). PostgreSQL (a real cluster):
the pre-ranking index with ``ts_rank`` re-ranking its candidates gives the pages ranking every match would."""

from __future__ import annotations

import contextlib
import random
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert

from app.protocol import KbArticleWrite, KbSearchResult
from server.db import KbArticleRow, make_engine, make_sessionmaker, utcnow
from server.kb import COUNT_CAP, KbService, new_article_values
from server.kb_index import ImpactIndex, IndexHolder, build_postgresql, build_sqlite, kb_generation
from tests.helpers.hub import HubProcess, PostgresCluster, sqlite_copy

pytestmark = pytest.mark.integration

#: Small enough to generate in a few seconds; COMMON_DF is lowered so most words are "common".
ARTICLES = 1200
COMMON_DF = 40
TOPICS = {
    "card": ["信用卡", "借记卡", "挂失", "补卡", "冻结", "解冻", "密码", "重置", "身份", "核实", "卡片"],
    "refund": ["退款", "退货", "到账", "扣款", "争议", "商户", "原路退回", "工作日", "凭证", "交易", "流水"],
    "broadband": ["宽带", "断网", "网速", "掉线", "光猫", "路由器", "重启", "上门", "光纤", "信号", "测速"],
}
FILLER = ["请先核实客户身份信息", "按照标准话术向客户说明", "记录处理结果并告知客户", "必要时发起工单跟进"]
QUERIES = [
    "退款",  # one common word
    "挂失",
    "宽带",
    "客户",  # in every article: bm25's IDF floor (1e-6), ties everywhere
    "退款到账",  # two common words
    "宽带 断网 光猫",
    "信用卡 退款",  # common words from different topics: a small AND set
    "退款 稀有词",  # a rare word: ranked by FTS5
    "退款 没有这个词",  # nothing matches all terms: any-term fallback with a word not in the corpus
    "光猫 稀有词 没有这个词",  # any-term fallback mixing common, rare and absent words
    "refund router",
]


def _generate(count: int) -> list[tuple[str, str, str, list[str]]]:
    rng = random.Random(5)
    cats = list(TOPICS)
    out = []
    for i in range(count):
        cat = cats[i % len(cats)]
        words, other = TOPICS[cat], TOPICS[rng.choice(cats)]
        title = f"{rng.choice(words)}{rng.choice(words)}处理指引（第{i}号）"
        sentences = []
        for _ in range(rng.randint(2, 6)):
            picked = [*rng.sample(words, 3), rng.choice(other)]
            sentences.append(f"关于{picked[0]}和{picked[1]}，{rng.choice(FILLER)}，涉及{picked[2]}及{picked[3]}。")
        if i % 97 == 0:
            sentences.append("稀有词的说明。")
        if rng.random() < 0.2:
            sentences.append("refund router card.")
        out.append((title, "\n\n".join(sentences), cat, rng.sample(words, 2)))
    return out


def _load(url: str, count: int) -> None:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as db:
            now = utcnow()
            rows = [new_article_values(title, body, cat, tags, now) for title, body, cat, tags in _generate(count)]
            db.execute(insert(KbArticleRow), rows)
            db.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def corpus(hub_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded hub database with the generated articles (read by the tests in this module; those that
    change articles work on their own copy)."""
    url = sqlite_copy(hub_template, tmp_path_factory.mktemp("kb-ranking"))
    _load(url, ARTICLES)
    path = Path(url.removeprefix("sqlite:///"))
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _page(result: KbSearchResult) -> list[tuple[int, float]]:
    return [(h.id, h.score) for h in result.hits]


def _scores(result: KbSearchResult) -> list[float]:
    return [h.score for h in result.hits]


class _Ranked:
    """A search service with the index (built by ``build`` in the holder's thread), one without, and a session."""

    def __init__(self, path: Path, build: Callable[[], ImpactIndex]) -> None:
        self.holder = IndexHolder(build)
        self.holder.refresh()
        assert self.holder.wait(60) is not None
        self.indexed = KbService(None, cache_size=0, ranking_index=self.holder)
        self.exact = KbService(None, cache_size=0)
        self.engine = make_engine(f"sqlite:///{path}")
        self.db = make_sessionmaker(self.engine)()

    def close(self) -> None:
        self.db.close()
        self.engine.dispose()


@pytest.fixture
def ranked(corpus: Path) -> Iterator[_Ranked]:
    r = _Ranked(corpus, lambda: build_sqlite(str(corpus), common_df=COMMON_DF))
    try:
        yield r
    finally:
        r.close()


def test_index_holds_fts5s_own_figures(corpus: Path) -> None:
    index = build_sqlite(str(corpus), common_df=COMMON_DF)
    with contextlib.closing(sqlite3.connect(corpus)) as conn:
        live = conn.execute("SELECT count(*) FROM kb_articles WHERE NOT deleted").fetchone()[0]
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, kb_fts, 'row')")
        common = dict(conn.execute("SELECT term, doc FROM temp.v WHERE doc > ?", (COMMON_DF,)).fetchall())
        max_ids = conn.execute("SELECT (SELECT max(id) FROM kb_changes), (SELECT max(id) FROM kb_articles)").fetchone()
    assert index.rows == live == len(index.ids) >= ARTICLES
    assert {t: len(p.positions) for t, p in index.postings.items()} == common
    assert {"退款", "挂失", "宽带", "客户"} <= set(common)
    assert "稀有词" not in common  # in 13 articles
    assert index.generation == (max_ids[0] or 0, max_ids[1])
    assert 0 < index.nbytes < 10 * index.entries + 20 * len(index.ids)


def test_every_kind_of_query_ranks_exactly_as_fts5(ranked: _Ranked) -> None:
    compared = 0
    for query in QUERIES:
        for category in (None, "refund", "no-such-category"):
            for offset, limit in ((0, 20), (13, 20), (0, 100)):
                a = ranked.indexed.search(ranked.db, query, category=category, limit=limit, offset=offset)
                ranked.db.rollback()
                b = ranked.exact.search(ranked.db, query, category=category, limit=limit, offset=offset)
                ranked.db.rollback()
                assert (_page(a), a.total, a.terms) == (_page(b), b.total, b.terms), (query, category, offset)
                compared += len(b.hits)
    assert compared > 2000  # the queries do find articles


def test_common_word_queries_do_not_rank_in_the_database(ranked: _Ranked, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {q: _page(ranked.exact.search(ranked.db, q)) for q in ("退款", "退款到账", "宽带 断网 光猫", "客户")}
    ranked.db.rollback()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("ranked in the database although every term is common")

    monkeypatch.setattr(KbService, "_search_sqlite", staticmethod(refuse))
    for query, page in expected.items():
        assert _page(ranked.indexed.search(ranked.db, query)) == page
        ranked.db.rollback()
    with pytest.raises(AssertionError, match="ranked in the database"):
        ranked.indexed.search(ranked.db, "退款 稀有词")  # a rare word: FTS5 ranks it (a bounded match set)


def test_an_index_of_an_older_generation_is_never_used(corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "kb.sqlite3"
    target.write_bytes(corpus.read_bytes())
    url = f"sqlite:///{target}"
    r = _Ranked(target, lambda: build_sqlite(str(target), common_df=COMMON_DF))
    try:
        old = r.holder.wait(0)
        assert old is not None
        before = r.indexed.search(r.db, "退款到账")
        r.db.rollback()
        assert before.hits
        # An article change in another service (another hub process, say): the index no longer describes the
        # database, so the next search must rank in the database and see the change at once.
        writer = KbService(None, cache_size=0)
        engine = make_engine(url)
        with make_sessionmaker(engine)() as db:
            top = before.hits[0]
            writer.upsert(db, KbArticleWrite("另一篇文章", "与此无关。", top.category, []), top.id)
            made = writer.upsert(db, KbArticleWrite("退款到账退款到账说明", "退款到账。", "refund", []))
            db.commit()
            generation = kb_generation(db)
        engine.dispose()
        assert generation != old.generation
        after = r.indexed.search(r.db, "退款到账")
        r.db.rollback()
        assert after.hits[0].id == made.id
        assert top.id not in [h.id for h in after.hits]
        assert _page(after) == _page(r.exact.search(r.db, "退款到账"))
        r.db.rollback()
        # That search asked for an index of the new generation (built after the minimum interval); it ranks the
        # same way, now from memory.
        fresh = r.holder.wait(60)
        assert fresh is not None
        assert fresh.generation == generation
        assert r.holder.current(generation) is fresh
        for query in QUERIES:
            assert _page(r.indexed.search(r.db, query)) == _page(r.exact.search(r.db, query)), query
            r.db.rollback()
    finally:
        r.close()


def test_a_stale_holder_rebuilds_in_the_background(corpus: Path) -> None:
    built: list[ImpactIndex] = []

    def build() -> ImpactIndex:
        built.append(build_sqlite(str(corpus), common_df=COMMON_DF))
        return built[-1]

    holder = IndexHolder(build)
    assert holder.current((-1, -1)) is None  # nothing built yet: the caller ranks in the database; a build starts
    index = holder.wait(60)
    assert index is not None
    assert built == [index]
    assert holder.current(index.generation) is index
    assert holder.current((index.generation[0] + 1, index.generation[1])) is None  # stale: not served
    assert holder.wait(60) is not index  # and rebuilt (after the minimum interval)
    assert len(built) == 2


def test_hub_builds_the_index_and_serves_changes_at_once(
    hub_template: Path, tmp_path: Path, process_log_dir: Path
) -> None:
    url = sqlite_copy(hub_template, tmp_path)
    _load(url, 300)
    hub = HubProcess(
        url, process_log_dir, name=f"hub-kbindex-{uuid.uuid4().hex[:6]}", env={"AGENTDESK_HUB_KB_INDEX_MIN_DF": "20"}
    ).start()
    try:
        hub.process.wait_for_log(r"ranking index built for generation", timeout=60)
        sup = hub.client("sup.zhang", client_kind="service")
        li = hub.client("agent.li", client_kind="service")
        path = Path(url.removeprefix("sqlite:///"))

        def fts5(query_terms: list[str]) -> list[int]:
            match = " AND ".join(f'"{t}"' for t in query_terms)
            with contextlib.closing(sqlite3.connect(path)) as conn:
                rows = conn.execute(
                    "SELECT rowid FROM kb_fts WHERE kb_fts MATCH ? ORDER BY bm25(kb_fts, 5.0, 1.0), rowid LIMIT 20",
                    (match,),
                ).fetchall()
            return [r[0] for r in rows]

        first = li.ok("GET", "/kb/search", params={"q": "退款到账"})
        assert [h["id"] for h in first["hits"]] == fts5(first["terms"]) != []
        top = first["hits"][0]
        offset = len(hub.process.output())
        change = {"title": "另一篇文章", "body": "与此无关。", "category": top["category"], "tags": []}
        sup.ok("PUT", f"/kb/articles/{top['id']}", json=change)
        after = li.ok("GET", "/kb/search", params={"q": "退款到账"})
        assert top["id"] not in [h["id"] for h in after["hits"]]  # never served from the index of before
        assert [h["id"] for h in after["hits"]] == fts5(after["terms"])
        # that search noticed the change: the hub rebuilds its index (after its minimum interval) and uses it
        hub.process.wait_for_log(r"ranking index built for generation", timeout=60, start=offset)
        again = li.ok("GET", "/kb/search", params={"q": "退款到账"})
        assert [h["id"] for h in again["hits"]] == [h["id"] for h in after["hits"]]
    finally:
        hub.close_clients()
        hub.stop()


def test_postgresql_pre_ranking_gives_the_pages_of_ts_rank(pg_cluster: PostgresCluster, pg_template: str) -> None:
    url = pg_cluster.url(pg_cluster.create_database(template=pg_template))
    _load(url, ARTICLES)
    engine = make_engine(url)
    try:
        holder = IndexHolder(lambda: build_postgresql(engine, common_df=COMMON_DF))
        holder.refresh()
        index = holder.wait(120)
        assert index is not None
        assert not index.exact
        assert {"退款", "挂失", "宽带", "客户"} <= set(index.postings)
        indexed = KbService(None, cache_size=0, ranking_index=holder)
        exact = KbService(None, cache_size=0)
        compared, capped, capped_same = 0, 0, 0
        with make_sessionmaker(engine)() as db:
            assert kb_generation(db) == index.generation
            for query in QUERIES:
                for category in (None, "refund"):
                    for offset in (0, 13):
                        a = indexed.search(db, query, category=category, offset=offset)
                        b = exact.search(db, query, category=category, offset=offset)
                        db.rollback()
                        assert a.total == b.total, (query, category, offset)
                        compared += len(b.hits)
                        if b.total < COUNT_CAP or len(b.terms) == 1:
                            # every match re-ranked by ts_rank, or one word (pre-ranked by its exact ts_rank)
                            assert _scores(a) == _scores(b), (query, category, offset)
                            if b.total < COUNT_CAP:
                                assert _page(a) == _page(b), (query, category, offset)
                        else:
                            # several common words in more than COUNT_CAP articles: ts_rank re-ranks the best
                            # RERANK_CANDIDATES by the pre-ranking; ties (many articles reach 1.0) are ordered by
                            # id among those candidates only
                            capped += 1
                            capped_same += _scores(a) == _scores(b)
                            assert len(a.hits) == len(b.hits)
                            assert all(x >= y * 0.98 for x, y in zip(_scores(a), _scores(b), strict=True))
        assert compared > 500
        assert capped_same >= 0.8 * capped, (capped_same, capped)
    finally:
        engine.dispose()
