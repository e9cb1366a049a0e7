"""Proof that the rebuilt book is right: its best bid/ask against the exchange's own BBO stream.

After each applied diff (update id u) the rebuilt best bid/ask is compared with the newest
exchange ticker whose update id is ≤ u. Tickers and diffs arrive on different streams, so a
ticker with a smaller id can arrive after the diff it belongs to; the checker therefore holds a
diff's book top until a ticker with a larger id has been seen (or the stream ends), and looks
the matching ticker up in a short history. Memory stays bounded either way.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque

Top = tuple[int | None, int, int | None, int]
"""(best bid ticks, its lots, best ask ticks, its lots); None for an empty side."""


class BboCheck:
    """Counts checks and mismatches; keeps the first few mismatches for diagnosis."""

    def __init__(self, history: int = 4096, max_pending: int = 4096, keep_mismatches: int = 10) -> None:
        self._ticker_ids: deque[int] = deque(maxlen=history)
        self._tickers: deque[Top] = deque(maxlen=history)
        self._pending: deque[tuple[int, Top]] = deque()
        self._max_pending = max_pending
        self._keep = keep_mismatches
        self.checks = 0
        self.mismatches = 0
        self.unmatched = 0  # book tops with no ticker at or before them (start of a stream)
        self.examples: list[tuple[int, Top, Top]] = []

    def on_ticker(self, update_id: int, top: Top) -> None:
        ids = self._ticker_ids
        if ids and update_id < ids[-1]:
            return  # out of order on its own stream: the newer one already stands
        pending = self._pending
        while pending and pending[0][0] < update_id:
            self._resolve(*pending.popleft())
        ids.append(update_id)
        self._tickers.append(top)

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
        ticker = self._tickers[i - 1]
        self.checks += 1
        if book != ticker:
            self.mismatches += 1
            if len(self.examples) < self._keep:
                self.examples.append((update_id, book, ticker))
