"""The hub's REST routes the client uses, in one place (all under ``app.protocol.API_PREFIX``)."""

from __future__ import annotations

from typing import Final

LOGIN: Final = "/auth/login"
REFRESH: Final = "/auth/refresh"
LOGOUT: Final = "/auth/logout"
TICKETS: Final = "/tickets"
SYNC_TICKETS: Final = "/sync/tickets"  # full sync: keyset pages of every visible ticket
CATEGORIES: Final = "/ticket-categories"
DUPLICATES: Final = "/tickets/duplicates"
SUGGEST_CATEGORY: Final = "/tickets/suggest-category"
COMPLIANCE: Final = "/compliance/check"
CUSTOMER_LOOKUP: Final = "/customers/lookup"
KB_SEARCH: Final = "/kb/search"
KB_ARTICLES: Final = "/kb/articles"
KB_SUGGEST: Final = "/kb/suggestions"
KB_CHANGES: Final = "/kb/changes"


def ticket(ticket_id: int) -> str:
    return f"{TICKETS}/{ticket_id}"


def ticket_notes(ticket_id: int) -> str:
    return f"{TICKETS}/{ticket_id}/notes"


def article(article_id: int) -> str:
    return f"{KB_ARTICLES}/{article_id}"
