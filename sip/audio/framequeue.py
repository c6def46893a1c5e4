"""A non-blocking frame queue between two real-time threads, with clock-drift correction.

One producer and one consumer (e.g. the PortAudio input callback and pjmedia's clock thread). ``collections.deque``
``append`` and ``popleft`` are atomic under the GIL and never block, so neither side ever waits for the other: no
lock is taken on the audio path. The two sides run on different clocks (the sound card's and pjmedia's), so
the queue slowly fills or drains:

- *fills* (producer faster, or the consumer stalled for a while, as a PulseAudio output does for up to a few
  seconds after it starts): the *standing* excess is the smallest depth seen over a window of ``drift_window`` pops
  (1 s); when even that minimum is above ``target``, the excess frames are dropped one per pop (each a 20 ms skip,
  inaudible in speech), so latency returns to the target within about a second; a hard ``capacity`` bounds the
  queue at all times, so latency never grows without bound;
- *drains* (consumer faster, or the producer stalled): the consumer gets ``None`` (it plays/sends silence) for
  that one frame and delivers again as soon as a frame is there. Re-buffering to ``target`` first would turn every
  underrun into ``target`` frames of silence; instead the cushion comes back by itself, because a producer that
  was late (pjmedia's clock thread waiting for the GIL) catches up with a burst. At start-up the queue does wait
  for ``target`` frames.

The floor adapts upwards, like a jitter buffer: the two clocks tick at the same rate with a phase offset that
stays put for minutes. When the producer's tick falls just before the consumer's, a little scheduling jitter
makes the frame miss its tick: an underrun, then two frames at the next tick, a standing excess, a drift drop,
and the same again a few seconds later (measured: 4–5 underrun/drop pairs per 20 s at a 1-frame floor). So an
underrun raises the floor by one item (up to ``target + headroom``) for the rest of the stream: the late frame
is kept instead of dropped, and the collision cannot recur. Underruns in the first second after start-up (while a
PulseAudio stream is still settling) do not count for this. ``reset()`` (a new call, a reopened device) starts
again from ``target``.
"""

from __future__ import annotations

import collections

from sip.audio.model import StreamStats


class FrameQueue:
    """Bounded SPSC queue of fixed-size items (``bytes``).

    An item is what the producer delivers at a time. ``per_pop`` items make one consumer frame: the microphone
    queue holds 10 ms blocks and pjmedia takes two per 20 ms tick, so a frame waits for the consumer's tick at
    most 10 ms instead of 20 (its two blocks are simply the newest two). ``target``, ``headroom``, ``capacity``
    and the depths are counted in items; ``target`` is the depth wanted at a pop (at least ``per_pop``).
    """

    def __init__(
        self, target: int = 2, capacity: int = 8, drift_window: int = 50, headroom: int = 1, per_pop: int = 1
    ) -> None:
        if not 1 <= per_pop <= target < capacity:
            raise ValueError("need 1 <= per_pop <= target < capacity")
        if not 0 <= headroom < capacity - target:
            raise ValueError("need 0 <= headroom < capacity - target")
        self.per_pop = per_pop
        self.target = target
        self.headroom = headroom
        self.floor = target  # the floor in force: target, raised by underruns up to target + headroom
        self.capacity = capacity
        self.drift_window = drift_window
        self.stats = StreamStats()
        self._frames: collections.deque[bytes] = collections.deque()
        self._buffering = True  # re-buffering after start or an underrun
        self._pops = 0  # pops in the current window
        self._settled = False  # a whole window has passed since start-up
        self._window_min = capacity + 1  # smallest depth seen at a pop in the current window
        self._to_drop = 0  # standing excess still to remove

    def __len__(self) -> int:
        return len(self._frames)

    def push(self, frame: bytes) -> None:
        """Producer side: never blocks; drops the oldest frame when full."""
        frames = self._frames
        frames.append(frame)
        depth = len(frames)
        if depth > self.capacity:
            try:
                frames.popleft()
            except IndexError:  # the consumer took it meanwhile
                pass
            else:
                self.stats.overruns += 1
        if depth > self.stats.max_depth:
            self.stats.max_depth = depth

    def pop(self) -> bytes | None:
        """Consumer side: a frame (``per_pop`` items joined), or None (play or send silence) while empty or
        re-buffering."""
        frames = self._frames
        depth = len(frames)
        if self._buffering:
            if depth < self.target:
                return None
            self._buffering = False
        if depth < self.per_pop:
            self.stats.underruns += 1
            if self._settled and self.floor < self.target + self.headroom:
                self.floor += 1
            return None
        if depth < self._window_min:
            self._window_min = depth
        self._pops += 1
        if self._pops >= self.drift_window:
            self._settled = True
            self._to_drop = max(0, self._window_min - self.floor)
            self._pops = 0
            self._window_min = self.capacity + 1
        if self._to_drop and depth > self.floor:
            self._to_drop -= 1
            try:
                frames.popleft()
            except IndexError:
                return None
            self.stats.drift_drops += 1
        try:
            frame = frames.popleft()
            for _ in range(self.per_pop - 1):
                frame += frames.popleft()
        except IndexError:  # only clear() on the control thread takes items meanwhile
            self.stats.underruns += 1
            return None
        self.stats.frames += 1
        return frame

    def clear(self, keep: int = 0) -> int:
        """Drop all but the newest ``keep`` frames (stale microphone audio at answer); returns how many went.

        Called from a control thread while the producer may push: the deque stays consistent, and a frame
        pushed meanwhile simply survives.
        """
        dropped = 0
        while len(self._frames) > keep:
            try:
                self._frames.popleft()
            except IndexError:
                break
            dropped += 1
        return dropped

    def reset_stats(self) -> None:
        """Zero the counters (the queue itself is untouched)."""
        self.stats = StreamStats()

    def reset(self) -> None:
        """Empty it and start re-buffering (a new call, or a reopened device)."""
        self.clear()
        self._buffering = True
        self.floor = self.target
        self._settled = False
        self._pops = 0
        self._window_min = self.capacity + 1
        self._to_drop = 0
