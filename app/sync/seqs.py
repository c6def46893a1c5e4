"""``PushPosition``: which hub pushes have been processed, robust to pushes that arrive out of sequence order.

Network thread only (the engine's loop). The hub numbers every event; a client sees only the events meant for it,
so gaps in the numbers are normal and say nothing. Two events committed a moment apart can reach the client in the
opposite order (the hub hands each to the connection after its commit, from different worker threads or processes;
and a replay after a reconnect overlaps with live delivery). Skipping "everything not above the highest number seen"
then drops the late one for good — a push never shown (issue #7: one missed push after a resume).

So the client keeps:

- ``floor``: every event up to it is accounted for — covered by a full sync's snapshot, or processed long enough ago
  (``settle_s``) that nothing older can still be on its way. It is the resume point sent in ``hello.last_seq``.
- ``seen``: the events above the floor already processed, each with the time it arrived.

An event is new when it is above the floor and not seen; the hub's replay from the floor can only repeat seen ones,
which are skipped, so after a reconnect nothing is lost and nothing is applied twice. Both are saved in the cache with
every processed event, so the same holds across restarts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

#: How long after a push arrives an older one may still turn up. Delivery reorders by milliseconds; the margin is
#: generous because a replay of a few seconds of events costs nothing (they are skipped as seen).
SETTLE_S = 30.0
#: Bound on the ``seen`` set (a client flooded with events settles by count as well as by time).
MAX_SEEN = 2000


class PushPosition:
    """The processed-events bookkeeping described in the module docstring."""

    def __init__(
        self,
        floor: int = 0,
        seen: Iterable[int] = (),
        *,
        settle_s: float = SETTLE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._settle_s = settle_s
        self.floor = max(floor, 0)
        now = clock()
        # Seen before a restart: when they arrived is unknown, so they settle from now.
        self._seen: dict[int, float] = {s: now for s in seen if s > self.floor}

    @property
    def seen(self) -> list[int]:
        return sorted(self._seen)

    @property
    def highest(self) -> int:
        """The highest event processed (or covered)."""
        return max(self._seen, default=self.floor)

    def is_new(self, seq: int) -> bool:
        return seq > self.floor and seq not in self._seen

    def mark(self, seq: int) -> None:
        """``seq`` has been processed."""
        if seq > self.floor:
            self._seen[seq] = self._clock()
        self.settle()

    def cover(self, head: int) -> None:
        """Everything up to ``head`` is accounted for (a full sync's snapshot as of ``head``, or a fresh start)."""
        if head > self.floor:
            self.floor = head
            self._seen = {s: t for s, t in self._seen.items() if s > head}

    def settle(self) -> bool:
        """Move the floor over events processed more than ``settle_s`` ago. Returns whether it moved."""
        if not self._seen:
            return False
        cutoff = self._clock() - self._settle_s
        settled = [s for s, at in self._seen.items() if at <= cutoff]
        if len(self._seen) - len(settled) > MAX_SEEN:
            newest_first = sorted(self._seen, reverse=True)
            settled.append(newest_first[MAX_SEEN])
        if not settled:
            return False
        self.cover(max(settled))
        return True
