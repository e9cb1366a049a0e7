"""Proof that the rebuilt book is right: its best bid/ask against the exchange's own BBO stream.

After each applied diff (update id u) the rebuilt best bid/ask is compared with the newest
exchange ticker whose update id is ≤ u. Tickers and diffs arrive on different streams, so a
ticker with a smaller id can arrive after the diff it belongs to; the checker therefore holds a
diff's book top until a ticker with a larger id has been seen (or the stream ends), and looks
the matching ticker up in a short history. Memory stays bounded either way.

Tickers come ten times as often as diffs, yet only the one just before each diff is ever
compared. So a batch's tickers are handed over once, at its end, as one flat list of ints (id and
top, `TOP_STRIDE` a ticker: `on_tops`): ids are taken with a C-level slice and filtered with
C-level loops (accumulate, compress), the per-diff lookups are bisections of a list, and no
Python code and no object runs per ticker. Plain ints, not one tuple per ticker: tens of
thousands of held tuples made the garbage collector walk them again and again. Deferring is
exact: once a ticker with a larger id has been accepted, the accepted tickers at or before a
diff's id can no longer change (an older ticker arriving later is out of order on its own stream
and ignored).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from itertools import accumulate, chain, compress
from operator import eq, itemgetter

Top = tuple[int | None, int, int | None, int]
"""(best bid ticks, its lots, best ask ticks, its lots); None for an empty side."""

TickerRow = Sequence[int]
"""A BookTicker, or any row with the update id at [2] and the top at [3:7]."""

TOP_STRIDE = 5
"""Ints per ticker in `on_tops`: update id, best bid ticks, its lots, best ask ticks, its lots."""

_ROW = itemgetter(2, 3, 4, 5, 6)


class BboCheck:
    """Counts checks and mismatches; keeps the first few mismatches for diagnosis."""

    def __init__(self, history: int = 4096, max_pending: int = 4096, keep_mismatches: int = 10) -> None:
        self._history = history
        self._ticker_ids: list[int] = []
        self._tops: list[int] = []  # TOP_STRIDE ints per accepted ticker, id first
        self._pending: deque[tuple[int, Top]] = deque()
        self._max_pending = max_pending
        self._keep = keep_mismatches
        self.checks = 0
        self.mismatches = 0
        self.unmatched = 0  # book tops with no ticker at or before them (start of a stream)
        self.examples: list[tuple[int, Top, Top]] = []

    def on_ticker(self, update_id: int, top: Top) -> None:
        self.on_tops([update_id, *top])  # type: ignore[list-item]

    def on_tickers(self, tickers: Sequence[TickerRow]) -> None:
        """BookTicker rows in arrival order (see `on_tops`)."""
        self.on_tops(list(chain.from_iterable(map(_ROW, tickers))))

    def on_tops(self, flat: list[int]) -> None:
        """Tickers in arrival order as `TOP_STRIDE` ints each (id, bid, bid lots, ask, ask lots),
        after the `on_book` calls of the diffs applied before them."""
        if not flat:
            return
        ids = flat[::TOP_STRIDE]
        known = self._ticker_ids
        floor = known[-1] if known else ids[0]
        newest = list(accumulate(ids, max, initial=floor))
        del newest[0]
        if ids != newest:  # an older ticker after a newer one: the newer one already stands
            keep = list(map(eq, ids, newest))
            ids = list(compress(ids, keep))
            flat = list(compress(flat, chain.from_iterable([k] * TOP_STRIDE for k in keep)))
        known.extend(ids)
        self._tops.extend(flat)
        last = known[-1]
        pending = self._pending
        while pending and pending[0][0] < last:
            self._resolve(*pending.popleft())
        if len(known) > 2 * self._history:
            del known[: -self._history]
            del self._tops[: -self._history * TOP_STRIDE]

    def on_book(self, update_id: int, top: Top) -> None:
        if self._ticker_ids and update_id < self._ticker_ids[-1]:
            self._resolve(update_id, top)
            return
        self._pending.append((update_id, top))
        if len(self._pending) > self._max_pending:
            self._resolve(*self._pending.popleft())

    def finish(self) -> None:
        """Resolve what is still waiting (the stream has ended)."""
        while self._pending:
            self._resolve(*self._pending.popleft())

    def _resolve(self, update_id: int, book: Top) -> None:
        i = bisect_right(self._ticker_ids, update_id)
        if i == 0:
            self.unmatched += 1
            return
        at = (i - 1) * TOP_STRIDE + 1
        ticker: Top = tuple(self._tops[at : at + 4])  # type: ignore[assignment]
        self.checks += 1
        if book != ticker:
            self.mismatches += 1
            if len(self.examples) < self._keep:
                self.examples.append((update_id, book, ticker))
