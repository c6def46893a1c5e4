"""The application's configuration mapped to the checks' settings."""

from __future__ import annotations

import dataclasses

import pytest

from app.config import Config, HealthSettings, SipSettings, SipTransport
from app.health import HealthService, health_config
from vpn_check.emodel import Codec
from vpn_check.model import CheckId, Status
from vpn_check.netif import Interface, NetworkInspector
from vpn_check.runner import Profile

pytestmark = pytest.mark.unit


def test_defaults_map_to_the_documented_policy() -> None:
    cfg = health_config(Config())
    assert cfg.sip_transport.value == "tls"
    assert cfg.codec is Codec.G722  # the softphone's first codec
    assert cfg.vpn_patterns[:2] == ("tun*", "wg*")
    assert cfg.headset_patterns[0] == "*Jabra*"
    assert CheckId.VPN_PRESENT in cfg.policy.block_on_fail
    assert cfg.policy.block_on_warn == frozenset()
    assert cfg.thresholds.rtt_warn_ms == 150


def test_site_settings_and_bad_check_ids(caplog: pytest.LogCaptureFixture) -> None:
    config = dataclasses.replace(
        Config(),
        sip=SipSettings(server="sbc.corp", port=5080, transport=SipTransport.UDP, codecs=("PCMU/8000",)),
        health=HealthSettings(
            max_rtt_ms=100,
            block_sign_in_on=("voice.mos", "no.such"),
            block_sign_in_on_warning=("dns",),
            sip_via_vpn=False,
        ),
    )
    cfg = health_config(config)
    assert (cfg.sip_host, cfg.effective_sip_port, cfg.codec) == ("sbc.corp", 5080, Codec.PCMU)
    assert cfg.policy.block_on_fail == frozenset({CheckId.VOICE_MOS})
    assert cfg.policy.block_on_warn == frozenset({CheckId.DNS})
    assert not cfg.sip_via_vpn
    assert cfg.thresholds.rtt_fail_ms == 200
    assert any("no.such" in r.getMessage() for r in caplog.records)


class _NoInterfaces(NetworkInspector):
    def interfaces(self) -> list[Interface]:
        return []


def test_service_light_run_without_targets() -> None:
    config = health_config(dataclasses.replace(Config(), hub=dataclasses.replace(Config().hub, url="")))
    service = HealthService(config, inspector=_NoInterfaces())
    report = service.run_light()
    assert report.profile == Profile.LIGHT.value
    vpn = report.get(CheckId.VPN_PRESENT)
    assert vpn is not None
    assert vpn.status is Status.FAIL  # require_vpn is on by default and there is no interface at all
    assert report.blocks_sign_in
    assert len(service.fingerprint()) == 40
