"""The diagnostics bundle: seeded secrets and personal data never reach the zip, useful content does."""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import pytest

from app import diagnostics
from app.config import load_config
from app.diagnostics import CallRecord, DiagnosticsInput, PiiMasker, mask_number
from app.logs import Redactor, setup_logging

pytestmark = pytest.mark.unit

PASSWORD = "Tr0ub4dor&3-sip"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig-abcdef"
REFRESH = "rt_9f8e7d6c5b4a39281706"
DIGEST_RESPONSE = "6629fae49393a05397450978507c4ef1"
CALLER_MOBILE = "13812345678"
CALLER_MOBILE_SPACED = "139 8765 4321"
LANDLINE = "010-62345678"
E164 = "+8613712345670"
CALLER_NAME = "王秀英"
AGENT_NAME = "张伟"
AGENT_USER = "zhangwei.1002"
SECRETS = (PASSWORD, TOKEN, REFRESH, DIGEST_RESPONSE)
PII = (CALLER_MOBILE, "8765 4321", "62345678", E164, "13712345670", CALLER_NAME, AGENT_NAME, AGENT_USER)

INVITE = f"""INVITE sip:{CALLER_MOBILE}@pbx.example.com SIP/2.0
From: "{CALLER_NAME}" <sip:{CALLER_MOBILE}@pbx.example.com>;tag=abc
To: {AGENT_NAME} <sip:1002@pbx.example.com>
P-Asserted-Identity: "{CALLER_NAME}" <tel:{E164}>
Authorization: Digest username="1002", realm="pbx", nonce="xyz", response="{DIGEST_RESPONSE}"
Call-ID: 4f1c2e@10.0.0.5
Content-Length: 0"""


def _bundle_texts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {name.split("/", 1)[1]: zf.read(name).decode("utf-8") for name in zf.namelist()}


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[DiagnosticsInput, Redactor, Path]:
    """A log directory, ring buffer, config, health report and call history full of secrets and PII."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "agentdesk.toml").write_text(
        f'locked = ["hub.url"]\n[hub]\nurl = "https://hub.example.com"\n[sip]\nuser = "{AGENT_USER}"\n'
        "[logging]\nsip_trace = true\n",
        encoding="utf-8",
    )
    loaded = load_config(site_dir=site, user_file=tmp_path / "user.toml")
    log_dir = tmp_path / "logs"
    redactor = Redactor()
    setup = setup_logging(log_dir=log_dir, console_level=None, redactor=redactor)
    try:
        redactor.add_secret(PASSWORD)  # what the login dialog registers
        log = logging.getLogger("app.test_seed")
        log.info("login %s with password=%s token %s", AGENT_USER, PASSWORD, TOKEN)
        log.info("hub answered {'refresh_token': '%s', 'display_name': '%s'}", REFRESH, AGENT_NAME)
        log.info("GET /api/v1/agents Authorization: Bearer %s", TOKEN)
        log.info("incoming call from %s (%s), callback %s, office %s", CALLER_MOBILE, CALLER_NAME, E164, LANDLINE)
        log.info("customer asked to be called on %s", CALLER_MOBILE_SPACED)
        logging.getLogger("sip.trace").setLevel(logging.DEBUG)
        logging.getLogger("sip.trace").debug("RX 512 bytes from 10.0.0.5:5060:\n%s", INVITE)
        ring = setup.ring.lines()
    finally:
        setup.close()
        logging.getLogger("sip.trace").setLevel(logging.WARNING)
    (log_dir / "agentdesk.log.1").write_text(f"old line: sip:{AGENT_USER}:{PASSWORD}@pbx\n", encoding="utf-8")
    report = {
        "status": "warn",
        "host": {"hostname": "LAPTOP-ZHANGWEI", "user": AGENT_NAME},
        "results": [{"check": "sip", "details": {"uri": f"sip:{CALLER_MOBILE}@pbx", "password": PASSWORD}}],
    }
    calls = [
        CallRecord(
            CALLER_MOBILE,
            CALLER_NAME,
            "inbound",
            1_763_880_000.0,
            65.2,
            "answered",
            200,
            4.1,
            3.6,
            quality=[{"t": 10.0, "mos": 4.1, "loss_pct": 0.5}],
        ),
        CallRecord(E164, "", "outbound", 1_763_880_100.0, 0.0, "failed", 486, None, None),
    ]
    data = diagnostics.collect_input(
        loaded=loaded,
        log_dir=log_dir,
        ring_lines=ring,
        state_dir=tmp_path / "state",
        health_report=report,
        versions=[("AgentDesk", "0.1.0"), ("Qt", "6.11.3")],
        names=[AGENT_NAME],
    )
    data.calls = calls
    return data, redactor, tmp_path


def test_no_secret_or_personal_data_in_the_bundle(seeded: tuple[DiagnosticsInput, Redactor, Path]) -> None:
    data, redactor, tmp_path = seeded
    summary = diagnostics.write_bundle(tmp_path / "out" / "diag.zip", data, redactor)
    texts = _bundle_texts(summary.path)
    raw = summary.path.read_bytes()
    for needle in (*SECRETS, *PII):
        leaks = [name for name, text in texts.items() if needle in text]
        assert leaks == [], f"{needle!r} leaked into {leaks}"
        assert needle.encode("utf-8") not in raw  # zip entry names, comments


def test_bundle_keeps_what_it_is_for(seeded: tuple[DiagnosticsInput, Redactor, Path]) -> None:
    data, redactor, tmp_path = seeded
    summary = diagnostics.write_bundle(tmp_path / "diag.zip", data, redactor)
    texts = _bundle_texts(summary.path)
    assert {
        "README.txt",
        "versions.txt",
        "config-effective.toml",
        "log/recent.log",
        "log/agentdesk.log",
        "log/agentdesk.log.1",
        "sip-trace.log",
        "health-report.json",
        "call-quality.json",
    } <= set(texts)
    assert "Qt: 6.11.3" in texts["versions.txt"]
    config = texts["config-effective.toml"]
    assert 'hub.url = "https://hub.example.com"  # site: ' in config
    assert config.split("hub.url", 1)[1].splitlines()[0].endswith(", locked")
    assert 'sip.user = "<name>"' in config
    trace = texts["sip-trace.log"]
    assert "INVITE sip:138******78@pbx.example.com SIP/2.0" in trace
    assert 'From: "<name>" <sip:138******78@pbx.example.com>;tag=abc' in trace
    assert "Call-ID: 4f1c2e@10.0.0.5" in trace
    assert "incoming call" not in trace  # only the trace logger's lines
    calls = json.loads(texts["call-quality.json"])
    assert calls[0]["number"] == "138******78"
    assert calls[0]["name"] == "<name>"
    assert calls[0]["mos_avg"] == 4.1
    assert calls[0]["quality"] == [{"t": 10.0, "mos": 4.1, "loss_pct": 0.5}]
    assert calls[1]["code"] == 486
    health = json.loads(texts["health-report.json"])
    assert health["status"] == "warn"
    assert health["results"][0]["details"]["uri"] == "sip:138******78@pbx"
    assert "customer asked to be called on 139 **** **21" in texts["log/recent.log"]
    assert "<redacted>" in texts["log/agentdesk.log"]


def test_sip_trace_left_out_when_disabled(seeded: tuple[DiagnosticsInput, Redactor, Path]) -> None:
    data, redactor, tmp_path = seeded
    data.sip_trace_enabled = False
    texts = _bundle_texts(diagnostics.write_bundle(tmp_path / "d.zip", data, redactor).path)
    assert "sip-trace.log" not in texts
    assert "SIP trace: off" in texts["README.txt"]


def test_unwritable_target_leaves_nothing_behind(tmp_path: Path) -> None:
    target_dir = tmp_path / "ro"
    target_dir.mkdir()
    (target_dir / "diag.zip").mkdir()  # a directory where the file should go: os.replace fails
    with pytest.raises(IsADirectoryError):
        diagnostics.write_bundle(target_dir / "diag.zip", DiagnosticsInput(versions=[("AgentDesk", "x")]))
    assert [p.name for p in target_dir.iterdir()] == ["diag.zip"]


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138******78"),
        ("+8613812345678", "+86138******78"),
        ("010-62345678", "010-******78"),
        ("1002", "****"),
    ],
)
def test_mask_number(number: str, masked: str) -> None:
    assert mask_number(number) == masked


def test_masker_leaves_timestamps_versions_and_addresses_alone() -> None:
    text = "2026-11-23 11:35:52.360 pjsip 2.15.1 10.0.0.5:5060 port 50123 seq 1234567.5 took 0.0123456s"
    assert PiiMasker().mask_text(text) == text


def test_health_reports_saved_from_several_threads_at_once(tmp_path: Path) -> None:
    """The health area saves reports from a pool of worker threads: concurrent saves never fail or leave a temporary
    file behind, and the file holds one of the reports whole."""
    from concurrent.futures import ThreadPoolExecutor

    reports = [
        {"profile": "light", "n": n, "checks": [{"name": "voice.path", "detail": "x" * 4000}]} for n in range(200)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda r: diagnostics.save_health_report(tmp_path, r), reports))
    kept = diagnostics.read_health_report(tmp_path)
    assert kept is not None
    assert kept in reports
    assert [p.name for p in tmp_path.iterdir()] == [diagnostics.HEALTH_REPORT_FILE]
