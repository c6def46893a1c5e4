"""E-model, the quality warning rule and the call history file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sip.history import CallHistory
from sip.model import CallDirection, CallOutcome, QualityIssue
from sip.quality import LossCounter, QualityTracker, make_sample, mos_from_r, r_factor

pytestmark = pytest.mark.unit


def test_a_clean_call_scores_well_and_loss_lowers_the_score() -> None:
    clean = make_sample(rtt_ms=20, jitter_ms=2, loss_pct=0, jbuf_ms=40, codec="PCMA/8000")
    assert clean.r_factor > 90
    assert clean.mos > 4.3
    lossy = make_sample(rtt_ms=20, jitter_ms=2, loss_pct=3, jbuf_ms=40, codec="PCMA/8000")
    assert 3.7 < lossy.mos < clean.mos
    bad = make_sample(rtt_ms=20, jitter_ms=2, loss_pct=10, jbuf_ms=40, codec="PCMA/8000")
    assert bad.mos < 3.5


def test_delay_impairment_kicks_in_past_177_ms() -> None:
    assert r_factor(100, 0) - r_factor(170, 0) < 2
    assert r_factor(170, 0) - r_factor(400, 0) > 25


def test_mos_bounds() -> None:
    assert mos_from_r(-5) == 1.0
    assert mos_from_r(120) == 4.5
    assert mos_from_r(93.2) == pytest.approx(4.41, abs=0.01)


def test_warning_needs_three_of_the_last_five_samples() -> None:
    tracker = QualityTracker()
    good = make_sample(rtt_ms=30, jitter_ms=3, loss_pct=0, jbuf_ms=40, codec="PCMA")
    lossy = make_sample(rtt_ms=30, jitter_ms=3, loss_pct=6, jbuf_ms=40, codec="PCMA")
    jittery = make_sample(rtt_ms=500, jitter_ms=45, loss_pct=0, jbuf_ms=40, codec="PCMA")
    assert tracker.add(lossy) == frozenset()
    assert tracker.add(good) == frozenset()
    assert tracker.add(lossy) == frozenset()
    assert QualityIssue.HIGH_LOSS in tracker.add(lossy)
    for _ in range(3):
        tracker.add(good)
    assert tracker.active() == frozenset()
    for _ in range(3):
        issues = tracker.add(jittery)
    assert {QualityIssue.HIGH_JITTER, QualityIssue.HIGH_RTT} <= issues
    avg, worst = tracker.summary()
    assert avg is not None
    assert worst is not None
    assert worst <= avg


def test_interval_loss() -> None:
    counter = LossCounter()
    assert counter.interval_loss_pct(97, 3) == pytest.approx(3.0)
    assert counter.interval_loss_pct(197, 3) == 0.0
    assert counter.interval_loss_pct(197, 3) == 0.0  # no packets: no loss


def test_history_records_lists_and_counts_missed_calls(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h" / "calls.sqlite")
    now = time.time()
    sample = make_sample(rtt_ms=30, jitter_ms=3, loss_pct=0, jbuf_ms=40, codec="PCMA", at=now)
    history.record(
        number="13800138000",
        name="张伟",
        direction=CallDirection.INCOMING,
        started_at=now - 60,
        answered_at=now - 55,
        ended_at=now,
        outcome=CallOutcome.ANSWERED,
        quality=(sample,),
    )
    history.record(
        number="13900139000",
        name="",
        direction=CallDirection.INCOMING,
        started_at=now - 10,
        answered_at=None,
        ended_at=now - 5,
        outcome=CallOutcome.MISSED,
    )
    history.record(
        number="1002",
        name="",
        direction=CallDirection.OUTGOING,
        started_at=now - 5,
        answered_at=None,
        outcome=CallOutcome.BUSY,
        code=486,
    )
    entries = history.entries()
    assert [e.outcome for e in entries] == [CallOutcome.BUSY, CallOutcome.MISSED, CallOutcome.ANSWERED]
    answered = entries[2]
    assert answered.name == "张伟"
    assert answered.duration_s == pytest.approx(55, abs=0.01)
    assert answered.quality == (sample,)
    assert answered.mos_avg == sample.mos
    assert history.missed_count() == 1
    assert history.last_dialled() == "1002"
    history.mark_missed_seen()
    assert history.missed_count() == 0
    # another process (the GUI) reading the same file sees the same
    assert len(CallHistory(tmp_path / "h" / "calls.sqlite").entries()) == 3


def test_history_keeps_only_the_newest(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "calls.sqlite", keep=3)
    for i in range(5):
        history.record(
            number=str(1000 + i),
            name="",
            direction=CallDirection.OUTGOING,
            started_at=float(i),
            answered_at=None,
            ended_at=float(i),
            outcome=CallOutcome.NO_ANSWER,
        )
    assert [e.number for e in history.entries()] == ["1004", "1003", "1002"]
