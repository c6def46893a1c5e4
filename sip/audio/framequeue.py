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
"""

from __future__ import annotations

import collections

from sip.audio.model import StreamStats


class FrameQueue:
    """Bounded SPSC queue of fixed-size frames (``bytes``)."""

    def __init__(self, target: int = 2, capacity: int = 8, drift_window: int = 50) -> None:
        if not 1 <= target < capacity:
            raise ValueError("need 1 <= target < capacity")
        self.target = target
        self.capacity = capacity
        self.drift_window = drift_window
        self.stats = StreamStats()
        self._frames: collections.deque[bytes] = collections.deque()
        self._buffering = True  # re-buffering after start or an underrun
        self._pops = 0  # pops in the current window
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
        """Consumer side: a frame, or None (play or send silence) while empty or re-buffering."""
        frames = self._frames
        depth = len(frames)
        if self._buffering:
            if depth < self.target:
                return None
            self._buffering = False
        if depth == 0:
            self.stats.underruns += 1
            return None
        if depth < self._window_min:
            self._window_min = depth
        self._pops += 1
        if self._pops >= self.drift_window:
            self._to_drop = max(0, self._window_min - self.target)
            self._pops = 0
            self._window_min = self.capacity + 1
        if self._to_drop and depth > self.target:
            self._to_drop -= 1
            try:
                frames.popleft()
            except IndexError:
                return None
            self.stats.drift_drops += 1
        try:
            frame = frames.popleft()
        except IndexError:
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

    def reset(self) -> None:
        """Empty it and start re-buffering (a new call, or a reopened device)."""
        self.clear()
        self._buffering = True
        self._pops = 0
        self._window_min = self.capacity + 1
        self._to_drop = 0
