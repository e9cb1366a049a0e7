"""The signals found so far, as the screen reads them: a bounded list with a version.

The engine hands out each signal once; the views (chart marks, the ladder's markers, the alert
log) read them at frame time, each at its own pace. So the signals live in one shared list,
capped (a day of BTCUSDT makes tens of thousands of large prints: the screen needs the recent
ones, the `signals` command has all of them), and stamped with a version that changes whenever
the list does, so a view redraws only when it changed and never per frame.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable

from app.core.signals.kinds import Signal, SignalKind

DEFAULT_CAP = 2_000


class RecentSignals:
    """The newest `cap` signals in time order; `version` changes with every change."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        if cap < 1:
            raise ValueError("a signal list holds at least one signal")
        self.cap = cap
        self._items: list[Signal] = []
        self._times: list[int] = []  # ts_ns of each, for bisection
        self.version = 0
        self.added_total = 0  # every signal ever added (the alert log counts new rows with it)
        self.dropped_total = 0  # of those, the oldest ones pushed out by the cap

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> list[Signal]:
        """The signals held, oldest first (the list itself: read it, do not change it)."""
        return self._items

    def add(self, signals: Iterable[Signal]) -> int:
        """Append new signals (in the engine's order); returns how many were added."""
        new = list(signals)
        if not new:
            return 0
        for sig in new:
            # the engine returns each batch in timeline order; a late one is still placed in time
            if self._times and sig.ts_ns < self._times[-1]:
                k = bisect_left(self._times, sig.ts_ns + 1)
                self._items.insert(k, sig)
                self._times.insert(k, sig.ts_ns)
            else:
                self._items.append(sig)
                self._times.append(sig.ts_ns)
        over = len(self._items) - self.cap
        if over > 0:  # amortised: trim a tenth more than needed, not one at a time
            over = min(len(self._items), over + self.cap // 10)
            del self._items[:over]
            del self._times[:over]
            self.dropped_total += over
        self.added_total += len(new)
        self.version += 1
        return len(new)

    def clear(self) -> None:
        """A new session (a replay restarted or seeked back): what was found is found again."""
        if self._items:
            self.dropped_total += len(self._items)
        self._items = []
        self._times = []
        self.version += 1

    def retain(self, kinds: Collection[SignalKind]) -> None:
        """Keep only these kinds (a detector was turned off: its marks go with it)."""
        kept = [sig for sig in self._items if sig.kind in kinds]
        if len(kept) == len(self._items):
            return
        self._items = kept
        self._times = [sig.ts_ns for sig in kept]
        self.version += 1

    def since(self, ts_ns: int) -> list[Signal]:
        """The signals at or after `ts_ns` (the ladder's recent ones), oldest first."""
        return self._items[bisect_left(self._times, ts_ns) :]

    def between(self, t0_ns: int, t1_ns: int) -> list[Signal]:
        return self._items[bisect_left(self._times, t0_ns) : bisect_left(self._times, t1_ns + 1)]
