"""Dial-string normalisation for Chinese numbers."""

from __future__ import annotations

import pytest

from sip.model import NumberKind, SipError, SipErrorKind
from sip.numbers import display_number, normalize

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("13800138000", NumberKind.MOBILE, "13800138000"),
        ("138 0013 8000", NumberKind.MOBILE, "13800138000"),
        ("+86 138-0013-8000", NumberKind.MOBILE, "13800138000"),
        ("0086 13800138000", NumberKind.MOBILE, "13800138000"),
        ("8613800138000", NumberKind.MOBILE, "13800138000"),
        ("１３８００１３８０００", NumberKind.MOBILE, "13800138000"),  # full-width digits
        ("010-12345678", NumberKind.LANDLINE, "01012345678"),
        ("(0755) 8765 4321", NumberKind.LANDLINE, "075587654321"),
        ("+86 10 1234 5678", NumberKind.LANDLINE, "01012345678"),
        ("+86 010 1234 5678", NumberKind.LANDLINE, "01012345678"),
        ("1001", NumberKind.EXTENSION, "1001"),
        ("801", NumberKind.EXTENSION, "801"),
        ("95588", NumberKind.SERVICE, "95588"),
        ("10086", NumberKind.SERVICE, "10086"),
        ("110", NumberKind.SERVICE, "110"),
        ("4008123123", NumberKind.SERVICE, "4008123123"),
        ("*72", NumberKind.SERVICE, "*72"),
        ("+1 415 555 0100", NumberKind.INTERNATIONAL, "0014155550100"),
        ("sip:bob@example.com", NumberKind.URI, "sip:bob@example.com"),
    ],
)
def test_normalize(text: str, kind: NumberKind, number: str) -> None:
    target = normalize(text)
    assert (target.kind, target.number) == (kind, number)


def test_external_prefix_applies_to_outside_numbers_only() -> None:
    assert normalize("13800138000", external_prefix="9").number == "913800138000"
    assert normalize("010 12345678", external_prefix="9").number == "901012345678"
    assert normalize("1001", external_prefix="9").number == "1001"
    assert normalize("95588", external_prefix="9").number == "95588"


def test_local_number_gets_the_area_code() -> None:
    target = normalize("87654321", local_area_code="0755")
    assert (target.kind, target.number, target.display) == (NumberKind.LANDLINE, "075587654321", "0755-87654321")
    assert normalize("87654321").number == "87654321"


@pytest.mark.parametrize("text", ["", "   ", "abc", "12", "+86 12", "sip:nohost", "1380013800012345678", "13a"])
def test_invalid(text: str) -> None:
    with pytest.raises(SipError) as err:
        normalize(text)
    assert err.value.kind is SipErrorKind.INVALID_NUMBER


def test_display() -> None:
    assert display_number("13800138000") == "138 0013 8000"
    assert display_number("01012345678") == "010-12345678"
    assert display_number("075587654321") == "0755-87654321"
    assert display_number("anonymous") == "anonymous"
