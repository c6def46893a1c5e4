"""The ITU-T G.107 E-model: transmission rating R and estimated MOS, plus the mapping from measured network figures.

:func:`r_factor` implements G.107 (06/2015) §7 with every parameter of Table 3 and its default; with all defaults
it gives R = 93.2, the standard's reference value. :func:`estimate_voice` maps what the voice-path probe measures
(round-trip time, jitter, loss) to the E-model's inputs for a VoIP call:

* mouth-to-ear delay ``T = Ta = RTT/2 + jitter buffer + codec frame + look-ahead``, with the jitter buffer sized at
  twice the measured jitter (at least one packet), the usual adaptive-buffer rule of thumb;
* ``Tr = 2T`` (talker echo path) and the default echo loss (TELR 65 dB, i.e. a working echo canceller);
* equipment impairment ``Ie`` and packet-loss robustness ``Bpl`` per codec from G.113 Appendix I (with packet-loss
  concealment), random loss (BurstR = 1).

G.722 is wideband; the wideband E-model (G.107.1) uses a different scale. This estimate rates it on the narrowband
scale like G.711 with PLC, which is conservative and keeps one grading for all codecs.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class EModelParams:
    """G.107 Table 3 parameters (defaults as in the standard)."""

    slr: float = 8.0  # send loudness rating, dB
    rlr: float = 2.0  # receive loudness rating, dB
    stmr: float = 15.0  # sidetone masking rating, dB
    lstr: float = 18.0  # listener sidetone rating, dB
    ds: float = 3.0  # D-value of telephone, send side
    dr: float = 3.0  # D-value of telephone, receive side
    telr: float = 65.0  # talker echo loudness rating, dB
    wepl: float = 110.0  # weighted echo path loss, dB
    t: float = 0.0  # mean one-way delay of the echo path, ms
    tr: float = 0.0  # round-trip delay in a 4-wire loop, ms
    ta: float = 0.0  # absolute delay in echo-free connections, ms
    qdu: float = 1.0  # number of quantization distortion units
    ie: float = 0.0  # equipment impairment factor
    bpl: float = 1.0  # packet-loss robustness factor
    ppl: float = 0.0  # random packet-loss probability, %
    burst_r: float = 1.0  # burst ratio
    a: float = 0.0  # advantage factor
    nc: float = -70.0  # circuit noise referred to 0 dBr-point, dBm0p
    nfor: float = -64.0  # noise floor at the receive side, dBmp
    ps: float = 35.0  # room noise at the send side, dB(A)
    pr: float = 35.0  # room noise at the receive side, dB(A)


def _log10(x: float) -> float:
    return math.log10(x)


def r_factor(p: EModelParams) -> float:
    """Transmission rating factor R = Ro − Is − Id − Ie,eff + A (G.107 §7.1)."""
    olr = p.slr + p.rlr
    # Basic signal-to-noise ratio Ro (§7.2).
    nfo = p.nfor + p.rlr
    pre = p.pr + 10 * _log10(1 + 10 ** ((10 - p.lstr) / 10))
    nor = p.rlr - 121 + pre + 0.008 * (pre - 35) ** 2
    nos = p.ps - p.slr - p.ds - 100 + 0.004 * (p.ps - olr - p.ds - 14) ** 2
    no = 10 * _log10(10 ** (p.nc / 10) + 10 ** (nos / 10) + 10 ** (nor / 10) + 10 ** (nfo / 10))
    ro = 15 - 1.5 * (p.slr + no)

    # Simultaneous impairment Is = Iolr + Ist + Iq (§7.3).
    xolr = olr + 0.2 * (64 + no - p.rlr)
    iolr = 20 * ((1 + (xolr / 8) ** 8) ** (1 / 8) - xolr / 8)
    stmro = -10 * _log10(10 ** (-p.stmr / 10) + math.exp(-p.t / 4) * 10 ** (-p.telr / 10))
    ist = (
        12 * (1 + ((stmro - 13) / 6) ** 8) ** (1 / 8)
        - 28 * (1 + ((stmro + 1) / 19.4) ** 35) ** (1 / 35)
        - 13 * (1 + ((stmro - 3) / 33) ** 13) ** (1 / 13)
        + 29
    )
    q = 37 - 15 * _log10(p.qdu)
    g = 1.07 + 0.258 * q + 0.0602 * q**2
    z = 46 / 30 - g / 40
    y = (ro - 100) / 15 + 46 / 8.4 - g / 9
    iq = 15 * _log10(1 + 10**y + 10**z)
    is_ = iolr + ist + iq

    # Delay impairment Id = Idte + Idle + Idd (§7.4).
    terv = p.telr - 40 * _log10((1 + p.t / 10) / (1 + p.t / 150)) + 6 * math.exp(-0.3 * p.t**2)
    if p.stmr < 9:
        terv += ist / 2
    roe = -1.5 * (no - p.rlr)
    re = 80 + 2.5 * (terv - 14)
    idte = ((roe - re) / 2 + math.sqrt((roe - re) ** 2 / 4 + 100) - 1) * (1 - math.exp(-p.t))
    if p.stmr > 20:
        idtes = math.sqrt(idte**2 + ist**2)
        idte = idtes
    rle = 10.5 * (p.wepl + 7) * (p.tr + 1) ** (-1 / 4)
    idle = (ro - rle) / 2 + math.sqrt((ro - rle) ** 2 / 4 + 169)
    if p.ta <= 100:
        idd = 0.0
    else:
        x = _log10(p.ta / 100) / _log10(2)
        idd = 25 * ((1 + x**6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2)
    id_ = idte + idle + idd

    # Effective equipment impairment with packet loss (§7.5).
    ie_eff = p.ie + (95 - p.ie) * p.ppl / (p.ppl / p.burst_r + p.bpl)

    return float(ro - is_ - id_ - ie_eff + p.a)


def mos_from_r(r: float) -> float:
    """Estimated MOS (conversational quality) from R (G.107 Annex B, eq. B-4)."""
    if r < 0:
        return 1.0
    if r > 100:
        return 4.5
    mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6
    # For very small R the polynomial dips just under 1; MOS is 1 at worst.
    return max(1.0, mos)


class Codec(enum.StrEnum):
    PCMU = "PCMU"
    PCMA = "PCMA"
    G722 = "G722"
    G729 = "G729"
    OPUS = "opus"


@dataclass(frozen=True)
class CodecProfile:
    ie: float  # equipment impairment (G.113 Appendix I)
    bpl: float  # packet-loss robustness with PLC (G.113 Appendix I)
    frame_ms: float  # packetisation interval (one RTP packet)
    lookahead_ms: float  # algorithmic look-ahead
    kbit_s: float  # IP bandwidth per direction incl. RTP/UDP/IP headers at frame_ms


CODECS: dict[Codec, CodecProfile] = {
    Codec.PCMU: CodecProfile(ie=0.0, bpl=25.1, frame_ms=20, lookahead_ms=0.0, kbit_s=80.0),
    Codec.PCMA: CodecProfile(ie=0.0, bpl=25.1, frame_ms=20, lookahead_ms=0.0, kbit_s=80.0),
    Codec.G722: CodecProfile(ie=0.0, bpl=25.1, frame_ms=20, lookahead_ms=1.5, kbit_s=80.0),
    Codec.G729: CodecProfile(ie=11.0, bpl=19.0, frame_ms=20, lookahead_ms=5.0, kbit_s=24.0),
    # Opus is not in G.113 Appendix I; values measured for narrowband-equivalent ratings in the literature are
    # close to G.711 with PLC at 20+ kbit/s. Listed for sites whose SBC offers it.
    Codec.OPUS: CodecProfile(ie=0.0, bpl=25.1, frame_ms=20, lookahead_ms=6.5, kbit_s=50.0),
}


@dataclass(frozen=True)
class VoiceEstimate:
    r: float
    mos: float
    mouth_to_ear_ms: float
    jitter_buffer_ms: float


def estimate_voice(rtt_ms: float, jitter_ms: float, loss_pct: float, codec: Codec = Codec.PCMA) -> VoiceEstimate:
    """R and MOS for a call over a path with this round-trip time, jitter and random loss (see module doc)."""
    profile = CODECS[codec]
    jitter_buffer = max(profile.frame_ms, 2 * max(0.0, jitter_ms))
    mouth_to_ear = max(0.0, rtt_ms) / 2 + jitter_buffer + profile.frame_ms + profile.lookahead_ms
    params = EModelParams(
        t=mouth_to_ear,
        ta=mouth_to_ear,
        tr=2 * mouth_to_ear,
        ie=profile.ie,
        bpl=profile.bpl,
        ppl=min(100.0, max(0.0, loss_pct)),
    )
    r = r_factor(params)
    return VoiceEstimate(r=r, mos=mos_from_r(r), mouth_to_ear_ms=mouth_to_ear, jitter_buffer_ms=jitter_buffer)
