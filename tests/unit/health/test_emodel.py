"""The E-model against ITU-T G.107 reference points, and the voice estimate's response to delay, jitter and loss."""

from __future__ import annotations

import pytest

from vpn_check.emodel import Codec, EModelParams, estimate_voice, mos_from_r, r_factor
from vpn_check.model import MosGrade

pytestmark = pytest.mark.unit


def test_default_parameters_give_the_reference_rating() -> None:
    # G.107 §7.7: "the default values ... result in a rating R = 93.2".
    assert r_factor(EModelParams()) == pytest.approx(93.2, abs=0.05)


@pytest.mark.parametrize(
    ("r", "mos"),
    [(0, 1.0), (50, 2.58), (60, 3.1), (70, 3.6), (80, 4.03), (90, 4.34), (93.2, 4.41), (100, 4.5), (120, 4.5)],
)
def test_r_to_mos_follows_annex_b(r: float, mos: float) -> None:
    # G.107 Annex B, Figure B.1 / Table B.1 reading points.
    assert mos_from_r(r) == pytest.approx(mos, abs=0.01)


def test_absolute_delay_impairment_starts_above_100_ms() -> None:
    base = EModelParams()
    assert r_factor(EModelParams(ta=100)) == pytest.approx(r_factor(base), abs=1e-9)
    # Idd at Ta = 200 ms: X = 1 → 25·(2^(1/6) − 3·(1 + 3^-6)^(1/6) + 2) ≈ 3.04
    assert r_factor(EModelParams(ta=100)) - r_factor(EModelParams(ta=200)) == pytest.approx(3.04, abs=0.02)
    # 400 ms one-way: the G.114 limit for acceptable planning: R falls well below 80.
    assert r_factor(EModelParams(ta=400, t=400, tr=800)) < 75


def test_packet_loss_impairment_is_g107_formula() -> None:
    # Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl); G.711 with PLC (Bpl 25.1) at 2 % random loss: 7.04
    lossless = r_factor(EModelParams(bpl=25.1))
    lossy = r_factor(EModelParams(bpl=25.1, ppl=2))
    assert lossless - lossy == pytest.approx(95 * 2 / (2 + 25.1), abs=1e-6)


def test_g729_equipment_impairment() -> None:
    assert r_factor(EModelParams()) - r_factor(EModelParams(ie=11)) == pytest.approx(11, abs=1e-9)


@pytest.mark.parametrize("loss", [0, 3, 10])
def test_mos_falls_with_loss(loss: float) -> None:
    lower = estimate_voice(20, 2, loss + 2)
    here = estimate_voice(20, 2, loss)
    assert lower.mos < here.mos


def test_mos_falls_with_delay_and_matches_measured_ranges() -> None:
    values = [estimate_voice(rtt, 1, 0).mos for rtt in (100, 300, 600)]
    assert values == sorted(values, reverse=True)
    # FIELD_NOTES measured pjsua2 loss simulation: 3 % → MOS ≈ 3.9–4.0, 10 % → ≈ 3.3–3.5.
    assert 3.85 <= estimate_voice(20, 2, 3).mos <= 4.15
    assert 3.2 <= estimate_voice(20, 2, 10).mos <= 3.5


def test_jitter_grows_the_buffer_and_the_delay() -> None:
    calm, shaky = estimate_voice(40, 2, 0), estimate_voice(40, 80, 0)
    assert shaky.jitter_buffer_ms == 160
    assert calm.jitter_buffer_ms == 20
    assert shaky.mouth_to_ear_ms > calm.mouth_to_ear_ms
    assert shaky.mos < calm.mos


def test_g729_rates_below_g711() -> None:
    assert estimate_voice(40, 2, 1, Codec.G729).mos < estimate_voice(40, 2, 1, Codec.PCMU).mos


@pytest.mark.parametrize(
    ("mos", "grade"),
    [(4.4, MosGrade.EXCELLENT), (4.21, MosGrade.GOOD), (4.2, MosGrade.GOOD), (3.7, MosGrade.GOOD),
     (3.66, MosGrade.GOOD), (3.6, MosGrade.FAIR), (3.1, MosGrade.FAIR), (3.04, MosGrade.POOR), (2.5, MosGrade.POOR)],
)  # fmt: skip
def test_grades_follow_the_issue_bands(mos: float, grade: MosGrade) -> None:
    assert MosGrade.of(mos) is grade
