"""FrameQueue: bounded, re-buffers after an underrun, removes standing latency, never blocks."""

from __future__ import annotations

import pytest

from sip.audio.framequeue import FrameQueue

pytestmark = pytest.mark.unit


def frame(n: int) -> bytes:
    return n.to_bytes(2, "little") * 320


def test_buffers_to_target_at_start_and_an_underrun_costs_one_frame() -> None:
    q = FrameQueue(target=2, capacity=6)
    q.push(frame(1))
    assert q.pop() is None  # still buffering at start
    q.push(frame(2))
    assert q.pop() == frame(1)
    assert q.pop() == frame(2)
    assert q.pop() is None
    assert q.stats.underruns == 1
    q.push(frame(3))
    assert q.pop() == frame(3)  # one frame of silence, then straight on
    assert q.stats.underruns == 1


def test_capacity_bounds_latency() -> None:
    q = FrameQueue(target=1, capacity=4)
    for i in range(100):
        q.push(frame(i))
    assert len(q) == 4
    assert q.stats.overruns == 96
    assert q.pop() == frame(96)  # the newest frames survive


def test_standing_excess_is_removed_within_a_window() -> None:
    """A consumer that stalled once leaves a standing queue; it drains back to the target."""
    q = FrameQueue(target=1, capacity=8, drift_window=50)
    for i in range(6):  # the stall: 6 frames piled up
        q.push(frame(i))
    n = 6
    for _ in range(120):  # then both sides run at the same rate
        q.push(frame(n))
        n += 1
        assert q.pop() is not None
    assert len(q) <= q.target + 1
    assert q.stats.drift_drops >= 4


def test_clock_drift_stays_bounded() -> None:
    """Producer 1 % faster than the consumer for 10 minutes: the queue never exceeds its capacity."""
    q = FrameQueue(target=1, capacity=7, drift_window=50)
    depths = []
    for i in range(30_000):
        q.push(frame(i % 100))
        if i % 100 != 0:
            q.pop()
        depths.append(len(q))
    assert max(depths) <= 7
    assert sum(depths[-1000:]) / 1000 < 3
    assert q.stats.overruns == 0  # drift handled by drift drops, not by hitting the wall


def test_clear_keeps_newest() -> None:
    q = FrameQueue(target=1, capacity=8)
    for i in range(5):
        q.push(frame(i))
    assert q.clear(keep=1) == 4
    assert q.pop() == frame(4)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="target"):
        FrameQueue(target=0)
