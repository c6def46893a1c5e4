"""The native bridge's C ring (``sip/audio/csrc/pulsebridge.c``): SPSC byte ring with re-buffering, underrun
floors, overruns, and drift decided over several seconds (not one window). Real PulseAudio streams are in
tests/integration/audio (``native`` parametrisation)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from sip.audio import native
from sip.audio.model import FRAME_BYTES
from tests.helpers.require import missing

pytestmark = pytest.mark.unit

BLOCK = FRAME_BYTES // 2  # 10 ms


@pytest.fixture
def lib() -> Any:
    if not native.available():
        missing(f"native audio module: {native.UNAVAILABLE_REASON} (build_scripts/build_native.py)")
    return native.module()


def frame(value: int, size: int = FRAME_BYTES) -> bytes:
    return bytes([value % 256]) * size


def test_rebuffers_at_start_then_delivers_in_order(lib: Any) -> None:
    ring = lib.Ring(
        capacity=8 * FRAME_BYTES, target=2 * FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES
    )
    ring.push(frame(1))
    assert ring.pop() is None  # still buffering: not an underrun
    ring.push(frame(2))
    assert ring.pop() == frame(1)
    assert ring.pop() == frame(2)
    assert ring.pop() is None  # empty after start: an underrun
    stats = ring.stats()
    assert stats["frames"] == 2
    assert stats["underruns"] == 1


def test_what_piled_up_before_the_first_pop_is_trimmed_to_the_target(lib: Any) -> None:
    ring = lib.Ring(capacity=8 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)
    for i in range(5):  # the consumer (an output that stalled at start) took nothing yet
        ring.push(frame(i))
    assert ring.pop() == frame(4)  # the newest: no standing latency from the stall
    assert len(ring) == 0
    assert ring.stats()["underruns"] == 0


def test_pops_whole_frames_from_half_frame_pushes(lib: Any) -> None:
    ring = lib.Ring(capacity=8 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=BLOCK, pop_size=FRAME_BYTES)
    ring.push(frame(1, BLOCK))
    assert ring.pop() is None
    ring.push(frame(2, BLOCK))
    assert ring.pop() == frame(1, BLOCK) + frame(2, BLOCK)
    assert len(ring) == 0


def test_full_ring_drops_and_counts_overruns(lib: Any) -> None:
    ring = lib.Ring(capacity=3 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)
    for i in range(5):
        ring.push(frame(i))
    assert len(ring) == 3 * FRAME_BYTES
    assert ring.stats()["overruns"] == 2
    assert ring.stats()["max_depth"] == 3 * FRAME_BYTES


def run_clocked(ring: Any, seconds: int, extra_every: int = 0) -> None:
    """Producer and consumer in step (one frame per tick); ``extra_every`` > 0 adds a frame every that many
    ticks (a faster producer clock)."""
    for tick in range(seconds * 50):
        ring.push(frame(tick))
        if extra_every and tick % extra_every == extra_every - 1:
            ring.push(frame(tick))
        ring.pop()


def test_one_high_second_is_not_drift(lib: Any) -> None:
    ring = lib.Ring(capacity=8 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)
    run_clocked(ring, 2)
    # A burst (e.g. a late tick caught up): one frame too many for about a second, then the consumer's own
    # underrun takes it back.
    ring.push(frame(0))
    run_clocked(ring, 1)
    ring.pop()
    ring.pop()
    run_clocked(ring, 3)
    assert ring.stats()["drift_drops"] == 0


def test_standing_excess_for_seconds_is_corrected_as_drift(lib: Any) -> None:
    ring = lib.Ring(capacity=8 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)
    run_clocked(ring, 2)
    ring.push(frame(0))  # one frame of standing excess from now on
    run_clocked(ring, 3)
    assert ring.stats()["drift_drops"] == 0  # not yet: a few seconds are needed
    run_clocked(ring, 8)
    stats = ring.stats()
    assert stats["drift_drops"] == 1
    assert stats["underruns"] == 0
    assert len(ring) == 0  # back at the floor (between ticks)


def test_faster_producer_is_bounded_by_drift_drops(lib: Any) -> None:
    ring = lib.Ring(capacity=8 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)
    run_clocked(ring, 60, extra_every=500)  # one frame extra every 10 s
    stats = ring.stats()
    assert stats["overruns"] == 0
    assert 3 <= stats["drift_drops"] <= 6
    assert len(ring) <= 2 * FRAME_BYTES


def test_large_backlog_is_removed_quickly_as_burst(lib: Any) -> None:
    ring = lib.Ring(capacity=12 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)
    run_clocked(ring, 2)
    for _ in range(6):  # the consumer stalled for 120 ms, the producer went on
        ring.push(frame(0))
    run_clocked(ring, 1)
    stats = ring.stats()
    assert stats["burst_drops"] == 1  # one skip back to the floor, within a second
    assert len(ring) == 0  # between ticks: nothing beyond the frame each tick brings
    run_clocked(ring, 8)
    assert ring.stats()["drift_drops"] == 0


def test_underrun_raises_the_floor_so_the_late_frame_is_kept(lib: Any) -> None:
    ring = lib.Ring(
        capacity=8 * FRAME_BYTES, target=FRAME_BYTES, headroom=FRAME_BYTES, step=FRAME_BYTES, pop_size=FRAME_BYTES
    )
    run_clocked(ring, 2)
    assert ring.floor == FRAME_BYTES
    assert ring.pop() is None  # the producer is late once
    assert ring.floor == 2 * FRAME_BYTES
    run_clocked(ring, 10)  # its frame arrives later: one frame more queued, kept as the new cushion
    stats = ring.stats()
    assert stats["underruns"] == 1
    assert stats["drift_drops"] == 0
    assert stats["burst_drops"] == 0


def test_catch_up_after_an_underrun_is_a_backlog_drop_not_drift(lib: Any) -> None:
    ring = lib.Ring(capacity=8 * FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)
    run_clocked(ring, 2)
    assert ring.pop() is None  # the producer stalled for a tick: silence played (the floor cannot rise here)
    ring.push(frame(0))  # ... and caught up later: one frame more queued than before
    run_clocked(ring, 2)
    stats = ring.stats()
    assert stats["underruns"] == 1
    assert stats["burst_drops"] == 1  # removed within about a second, counted as the stall's
    assert stats["drift_drops"] == 0


def test_reset_and_clear_are_carried_out_by_the_consumer(lib: Any) -> None:
    ring = lib.Ring(capacity=8 * BLOCK, target=2 * BLOCK, headroom=0, step=BLOCK, pop_size=2 * BLOCK)
    for i in range(6):
        ring.push(frame(i, BLOCK))
    assert ring.clear(2 * BLOCK) == 4 * BLOCK
    assert len(ring) == 6 * BLOCK  # not yet: the consumer does it
    assert ring.pop() == frame(4, BLOCK) + frame(5, BLOCK)  # the newest two
    ring.push(frame(9, BLOCK))
    ring.reset()
    assert ring.pop() is None  # emptied, buffering again
    assert len(ring) == 0


def test_concurrent_producer_and_consumer_lose_nothing(lib: Any) -> None:
    ring = lib.Ring(capacity=64 * BLOCK, target=2 * BLOCK, headroom=0, step=BLOCK, pop_size=2 * BLOCK, window=10**9)
    n = 20000
    got: list[bytes] = []

    def produce() -> None:
        for i in range(n):
            while len(ring) > 60 * BLOCK:
                pass
            ring.push(i.to_bytes(4, "little") * (BLOCK // 4))

    ring.push(bytes(2 * BLOCK))  # end the start-up buffering before the race begins
    assert ring.pop() == bytes(2 * BLOCK)
    thread = threading.Thread(target=produce)
    thread.start()
    while len(got) < n // 2:
        data = ring.pop()
        if data is not None:
            got.append(data)
    thread.join()
    seq = [int.from_bytes(g[i : i + 4], "little") for g in got for i in (0, BLOCK)]
    assert seq == list(range(n))
    assert ring.stats()["overruns"] == 0


def test_bad_parameters_are_refused(lib: Any) -> None:
    with pytest.raises(ValueError, match="pop_size"):
        lib.Ring(capacity=FRAME_BYTES, target=FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=2 * FRAME_BYTES)
    with pytest.raises(ValueError, match="pop_size"):
        lib.Ring(capacity=FRAME_BYTES, target=2 * FRAME_BYTES, headroom=0, step=FRAME_BYTES, pop_size=FRAME_BYTES)


def test_native_queue_counts_in_items_like_framequeue(lib: Any) -> None:
    del lib
    q = native.NativeQueue(target=2, headroom=2, capacity=8, item_bytes=BLOCK)
    for i in range(2):
        q.push(frame(i, BLOCK))
    assert q.pop() == frame(0, BLOCK) + frame(1, BLOCK)
    for i in range(3):
        q.push(frame(i, BLOCK))
    assert len(q) == 3
    assert q.pop() == frame(0, BLOCK) + frame(1, BLOCK)
    assert len(q) == 1
    assert q.floor == 2
    assert q.stats.frames == 2
    q.reset_stats()
    assert q.stats.frames == 0


def test_engine_picks_the_python_path_for_a_backend_without_native_streams() -> None:
    from sip.audio.engine import AudioEngine
    from sip.audio.model import AudioError
    from tests.helpers.fake_audio import MIC, SPK, FakeBackend

    engine = AudioEngine(FakeBackend(SPK, MIC), realtime=False)
    try:
        assert not engine.native_path
        assert engine.stats().path == "python"
    finally:
        engine.shutdown()
    with pytest.raises(AudioError):
        AudioEngine(FakeBackend(SPK, MIC), realtime=False, native_path=True)
