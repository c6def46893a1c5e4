"""The hub's search helpers: segmentation, query escaping for FTS5 and tsquery, ticket search text."""

from __future__ import annotations

import sqlite3

import pytest

from server.search import fts5_match, query_terms, segment, tsquery
from server.tickets import phone_search_forms, search_text

pytestmark = pytest.mark.unit


def test_segmentation_keeps_letters_and_digits_only() -> None:
    assert segment("宽带故障，无法上网") == ["宽带", "故障", "无法", "上网"]
    assert segment("a_b c-d 5G") == ["a", "b", "c", "d", "5g"]
    assert query_terms("请问信用卡怎么挂失？") == ["信用", "信用卡", "挂失"]
    assert query_terms("的 了 吗") == []


def test_fts5_match_is_always_literal() -> None:
    with sqlite3.connect(":memory:") as conn:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
        conn.execute("INSERT INTO t(body) VALUES ('宽带 故障 t20261123 000001'), ('NEAR AND OR x')")
        for raw in ['"', "AND OR NOT", "NEAR(a b)", "body:x", "x*", "'; DROP TABLE t; --", "^x", "(x"]:
            terms = query_terms(raw)
            if terms:
                conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_match(terms),)).fetchall()
        found = conn.execute(
            "SELECT rowid FROM t WHERE t MATCH ?", (fts5_match(query_terms("T2026 宽带"), prefix=True),)
        ).fetchall()
        assert found == [(1,)]
        assert conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts5_match(["and", "or"]),)).fetchone() == (1,)
    assert fts5_match(['a"b']) == '"a""b"'
    assert fts5_match(["宽带", "t2026"], all_terms=False, prefix=True) == '"宽带" OR "t2026"*'


def test_tsquery_quotes_every_lexeme() -> None:
    assert tsquery(["it's", "a\\b"]) == "'it''s' & 'a\\\\b'"
    assert tsquery(["宽带", "1391234"], all_terms=False, prefix=True) == "'宽带' | '1391234':*"


def test_ticket_search_text_has_the_phone_forms_agents_type() -> None:
    assert phone_search_forms("+8613912345678") == ["8613912345678", "13912345678", "5678"]
    assert phone_search_forms("+861088886666") == ["861088886666", "1088886666", "01088886666", "6666"]
    assert phone_search_forms("+14155550100") == ["14155550100", "0100"]
    assert phone_search_forms(None) == []
    text = search_text("T20261123-000001", "宽带故障", "光猫红灯", "刘先生", "+8613912345678")
    assert text.split() == [
        "t20261123",
        "000001",
        "宽带",
        "故障",
        "先生",
        "刘先生",
        "光猫",
        "红灯",
        "8613912345678",
        "13912345678",
        "5678",
    ]
