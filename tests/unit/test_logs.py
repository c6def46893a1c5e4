"""Logging: the file, the ring buffer and the console carry the same redacted text; rotation; level changes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.logs import REDACTED, LogSetup, Redactor, setup_logging

pytestmark = pytest.mark.unit

SIP_REGISTER = (
    "REGISTER sip:pbx.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bK-1\r\n"
    'Authorization: Digest username="1001", realm="pbx", nonce="5f2b", uri="sip:pbx.example.com",'
    ' response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001\r\n'
    "Content-Length: 0\r\n"
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (SIP_REGISTER, "6629fae49393a05397450978507c4ef1"),
        ('Proxy-Authorization: Digest username="1001", response="abcdef0123"', "abcdef0123"),
        (
            "GET /api HTTP/1.1\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig\r\nHost: hub",
            "eyJhbGciOiJIUzI1NiJ9",
        ),
        ("Authorization: Basic YWxpY2U6c2VjcmV0", "YWxpY2U6c2VjcmV0"),
        ("request headers {'Authorization': 'Bearer tok-abc123', 'Accept': '*/*'}", "tok-abc123"),
        ('{"user": "alice", "password": "Pa55 word!"}', "Pa55 word!"),
        ('{"refresh_token":"rt-9f8e7d","expires":3600}', "rt-9f8e7d"),
        ("login(user='alice', password='x\\'y-secret')", "y-secret"),
        ("POST /login?user=alice&password=hunter22&next=/", "hunter22"),
        ("sip_password=zz9-plural-z", "zz9-plural-z"),
        ("token: abc.def.ghi", "abc.def.ghi"),
        ("dialing sip:1001:topsecret@pbx.example.com;transport=tls", "topsecret"),
        ("hub at https://admin:adminpw@hub.example:8443/", "adminpw"),
        ("Cookie: session=0123456789abcdef", "0123456789abcdef"),
        ("Set-Cookie: sid=s3ss10n; HttpOnly; Secure", "s3ss10n"),
    ],
)
def test_redaction_removes_credentials(text: str, secret: str) -> None:
    redacted = Redactor().redact(text)
    assert secret not in redacted
    assert REDACTED in redacted


def test_redaction_keeps_ordinary_text() -> None:
    text = (
        "REGISTER sip:pbx.example.com SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5:5061\r\n"
        'WWW-Authenticate: Digest realm="pbx", nonce="5f2b"\r\nthe password field is empty; 3 tokens left'
    )
    assert Redactor().redact(text) == text
    sip = Redactor().redact(SIP_REGISTER)
    assert sip.startswith("REGISTER sip:pbx.example.com SIP/2.0\r\nVia:")
    assert sip.endswith("Content-Length: 0\r\n")


def test_registered_secrets_are_redacted_anywhere() -> None:
    redactor = Redactor(["ab"])  # too short to register: would redact half of every message
    redactor.add_secret("correct horse battery")
    assert redactor.redact("typed correct horse battery in the wrong box") == "typed <redacted> in the wrong box"
    assert redactor.redact("ab cd") == "ab cd"
    redactor.discard_secret("correct horse battery")
    assert "correct horse" in redactor.redact("correct horse battery")


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[tuple[LogSetup, io.StringIO]]:
    console = io.StringIO()
    setup = setup_logging(log_dir=tmp_path / "logs", console_level=logging.INFO, console_stream=console)
    try:
        yield setup, console
    finally:
        setup.close()


@pytest.mark.allow_log_warnings
def test_every_output_is_redacted_including_tracebacks(logs: tuple[LogSetup, io.StringIO]) -> None:
    setup, console = logs
    setup.redactor.add_secret("typed-in-password")
    log = logging.getLogger("app.sync.test")
    log.info("sending %s", {"password": "pw-in-args-123", "user": "alice"})
    log.info("sip trace:\n%s", SIP_REGISTER)
    try:
        raise ValueError("login failed for password=typed-in-password")
    except ValueError:
        log.exception("hub login")  # allowed: this test expects the ERROR record
    assert setup.log_file is not None
    file_text = setup.log_file.read_text(encoding="utf-8")
    for text in (file_text, setup.ring.text(), console.getvalue()):
        assert "pw-in-args-123" not in text
        assert "6629fae49393a05397450978507c4ef1" not in text
        assert "typed-in-password" not in text
        assert "alice" in text
        assert "Traceback" in text
        assert "app.sync.test" in text


def test_ring_buffer_keeps_the_newest_lines(tmp_path: Path) -> None:
    setup = setup_logging(log_dir=tmp_path, console_level=None, ring_capacity=3)
    try:
        for i in range(10):
            logging.getLogger("app.x").info("line %d", i)
        assert [line.rsplit(" ", 1)[-1] for line in setup.ring.lines()] == ["7", "8", "9"]
    finally:
        setup.close()


def test_file_rotates(tmp_path: Path) -> None:
    setup = setup_logging(log_dir=tmp_path, console_level=None, max_bytes=2000, backups=2)
    try:
        for i in range(200):
            logging.getLogger("app.x").info("a fairly long line to fill the log file quickly %04d", i)
    finally:
        setup.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["agentdesk.log", "agentdesk.log.1", "agentdesk.log.2"]


def test_json_console_for_end_to_end_tests(tmp_path: Path) -> None:
    console = io.StringIO()
    setup = setup_logging(log_dir=tmp_path, console_level=logging.INFO, console_stream=console, console_json=True)
    try:
        logging.getLogger("ui.main").info("window shown; token=abc123xyz")
    finally:
        setup.close()
    entry = json.loads(console.getvalue().splitlines()[-1])
    assert entry["logger"] == "ui.main"
    assert entry["level"] == "INFO"
    assert entry["message"] == "window shown; token=<redacted>"


@pytest.mark.allow_log_warnings
def test_levels_change_at_run_time(logs: tuple[LogSetup, io.StringIO]) -> None:
    setup, _ = logs
    setup.set_file_level(logging.ERROR)
    logging.getLogger("app.y").warning("not in the file")  # ring buffer only
    assert setup.log_file is not None
    assert "not in the file" not in setup.log_file.read_text()
    assert "not in the file" in setup.ring.text()
    trace = logging.getLogger("sip.trace")
    assert not trace.isEnabledFor(logging.DEBUG)
    setup.set_sip_trace(True)
    assert trace.isEnabledFor(logging.DEBUG)
    setup.set_sip_trace(False)


@pytest.mark.allow_log_warnings
def test_unwritable_log_dir_does_not_stop_logging(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    console = io.StringIO()
    setup = setup_logging(log_dir=blocker / "logs", console_level=logging.ERROR, console_stream=console)
    try:
        assert setup.log_file is None
        assert "cannot write the log file" in console.getvalue()
        logging.getLogger("app.z").info("still buffered")
        assert "still buffered" in setup.ring.text()
    finally:
        setup.close()
