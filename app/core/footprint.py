"""Footprint bars: bid × ask volume at each price group inside time, tick-count or volume bars.

The footprint is updated on every trade of a live feed, so the ingest loop keeps the open bar's
running values in local variables and writes them back once per batch (and at each bar close);
a trade costs a few dict/list operations and no object creation unless it opens a price level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from fractions import Fraction

import numpy.typing as npt

from app.core.closed_cells import ClosedCells
from app.core.profile import (
    Cell,
    Levels,
    levels_from_cells,
    point_of_control,
    to_fraction,
    value_area,
)
from app.core.sessions import SessionSchedule
from app.core.trade_arrays import TIME_PRICE_QTY_SIDE, trade_arrays
from app.core.units import NS_PER_HOUR, NS_PER_MIN, NS_PER_MS, NS_PER_S

_NEVER_NS = 2**63  # past every int64 timestamp: "no limit"
_ALWAYS_NS = -(2**63) - 1  # before every int64 timestamp: "the next trade opens a bar"


class BarKind(Enum):
    TIME = "time"  # size in ns, aligned to multiples of the size since the epoch
    TICKS = "ticks"  # size in trades
    VOLUME = "volume"  # size in lots


@dataclass(frozen=True, slots=True)
class BarSpec:
    """What closes a bar (`kind`, `size`) and how prices are grouped inside it."""

    kind: BarKind
    size: int
    group_ticks: int = 1

    def __post_init__(self) -> None:
        if self.size <= 0:
            raise ValueError(f"bar size must be positive, got {self.size}")
        if self.group_ticks < 1:
            raise ValueError(f"group_ticks must be >= 1, got {self.group_ticks}")

    @classmethod
    def time(cls, seconds: int, group_ticks: int = 1) -> BarSpec:
        return cls(BarKind.TIME, seconds * NS_PER_S, group_ticks)

    @classmethod
    def ticks(cls, trades: int, group_ticks: int = 1) -> BarSpec:
        return cls(BarKind.TICKS, trades, group_ticks)

    @classmethod
    def volume(cls, lots: int, group_ticks: int = 1) -> BarSpec:
        return cls(BarKind.VOLUME, lots, group_ticks)

    def with_group(self, group_ticks: int) -> BarSpec:
        return replace(self, group_ticks=group_ticks)

    @property
    def label(self) -> str:
        """Short name as traders write it: "30s", "1m", "4h", "500t", "100 lots"."""
        if self.kind is BarKind.TICKS:
            return f"{self.size}t"
        if self.kind is BarKind.VOLUME:
            return f"{self.size} lot" if self.size == 1 else f"{self.size} lots"
        for unit_ns, suffix in ((NS_PER_HOUR, "h"), (NS_PER_MIN, "m"), (NS_PER_S, "s")):
            if self.size % unit_ns == 0:
                return f"{self.size // unit_ns}{suffix}"
        if self.size % NS_PER_MS == 0:
            return f"{self.size // NS_PER_MS}ms"
        return f"{self.size}ns"


@dataclass(frozen=True, slots=True)
class Imbalance:
    """One diagonal imbalance: `volume_lots` on `side` at `price_ticks` vs `opposite_lots`."""

    price_ticks: int
    side: int
    volume_lots: int
    opposite_lots: int


@dataclass(frozen=True, slots=True)
class StackedImbalance:
    """`levels` consecutive groups, `low_ticks`..`high_ticks` (group keys), imbalanced on `side`."""

    side: int
    low_ticks: int
    high_ticks: int
    levels: int


@dataclass(slots=True, eq=False)
class FootprintBar:
    """One bar. Mutable while it is the open bar of a series; readers treat it as read-only.

    `start_ns`/`end_ns` are the first and last trade times. `period_start_ns` is where the bar
    sits on a time axis: the aligned period start for TIME bars (or the session start when a
    session boundary cut the period), the first trade time otherwise.
    `cells` maps group key (lowest tick of the group) -> [buy_lots, sell_lots, buy_trades,
    sell_trades]: a dict of lists while the bar is open, `ClosedCells` (sorted numpy columns,
    a fifth of the memory) once `close()` has frozen it. `max_delta_lots`/`min_delta_lots` are
    the extremes of the running delta inside the bar, measured after each trade (so after the
    first trade too, never a 0 start).
    """

    start_ns: int
    end_ns: int
    period_start_ns: int
    session_id: int
    group_ticks: int
    open_ticks: int
    high_ticks: int
    low_ticks: int
    close_ticks: int
    cells: Mapping[int, Sequence[int]] = field(default_factory=dict)
    volume_lots: int = 0
    delta_lots: int = 0
    max_delta_lots: int = 0
    min_delta_lots: int = 0
    trades: int = 0
    closed: bool = False

    @property
    def buy_lots(self) -> int:
        return (self.volume_lots + self.delta_lots) // 2

    @property
    def sell_lots(self) -> int:
        return (self.volume_lots - self.delta_lots) // 2

    @property
    def duration_ns(self) -> int:
        return self.end_ns - self.start_ns

    def levels(self) -> Levels:
        """Sorted columns of the cells (a closed bar's are shared: read-only)."""
        cells = self.cells
        if isinstance(cells, ClosedCells):
            return cells.levels
        return levels_from_cells(cells)  # type: ignore[arg-type]  # open: the dict of lists

    def close(self) -> None:
        """Mark the bar final and freeze its cells into columns (it never changes again)."""
        if not self.closed:
            self.closed = True
            self.cells = ClosedCells(self.levels())

    def poc_ticks(self) -> int:
        lv = self.levels()
        return point_of_control(lv.price_ticks, lv.volume_lots)

    def value_area(self, fraction: float | Fraction = 0.7) -> tuple[int, int]:
        lv = self.levels()
        return value_area(lv.price_ticks, lv.volume_lots, fraction, self.group_ticks)

    def diagonal_imbalances(self, ratio: float | Fraction, min_lots: int = 0) -> list[Imbalance]:
        """Diagonal imbalances, sorted by (price_ticks, side). The project's definition (g = group):

        - buy imbalance at p:  buy(p)  ≥ ratio × sell(p − g)  and buy(p)  ≥ min_lots;
        - sell imbalance at p: sell(p) ≥ ratio × buy(p + g)   and sell(p) ≥ min_lots.
        A missing or empty opposite group counts as 0 lots, so any volume ≥ min_lots facing
        nothing is an imbalance (an infinite ratio). A level needs at least 1 lot on its side
        even when min_lots is 0, so an empty side is never "imbalanced". Exact arithmetic:
        the ratio is a Fraction (floats read as typed: 1.5 -> 3/2).
        Diagonal, not horizontal, because the aggressive buyer at p lifted the offer at p while
        the aggressive seller one level lower hit the bid there: the two compete across the spread.
        """
        r = to_fraction(ratio)
        if r <= 0:
            raise ValueError(f"imbalance ratio must be positive, got {ratio}")
        num, den = r.numerator, r.denominator
        floor = max(min_lots, 1)
        g = self.group_ticks
        lv = self.levels()
        keys = lv.price_ticks.tolist()
        buys = lv.buy_lots.tolist()
        sells = lv.sell_lots.tolist()
        last = len(keys) - 1
        out: list[Imbalance] = []
        for i, p in enumerate(keys):  # sorted: the group above is the next key, if it is p + g
            sell = sells[i]
            if sell >= floor:
                opposite = buys[i + 1] if i < last and keys[i + 1] == p + g else 0
                if sell * den >= num * opposite:
                    out.append(Imbalance(p, -1, sell, opposite))
            buy = buys[i]
            if buy >= floor:
                opposite = sells[i - 1] if i > 0 and keys[i - 1] == p - g else 0
                if buy * den >= num * opposite:
                    out.append(Imbalance(p, 1, buy, opposite))
        return out

    def stacked_imbalances(
        self, ratio: float | Fraction, min_lots: int = 0, min_levels: int = 3
    ) -> list[StackedImbalance]:
        """Runs of ≥ `min_levels` consecutive groups (keys g apart) imbalanced on the same side.

        Each run is reported once, as its maximal extent; sorted by (low_ticks, side).
        """
        imbalances = self.diagonal_imbalances(ratio, min_lots)
        return stacked_runs(
            [im.price_ticks for im in imbalances if im.side < 0],
            [im.price_ticks for im in imbalances if im.side > 0],
            self.group_ticks,
            min_levels,
        )


def stacked_runs(
    sell_keys: Sequence[int], buy_keys: Sequence[int], group_ticks: int, min_levels: int = 3
) -> list[StackedImbalance]:
    """Stacked imbalances from the ascending group keys imbalanced on each side: runs of
    ≥ `min_levels` keys `group_ticks` apart, each as its maximal extent, sorted by (low_ticks, side).

    Separate from `FootprintBar.stacked_imbalances` so that a caller that already has a bar's
    imbalances (a chart also marks each cell) does not compute them twice.
    """
    if min_levels < 1:
        raise ValueError("min_levels must be >= 1")
    g = group_ticks
    out: list[StackedImbalance] = []
    for side, prices in ((-1, sell_keys), (1, buy_keys)):
        run_start = 0
        for i in range(1, len(prices) + 1):
            if i == len(prices) or prices[i] != prices[i - 1] + g:
                if i - run_start >= min_levels:
                    out.append(StackedImbalance(side, prices[run_start], prices[i - 1], i - run_start))
                run_start = i
    out.sort(key=lambda s: (s.low_ticks, s.side))
    return out


class FootprintSeries:
    """A growing list of footprint bars: closed bars plus the open last bar.

    Rules (the project's definition):
    - TIME bars cover [k·size, (k+1)·size) since the epoch; a period without trades has no bar.
    - TICKS bars close on their size-th trade.
    - VOLUME bars close on the trade that brings them to ≥ size lots; that trade belongs to the
      bar entirely (trades are never split, so a bar may exceed its size: a print is one event
      and splitting it would invent two trades and fake a trade count).
    - A bar never spans a session boundary: a trade in a new session opens a new bar.
    - Trades are expected in exchange-time order; a late trade joins the open bar.
    A TIME bar stays open until a later trade (or `advance_to`) proves its period is over.
    At most `max_bars` bars are kept; older ones are dropped (`dropped_count` of them), so
    `bars[i]` is bar number `dropped_count + i` since the series started.
    `version` increases whenever anything changed, so a view repaints only when it must.
    """

    __slots__ = (
        "_limit_ns",
        "_open",
        "bars",
        "closed_count",
        "dropped_count",
        "max_bars",
        "sessions",
        "spec",
        "version",
    )

    def __init__(self, spec: BarSpec, sessions: SessionSchedule | None = None, max_bars: int = 5000) -> None:
        if max_bars < 1:
            raise ValueError("max_bars must be >= 1")
        self.spec = spec
        self.sessions = sessions if sessions is not None else SessionSchedule()
        self.max_bars = max_bars
        self.bars: list[FootprintBar] = []
        self.closed_count = 0
        self.dropped_count = 0
        self.version = 0
        self._open: FootprintBar | None = None
        self._limit_ns = _ALWAYS_NS  # a trade at or after this time opens a new bar

    @property
    def open_bar(self) -> FootprintBar | None:
        return self._open

    def add_trade(self, exchange_ns: int, price_ticks: int, qty_lots: int, side: int) -> None:
        self._ingest((exchange_ns,), (price_ticks,), (qty_lots,), (side,))

    def add_trades(
        self,
        exchange_ns: npt.ArrayLike,
        price_ticks: npt.ArrayLike,
        qty_lots: npt.ArrayLike,
        side: npt.ArrayLike,
    ) -> None:
        ts, ps, qs, ss = trade_arrays(TIME_PRICE_QTY_SIDE, exchange_ns, price_ticks, qty_lots, side)
        if ts.shape[0] == 0:
            return
        self._ingest(ts.tolist(), ps.tolist(), qs.tolist(), ss.tolist())

    def advance_to(self, now_ns: int) -> bool:
        """Close the open bar if `now_ns` shows its period (or session) is over; True if it did.

        Lets a quiet market show the bar as final without waiting for the next trade.
        """
        if self._open is None or now_ns < self._limit_ns:
            return False
        self._open.close()
        self._open = None
        self._limit_ns = _ALWAYS_NS
        self.closed_count += 1
        self.version += 1
        return True

    def regroup(
        self,
        group_ticks: int,
        exchange_ns: npt.ArrayLike,
        price_ticks: npt.ArrayLike,
        qty_lots: npt.ArrayLike,
        side: npt.ArrayLike,
    ) -> FootprintSeries:
        """A new series with `group_ticks`, rebuilt from raw trades (grouping is lossy)."""
        out = FootprintSeries(self.spec.with_group(group_ticks), self.sessions, self.max_bars)
        out.add_trades(exchange_ns, price_ticks, qty_lots, side)
        return out

    @staticmethod
    def _store(
        bar: FootprintBar,
        *,
        end: int,
        close: int,
        high: int,
        low: int,
        vol: int,
        delta: int,
        max_d: int,
        min_d: int,
        n: int,
    ) -> None:
        bar.end_ns = end
        bar.close_ticks = close
        bar.high_ticks = high
        bar.low_ticks = low
        bar.volume_lots = vol
        bar.delta_lots = delta
        bar.max_delta_lots = max_d
        bar.min_delta_lots = min_d
        bar.trades = n

    def _ingest(self, ts: Sequence[int], ps: Sequence[int], qs: Sequence[int], ss: Sequence[int]) -> None:
        """The per-trade loop; everything hot is a local variable."""
        spec = self.spec
        g = spec.group_ticks
        size = spec.size
        is_time = spec.kind is BarKind.TIME
        n_cap = size if spec.kind is BarKind.TICKS else _NEVER_NS
        vol_cap = size if spec.kind is BarKind.VOLUME else _NEVER_NS
        sessions = self.sessions
        bars = self.bars
        store = self._store
        closed = 0
        limit = self._limit_ns
        bar = self._open
        cells: dict[int, Cell]
        if bar is not None:
            cells = bar.cells  # type: ignore[assignment]  # the open bar's cells are its dict
            end, close, high, low = bar.end_ns, bar.close_ticks, bar.high_ticks, bar.low_ticks
            vol, delta, max_d, min_d, n = (
                bar.volume_lots,
                bar.delta_lots,
                bar.max_delta_lots,
                bar.min_delta_lots,
                bar.trades,
            )
        else:
            cells = {}
            end = close = high = low = vol = delta = max_d = min_d = n = 0
        get = cells.get

        for t, p, q, s in zip(ts, ps, qs, ss, strict=True):
            if t >= limit:
                if bar is not None:
                    store(
                        bar,
                        end=end,
                        close=close,
                        high=high,
                        low=low,
                        vol=vol,
                        delta=delta,
                        max_d=max_d,
                        min_d=min_d,
                        n=n,
                    )
                    bar.close()
                    closed += 1
                next_session_ns = sessions.next_session_start_ns(t)
                if is_time:
                    period = max(t - t % size, sessions.session_start_ns(t))
                    limit = min(t - t % size + size, next_session_ns)
                else:
                    period = t
                    limit = next_session_ns
                delta = q if s > 0 else -q
                cells = {p - p % g: [q, 0, 1, 0] if s > 0 else [0, q, 0, 1]}
                get = cells.get
                bar = FootprintBar(t, t, period, sessions.session_id(t), g, p, p, p, p, cells)
                bars.append(bar)
                end = t
                close = high = low = p
                vol = q
                max_d = min_d = delta
                n = 1
            else:
                key = p - p % g
                cell = get(key)
                if cell is None:
                    cell = cells[key] = [0, 0, 0, 0]
                if s > 0:
                    cell[0] += q
                    cell[2] += 1
                    delta += q
                    if delta > max_d:  # noqa: PLR1730 (a max() call costs 4x in this loop)
                        max_d = delta
                else:
                    cell[1] += q
                    cell[3] += 1
                    delta -= q
                    if delta < min_d:  # noqa: PLR1730
                        min_d = delta
                if p > high:
                    high = p
                elif p < low:
                    low = p
                close = p
                end = t
                vol += q
                n += 1
            if n >= n_cap or vol >= vol_cap:
                assert bar is not None
                store(
                    bar,
                    end=end,
                    close=close,
                    high=high,
                    low=low,
                    vol=vol,
                    delta=delta,
                    max_d=max_d,
                    min_d=min_d,
                    n=n,
                )
                bar.close()
                closed += 1
                bar = None
                limit = _ALWAYS_NS

        if bar is not None:
            store(
                bar,
                end=end,
                close=close,
                high=high,
                low=low,
                vol=vol,
                delta=delta,
                max_d=max_d,
                min_d=min_d,
                n=n,
            )
        self._open = bar
        self._limit_ns = limit
        self.closed_count += closed
        if len(bars) > self.max_bars:
            drop = len(bars) - self.max_bars
            del bars[:drop]
            self.dropped_count += drop
        self.version += 1
