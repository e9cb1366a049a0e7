"""Session VWAP and its volume-weighted standard deviation, per time bar, from exact sums.

The bands a scalper reads around VWAP are VWAP ± k·σ, σ being the volume-weighted standard
deviation of traded price since the session start. Three integers (Σq, Σq·p, Σq·p²) give both
exactly; σ² = Σq·p²/Σq − VWAP². They are Python ints, so a whole day of BTC cannot overflow;
each batch is reduced in numpy relative to its first price so that the int64 products stay small.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from app.core.profile import variance_of, vwap_of
from app.core.sessions import SessionSchedule
from app.core.units import NS_PER_S

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_INT64_SAFE = 2**62


class VwapSums:
    """Σq, Σq·p, Σq·p² over raw prices (ticks) and lots: VWAP and σ of one session, exact."""

    __slots__ = ("sum_lots", "sum_ticks2_lots", "sum_ticks_lots")

    def __init__(self) -> None:
        self.sum_lots = 0
        self.sum_ticks_lots = 0
        self.sum_ticks2_lots = 0

    def clear(self) -> None:
        self.sum_lots = self.sum_ticks_lots = self.sum_ticks2_lots = 0

    def add_trade(self, price_ticks: int, qty_lots: int) -> None:
        self.sum_lots += qty_lots
        self.sum_ticks_lots += price_ticks * qty_lots
        self.sum_ticks2_lots += price_ticks * price_ticks * qty_lots

    def add_arrays(self, price_ticks: I64, qty_lots: I64) -> None:
        """A batch, reduced in int64 around its first price, then added as exact Python ints."""
        if price_ticks.shape[0] == 0:
            return
        ref = int(price_ticks[0])
        d = price_ticks - ref
        max_d = int(np.abs(d).max())
        max_q = int(qty_lots.max())
        if max_d * max_d * max_q * price_ticks.shape[0] >= _INT64_SAFE:  # absurd batch: exact, slowly
            for p, q in zip(price_ticks.tolist(), qty_lots.tolist(), strict=True):
                self.add_trade(p, q)
            return
        sq = int(qty_lots.sum())
        sqd = int((qty_lots * d).sum())
        sqd2 = int((qty_lots * d * d).sum())
        self.sum_lots += sq
        self.sum_ticks_lots += sqd + ref * sq
        self.sum_ticks2_lots += sqd2 + 2 * ref * sqd + ref * ref * sq

    def vwap_ticks(self) -> Fraction | None:
        return vwap_of(self.sum_lots, self.sum_ticks_lots)

    def variance_ticks2(self) -> Fraction | None:
        return variance_of(self.sum_lots, self.sum_ticks_lots, self.sum_ticks2_lots)

    def sigma_ticks(self) -> float | None:
        var = self.variance_ticks2()
        return None if var is None else math.sqrt(var)


class SessionVwapSeries:
    """VWAP and σ as of each time bar's last trade, reset at every session boundary.

    One point per (session, bar period): the x of a point is its bar's start (the period start, or
    the session start when the session began inside the period), as the CVD chart keys its bars.
    Feed it chronological prints; only the newest point changes until a new bar starts.
    """

    def __init__(self, timeframe_s: int, sessions: SessionSchedule | None = None, max_points: int = 200_000):
        if timeframe_s < 1:
            raise ValueError("timeframe_s must be >= 1")
        self.timeframe_ns = timeframe_s * NS_PER_S
        self.sessions = sessions if sessions is not None else SessionSchedule()
        self.sums = VwapSums()
        self.session_id: int | None = None
        self.version = 0
        self.dropped_count = 0  # points dropped from the front (a reader's indexes shift by this)
        self._max = max_points
        self._n = 0
        self._start = np.zeros(256, dtype=np.int64)
        self._vwap = np.zeros(256, dtype=np.float64)
        self._sigma = np.zeros(256, dtype=np.float64)

    def __len__(self) -> int:
        return self._n

    def points(self) -> tuple[I64, F64, F64]:
        """(bar start ns, VWAP ticks, σ ticks) per point, oldest first (views, not copies)."""
        n = self._n
        return self._start[:n], self._vwap[:n], self._sigma[:n]

    def add_trades(
        self, exchange_ns: npt.ArrayLike, price_ticks: npt.ArrayLike, qty_lots: npt.ArrayLike
    ) -> None:
        ts = np.asarray(exchange_ns, dtype=np.int64)
        p = np.asarray(price_ticks, dtype=np.int64)
        q = np.asarray(qty_lots, dtype=np.int64)
        n = ts.shape[0]
        if n == 0:
            return
        if p.shape != ts.shape or q.shape != ts.shape:
            raise ValueError("exchange_ns, price_ticks and qty_lots must be 1-D arrays of equal length")
        sids = self.sessions.session_ids(ts)
        periods = ts // np.int64(self.timeframe_ns)
        cut = np.flatnonzero((sids[1:] != sids[:-1]) | (periods[1:] != periods[:-1])) + 1
        starts = [0, *cut.tolist()]
        ends = [*cut.tolist(), n]
        for a, b in zip(starts, ends, strict=True):
            t0 = int(ts[a])
            sid = int(sids[a])
            if sid != self.session_id:
                self.sums.clear()
                self.session_id = sid
            self.sums.add_arrays(p[a:b], q[a:b])
            start = max(t0 - t0 % self.timeframe_ns, self.sessions.session_start_ns(t0))
            self._put(start)
        self.version += 1

    def _put(self, start_ns: int) -> None:
        vwap = self.sums.vwap_ticks()
        sigma = self.sums.sigma_ticks()
        assert vwap is not None and sigma is not None
        i = self._n - 1
        if i < 0 or self._start[i] != start_ns:
            if self._n == self._start.shape[0]:
                if self._n >= self._max:
                    self._drop_half()
                else:
                    size = 2 * self._start.shape[0]
                    self._start = np.resize(self._start, size)
                    self._vwap = np.resize(self._vwap, size)
                    self._sigma = np.resize(self._sigma, size)
            i = self._n
            self._n += 1
            self._start[i] = start_ns
        self._vwap[i] = float(vwap)
        self._sigma[i] = sigma

    def _drop_half(self) -> None:
        keep = self._n - self._n // 2
        for arr in (self._start, self._vwap, self._sigma):
            arr[:keep] = arr[self._n - keep : self._n]
        self.dropped_count += self._n - keep
        self._n = keep
