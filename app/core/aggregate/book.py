"""The aggregate's book: the legs' books summed (or one leg's book) on the common grid, in base units.

`SummedBook` keeps it level by level from the legs' depth events (the cost of each change, not
of the book); `load_summed` builds the same from whole books (a reference, and for tests). Bids
round down and asks up to their grid row (docs/ARCHITECTURE.md, "Numbers"). Where the best bid
and ask are is told by the legs' exact prices, not by the grid rows, which several venues share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from app.core.aggregate.instrument import AggregateInstrument
from app.core.book import OrderBook
from app.core.events import Level

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BestVenues:
    """Which leg quotes the best bid and the best ask (None: no leg has that side)."""

    bid: int | None
    ask: int | None


def _side(levels: dict[int, int]) -> tuple[I64, I64]:
    n = len(levels)
    return np.fromiter(levels.keys(), np.int64, n), np.fromiter(levels.values(), np.int64, n)


_DENSE = 8  # a side spanning at most this many grid rows per level is summed with one bincount


def _summed(keys: list[I64], units: list[I64]) -> dict[int, int]:
    """Grid row -> summed units (rows summing to 0 left out).

        `bincount` over the rows a side spans is several times faster than sorting the keys. Its
    float64 sums are exact: every partial sum is an integer far below 2^53 units (~90 M BTC in
    units of 1e-8), which no book level reaches. A side with far-away levels (Binance keeps bids
    at a hundredth of the price) is sparse over its span, and is sorted instead."""
    if not keys:
        return {}
    k = np.concatenate(keys)
    u = np.concatenate(units)
    if k.shape[0] == 0:
        return {}
    low, high = int(k.min()), int(k.max())
    if high - low < _DENSE * k.shape[0] and int(u.max()) < 2**52 // k.shape[0]:
        sums = np.bincount(k - low, weights=u).astype(np.int64)
        rows = np.flatnonzero(sums > 0)
        return dict(zip((rows + low).tolist(), sums[rows].tolist(), strict=True))
    order = np.argsort(k, kind="stable")
    k, u = k[order], u[order]
    starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    total = np.add.reduceat(u, starts)
    keep = total > 0
    return dict(zip(k[starts][keep].tolist(), total[keep].tolist(), strict=True))


def load_summed(
    target: OrderBook, agg: AggregateInstrument, books: Sequence[OrderBook], legs: Sequence[int]
) -> None:
    """Replace `target` with the sum of `books[i]` for i in `legs`, on the grid in base units."""
    bid_keys: list[I64] = []
    bid_units: list[I64] = []
    ask_keys: list[I64] = []
    ask_units: list[I64] = []
    updated = 0
    for i in legs:
        book, scale = books[i], agg.scales[i]
        prices, lots = _side(book.bids)
        bid_keys.append(scale.grid_floor(prices))
        bid_units.append(scale.base_units(lots, prices))
        prices, lots = _side(book.asks)
        ask_keys.append(scale.grid_ceil(prices))
        ask_units.append(scale.base_units(lots, prices))
        updated = max(updated, book.updated_ns)
    target.adopt(_summed(bid_keys, bid_units), _summed(ask_keys, ask_units), target.update_id + 1, updated)


def best_venues(agg: AggregateInstrument, books: Sequence[OrderBook], legs: Sequence[int]) -> BestVenues:
    """The leg with the highest bid and the one with the lowest ask, by exact price (first on ties)."""
    bid: tuple[Fraction, int] | None = None
    ask: tuple[Fraction, int] | None = None
    for i in legs:
        book = books[i]
        top = book.best_bid
        if top is not None:
            price = agg.leg_price(i, top)
            if bid is None or price > bid[0]:
                bid = (price, i)
        top = book.best_ask
        if top is not None:
            price = agg.leg_price(i, top)
            if ask is None or price < ask[0]:
                ask = (price, i)
    return BestVenues(None if bid is None else bid[1], None if ask is None else ask[1])


class SummedBook:
    """The aggregate's book kept up to date level by level from the legs' depth events.

    Rebuilding from whole books costs the book's size (~2 ms for Binance's 10,000 levels) at
    every change; this costs each changed level: its old contribution (grid row, base units) is
    taken out of its row and the new one put in, in the summed rows, and in the leg's own rows
    only while that leg's book is the one shown (so the usual summed view pays one dict update a
    level less; a leg's rows are summed from its levels once when it is picked). A leg's snapshot
    replaces that leg's contribution. `shown` is the book the views read: every leg summed, or
    one leg's rows (`show`), updated with the rows each event changed.
    """

    def __init__(self, agg: AggregateInstrument, shown: OrderBook) -> None:
        n = len(agg.legs)
        self._agg = agg
        self.shown = shown
        self.venue: int | None = None
        self._levels: list[tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]] = [
            ({}, {}) for _ in range(n)
        ]
        self._rows: list[tuple[dict[int, int], dict[int, int]]] = [({}, {}) for _ in range(n)]
        self._summed: tuple[dict[int, int], dict[int, int]] = ({}, {})

    def rows(self, leg: int | None) -> tuple[dict[int, int], dict[int, int]]:
        """Grid row -> base units of one leg's book, or of all summed (None); read-only."""
        if leg is None:
            return self._summed
        return self._rows[leg] if leg == self.venue else self._leg_rows(leg)

    def _leg_rows(self, leg: int) -> tuple[dict[int, int], dict[int, int]]:
        """A leg's rows summed from its levels (the cost of its book, once when it is picked)."""
        out: tuple[dict[int, int], dict[int, int]] = ({}, {})
        for side in (0, 1):
            rows = out[side]
            for row, units in self._levels[leg][side].values():
                rows[row] = rows.get(row, 0) + units
        return out

    def show(self, venue: int | None) -> None:
        self._rows = [({}, {}) for _ in self._rows]  # only the shown leg's rows are kept
        if venue is not None:
            self._rows[venue] = self._leg_rows(venue)
        self.venue = venue
        bids, asks = self.rows(venue)
        self.shown.adopt(dict(bids), dict(asks), self.shown.update_id + 1, self.shown.updated_ns)

    def load_leg(self, leg: int, bids: Iterable[Level], asks: Iterable[Level], exchange_ns: int) -> None:
        """Leg `leg`'s whole book is now `bids`/`asks` (a snapshot, or its book when it joins)."""
        changed: tuple[set[int], set[int]] = (set(), set())
        for side in (0, 1):
            self._change(leg, side, [(price, 0) for price in self._levels[leg][side]], changed[side])
        self._change(leg, 0, bids, changed[0])
        self._change(leg, 1, asks, changed[1])
        self._publish(leg, changed, exchange_ns)

    def apply_leg(self, leg: int, bids: Iterable[Level], asks: Iterable[Level], exchange_ns: int) -> None:
        """Absolute level sizes of one diff of leg `leg` (0 removes the level)."""
        changed: tuple[set[int], set[int]] = (set(), set())
        self._change(leg, 0, bids, changed[0])
        self._change(leg, 1, asks, changed[1])
        self._publish(leg, changed, exchange_ns)

    def _change(self, leg: int, side: int, new: Iterable[Level], changed: set[int]) -> None:
        """Each level's old contribution out of its rows, the new one in: one loop over the diff's
        levels with everything it reads held locally (a call per level cost half the ingest of an
        aggregated window). Most levels of a diff resize a resting level: its row then moves by
        the difference alone (one dict update, no grid arithmetic); an unchanged size changes
        nothing."""
        levels = self._levels[leg][side]
        rows = self._rows[leg][side] if leg == self.venue else None
        summed = self._summed[side]
        scale = self._agg.scales[leg]
        num, den = scale.price_num, scale.price_den
        inverse, factor = scale.inverse, scale.qty_factor
        units_of = scale.base_units_one
        get, add = levels.get, changed.add
        for price, qty in new:
            units = (units_of(qty, price) if inverse else qty * factor) if qty > 0 else 0
            old = get(price)
            if old is None:
                if units > 0:  # a new level
                    row = (price * num) // den if side == 0 else -((-price * num) // den)
                    levels[price] = (row, units)
                    if rows is not None:
                        rows[row] = rows.get(row, 0) + units
                    summed[row] = summed.get(row, 0) + units
                    add(row)
                continue
            row, was = old  # the same price: the same row
            if units > 0:  # a level resized: its row by the difference (and still above 0)
                if units != was:
                    levels[price] = (row, units)
                    if rows is not None:
                        rows[row] += units - was
                    summed[row] += units - was
                    add(row)
                continue
            del levels[price]  # a level removed
            if rows is not None:
                left = rows[row] - was
                if left:
                    rows[row] = left
                else:
                    del rows[row]
            left = summed[row] - was
            if left:
                summed[row] = left
            else:
                del summed[row]
            add(row)

    def _publish(self, leg: int, changed: tuple[set[int], set[int]], exchange_ns: int) -> None:
        if self.venue is not None and leg != self.venue:
            return
        bids, asks = self.rows(self.venue)
        self.shown.apply(
            [(row, bids.get(row, 0)) for row in changed[0]],
            [(row, asks.get(row, 0)) for row in changed[1]],
            self.shown.update_id + 1,
            max(self.shown.updated_ns, exchange_ns),
        )
