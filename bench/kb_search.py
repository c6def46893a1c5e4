"""Knowledge-base search benchmark: 100,000 generated Chinese articles, p50/p95 query time.

Generates bank/telecom-style articles from a fixed seed (titles and bodies mixing ~250 domain words with filler
sentences, so common words such as 退款 match thousands of articles), loads them through the hub's own indexing
(jieba segmentation → FTS5 on SQLite, or tsvector + GIN on PostgreSQL), then runs a mix of one-, two- and three-word
queries (Chinese and English) and prints p50/p95 of:

- the search itself (``KbService.search``: segmentation, ranking — in the hub's in-memory index of common terms
  when every term is common, in the database otherwise (``server.kb_index``) —, capped total count, snippets for
  the returned page) with the hub's result cache off, so no result is reused; the index's size and build time
  are printed first;
- the same ranked in the database only (no index), for comparison, unless ``--no-compare``;
- the same with the result cache on (what a hub does: repeated queries between two knowledge-base changes are served
  from memory), and
- the same queries over HTTP against a running hub (``GET /api/v1/kb/search``), unless ``--no-http``.

The load average is printed with the figures: on a shared machine they depend on it.

    .venv/bin/python bench/kb_search.py                      # 100,000 articles, SQLite
    .venv/bin/python bench/kb_search.py --backend postgresql
    .venv/bin/python bench/kb_search.py --database-url sqlite:////tmp/kb.sqlite3 --keep   # build once, rerun fast
    .venv/bin/python bench/kb_search.py --backend postgresql --copy-from sqlite:////tmp/kb.sqlite3
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.kb_index import COMMON_DF, IndexHolder  # noqa: E402
from tests.helpers.hub import HubProcess, PostgresCluster, hub_cli  # noqa: E402

TOPICS = {
    "card_loss": [
        "信用卡",
        "借记卡",
        "挂失",
        "补卡",
        "丢失",
        "被盗",
        "冻结",
        "解冻",
        "临时挂失",
        "正式挂失",
        "换卡",
        "卡片",
        "密码",
        "重置",
        "身份",
        "核实",
    ],
    "refund": [
        "退款",
        "退货",
        "到账",
        "扣款",
        "重复扣费",
        "争议",
        "拒付",
        "商户",
        "原路退回",
        "工作日",
        "凭证",
        "交易",
        "流水",
        "退款查询",
    ],
    "bill": [
        "账单",
        "还款",
        "分期",
        "利息",
        "年费",
        "最低还款",
        "免息期",
        "逾期",
        "征信",
        "额度",
        "提额",
        "临时额度",
        "账单日",
        "还款日",
    ],
    "broadband_fault": [
        "宽带",
        "断网",
        "网速",
        "掉线",
        "光猫",
        "路由器",
        "重启",
        "上门",
        "装维",
        "光纤",
        "信号",
        "测速",
        "千兆",
        "无线",
    ],
    "mobile": [
        "话费",
        "流量",
        "套餐",
        "变更",
        "携号转网",
        "停机",
        "复机",
        "欠费",
        "充值",
        "国际漫游",
        "5G",
        "副卡",
        "实名",
        "补换卡",
    ],
    "complaint": [
        "投诉",
        "不满意",
        "态度",
        "监管",
        "升级",
        "回访",
        "赔偿",
        "道歉",
        "处理时限",
        "工单",
        "满意度",
        "催收",
    ],
    "security": ["诈骗", "风险", "验证码", "钓鱼", "短信", "可疑", "交易", "止付", "反诈", "提醒", "保护", "账户安全"],
}
FILLER = [
    "请先核实客户身份信息",
    "按照标准话术向客户说明",
    "如客户仍有疑问可升级处理",
    "记录处理结果并告知客户",
    "注意保护客户隐私",
    "办理时限以系统提示为准",
    "必要时发起工单跟进",
    "向客户致歉并耐心解释",
    "确认客户的联系电话",
    "提醒客户留意短信通知",
]
ENGLISH = [
    "refund",
    "card",
    "lost",
    "stolen",
    "broadband",
    "router",
    "bill",
    "repayment",
    "interest",
    "roaming",
    "complaint",
    "fraud",
]
QUERIES = [
    "退款",
    "挂失",
    "宽带",
    "账单",
    "话费",
    "投诉",
    "诈骗",
    "光猫",
    "分期",
    "年费",
    "信用卡挂失",
    "退款到账",
    "宽带断网",
    "网速慢怎么办",
    "重复扣费退款",
    "国际漫游流量",
    "信用卡 年费 减免",
    "携号转网",
    "refund",
    "router",
    "临时额度",
    "验证码 诈骗",
]


def generate(count: int, seed: int = 20261123) -> list[tuple[str, str, str, list[str]]]:
    rng = random.Random(seed)
    cats = list(TOPICS)
    out = []
    for i in range(count):
        cat = cats[i % len(cats)]
        words = TOPICS[cat]
        other = TOPICS[rng.choice(cats)]
        title = f"{rng.choice(words)}{rng.choice(words)}处理指引（第{i}号）"
        sentences = []
        for _ in range(rng.randint(4, 8)):
            picked = [*rng.sample(words, 3), rng.choice(other)]
            sentences.append(f"关于{picked[0]}和{picked[1]}，{rng.choice(FILLER)}，涉及{picked[2]}及{picked[3]}。")
        if rng.random() < 0.1:
            sentences.append(" ".join(rng.sample(ENGLISH, 4)) + ".")
        out.append((title, "\n\n".join(sentences), cat, rng.sample(words, 2)))
    return out


def load(url: str, count: int) -> float:
    from sqlalchemy import insert

    from server.db import KbArticleRow, make_engine, make_sessionmaker, utcnow
    from server.kb import new_article_values

    engine = make_engine(url)
    t0 = time.perf_counter()
    with make_sessionmaker(engine)() as db:
        now = utcnow()
        batch: list[dict[str, object]] = []
        for title, body, cat, tags in generate(count):
            batch.append(new_article_values(title, body, cat, tags, now))
            if len(batch) >= 2000:
                db.execute(insert(KbArticleRow), batch)
                db.commit()
                batch = []
        if batch:
            db.execute(insert(KbArticleRow), batch)
        db.commit()
    engine.dispose()
    return time.perf_counter() - t0


def copy(source: str, url: str, count: int) -> float:
    """Copy up to ``count`` articles, already segmented, from another hub database (no jieba: seconds, not minutes)."""
    from sqlalchemy import insert, select

    from server.db import KbArticleRow, make_engine, make_sessionmaker

    columns = ["title", "body", "category", "tags", "lang", "title_seg", "body_seg", "updated_at", "version"]
    src, dst = make_engine(source), make_engine(url)
    t0 = time.perf_counter()
    try:
        with make_sessionmaker(src)() as reader, make_sessionmaker(dst)() as writer:
            query = (
                select(*(getattr(KbArticleRow, c) for c in columns))
                .where(KbArticleRow.deleted.is_(False))
                .order_by(KbArticleRow.id)
                .limit(count)
            )
            batch: list[dict[str, object]] = []
            for row in reader.execute(query):
                batch.append({**dict(zip(columns, row, strict=True)), "deleted": False})
                if len(batch) >= 5000:
                    writer.execute(insert(KbArticleRow), batch)
                    batch = []
            if batch:
                writer.execute(insert(KbArticleRow), batch)
            writer.commit()
    finally:
        src.dispose()
        dst.dispose()
    return time.perf_counter() - t0


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"


def build_index(url: str) -> IndexHolder | None:
    """The hub's in-memory ranking index of common terms, built once for the timed runs (``None``: this backend
    has none, every search ranks in the database)."""
    from server.db import make_engine
    from server.kb_index import holder_for

    engine = make_engine(url)
    holder = holder_for(engine)
    engine.dispose()
    if holder is None:
        return None
    before = loadavg()
    holder.refresh()
    index = holder.wait(1800)
    if index is None:
        raise SystemExit("building the ranking index failed (see the log above)")
    print(
        f"ranking index{'' if index.exact else ' (pre-ranking, re-ranked by ts_rank)'}: {len(index.ids)} articles, {len(index.postings)} common terms (in more than "
        f"{COMMON_DF} articles), {index.entries} entries, {index.nbytes / 1e6:.1f} MB, built in "
        f"{index.build_seconds:.1f} s ({before} before, {loadavg()} after)"
    )
    return holder


def measure(
    url: str, queries: list[str], cache_size: int, ranking: IndexHolder | None = None
) -> tuple[list[float], list[float], dict[str, tuple[int, list[tuple[int, float]]]]]:
    """Wall-clock and this thread's CPU time per query (SQLite runs in this thread, so its CPU time shows the cost
    of a search independently of the machine's load; PostgreSQL's work is in the server process)."""
    from server.db import make_engine, make_sessionmaker
    from server.kb import KbService

    engine = make_engine(url)
    service = KbService(None, cache_size=cache_size, ranking_index=ranking)
    times: list[float] = []
    cpu: list[float] = []
    totals: dict[str, tuple[int, list[tuple[int, float]]]] = {}  # query → (total, the page's ids and scores)
    with make_sessionmaker(engine)() as db:
        for q in queries[:20]:  # warm the page cache
            service.search(db, q)
            db.rollback()
        if cache_size:
            service = KbService(
                None, cache_size=cache_size, ranking_index=ranking
            )  # start cold: the first of each query misses
        for q in queries:
            t0, c0 = time.perf_counter(), time.thread_time()
            result = service.search(db, q, limit=20)
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            totals[q] = (result.total, [(h.id, h.score) for h in result.hits])
            db.rollback()
    engine.dispose()
    return times, cpu, totals


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(label: str, times: list[float]) -> None:
    print(
        f"{label}: p50 {pct(times, 50) * 1000:.1f} ms, p95 {pct(times, 95) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms, mean {statistics.mean(times) * 1000:.1f} ms over {len(times)} queries"
    )


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # run the ``finally`` below: stop the hubs and the database we started


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", help="use this database; generate the articles only when it has none")
    parser.add_argument("--keep", action="store_true", help="SQLite: keep the generated database file for reruns")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--copy-from", metavar="URL", help="take the articles (already segmented) from this hub database instead"
    )
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the comparison run that ranks in the database only"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="agentdesk-kbbench-"))
    cluster: PostgresCluster | None = None
    hub: HubProcess | None = None
    try:
        if args.database_url:
            url = args.database_url
        elif args.backend == "sqlite":
            url = f"sqlite:///{work / 'kb.sqlite3'}"
        else:
            cluster = PostgresCluster(work).start()
            url = cluster.url(cluster.create_database("kbbench"))
        hub_cli("migrate", "--database-url", url)
        hub_cli("seed-demo", "--database-url", url)
        if _article_count(url) < args.articles and args.copy_from:
            print(f"copying {args.articles} articles from {args.copy_from} … ({loadavg()})")
            print(f"copied in {copy(args.copy_from, url, args.articles):.0f} s")
        elif _article_count(url) < args.articles:
            print(f"loading {args.articles} articles (jieba segmentation + index) … ({loadavg()})")
            print(f"loaded in {load(url, args.articles):.0f} s")
        print(f"{_article_count(url)} articles")

        from server.kb import query_terms

        query_terms("预热")  # load jieba's dictionary before timing
        rng = random.Random(1)
        queries = [rng.choice(QUERIES) for _ in range(args.queries)]
        ranking = build_index(url)
        label = "ranking index" if ranking is not None else "no ranking index on this backend"
        before = loadavg()
        times, cpu, totals = measure(url, queries, cache_size=0, ranking=ranking)
        print(
            "matches per query (counted up to 1000): " + ", ".join(f"{q} {n}" for q, (n, _) in sorted(totals.items()))
        )
        report(f"search ({args.backend}, in-process, result cache off, {label})", times)
        report(f"  CPU time of the searching thread ({args.backend}, result cache off, {label})", cpu)
        print(f"({before} before, {loadavg()} after)")
        if ranking is not None and not args.no_compare:
            before = loadavg()
            exact, exact_cpu, exact_pages = measure(url, queries, cache_size=0)
            same = sum(totals[q] == exact_pages[q] for q in totals)
            same_scores = sum([s for _, s in totals[q][1]] == [s for _, s in exact_pages[q][1]] for q in totals)
            print(
                f"first pages identical to ranking in the database: {same} of {len(totals)} distinct queries "
                f"(the same scores: {same_scores})"
            )
            report(f"search ({args.backend}, in-process, result cache off, ranked in the database only)", exact)
            report(f"  CPU time of the searching thread ({args.backend}, ranked in the database only)", exact_cpu)
            print(f"({before} before, {loadavg()} after)")
        before = loadavg()
        cached, _, _ = measure(url, queries, cache_size=256, ranking=ranking)
        report(f"search ({args.backend}, in-process, result cache on, {len(set(queries))} distinct queries)", cached)
        print(f"({before} before, {loadavg()} after)")
        if not args.no_http:
            hub = HubProcess(url, work, name="kbbench-hub", args=("--no-access-log",)).start()
            if ranking is not None:  # the hub builds its own index at start: time it once it is ready
                hub.process.wait_for_log("ranking index built", timeout=1800)
            client = hub.client("agent.li", client_kind="service")
            http_times: list[float] = []
            with httpx.Client(
                base_url=hub.api, headers={"Authorization": f"Bearer {client.access_token}"}, timeout=30
            ) as http:
                for q in queries[:20]:
                    http.get("/kb/search", params={"q": q})
                for q in queries:
                    t0 = time.perf_counter()
                    r = http.get("/kb/search", params={"q": q})
                    http_times.append(time.perf_counter() - t0)
                    assert r.status_code == 200, r.text
            client.close()
            report(f"search ({args.backend}, HTTP round trip, hub with its result cache)", http_times)
            print(f"({loadavg()})")
        return 0
    finally:
        if hub is not None:
            hub.stop()
        if cluster is not None:
            cluster.stop()
        if args.keep and args.backend == "sqlite" and not args.database_url:
            print(f"kept {work / 'kb.sqlite3'}")
        elif not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _article_count(url: str) -> int:
    from sqlalchemy import func, select

    from server.db import KbArticleRow, make_engine, make_sessionmaker

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as db:
            return int(db.scalar(select(func.count()).select_from(KbArticleRow)) or 0)
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
