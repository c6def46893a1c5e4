"""Chinese-aware full-text search helpers shared by the knowledge base and tickets.

Text is segmented with jieba's search mode (long words plus their sub-words), lower-cased, and stored as
space-separated tokens in a plain column (``title_seg``/``body_seg`` for articles, ``search_seg`` for tickets). The
databases index that column with tokenizers that only split on spaces and punctuation:

- SQLite: an FTS5 table (``unicode61``) over the column, kept in step by triggers; queries are FTS5 ``MATCH``
  expressions whose terms are always double-quoted strings (no operator injection from user input).
- PostgreSQL: a GIN index over ``to_tsvector('simple', column)``; queries are ``to_tsquery('simple', ...)`` whose
  lexemes are always single-quoted.

Queries are segmented the same way, so a query term matches exactly the tokens the text produced. jieba is loaded once
per process (about 1 s) and its cut of short query strings is cached.

Thread-safe: jieba's tokenizer is initialised under a lock and is read-only afterwards.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

log = logging.getLogger(__name__)

_jieba_lock = threading.Lock()
_jieba: Any = None
#: A token the index keeps: letters or digits (``unicode61`` treats ``_`` and punctuation as separators).
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "是",
        "在",
        "我",
        "有",
        "就",
        "不",
        "人",
        "都",
        "一",
        "个",
        "也",
        "吗",
        "呢",
        "吧",
        "啊",
        "请问",
        "怎么",
        "如何",
        "什么",
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "is",
        "are",
        "for",
        "in",
        "on",
    ]
)
#: Queries are cut to this many characters and this many distinct terms.
MAX_QUERY = 200
MAX_TERMS = 12


def _tokenizer() -> Any:
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            _jieba = tok
        return _jieba


def warm_up() -> None:
    """Load jieba's dictionary now (a hub does it at start, not in its first search request)."""
    _tokenizer()


def segment(value: str) -> list[str]:
    """Index tokens of ``value``: jieba's search-mode cut, lower-cased, letters and digits only.

    Pieces jieba returns with separators inside (``a_b``) are split the way the index tokenizer splits them.
    """
    terms: list[str] = []
    for piece in _tokenizer().cut_for_search(value.lower()):
        terms.extend(_TOKEN.findall(piece))
    return terms


def segmented(value: str) -> str:
    """``value`` as the space-separated token string stored in a ``*_seg`` column."""
    return " ".join(segment(value))


@functools.lru_cache(maxsize=4096)
def _query_terms(query: str) -> tuple[str, ...]:
    terms: list[str] = []
    for term in segment(query):
        if term not in _STOP and term not in terms:
            terms.append(term)
    return tuple(terms[:MAX_TERMS])


def query_terms(query: str) -> list[str]:
    """The distinct search terms of a user query (stop words dropped), in query order. Cached: agents repeat
    queries, and jieba's cut is the largest fixed cost of a search."""
    return list(_query_terms(query[:MAX_QUERY]))


def is_prefixable(term: str) -> bool:
    """Latin letters and digits (ticket numbers, phone fragments, English words) also match as prefixes."""
    return term.isascii() and len(term) >= 3


# ============================================================================================== query builders
def fts5_match(terms: Sequence[str], *, all_terms: bool = True, prefix: bool = False) -> str:
    """An FTS5 ``MATCH`` expression: every term a quoted string (``"退款"``), ``*`` for prefix terms."""

    def one(term: str) -> str:
        quoted = '"' + term.replace('"', '""') + '"'
        return quoted + "*" if prefix and is_prefixable(term) else quoted

    return (" AND " if all_terms else " OR ").join(one(t) for t in terms)


def tsquery(terms: Sequence[str], *, all_terms: bool = True, prefix: bool = False) -> str:
    """A ``to_tsquery('simple', ...)`` text: every term a quoted lexeme (``'退款'``), ``:*`` for prefix terms."""

    def one(term: str) -> str:
        quoted = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + ":*" if prefix and is_prefixable(term) else quoted

    return (" & " if all_terms else " | ").join(one(t) for t in terms)


def join_text(parts: Iterable[str | None]) -> str:
    """Segmented text of several fields (``None`` and empty ones skipped)."""
    return " ".join(segmented(p) for p in parts if p)
