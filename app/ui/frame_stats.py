"""Whole-run timing distributions in fixed memory, for the exit report (`--stats-out`).

The frame clock keeps the last few thousand samples for the status bar (a minute at 60 Hz);
a trading day is millions of frames, so the report's percentiles come from histograms: one
counter per 0.05 ms up to two seconds, the exact maximum kept beside them. A percentile is the
upper edge of its bin, so it is never reported better than it was.
"""

from __future__ import annotations

import math

import numpy as np

BIN_MS = 0.05
_BINS = 40_000  # 0 .. 2,000 ms; slower samples land in one overflow bin (their maximum is exact)


class Histogram:
    """Samples in milliseconds; `summary()` gives count, p50, p99, max and mean."""

    __slots__ = ("_counts", "count", "max_ms", "total_ms")

    def __init__(self) -> None:
        self._counts = np.zeros(_BINS + 1, dtype=np.int64)
        self.count = 0
        self.max_ms = 0.0
        self.total_ms = 0.0

    def add(self, ms: float) -> None:
        self._counts[min(_BINS, max(0, int(ms / BIN_MS)))] += 1
        self.count += 1
        self.total_ms += ms
        self.max_ms = max(self.max_ms, ms)

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile (the bin's upper edge, or the maximum for the overflow bin)."""
        if not self.count:
            return 0.0
        rank = min(self.count, max(1, math.ceil(q / 100 * self.count)))
        index = int(np.searchsorted(np.cumsum(self._counts), rank))
        return self.max_ms if index >= _BINS else min(self.max_ms, (index + 1) * BIN_MS)

    def summary(self) -> dict[str, float | int]:
        return {
            "samples": self.count,
            "p50_ms": round(self.percentile(50), 3),
            "p99_ms": round(self.percentile(99), 3),
            "max_ms": round(self.max_ms, 3),
            "mean_ms": round(self.total_ms / self.count, 3) if self.count else 0.0,
        }
