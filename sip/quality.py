"""Call quality: RTCP figures → simplified ITU-T G.107 E-model (R factor, MOS) and the warning rule.

The E-model here is the usual VoIP simplification (as in ITU-T G.107 Annex and G.113 Appendix I):

- one-way mouth-to-ear delay ``d`` = RTT/2 + jitter-buffer delay + packetisation/codec delay;
- delay impairment ``Id = 0.024 d + 0.11 (d − 177.3) H(d − 177.3)``;
- effective equipment impairment ``Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl + Bpl)`` with the codec's ``Ie`` and
  packet-loss robustness ``Bpl`` (G.113: G.711 with PLC ``Ie = 0``, ``Bpl = 25.1``; G.722 is scored on the same
  narrowband scale here, a conservative choice);
- ``R = 93.2 − Id − Ie,eff`` and ``MOS = 1 + 0.035 R + 7·10⁻⁶ R (R − 60)(100 − R)`` for ``0 < R < 100``.

Jitter enters through the jitter buffer's delay and through late packets counted as lost by RTCP.
A warning is active while a metric crosses its threshold in 3 of the last 5 samples.
Pure; any thread.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

from sip.model import QualityIssue, QualitySample

RTT_LIMIT_MS = 400.0
JITTER_LIMIT_MS = 30.0
LOSS_LIMIT_PCT = 3.0
MOS_LIMIT = 3.5
WINDOW = 5
NEEDED = 3


@dataclass(frozen=True)
class CodecImpairment:
    ie: float
    bpl: float
    delay_ms: float  # packetisation (20 ms frames) plus algorithmic delay


CODECS: dict[str, CodecImpairment] = {
    "PCMA": CodecImpairment(0.0, 25.1, 20.0),
    "PCMU": CodecImpairment(0.0, 25.1, 20.0),
    "G722": CodecImpairment(0.0, 25.1, 21.5),
}
DEFAULT_CODEC = CodecImpairment(10.0, 20.0, 30.0)


def r_factor(one_way_delay_ms: float, loss_pct: float, codec: str = "PCMA") -> float:
    imp = CODECS.get(codec.split("/")[0].upper(), DEFAULT_CODEC)
    d = max(0.0, one_way_delay_ms)
    i_d = 0.024 * d + (0.11 * (d - 177.3) if d > 177.3 else 0.0)
    ppl = min(max(loss_pct, 0.0), 100.0)
    ie_eff = imp.ie + (95.0 - imp.ie) * ppl / (ppl + imp.bpl)
    return max(0.0, min(100.0, 93.2 - i_d - ie_eff))


def mos_from_r(r: float) -> float:
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return 1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r)


def make_sample(
    *, rtt_ms: float | None, jitter_ms: float, loss_pct: float, jbuf_ms: float, codec: str, at: float = 0.0
) -> QualitySample:
    imp = CODECS.get(codec.split("/")[0].upper(), DEFAULT_CODEC)
    delay = (rtt_ms or 0.0) / 2.0 + jbuf_ms + imp.delay_ms
    r = r_factor(delay, loss_pct, codec)
    return QualitySample(
        rtt_ms=rtt_ms,
        jitter_ms=jitter_ms,
        loss_pct=loss_pct,
        jbuf_ms=jbuf_ms,
        r_factor=round(r, 1),
        mos=round(mos_from_r(r), 2),
        at=at,
    )


def sample_issues(sample: QualitySample) -> set[QualityIssue]:
    issues: set[QualityIssue] = set()
    if sample.rtt_ms is not None and sample.rtt_ms > RTT_LIMIT_MS:
        issues.add(QualityIssue.HIGH_RTT)
    if sample.jitter_ms > JITTER_LIMIT_MS:
        issues.add(QualityIssue.HIGH_JITTER)
    if sample.loss_pct > LOSS_LIMIT_PCT:
        issues.add(QualityIssue.HIGH_LOSS)
    if sample.mos < MOS_LIMIT:
        issues.add(QualityIssue.LOW_MOS)
    return issues


class QualityTracker:
    """Keeps one call's samples; ``add`` returns the warnings active now (each in ≥3 of the last 5 samples)."""

    def __init__(self) -> None:
        self.samples: list[QualitySample] = []
        self._recent: collections.deque[set[QualityIssue]] = collections.deque(maxlen=WINDOW)

    def add(self, sample: QualitySample) -> frozenset[QualityIssue]:
        self.samples.append(sample)
        self._recent.append(sample_issues(sample))
        return self.active()

    def active(self) -> frozenset[QualityIssue]:
        return frozenset(i for i in QualityIssue if sum(i in s for s in self._recent) >= NEEDED)

    def summary(self) -> tuple[float | None, float | None]:
        """(average MOS, worst MOS) over the call, or (None, None) without samples."""
        if not self.samples:
            return None, None
        moses = [s.mos for s in self.samples]
        return round(sum(moses) / len(moses), 2), min(moses)


class LossCounter:
    """Turns RTCP's cumulative counters into the loss percentage of the last interval."""

    def __init__(self) -> None:
        self._pkt = 0
        self._lost = 0

    def interval_loss_pct(self, received_total: int, lost_total: int) -> float:
        d_pkt = max(0, received_total - self._pkt)
        d_lost = max(0, lost_total - self._lost)
        self._pkt, self._lost = received_total, lost_total
        expected = d_pkt + d_lost
        return 100.0 * d_lost / expected if expected else 0.0
