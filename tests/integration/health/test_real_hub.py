"""The health checks against the real hub (``agentdesk-hub`` on SQLite, plain HTTP on loopback as the hub's test
fixture runs it): liveness and clock from ``/api/v1/status``, the bandwidth endpoints, and a report submitted with
an agent's token reaching the hub's health API."""

from __future__ import annotations

import pytest

from app.health import HealthService
from tests.helpers.hub import HubProcess
from vpn_check.advice import Advice
from vpn_check.checks_net import BandwidthCheck, HubConnectionCheck, HubHealthCheck
from vpn_check.config import HealthConfig
from vpn_check.model import CheckId, CheckResult, Report, Status
from vpn_check.runner import Context
from vpn_check.upload import UploadError, UploadErrorKind

pytestmark = pytest.mark.integration


def test_checks_against_the_real_hub(hub_sqlite: HubProcess) -> None:
    ctx = Context(HealthConfig(hub_url=hub_sqlite.url))
    results = {
        r.check: r for r in HubConnectionCheck().run(ctx) + HubHealthCheck().run(ctx) + BandwidthCheck().run(ctx)
    }
    assert results[CheckId.HUB_TCP].status is Status.PASS
    # The test hub speaks plain HTTP: the TLS check says so instead of passing silently.
    assert results[CheckId.HUB_TLS].status is Status.WARN
    assert results[CheckId.HUB_TLS].advice == (Advice.TLS_FAILED,)
    health = results[CheckId.HUB_HEALTH]
    assert health.status is Status.PASS
    assert health.details["path"] == "/api/v1/status"
    assert "protocol_version" in health.details["body"]
    assert results[CheckId.HUB_CLOCK].status is Status.PASS
    for check in (CheckId.BANDWIDTH_DOWN, CheckId.BANDWIDTH_UP):
        assert results[check].status is Status.PASS, results[check]


def test_report_reaches_the_hub(hub_sqlite: HubProcess) -> None:
    agent = hub_sqlite.client("agent.li")
    service = HealthService(HealthConfig(hub_url=hub_sqlite.url))
    report = Report(
        (
            CheckResult(CheckId.VPN_PRESENT, Status.PASS, "wg0 (wireguard)"),
            CheckResult(CheckId.VOICE_MOS, Status.WARN, 3.52, "MOS", advice=(Advice.VOICE_POOR,)),
            CheckResult(CheckId.AUDIO_SPEAKER, Status.SKIP),
        ),
        "full",
    )
    service.upload(report, token=agent.access_token)
    stored = agent.http.get(f"/agents/{agent.user['id']}/health")
    assert stored.status_code == 200, stored.text
    body = stored.json()
    assert body["verdict"] == "warn"
    assert body["mos"] == 3.52
    assert [c["name"] for c in body["checks"]] == ["vpn.present", "voice.mos"]  # skipped checks are left out
    assert body["checks"][1]["detail"] == "3.52 MOS; voice_poor"
    with pytest.raises(UploadError) as anonymous:
        service.upload(report)
    assert anonymous.value.kind is UploadErrorKind.UNAUTHORIZED
