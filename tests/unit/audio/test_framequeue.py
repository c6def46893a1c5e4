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


def test_phase_collision_raises_the_floor_once_instead_of_glitching_again() -> None:
    """Producer and consumer at the same rate, the producer's tick jittering around the consumer's: after the
    first underrun the late frame is kept (floor + 1), so no drift drop and no further underrun follow."""
    q = FrameQueue(target=1, capacity=7, drift_window=50, headroom=1)
    n = 0
    for tick in range(3000):
        late = tick % 97 == 60  # now and then the producer's frame misses the consumer's tick
        if not late:
            q.push(frame(n))
            n += 1
        q.pop()
        if late:
            q.push(frame(n))
            n += 1
    assert q.stats.underruns == 1
    assert q.stats.drift_drops == 0
    assert q.floor == 2
    q.reset()
    assert q.floor == 1


def test_floor_never_exceeds_target_plus_headroom() -> None:
    q = FrameQueue(target=1, capacity=7, headroom=1, drift_window=5)
    for i in range(5):  # settled
        q.push(frame(i))
        q.pop()
    for _ in range(5):
        assert q.pop() is None
    assert q.floor == 2


def test_blocks_are_popped_in_pairs_and_a_missing_half_is_waited_for() -> None:
    """The microphone queue: 10 ms blocks in, 20 ms frames out; a frame is only ever two consecutive blocks."""
    q = FrameQueue(target=2, capacity=14, headroom=2, per_pop=2, drift_window=1)
    q.push(b"a" * 320)
    assert q.pop() is None  # start-up: waits for a whole frame
    q.push(b"b" * 320)
    assert q.pop() == b"a" * 320 + b"b" * 320
    q.push(b"c" * 320)
    assert q.pop() is None  # half a frame: an underrun, the block stays
    assert q.stats.underruns == 1
    assert q.floor == 3  # 10 ms more cushion from now on
    q.push(b"d" * 320)
    assert q.pop() == b"c" * 320 + b"d" * 320


def test_underruns_while_starting_do_not_raise_the_floor() -> None:
    q = FrameQueue(target=1, capacity=7, headroom=1, drift_window=50)
    q.push(frame(0))
    q.pop()
    assert q.pop() is None  # a start-up hiccup
    assert q.stats.underruns == 1
    assert q.floor == 1


def test_clear_keeps_newest() -> None:
    q = FrameQueue(target=1, capacity=8)
    for i in range(5):
        q.push(frame(i))
    assert q.clear(keep=1) == 4
    assert q.pop() == frame(4)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="target"):
        FrameQueue(target=0)
