"""Dial-string normalisation for Chinese numbering (GB/T 13400 style dialling from an office PBX).

Accepts what agents type or paste — spaces, dashes, dots, brackets, full-width digits, ``+86``/``0086``/``86``
country prefixes — and returns what to dial:

- mobile ``1[3-9]x xxxx xxxx`` (11 digits), with any country prefix removed;
- landline with area code ``0AA(A) NNNN NNN(N)``; ``+86 10 1234 5678`` becomes ``01012345678``;
- a local landline (7–8 digits) gets ``local_area_code`` when one is configured;
- extensions (3–6 digits) are dialled as they are;
- service numbers (``95588``, ``10086``, ``110``, ``12345``) and feature codes (``*72``, ``#``) as they are;
- other international numbers ``+CC...`` become ``00CC...``;
- ``sip:``/``sips:`` URIs pass through.

``external_prefix`` (e.g. ``9``) is added before every number that leaves the PBX (not extensions or services).
Pure functions; any thread.
"""

from __future__ import annotations

import re
import unicodedata

from sip.model import DialTarget, NumberKind, SipError, SipErrorKind

_SEPARATORS = re.compile(r"[\s\-.()（）/]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{8,10}")
_SERVICE = re.compile(r"(1\d{2}|1\d{4}|9\d{4}|400\d{7}|800\d{7})")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()  # full-width digits and ＋ → ASCII
    return _SEPARATORS.sub("", text)


def normalize(text: str, *, external_prefix: str = "", local_area_code: str = "") -> DialTarget:
    """Return the :class:`DialTarget` for ``text`` or raise ``SipError(INVALID_NUMBER)``."""
    raw = text.strip()
    if raw.lower().startswith(("sip:", "sips:")):
        if "@" not in raw or any(c.isspace() for c in raw):
            raise SipError(SipErrorKind.INVALID_NUMBER, raw)
        return DialTarget(NumberKind.URI, raw, raw)
    number = _clean(raw)
    if not number:
        raise SipError(SipErrorKind.INVALID_NUMBER, "empty")
    if number.startswith(("*", "#")) or (number.endswith("#") and number[:-1].isdigit()):
        if not re.fullmatch(r"[*#0-9]+", number):
            raise SipError(SipErrorKind.INVALID_NUMBER, raw)
        return DialTarget(NumberKind.SERVICE, number, number)
    international = False
    if number.startswith("+"):
        number, international = number[1:], True
    elif number.startswith("00"):
        number, international = number[2:], True
    if not number.isdigit():
        raise SipError(SipErrorKind.INVALID_NUMBER, raw)
    if international:
        if not number.startswith("86"):
            if len(number) < 7 or len(number) > 15:
                raise SipError(SipErrorKind.INVALID_NUMBER, raw)
            return DialTarget(NumberKind.INTERNATIONAL, external_prefix + "00" + number, "+" + number)
        number = number[2:]
        if _MOBILE.fullmatch(number):
            return _mobile(number, external_prefix)
        if number.startswith("0"):
            number = number[1:]  # "+86 010 ..." is a common mistake
        if len(number) >= 9 and _LANDLINE.fullmatch("0" + number):
            return _landline("0" + number, external_prefix)
        raise SipError(SipErrorKind.INVALID_NUMBER, raw)
    if len(number) == 13 and number.startswith("86") and _MOBILE.fullmatch(number[2:]):
        return _mobile(number[2:], external_prefix)
    if _MOBILE.fullmatch(number):
        return _mobile(number, external_prefix)
    if _LANDLINE.fullmatch(number):
        return _landline(number, external_prefix)
    if _SERVICE.fullmatch(number) and not number.startswith("0"):
        return DialTarget(NumberKind.SERVICE, number, number)
    if 3 <= len(number) <= 6:
        return DialTarget(NumberKind.EXTENSION, number, number)
    if len(number) in (7, 8) and number[0] != "0":
        full = (local_area_code + number) if local_area_code else number
        display = f"{local_area_code}-{number}" if local_area_code else number
        return DialTarget(NumberKind.LANDLINE, external_prefix + full, display)
    raise SipError(SipErrorKind.INVALID_NUMBER, raw)


def _mobile(number: str, prefix: str) -> DialTarget:
    return DialTarget(NumberKind.MOBILE, prefix + number, f"{number[:3]} {number[3:7]} {number[7:]}")


def _landline(number: str, prefix: str) -> DialTarget:
    # Beijing, Tianjin, Shanghai, Chongqing and the 02x cities have 2-digit area codes after the 0.
    code_len = 3 if number[1] in "12" else 4
    return DialTarget(NumberKind.LANDLINE, prefix + number, f"{number[:code_len]}-{number[code_len:]}")


def display_number(user_part: str) -> str:
    """A caller's number as a person reads it (best effort; never raises)."""
    try:
        target = normalize(user_part)
    except SipError:
        return user_part
    return target.display
