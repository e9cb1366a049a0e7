"""The engine's own copy of the book, advanced change by change between the orders.

The market's book is read only after a whole batch was applied, so a detector reading it would
see a different book depending on where the batch was cut. The engine therefore replays the
market's depth log (`MarketState.watch_depth`) on a mirror, in the order the changes were applied
among the prints. The mirror is two plain dicts updated with `dict.update` — C speed, about 30 ns
per level against the ~100 ns of `OrderBook.apply` — at the price of keeping removed levels as
zeros (pruned when they pile up) and of having no best price: the detectors judge distance from the
last traded price, which is what a trader watches anyway.

The changes wait in a `CompactDepthLog` until the engine's next call: each diff's levels are
copied into two plain dicts as it is applied, and the diff itself is let go. Holding the diffs'
lists of level tuples through a batch instead made the garbage collector run and re-scan them
(≈ 50 ms per 6 minutes of BTCUSDT, measured: docs/BENCHMARKS.md); dicts of ints are not tracked.
"""

from __future__ import annotations

from app.core.book import OrderBook
from app.core.market import DepthChange

_PRUNE_AT = 50_000  # levels held (live and zero) before the zeros are dropped


Compact = tuple[int, int, bool, dict[int, int], dict[int, int]]
"""One logged depth change: (prints before it, exchange ns, is a snapshot, bids, asks)."""


class CompactDepthLog:
    """A `DepthSink` for `MarketState.watch_depth_with` that keeps each change as `Compact`."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Compact] = []

    def append(self, change: DepthChange, /) -> None:
        before, event = change
        snapshot = len(event) == 5  # DepthSnapshot; a DepthDiff has 7 fields
        self.items.append((before, event.exchange_ns, snapshot, dict(event.bids), dict(event.asks)))


class BookMirror:
    """Resting lots per price, bids and asks; a missing or zero entry means no size."""

    __slots__ = ("asks", "bids")

    def __init__(self, book: OrderBook | None = None) -> None:
        self.bids: dict[int, int] = dict(book.bids) if book is not None else {}
        self.asks: dict[int, int] = dict(book.asks) if book is not None else {}

    def apply(self, change: Compact) -> None:
        if change[2]:  # a snapshot: the book is replaced (the log's dicts are ours to keep)
            self.bids = change[3]
            self.asks = change[4]
            return
        self.bids.update(change[3])
        self.asks.update(change[4])

    def prune(self) -> None:
        """Drop the zero levels once they outnumber the live ones (lookups answer 0 either way)."""
        if len(self.bids) + len(self.asks) > _PRUNE_AT:
            self.bids = {p: q for p, q in self.bids.items() if q}
            self.asks = {p: q for p, q in self.asks.items() if q}

    def side(self, book_side: int) -> dict[int, int]:
        """+1: the bids, -1: the asks."""
        return self.bids if book_side > 0 else self.asks

    def lots_between(self, book_side: int, lo_ticks: int, hi_ticks: int) -> int:
        """Resting lots on one side at prices lo..hi inclusive."""
        levels = self.side(book_side)
        get = levels.get
        return sum(get(p, 0) for p in range(lo_ticks, hi_ticks + 1))
