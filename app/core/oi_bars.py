"""Open interest per time bar: its level at each bar's close and its change over the bar.

Open interest (contracts open) rising with price says new longs are driving it; falling, shorts
covering. Venues report it every few seconds; a bar's close is the last report inside it and its
change is that close minus the previous bar's close (the first bar: minus the first report), so a
bar without a report has none (no flat filler bars). The raw reports are kept (bounded) so a new
bar length re-bins them instead of starting the history afresh.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

from app.core.units import NS_PER_S

I64 = npt.NDArray[np.int64]


class OpenInterestBars:
    """Bars of open interest in lots, fed with chronological reports (exchange ns, lots)."""

    def __init__(self, timeframe_s: int = 60, max_samples: int = 100_000) -> None:
        if timeframe_s < 1:
            raise ValueError("timeframe_s must be >= 1")
        self.timeframe_ns = timeframe_s * NS_PER_S
        self.samples: deque[tuple[int, int]] = deque(maxlen=max_samples)
        self.version = 0
        self._start: list[int] = []
        self._close: list[int] = []
        self._change: list[int] = []
        self._prev_close: int | None = None  # the close of the bar before the newest one
        self._first_of_bar = 0  # the newest bar's first report (its base when it is the first bar)

    def __len__(self) -> int:
        return len(self._start)

    def add(self, exchange_ns: int, oi_lots: int) -> None:
        if self.samples and exchange_ns < self.samples[-1][0]:
            return  # an older report out of order: the level has moved on since
        self.samples.append((exchange_ns, oi_lots))
        start = exchange_ns - exchange_ns % self.timeframe_ns
        if self._start and self._start[-1] == start:
            self._close[-1] = oi_lots
            base = self._prev_close if self._prev_close is not None else self._first_of_bar
            self._change[-1] = oi_lots - base
        else:
            self._prev_close = self._close[-1] if self._close else None
            self._first_of_bar = oi_lots
            self._start.append(start)
            self._close.append(oi_lots)
            self._change.append(0 if self._prev_close is None else oi_lots - self._prev_close)
        self.version += 1

    def rebinned(self, timeframe_s: int) -> OpenInterestBars:
        """The same reports in bars of another length."""
        out = OpenInterestBars(timeframe_s, self.samples.maxlen or 100_000)
        for ts, lots in self.samples:
            out.add(ts, lots)
        return out

    def latest_lots(self) -> int | None:
        return self.samples[-1][1] if self.samples else None

    def latest_change_lots(self) -> int | None:
        """The newest bar's change (None before any report)."""
        return self._change[-1] if self._change else None

    def arrays(self) -> tuple[I64, I64, I64]:
        """(bar start ns, close lots, change lots) per bar, oldest first."""
        return (
            np.array(self._start, dtype=np.int64),
            np.array(self._close, dtype=np.int64),
            np.array(self._change, dtype=np.int64),
        )
