"""Version policy decisions (no network)."""

from __future__ import annotations

import pytest

from app.version_policy import UpdateRequired, evaluate, from_error_response

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("current", "minimum", "blocked"),
    [("0.1.0", "0.1.0", False), ("0.1.0", "0.2.0", True), ("1.10.0", "1.9.3", False), ("0.1.0", "", False)],
)
def test_evaluate(current: str, minimum: str, blocked: bool) -> None:
    assert (evaluate(minimum, "https://x", current) is not None) is blocked


def test_only_web_links_are_offered() -> None:
    assert evaluate("2.0", "javascript:alert(1)", "1.0") == UpdateRequired("1.0", "2.0", "")
    assert evaluate("2.0", " https://it.example/dl ", "1.0") == UpdateRequired("1.0", "2.0", "https://it.example/dl")


def test_426_answer() -> None:
    body = {"code": "client_too_old", "details": {"min_client_version": "2.0", "update_url": "https://u"}}
    assert from_error_response(426, body, "1.0") == UpdateRequired("1.0", "2.0", "https://u")
    assert from_error_response(401, {"code": "unauthenticated"}, "1.0") is None
    assert from_error_response(426, {"code": "client_too_old", "details": None}, "1.0") == UpdateRequired(
        "1.0", "?", ""
    )
