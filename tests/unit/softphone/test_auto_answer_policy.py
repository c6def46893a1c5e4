"""Which incoming calls the engine answers by itself, and after how long (no endpoint needed)."""

from __future__ import annotations

import pytest

from sip.engine import SipEngine
from sip.model import AccountSettings, AutoAnswerMode, EngineSettings

pytestmark = pytest.mark.unit

INVITE = "INVITE sip:1001@x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n{extra}Content-Length: 0\r\n\r\n"


def _delay(mode: AutoAnswerMode, extra: str = "") -> float | None:
    engine = SipEngine(EngineSettings(), lambda _event: None)
    engine._acc_settings = AccountSettings(server="pbx", user="1001", auto_answer=mode, auto_answer_delay_s=2.0)
    return engine._auto_answer_delay(INVITE.format(extra=extra))


def test_off_never_answers() -> None:
    assert _delay(AutoAnswerMode.OFF, "Call-Info: <sip:x>;answer-after=0\r\n") is None


def test_always_uses_the_configured_delay() -> None:
    assert _delay(AutoAnswerMode.ALWAYS) == 2.0


def test_when_requested_follows_the_invite() -> None:
    assert _delay(AutoAnswerMode.WHEN_REQUESTED) is None
    assert _delay(AutoAnswerMode.WHEN_REQUESTED, "Call-Info: <sip:pbx>;answer-after=1\r\n") == 1.0
    assert _delay(AutoAnswerMode.WHEN_REQUESTED, "Alert-Info: <http://x>;info=alert-autoanswer\r\n") == 2.0
    assert _delay(AutoAnswerMode.WHEN_REQUESTED, "Call-Info: <sip:pbx>;answer-after=600\r\n") == 30.0
