"""What a footprint chart shows of each bar, computed once per closed bar.

A footprint view repaints 60 times a second but a closed bar never changes, so everything the
paint needs that is not drawing (the dense row grid, POC, value area, diagonal and stacked
imbalances, intensity scales, statistics) is computed here once per bar and cached by the view;
only the open bar is analysed again, and only when it changed. The rules themselves (POC, value
area, imbalances) are FootprintBar's, so the chart and the core can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from app.core.footprint import FootprintBar, StackedImbalance, stacked_runs
from app.core.profile import Levels, point_of_control, to_fraction, value_area

I64 = npt.NDArray[np.int64]
B1 = npt.NDArray[np.bool_]

VALUE_AREA_FRACTION = Fraction(7, 10)


@dataclass(frozen=True, slots=True)
class BarStats:
    """The statistics row values of one bar (lots, ns); `delta_change_lots` is None for the first bar."""

    volume_lots: int
    delta_lots: int
    max_delta_lots: int
    min_delta_lots: int
    delta_change_lots: int | None
    trades: int
    duration_ns: int


@dataclass(frozen=True, slots=True, eq=False)
class BarAnalysis:
    """One bar as the chart draws it. Arrays are indexed by traded group, sorted by price.

    `index` is the bar's number since the series started (the chart's x coordinate).
    `buy_imbalance[i]`/`sell_imbalance[i]` follow `FootprintBar.diagonal_imbalances`.
    """

    index: int
    closed: bool
    group_ticks: int
    period_start_ns: int
    open_ticks: int
    high_ticks: int
    low_ticks: int
    close_ticks: int
    price_ticks: I64
    buy_lots: I64
    sell_lots: I64
    buy_imbalance: B1
    sell_imbalance: B1
    poc_ticks: int
    value_area: tuple[int, int]
    stacks: tuple[StackedImbalance, ...]
    stats: BarStats

    @property
    def volume_lots(self) -> I64:
        return self.buy_lots + self.sell_lots

    @property
    def delta_lots(self) -> I64:
        return self.buy_lots - self.sell_lots

    @property
    def max_volume_lots(self) -> int:
        return int(self.volume_lots.max()) if self.price_ticks.size else 0

    @property
    def max_abs_delta_lots(self) -> int:
        return int(np.abs(self.delta_lots).max()) if self.price_ticks.size else 0


def bar_stats(bar: FootprintBar, previous: FootprintBar | None) -> BarStats:
    return BarStats(
        volume_lots=bar.volume_lots,
        delta_lots=bar.delta_lots,
        max_delta_lots=bar.max_delta_lots,
        min_delta_lots=bar.min_delta_lots,
        delta_change_lots=None if previous is None else bar.delta_lots - previous.delta_lots,
        trades=bar.trades,
        duration_ns=bar.duration_ns,
    )


def analyse_bar(
    bar: FootprintBar,
    index: int,
    previous: FootprintBar | None,
    *,
    imbalance_ratio: Fraction,
    imbalance_min_lots: int,
    stack_levels: int = 3,
    levels: Levels | None = None,
) -> BarAnalysis:
    """Everything the chart shows of `bar` (bar number `index`; `previous` for delta change).

    `levels`: the bar's columns if the caller already has them (`OpenBarLevels`)."""
    if levels is None:
        levels = bar.levels()  # once: POC, value area and the cell arrays all read these columns
    prices = levels.price_ticks
    n = prices.shape[0]
    buy_imb = np.zeros(n, dtype=np.bool_)
    sell_imb = np.zeros(n, dtype=np.bool_)
    if n:
        # the open bar is analysed again every frame: imbalances as array maths over the levels
        buy_imb, sell_imb = diagonal_imbalance_masks(
            prices,
            levels.buy_lots,
            levels.sell_lots,
            bar.group_ticks,
            ratio=imbalance_ratio,
            min_lots=imbalance_min_lots,
        )
        volumes = levels.buy_lots + levels.sell_lots
        poc = point_of_control(prices, volumes)
        va = value_area(prices, volumes, VALUE_AREA_FRACTION, bar.group_ticks)
        stacks = tuple(
            stacked_runs(prices[sell_imb].tolist(), prices[buy_imb].tolist(), bar.group_ticks, stack_levels)
        )
    else:
        poc = bar.close_ticks
        va = (poc, poc)
        stacks = ()
    return BarAnalysis(
        index=index,
        closed=bar.closed,
        group_ticks=bar.group_ticks,
        period_start_ns=bar.period_start_ns,
        open_ticks=bar.open_ticks,
        high_ticks=bar.high_ticks,
        low_ticks=bar.low_ticks,
        close_ticks=bar.close_ticks,
        price_ticks=prices,
        buy_lots=levels.buy_lots,
        sell_lots=levels.sell_lots,
        buy_imbalance=buy_imb,
        sell_imbalance=sell_imb,
        poc_ticks=poc,
        value_area=va,
        stacks=stacks,
        stats=bar_stats(bar, previous),
    )


class OpenBarLevels:
    """The open bar's sorted columns (`FootprintBar.levels`), patched at the groups a batch traded
    instead of rebuilt from the whole cell dict: a chart analyses the open bar on every frame, and
    a volatile minute holds hundreds of groups while a frame's prints touch a handful.

    Groups are never removed from an open bar, so while its group count is unchanged the sorted
    keys are the same and only the touched rows can differ; a new group or a new bar rebuilds.
    """

    __slots__ = ("_bar", "_levels", "_touched")

    def __init__(self) -> None:
        self._bar: FootprintBar | None = None
        self._levels: Levels | None = None
        self._touched: set[int] = set()

    def traded(self, price_ticks: I64, group_ticks: int) -> None:
        """A batch of prints at these prices was added to the series (grouped by `group_ticks`)."""
        if price_ticks.shape[0]:
            self._touched.update(np.unique(price_ticks - price_ticks % group_ticks).tolist())

    def levels(self, bar: FootprintBar) -> Levels:
        """`bar.levels()` for the series' open bar, equal to a rebuild."""
        old = self._levels
        touched, self._touched = self._touched, set()
        cells = bar.cells
        if bar is not self._bar or old is None or len(cells) != old.price_ticks.shape[0]:
            self._bar, self._levels = bar, bar.levels()
            return self._levels
        if not touched:
            return old
        keys = np.array(sorted(touched), dtype=np.int64)
        rows = np.array([cells[k] for k in keys.tolist()], dtype=np.int64).reshape(-1, 4)
        at = np.searchsorted(old.price_ticks, keys)
        if at[-1] >= old.price_ticks.shape[0] or not (old.price_ticks[at] == keys).all():
            self._levels = bar.levels()  # not this bar's prints after all: rebuild
            return self._levels
        columns = [c.copy() for c in old[1:]]  # the previous analysis may still be read
        for c, col in enumerate(columns):
            col[at] = rows[:, c]
        self._levels = Levels(old.price_ticks, *columns)
        return self._levels


def diagonal_imbalance_masks(
    price_ticks: I64,
    buy_lots: I64,
    sell_lots: I64,
    group_ticks: int,
    *,
    ratio: float | Fraction,
    min_lots: int = 0,
) -> tuple[B1, B1]:
    """(buy, sell) flags per level: `FootprintBar.diagonal_imbalances` as array maths.

    `price_ticks` are the bar's sorted group keys (`FootprintBar.levels`). Same rule, same exact
    integer comparison (buy(p)·den ≥ num·sell(p − g), sell(p)·den ≥ num·buy(p + g), a missing
    group counts 0, at least max(min_lots, 1) lots); sizes too large for int64 products take the
    bar-rule path in Python integers instead.
    """
    r = to_fraction(ratio)
    if r <= 0:
        raise ValueError(f"imbalance ratio must be positive, got {ratio}")
    num, den = r.numerator, r.denominator
    floor = max(min_lots, 1)
    n = price_ticks.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.bool_), np.zeros(0, dtype=np.bool_)
    biggest = max(int(buy_lots.max()), int(sell_lots.max()))
    if biggest * max(num, den) >= 2**62:  # exact but slow: Python integers
        prices = price_ticks.tolist()
        buys = dict(zip(prices, buy_lots.tolist(), strict=True))
        sells = dict(zip(prices, sell_lots.tolist(), strict=True))
        buy_f = [buys[p] >= floor and buys[p] * den >= num * sells.get(p - group_ticks, 0) for p in prices]
        sell_f = [sells[p] >= floor and sells[p] * den >= num * buys.get(p + group_ticks, 0) for p in prices]
        return np.array(buy_f, dtype=np.bool_), np.array(sell_f, dtype=np.bool_)
    last = n - 1
    above = price_ticks + group_ticks
    i_up = np.minimum(np.searchsorted(price_ticks, above), last)
    buy_above = np.where(price_ticks[i_up] == above, buy_lots[i_up], 0)
    below = price_ticks - group_ticks
    i_down = np.minimum(np.searchsorted(price_ticks, below), last)
    sell_below = np.where(price_ticks[i_down] == below, sell_lots[i_down], 0)
    buy_flags = (buy_lots >= floor) & (buy_lots * den >= num * sell_below)
    sell_flags = (sell_lots >= floor) & (sell_lots * den >= num * buy_above)
    return buy_flags, sell_flags


@dataclass(frozen=True, slots=True)
class Zone:
    """A price range born at bar `start_index` that extends right until bar `end_index` retests it.

    `end_index` is None while no later bar has traded inside [low_ticks, high_ticks] (inclusive,
    raw ticks): the zone is still "naked" and extends to the newest bar. `side` is +1/−1 for
    stacked imbalances and 0 for a naked POC.
    """

    side: int
    low_ticks: int
    high_ticks: int
    start_index: int
    end_index: int | None


def extend_until_retested(
    zones: Sequence[tuple[int, int, int, int]],
    first_index: int,
    bar_lows: npt.ArrayLike,
    bar_highs: npt.ArrayLike,
) -> list[Zone]:
    """Zones (side, low_ticks, high_ticks, start_index) with the bar that first retests each.

    `bar_lows[k]`/`bar_highs[k]` are the traded range of bar `first_index + k`. A later bar
    retests a zone when its range overlaps the zone's; the bar that formed it does not count.
    """
    lows = np.asarray(bar_lows, dtype=np.int64)
    highs = np.asarray(bar_highs, dtype=np.int64)
    out: list[Zone] = []
    for side, lo, hi, start in zones:
        k0 = start - first_index + 1
        end: int | None = None
        if 0 <= k0 < lows.shape[0]:
            hits = np.flatnonzero((lows[k0:] <= hi) & (highs[k0:] >= lo))
            if hits.shape[0]:
                end = first_index + k0 + int(hits[0])
        out.append(Zone(side, lo, hi, start, end))
    return out


def intensity(values: npt.ArrayLike, scale: int) -> npt.NDArray[np.float64]:
    """|values| / scale clipped to [0, 1] (0 everywhere when scale is 0): cell colour strength.

    The square root keeps small cells visible next to a bar's one huge level, as a trader reads
    a heat scale, without letting them look as strong as it.
    """
    v = np.abs(np.asarray(values, dtype=np.float64))
    if scale <= 0:
        return np.zeros_like(v)
    return np.sqrt(np.clip(v / scale, 0.0, 1.0))


class ZoneTracker:
    """`extend_until_retested` kept up to date bar by bar, for a chart refreshed every frame.

    A retested zone is final, so each closed bar is checked once against the zones still naked
    and then adds its own; the open bar is checked on every call without being remembered.
    Only the newest `max_naked` naked zones are kept (the oldest fall off the chart first).
    """

    __slots__ = ("_naked", "_retested", "max_naked", "max_retested")

    def __init__(self, max_naked: int = 2000, max_retested: int = 2000) -> None:
        self._naked: list[Zone] = []
        self._retested: list[Zone] = []
        self.max_naked = max_naked
        self.max_retested = max_retested

    def close_bar(
        self, index: int, low_ticks: int, high_ticks: int, zones: Sequence[tuple[int, int, int]]
    ) -> None:
        """Closed bar `index` traded `low_ticks..high_ticks` and formed `zones` (side, low, high)."""
        still: list[Zone] = []
        for z in self._naked:
            if low_ticks <= z.high_ticks and high_ticks >= z.low_ticks:
                self._retested.append(Zone(z.side, z.low_ticks, z.high_ticks, z.start_index, index))
            else:
                still.append(z)
        still.extend(Zone(side, lo, hi, index, None) for side, lo, hi in zones)
        self._naked = still[-self.max_naked :]
        if len(self._retested) > self.max_retested:
            del self._retested[: len(self._retested) - self.max_retested]

    def zones(self, open_index: int | None = None, open_low: int = 0, open_high: int = -1) -> list[Zone]:
        """Every zone, with naked ones ended at the open bar if it already trades inside them."""
        return self.retested() + self.naked(open_index, open_low, open_high)

    def retested(self) -> list[Zone]:
        """The zones a closed bar has retested: final, they never change again."""
        return list(self._retested)

    def naked(self, open_index: int | None = None, open_low: int = 0, open_high: int = -1) -> list[Zone]:
        """The zones no closed bar has retested, ended at the open bar if it trades inside them."""
        out: list[Zone] = []
        for z in self._naked:
            if open_index is not None and open_low <= z.high_ticks and open_high >= z.low_ticks:
                out.append(Zone(z.side, z.low_ticks, z.high_ticks, z.start_index, open_index))
            else:
                out.append(z)
        return out
