"""The Kamailio lab itself: baresip peers register and call each other through it, with audio both ways."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers.baresip import Baresip
from tests.helpers.kamailio import Lab
from tests.helpers.sipp import run_sipp
from tests.helpers.tones import has_tone

pytestmark = pytest.mark.integration


def test_baresip_registers_over_udp_and_tcp(kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> None:
    with (
        Baresip.for_lab("alice", kamailio_lab, process_log_dir, tmp_path, transport="udp") as alice,
        Baresip.for_lab("bob", kamailio_lab, process_log_dir, tmp_path, transport="tcp") as bob,
    ):
        alice.wait_registered()
        bob.wait_registered()


def test_wrong_password_is_refused(kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> None:
    peer = Baresip(
        "mallory",
        tmp_path / "mallory",
        process_log_dir,
        aor=f"sip:alice@{kamailio_lab.domain}",
        password="not-the-password",
        outbound=kamailio_lab.proxy_uri("udp"),
    )
    with peer:
        peer.process.wait_for_log(r"SIP/2.0 403 Wrong Password")
        assert not peer.registered()


def test_call_between_two_baresips_carries_audio_both_ways(
    kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path
) -> None:
    with (
        Baresip.for_lab("alice", kamailio_lab, process_log_dir, tmp_path, tone_hz=440) as alice,
        Baresip.for_lab("bob", kamailio_lab, process_log_dir, tmp_path, tone_hz=1000, answer="auto") as bob,
    ):
        alice.wait_registered()
        bob.wait_registered()
        alice.dial(f"sip:bob@{kamailio_lab.domain}")
        alice.wait_event("CALL_ESTABLISHED")
        bob.wait_event("CALL_ESTABLISHED")
        time.sleep(2.0)  # let two seconds of audio flow each way
        alice.hangup()
        alice.wait_event("CALL_CLOSED")
        bob.wait_event("CALL_CLOSED")
    [alice_heard] = alice.dumps("dec")
    [bob_heard] = bob.dumps("dec")
    assert has_tone(bob_heard, 440, skip_s=0.3)
    assert has_tone(alice_heard, 1000, skip_s=0.3)


def test_sipp_calls_a_baresip_through_the_proxy(kamailio_lab: Lab, process_log_dir: Path, tmp_path: Path) -> None:
    with Baresip.for_lab("bob", kamailio_lab, process_log_dir, tmp_path, answer="auto") as bob:
        bob.wait_registered()
        result = run_sipp(
            "uac_call.xml",
            f"{kamailio_lab.host}:{kamailio_lab.udp_port}",
            service="bob",
            log_dir=tmp_path / "sipp",
            calls=3,
            rate=2,
            limit=1,
            hold_ms=300,
        )
        assert (result.successful, result.failed) == (3, 0), result.output[-3000:]
        bob.wait_count("CALL_CLOSED", 3)
