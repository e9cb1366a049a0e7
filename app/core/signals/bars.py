"""Light time bars of the engine's own (high, low, delta, CVD range), built from whole batches
of orders with numpy, for the detectors that read swings: exhaustion and CVD divergence.

Not the market's footprint bars: those carry per-price cells these detectors do not need, at
the user's timeframe; these are short (seconds), cost a few numpy calls per batch and are final
when the first order of a later period arrives — the position the closing bar's signals take.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.signals.flow import Orders


@dataclass(slots=True)
class Bar:
    start_ns: int  # period start (aligned to multiples of the bar length since the epoch)
    high_ticks: int
    low_ticks: int
    delta_lots: int
    cvd_high_lots: int  # highest CVD after any order of the bar
    cvd_low_lots: int
    cvd_close_lots: int


class BarBuilder:
    """Closes `bar_ns` bars as orders arrive; `on_orders` returns the bars it closed, each with
    the position of the order that closed it."""

    def __init__(self, bar_ns: int) -> None:
        self.bar_ns = bar_ns
        self._open: Bar | None = None
        self._cvd = 0

    def on_orders(self, orders: Orders) -> list[tuple[int, Bar]]:
        n = orders.size
        if n == 0:
            return []
        ts = np.asarray(orders.ts_ns, np.int64)
        period = ts // self.bar_ns
        flow = np.asarray(orders.qty_lots, np.int64) * np.asarray(orders.side, np.int64)
        cvd = np.cumsum(flow) + self._cvd
        cuts = np.flatnonzero(period[1:] != period[:-1]) + 1
        starts = np.concatenate((np.zeros(1, np.int64), cuts))
        highs = np.maximum.reduceat(np.asarray(orders.high_ticks, np.int64), starts).tolist()
        lows = np.minimum.reduceat(np.asarray(orders.low_ticks, np.int64), starts).tolist()
        deltas = np.add.reduceat(flow, starts).tolist()
        cvd_hi = np.maximum.reduceat(cvd, starts).tolist()
        cvd_lo = np.minimum.reduceat(cvd, starts).tolist()
        ends = np.append(starts[1:], n) - 1
        closes = cvd[ends].tolist()
        periods = period[starts].tolist()
        closed: list[tuple[int, Bar]] = []
        for k, start in enumerate(starts.tolist()):
            bar = self._open
            if bar is not None and bar.start_ns == periods[k] * self.bar_ns:
                bar.high_ticks = max(bar.high_ticks, highs[k])
                bar.low_ticks = min(bar.low_ticks, lows[k])
                bar.delta_lots += deltas[k]
                bar.cvd_high_lots = max(bar.cvd_high_lots, cvd_hi[k])
                bar.cvd_low_lots = min(bar.cvd_low_lots, cvd_lo[k])
                bar.cvd_close_lots = closes[k]
                continue
            if bar is not None:
                closed.append((orders.pos[start], bar))
            self._open = Bar(
                periods[k] * self.bar_ns, highs[k], lows[k], deltas[k], cvd_hi[k], cvd_lo[k], closes[k]
            )
        self._cvd = int(cvd[-1])
        return closed
