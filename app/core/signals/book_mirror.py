"""The engine's own copy of the book, advanced change by change between the orders.

The market's book is read only after a whole batch was applied, so a detector reading it would
see a different book depending on where the batch was cut. The engine therefore replays the
market's depth log (`MarketState.watch_depth`) on a mirror, in the order the changes were applied
among the prints. The mirror is two plain dicts updated with `dict.update` — C speed, about 30 ns
per level against the ~100 ns of `OrderBook.apply` — at the price of keeping removed levels as
zeros (pruned when they pile up) and of having no best price: the detectors judge distance from the
last traded price, which is what a trader watches anyway.
"""

from __future__ import annotations

from app.core.book import OrderBook
from app.core.events import DepthDiff, DepthSnapshot

_PRUNE_AT = 50_000  # levels held (live and zero) before the zeros are dropped


class BookMirror:
    """Resting lots per price, bids and asks; a missing or zero entry means no size."""

    __slots__ = ("asks", "bids")

    def __init__(self, book: OrderBook | None = None) -> None:
        self.bids: dict[int, int] = dict(book.bids) if book is not None else {}
        self.asks: dict[int, int] = dict(book.asks) if book is not None else {}

    def apply(self, change: DepthDiff | DepthSnapshot) -> None:
        if type(change) is DepthSnapshot:
            self.bids = dict(change.bids)
            self.asks = dict(change.asks)
            return
        self.bids.update(change.bids)
        self.asks.update(change.asks)

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
