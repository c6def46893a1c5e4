"""Pure helpers of the engine: SIP trace redaction, caller parsing, registration failure reasons."""

from __future__ import annotations

import pytest

from sip.engine import classify_reg_failure, parse_remote, redact
from sip.model import RegFailure

pytestmark = pytest.mark.unit


def test_redacts_digest_credentials() -> None:
    msg = (
        "REGISTER sip:x SIP/2.0\r\n"
        'Authorization: Digest username="1001", realm="r", nonce="n", response="deadbeef"\r\n'
        'Proxy-Authorization: Digest username="1001", response="cafe"\r\n'
        "Contact: <sip:1001@h>\r\n"
    )
    out = redact(msg)
    assert "deadbeef" not in out
    assert "cafe" not in out
    assert "Authorization: Digest <redacted>" in out
    assert "Contact: <sip:1001@h>" in out


@pytest.mark.parametrize(
    ("uri", "number", "name"),
    [
        ('"Zhang Wei" <sip:13800138000@10.0.0.1:5060;transport=udp>', "13800138000", "Zhang Wei"),
        ("<sip:2001@agentdesk.test>", "2001", ""),
        ("sip:2001@agentdesk.test", "2001", ""),
        ('"张伟" <sip:95588@bank.example>;tag=1', "95588", "张伟"),
        ("Bob <sips:bob@x>", "bob", "Bob"),
    ],
)
def test_parse_remote(uri: str, number: str, name: str) -> None:
    assert parse_remote(uri) == (number, name)


@pytest.mark.parametrize(
    ("code", "detail", "failure"),
    [
        (403, "Wrong Password", RegFailure.WRONG_PASSWORD),
        (401, "Unauthorized", RegFailure.WRONG_PASSWORD),
        (404, "Not Found", RegFailure.UNKNOWN_USER),
        (408, "Request Timeout", RegFailure.TIMEOUT),
        (503, "Connection refused (Connection refused)", RegFailure.UNREACHABLE),
        (171171, "x (Certificate verification error (PJSIP_TLS_ECERTVERIF))", RegFailure.TLS_VERIFY_FAILED),
        (500, "Server Internal Error", RegFailure.REJECTED),
    ],
)
def test_registration_failures(code: int, detail: str, failure: RegFailure) -> None:
    assert classify_reg_failure(code, detail) is failure
