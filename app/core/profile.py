"""Volume at price: the session volume profile, VWAP, and the POC / value-area rules.

The POC and value-area rules live here as plain functions over (price, volume) arrays so that
the session profile and every footprint bar answer the same question the same way.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from app.core.trade_arrays import PRICE_QTY_SIDE, trade_arrays

I64 = npt.NDArray[np.int64]

Cell = list[int]
"""Per price group: [buy_lots, sell_lots, buy_trades, sell_trades]. A small list, not an object,
because it is updated in place on every trade and a list item add is the cheapest mutation."""
BUY_LOTS, SELL_LOTS, BUY_TRADES, SELL_TRADES = 0, 1, 2, 3


def to_fraction(value: float | Fraction) -> Fraction:
    """An exact ratio from what the user typed: floats are read by their shortest decimal repr.

    `Fraction(0.7)` is 0.6999999999999999555…; the trader meant 7/10, and an exact boundary
    (area exactly 70 % of total, buy exactly 3 × sell) must count.
    """
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


class Levels(NamedTuple):
    """Volume at price, sorted by price: one row per traded price group."""

    price_ticks: I64
    buy_lots: I64
    sell_lots: I64
    buy_trades: I64
    sell_trades: I64

    @property
    def volume_lots(self) -> I64:
        return self.buy_lots + self.sell_lots

    @property
    def delta_lots(self) -> I64:
        return self.buy_lots - self.sell_lots


def levels_from_cells(cells: dict[int, Cell]) -> Levels:
    """Sorted numpy columns from a {group key: Cell} dict (for painting and vector maths)."""
    keys = sorted(cells)
    if not keys:
        empty = np.empty(0, dtype=np.int64)
        return Levels(empty, empty.copy(), empty.copy(), empty.copy(), empty.copy())
    rows = np.array([cells[k] for k in keys], dtype=np.int64)
    return Levels(
        np.array(keys, dtype=np.int64),
        rows[:, BUY_LOTS].copy(),
        rows[:, SELL_LOTS].copy(),
        rows[:, BUY_TRADES].copy(),
        rows[:, SELL_TRADES].copy(),
    )


def point_of_control(prices: npt.ArrayLike, volumes: npt.ArrayLike) -> int:
    """The price with the most volume; the LOWER price on a tie, so the answer is deterministic."""
    p = np.asarray(prices, dtype=np.int64)
    v = np.asarray(volumes, dtype=np.int64)
    if p.shape[0] == 0 or p.shape != v.shape:
        raise ValueError("point_of_control needs equally long, non-empty price and volume arrays")
    return int(p[v == v.max()].min())


def value_area(
    prices: npt.ArrayLike,
    volumes: npt.ArrayLike,
    fraction: float | Fraction = 0.7,
    group_ticks: int = 1,
) -> tuple[int, int]:
    """(low_ticks, high_ticks) of the value area: the project's definition.

    Prices are group keys (multiples of `group_ticks` apart). The walk runs over the CONTIGUOUS
    grid of groups between the lowest and highest traded group; a group without trades counts
    as volume 0, so the area is always one unbroken price range.
    1. Start with the POC group (see `point_of_control`).
    2. While area volume < fraction × total volume (exact integer comparison):
       compare the next group above the area with the next group below it; add the larger one;
       on a tie add both in one step. A side that has run past the traded range is unavailable
       (the other side is taken).
    One group per step, rather than the CME two-row rule, keeps the area tight on thin crypto
    books where a single-tick group is already a meaningful auction level.
    """
    p = np.asarray(prices, dtype=np.int64)
    v = np.asarray(volumes, dtype=np.int64)
    if p.shape[0] == 0 or p.shape != v.shape:
        raise ValueError("value_area needs equally long, non-empty price and volume arrays")
    if group_ticks < 1:
        raise ValueError("group_ticks must be >= 1")
    if np.any(v < 0):
        raise ValueError("volumes must be >= 0")
    frac = to_fraction(fraction)
    if not 0 < frac <= 1:
        raise ValueError(f"value-area fraction must be in (0, 1], got {fraction}")
    low = int(p.min())
    offsets = p - low
    if np.any(offsets % group_ticks):
        raise ValueError("prices are not on the group grid")
    index = offsets // group_ticks
    dense = np.zeros(int(index.max()) + 1, dtype=np.int64)
    np.add.at(dense, index, v)
    vols: list[int] = dense.tolist()
    target = sum(vols) * frac.numerator
    den = frac.denominator
    top = len(vols) - 1
    a = b = vols.index(max(vols))  # first maximum = lowest price: the POC
    area = vols[a]
    while area * den < target:
        up = vols[b + 1] if b < top else -1
        down = vols[a - 1] if a > 0 else -1
        if up > down:
            b += 1
            area += up
        elif down > up:
            a -= 1
            area += down
        else:  # tie: both available (area < total, so something remains on at least one side)
            a -= 1
            b += 1
            area += up + down
    return low + a * group_ticks, low + b * group_ticks


SMALL_BATCH = 48  # below this many prints, per-print Python beats numpy's per-call overhead


def vwap_of(sum_lots: int, sum_ticks_lots: int) -> Fraction | None:
    """VWAP in ticks from Σq and Σq·p, exact (None with no volume)."""
    return Fraction(sum_ticks_lots, sum_lots) if sum_lots else None


def variance_of(sum_lots: int, sum_ticks_lots: int, sum_ticks2_lots: int) -> Fraction | None:
    """Volume-weighted variance of price in ticks², exact: (Σq·Σq·p² − (Σq·p)²) / (Σq)²."""
    n = sum_lots
    if n == 0:
        return None
    return Fraction(n * sum_ticks2_lots - sum_ticks_lots**2, n * n)


class VolumeProfile:
    """Volume at price for a session (or any range the owner decides), plus exact VWAP sums.

    The owner resets it (`clear`) at session boundaries: the profile takes no timestamps so that
    the same class serves session, visible-range and composite profiles.
    VWAP is kept as two exact integers over RAW prices (`sum_ticks_lots`, `sum_lots`), so it is
    independent of the display grouping and exact over a whole day.
    """

    __slots__ = (
        "buy_lots",
        "cells",
        "group_ticks",
        "sell_lots",
        "sum_lots",
        "sum_ticks2_lots",
        "sum_ticks_lots",
        "trades",
    )

    def __init__(self, group_ticks: int = 1) -> None:
        if group_ticks < 1:
            raise ValueError("group_ticks must be >= 1")
        self.group_ticks = group_ticks
        self.cells: dict[int, Cell] = {}
        self.sum_ticks_lots = 0
        self.sum_ticks2_lots = 0  # Σq·p²: the VWAP bands' σ, exact like the VWAP
        self.sum_lots = 0
        self.buy_lots = 0
        self.sell_lots = 0
        self.trades = 0

    def clear(self) -> None:
        self.cells = {}
        self.sum_ticks_lots = self.sum_ticks2_lots = self.sum_lots = 0
        self.buy_lots = self.sell_lots = self.trades = 0

    @property
    def volume_lots(self) -> int:
        return self.sum_lots

    @property
    def delta_lots(self) -> int:
        return self.buy_lots - self.sell_lots

    def add_trade(self, price_ticks: int, qty_lots: int, side: int) -> None:
        key = price_ticks - price_ticks % self.group_ticks
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = [0, 0, 0, 0]
        if side > 0:
            cell[BUY_LOTS] += qty_lots
            cell[BUY_TRADES] += 1
            self.buy_lots += qty_lots
        else:
            cell[SELL_LOTS] += qty_lots
            cell[SELL_TRADES] += 1
            self.sell_lots += qty_lots
        self.sum_ticks_lots += price_ticks * qty_lots
        self.sum_ticks2_lots += price_ticks * price_ticks * qty_lots
        self.sum_lots += qty_lots
        self.trades += 1

    def add_trades(self, price_ticks: npt.ArrayLike, qty_lots: npt.ArrayLike, side: npt.ArrayLike) -> None:
        """Add a batch: sorted by raw price and reduced per price in numpy, merged per price.

        Per-price sums stay int64 (exact); the products price × lots are formed as Python ints
        per distinct price, so `sum_ticks_lots` cannot overflow however long the session.
        """
        p, q, s = trade_arrays(PRICE_QTY_SIDE, price_ticks, qty_lots, side)
        n = p.shape[0]
        if n == 0:
            return
        if n <= SMALL_BATCH:
            add = self.add_trade
            for price, qty, sd in zip(p.tolist(), q.tolist(), s.tolist(), strict=True):
                add(price, qty, sd)
            return
        order = np.argsort(p, kind="stable")
        ps, qs, is_buy = p[order], q[order], s[order] > 0
        starts = np.flatnonzero(np.concatenate(([True], ps[1:] != ps[:-1])))
        buy_q = np.add.reduceat(np.where(is_buy, qs, 0), starts)
        all_q = np.add.reduceat(qs, starts)
        buy_n = np.add.reduceat(is_buy.astype(np.int64), starts)
        all_n = np.diff(np.append(starts, n))
        g = self.group_ticks
        cells = self.cells
        stl = st2 = 0
        for price, bq, aq, bn, an in zip(
            ps[starts].tolist(), buy_q.tolist(), all_q.tolist(), buy_n.tolist(), all_n.tolist(), strict=True
        ):
            key = price - price % g
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = [0, 0, 0, 0]
            cell[BUY_LOTS] += bq
            cell[SELL_LOTS] += aq - bq
            cell[BUY_TRADES] += bn
            cell[SELL_TRADES] += an - bn
            stl += price * aq
            st2 += price * price * aq
        total_buy = int(buy_q.sum())
        total = int(all_q.sum())
        self.sum_ticks_lots += stl
        self.sum_ticks2_lots += st2
        self.sum_lots += total
        self.buy_lots += total_buy
        self.sell_lots += total - total_buy
        self.trades += n

    def levels(self) -> Levels:
        return levels_from_cells(self.cells)

    def poc_ticks(self) -> int | None:
        if not self.cells:
            return None
        lv = self.levels()
        return point_of_control(lv.price_ticks, lv.volume_lots)

    def value_area(self, fraction: float | Fraction = 0.7) -> tuple[int, int] | None:
        if not self.cells:
            return None
        lv = self.levels()
        return value_area(lv.price_ticks, lv.volume_lots, fraction, self.group_ticks)

    def vwap_ticks(self) -> Fraction | None:
        """Exact VWAP in ticks; format with `Instrument.price_from_ratio`."""
        return vwap_of(self.sum_lots, self.sum_ticks_lots)

    def variance_ticks2(self) -> Fraction | None:
        """Exact volume-weighted variance of price in ticks² (σ of the VWAP bands)."""
        return variance_of(self.sum_lots, self.sum_ticks_lots, self.sum_ticks2_lots)
