"""The aggregate's book: the legs' books summed (or one leg's book) on the common grid, in base units.

Built whole from the legs' books rather than diff by diff: a book is bounded (a few thousand
levels), the build is a handful of numpy calls per leg (~0.1 ms for Binance's 2,000 levels), and
it runs at most once per painted frame, only when a leg's book changed. Bids round down and asks
up to their grid row (docs/ARCHITECTURE.md, "Numbers"). Where the best bid and ask are is told by
the legs' exact prices, not by the grid rows, which several venues may share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from app.core.aggregate.instrument import AggregateInstrument
from app.core.book import OrderBook

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BestVenues:
    """Which leg quotes the best bid and the best ask (None: no leg has that side)."""

    bid: int | None
    ask: int | None


def _side(levels: dict[int, int]) -> tuple[I64, I64]:
    n = len(levels)
    return np.fromiter(levels.keys(), np.int64, n), np.fromiter(levels.values(), np.int64, n)


def _summed(keys: list[I64], units: list[I64]) -> dict[int, int]:
    if not keys:
        return {}
    k = np.concatenate(keys)
    u = np.concatenate(units)
    if k.shape[0] == 0:
        return {}
    order = np.argsort(k, kind="stable")
    k, u = k[order], u[order]
    starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    sums = np.add.reduceat(u, starts)
    return {key: qty for key, qty in zip(k[starts].tolist(), sums.tolist(), strict=True) if qty > 0}


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
    bids, asks = _summed(bid_keys, bid_units), _summed(ask_keys, ask_units)
    target.load(bids.items(), asks.items(), target.update_id + 1, updated)


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
