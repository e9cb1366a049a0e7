"""Per-bar price and CVD candles, and price/CVD divergences, for the CVD chart.

The chart reads CVD against price bar by bar, so each time bar carries two candles over the same
prints: the price OHLC of every print, and the CVD OHLC of the running delta the trader chose
(session reset, size filter). The session rule is exactly `CumulativeDelta`'s (app/core/delta.py):
sessions only move forward (a late print counts in the current session), every print advances
the session clock but prints smaller than the filter add nothing, and each session restarts at 0;
so the last CVD close of this series always equals a `CumulativeDelta` fed the same prints.

Bar rule (the footprint's, app/core/footprint.py): a TIME bar covers [k·size, (k+1)·size) since
the epoch, clipped to its session (a bar never spans a session boundary); a period without prints
has no bar; a late print joins the open bar.

CVD candle: open = CVD before the bar's first print (0 when the bar opens a session), close = CVD
after its last print, high/low = extremes of the running CVD over the bar, counting the open (the
running CVD held that value when the bar began, and a candle's wick must contain its body).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from app.core.sessions import DAY_NS, SessionSchedule
from app.core.trade_arrays import TIME_PRICE_QTY_SIDE, trade_arrays
from app.core.units import NS_PER_S

__all__ = ["NS_PER_S"]  # re-exported: the CVD view imports it from here

I64 = npt.NDArray[np.int64]

# Columns of the bar table (one int64 row per bar).
_START, _SID, _PO, _PH, _PL, _PC, _CO, _CH, _CL, _CC, _VOL, _N = range(12)
_COLS = 12


@dataclass(frozen=True, slots=True)
class CvdSpec:
    """What the trader chose: bar length, where the CVD restarts, and the smallest print counted."""

    timeframe_s: int = 60
    sessions: SessionSchedule = field(default_factory=SessionSchedule)
    min_qty_lots: int = 0

    def __post_init__(self) -> None:
        if self.timeframe_s <= 0:
            raise ValueError("timeframe_s must be positive")
        if self.min_qty_lots < 0:
            raise ValueError("min_qty_lots must be >= 0")


class CvdBars(NamedTuple):
    """Read-only column views of the bars held (oldest first); bar i is number `dropped + i`."""

    start_ns: I64
    session_id: I64
    price_open: I64
    price_high: I64
    price_low: I64
    price_close: I64
    cvd_open: I64
    cvd_high: I64
    cvd_low: I64
    cvd_close: I64
    volume_lots: I64
    trades: I64

    @property
    def size(self) -> int:
        return int(self.start_ns.shape[0])


class CvdSeries:
    """Growing price+CVD bars, fed print batches in exchange-time order (any batch split)."""

    __slots__ = (
        "_boundaries_ns",
        "_cvd_lots",
        "_data",
        "_n",
        "_open_key_ns",
        "_session_id",
        "dropped_count",
        "max_bars",
        "spec",
        "version",
    )

    def __init__(self, spec: CvdSpec | None = None, max_bars: int = 200_000) -> None:
        if max_bars < 4:
            raise ValueError("max_bars must be >= 4")
        self.spec = spec if spec is not None else CvdSpec()
        self.max_bars = max_bars
        self._data = np.zeros((256, _COLS), dtype=np.int64)
        self._n = 0
        self._session_id: int | None = None
        self._cvd_lots = 0
        self._open_key_ns: int | None = None  # start of the open (last) bar
        self._boundaries_ns: list[int] = []
        self.dropped_count = 0
        self.version = 0

    # -- readers -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    @property
    def cvd_lots(self) -> int:
        """The running CVD now (0 right after a session boundary, even before any print)."""
        return self._cvd_lots

    @property
    def session_id(self) -> int | None:
        return self._session_id

    @property
    def boundaries_ns(self) -> list[int]:
        """Start of every session that followed another one (where the CVD went back to 0)."""
        return list(self._boundaries_ns)

    def bars(self) -> CvdBars:
        d = self._data[: self._n]
        return CvdBars(*(d[:, c] for c in range(_COLS)))

    # -- writers -----------------------------------------------------------------------------

    def advance_to(self, now_ns: int) -> bool:
        """Move the session clock without a print (as `CumulativeDelta.advance_to`).

        True when a new session started, so a quiet market still shows the reset.
        """
        sid = self.spec.sessions.session_id(now_ns)
        if self._session_id is not None and sid <= self._session_id:
            return False
        started = self._session_id is not None
        if started:
            self._boundaries_ns.append(self._session_start_ns(sid))
        self._session_id = sid
        self._cvd_lots = 0
        self.version += 1
        return started

    def add_trades(
        self,
        exchange_ns: npt.ArrayLike,
        price_ticks: npt.ArrayLike,
        qty_lots: npt.ArrayLike,
        side: npt.ArrayLike,
    ) -> None:
        ts, ps, qs, ss = trade_arrays(TIME_PRICE_QTY_SIDE, exchange_ns, price_ticks, qty_lots, side)
        n = ts.shape[0]
        if n == 0:
            return
        spec = self.spec
        sessions = spec.sessions

        # Session of each print: never earlier than the one before (CumulativeDelta's rule).
        ids = sessions.session_ids(ts)
        if self._session_id is not None:
            ids[0] = max(int(ids[0]), self._session_id)
        ids = np.maximum.accumulate(ids)

        # Running CVD: one cumulative sum, each session run re-based at its first print.
        signed = np.where(qs >= spec.min_qty_lots, qs * ss, 0)
        csum = np.cumsum(signed)
        new_session = np.empty(n, dtype=np.bool_)
        new_session[0] = self._session_id is None or int(ids[0]) != self._session_id
        np.not_equal(ids[1:], ids[:-1], out=new_session[1:])
        run_base = np.concatenate(([-self._cvd_lots], (csum - signed)[new_session]))
        after = csum - run_base[np.cumsum(new_session)]
        before = after - signed
        for i in np.flatnonzero(new_session).tolist():
            if i > 0 or self._session_id is not None:
                self._boundaries_ns.append(self._session_start_ns(int(ids[i])))

        # Bar of each print: its period, clipped to its session, never earlier than the open bar.
        size_ns = spec.timeframe_s * NS_PER_S
        key = ts - ts % size_ns
        if sessions.offset_ns is not None:
            np.maximum(key, ids * DAY_NS + sessions.offset_ns, out=key)
        if self._open_key_ns is not None:
            key[0] = max(int(key[0]), self._open_key_ns)
        key = np.maximum.accumulate(key)
        new_bar = np.empty(n, dtype=np.bool_)
        new_bar[0] = self._open_key_ns is None or int(key[0]) != self._open_key_ns
        np.not_equal(key[1:], key[:-1], out=new_bar[1:])
        merge_first = not bool(new_bar[0])
        new_bar[0] = True
        first = np.flatnonzero(new_bar)
        last = np.append(first[1:] - 1, n - 1)

        cvd_open = before[first]
        rows = np.empty((first.shape[0], _COLS), dtype=np.int64)
        rows[:, _START] = key[first]
        rows[:, _SID] = ids[first]
        rows[:, _PO] = ps[first]
        rows[:, _PH] = np.maximum.reduceat(ps, first)
        rows[:, _PL] = np.minimum.reduceat(ps, first)
        rows[:, _PC] = ps[last]
        rows[:, _CO] = cvd_open
        rows[:, _CH] = np.maximum(np.maximum.reduceat(after, first), cvd_open)
        rows[:, _CL] = np.minimum(np.minimum.reduceat(after, first), cvd_open)
        rows[:, _CC] = after[last]
        rows[:, _VOL] = np.add.reduceat(qs, first)
        rows[:, _N] = last - first + 1

        if merge_first:
            bar = self._data[self._n - 1]
            head = rows[0]
            bar[_PH] = max(bar[_PH], head[_PH])
            bar[_PL] = min(bar[_PL], head[_PL])
            bar[_PC] = head[_PC]
            bar[_CH] = max(bar[_CH], head[_CH])
            bar[_CL] = min(bar[_CL], head[_CL])
            bar[_CC] = head[_CC]
            bar[_VOL] += head[_VOL]
            bar[_N] += head[_N]
            rows = rows[1:]
        self._append(rows)

        self._session_id = int(ids[-1])
        self._cvd_lots = int(after[-1])
        self._open_key_ns = int(key[-1])
        self.version += 1

    # -- internals ---------------------------------------------------------------------------

    def _session_start_ns(self, sid: int) -> int:
        offset = self.spec.sessions.offset_ns
        return 0 if offset is None else sid * DAY_NS + offset

    def _append(self, rows: npt.NDArray[np.int64]) -> None:
        k = rows.shape[0]
        if k == 0:
            return
        need = self._n + k
        if need > self.max_bars:
            # Drop a quarter at a time so that the copy is amortised over many bars.
            drop = min(self._n, need - self.max_bars + self.max_bars // 4)
            self._data[: self._n - drop] = self._data[drop : self._n]
            self._n -= drop
            self.dropped_count += drop
            if k > self.max_bars:
                self.dropped_count += k - self.max_bars
                rows = rows[-self.max_bars :]
                k = self.max_bars
            need = self._n + k
        if need > self._data.shape[0]:
            grown = np.zeros((max(need, 2 * self._data.shape[0]), _COLS), dtype=np.int64)
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n : need] = rows
        self._n = need


# -- divergences ---------------------------------------------------------------------------------


class DivergenceKind(Enum):
    BEARISH = "bearish"  # price higher high, CVD lower high: buyers are not behind the new high
    BULLISH = "bullish"  # price lower low, CVD higher low: sellers are not behind the new low


@dataclass(frozen=True, slots=True)
class Divergence:
    """Swing `prev_bar` → swing `bar` (absolute bar numbers) where price and CVD disagree."""

    kind: DivergenceKind
    prev_bar: int
    bar: int
    prev_price_ticks: int
    price_ticks: int
    prev_cvd_lots: int
    cvd_lots: int


PIVOT_BARS = 2


def _pivots(values: I64, k: int, high: bool) -> npt.NDArray[np.intp]:
    """Indices i whose value beats the k bars before (strictly) and is not beaten by the k after.

    Strict on the left and not on the right, so a flat top counts once, at its first bar.
    """
    n = values.shape[0]
    if n < 2 * k + 1:
        return np.empty(0, dtype=np.intp)
    v = values if high else -values
    win = np.lib.stride_tricks.sliding_window_view(v, 2 * k + 1)
    mid = win[:, k]
    ok = (mid > win[:, :k].max(axis=1)) & (mid >= win[:, k + 1 :].max(axis=1))
    return np.flatnonzero(ok) + k


def find_divergences(
    bars: CvdBars,
    lookback: int,
    pivot_bars: int = PIVOT_BARS,
    first: int = 0,
    bar_offset: int = 0,
) -> list[Divergence]:
    """Divergences whose second swing is at index >= `first` of `bars`, oldest first.

    A swing high is a bar whose price high beats the `pivot_bars` bars before it and is not
    beaten by the `pivot_bars` after it (so it is confirmed `pivot_bars` bars late and never
    repaints once those bars are closed). Each swing high is compared with the previous swing
    high only, if that lies within `lookback` bars and in the same session (CVD restarts at a
    session, so comparing across one is meaningless): a higher price high with a lower CVD high
    is BEARISH. Swing lows mirror it with price lows and CVD lows: BULLISH.
    Bar numbers in the result are indices + `bar_offset`.
    """
    if lookback < 1 or pivot_bars < 1:
        raise ValueError("lookback and pivot_bars must be >= 1")
    out: list[Divergence] = []
    for kind, price, cvd, high in (
        (DivergenceKind.BEARISH, bars.price_high, bars.cvd_high, True),
        (DivergenceKind.BULLISH, bars.price_low, bars.cvd_low, False),
    ):
        piv = _pivots(price, pivot_bars, high).tolist()
        sid = bars.session_id
        for j, i in itertools.pairwise(piv):
            if i < first or i - j > lookback or sid[i] != sid[j]:
                continue
            p_i, p_j, c_i, c_j = int(price[i]), int(price[j]), int(cvd[i]), int(cvd[j])
            if (p_i > p_j and c_i < c_j) if high else (p_i < p_j and c_i > c_j):
                out.append(Divergence(kind, j + bar_offset, i + bar_offset, p_j, p_i, c_j, c_i))
    out.sort(key=lambda d: (d.bar, d.kind.value))
    return out


class DivergenceTracker:
    """Divergences of a growing `CvdSeries`, recomputing only the tail that can still change.

    A divergence at bar i depends on bars i-lookback-pivot … i+pivot; once bar i+pivot is closed
    (every bar but the last is), it is final and kept; only the later ones are recomputed.
    """

    __slots__ = ("_last", "_last_key", "_stable", "_stable_upto", "lookback", "pivot_bars")

    def __init__(self, lookback: int, pivot_bars: int = PIVOT_BARS) -> None:
        if lookback < 1 or pivot_bars < 1:
            raise ValueError("lookback and pivot_bars must be >= 1")
        self.lookback = lookback
        self.pivot_bars = pivot_bars
        self._stable: list[Divergence] = []
        self._stable_upto = 0  # absolute bar number: divergences at bars before it are final
        self._last: list[Divergence] = []
        self._last_key: tuple[int, ...] | None = None

    def update(self, bars: CvdBars, dropped_count: int) -> list[Divergence]:
        """The divergences of `bars` (the whole series, `dropped_count` bars dropped before it).

        Most calls only move the open bar's close, and divergences read the highs, lows and
        sessions alone: with the same bars and the same open bar extremes the answer is the last.
        """
        n = bars.size
        key: tuple[int, ...] = (n, dropped_count)
        if n:
            i = n - 1
            key += (
                int(bars.price_high[i]),
                int(bars.price_low[i]),
                int(bars.cvd_high[i]),
                int(bars.cvd_low[i]),
                int(bars.session_id[i]),
            )
        if key == self._last_key:
            return list(self._last)
        self._last_key = key
        self._last = self._update(bars, dropped_count)
        return list(self._last)

    def _update(self, bars: CvdBars, dropped_count: int) -> list[Divergence]:
        n = bars.size
        k = self.pivot_bars
        first_abs = max(self._stable_upto, dropped_count)
        self._stable = [d for d in self._stable if d.prev_bar >= dropped_count]
        start = max(0, first_abs - dropped_count - self.lookback - k)
        sub = CvdBars(*(col[start:] for col in bars))
        fresh = find_divergences(
            sub, self.lookback, k, first=first_abs - dropped_count - start, bar_offset=dropped_count + start
        )
        final_upto = dropped_count + n - 1 - k  # bar i is final when i + k <= last closed bar
        self._stable.extend(d for d in fresh if d.bar < final_upto)
        self._stable_upto = max(self._stable_upto, final_upto)
        return self._stable + [d for d in fresh if d.bar >= final_upto]
