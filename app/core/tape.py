"""The trade tape: every print in a fixed-capacity ring of numpy columns.

Columns rather than trade objects, so that views (time and sales, footprint regrouping, CVD,
statistics) slice and vectorise over thousands of prints at once, and memory stays bounded for a
24 h session: capacity × 41 bytes, allocated once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]

DEFAULT_CAPACITY = 1 << 22  # 4.2 M prints ≈ 170 MB, most of a very busy day of BTCUSDT


class TradeColumns(NamedTuple):
    """A chronological slice of the tape (copies or views: treat as read-only)."""

    exchange_ns: I64
    receive_ns: I64
    price_ticks: I64
    qty_lots: I64
    side: I8
    trade_id: I64

    @property
    def size(self) -> int:
        """Number of prints (len() of a NamedTuple is its field count, so it has its own name)."""
        return int(self.exchange_ns.shape[0])

    @staticmethod
    def from_rows(rows: Sequence[Sequence[int]]) -> TradeColumns:
        """Build from (exchange_ns, receive_ns, price_ticks, qty_lots, side, trade_id) rows,
        such as a list of `Trade` events, in one numpy conversion."""
        if not rows:
            return _columns([np.zeros(0, np.int64)] * 4 + [np.zeros(0, np.int8), np.zeros(0, np.int64)])
        table = np.array(rows, dtype=np.int64)
        return TradeColumns(
            table[:, 0], table[:, 1], table[:, 2], table[:, 3], table[:, 4].astype(np.int8), table[:, 5]
        )


def _columns(cols: list[npt.NDArray[Any]]) -> TradeColumns:
    return TradeColumns(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])


class Tape:
    """Ring buffer of trades. `total` counts every print ever added; the ring keeps the newest."""

    __slots__ = ("_cols", "_head", "capacity", "total")

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._cols = TradeColumns(
            np.zeros(capacity, np.int64),
            np.zeros(capacity, np.int64),
            np.zeros(capacity, np.int64),
            np.zeros(capacity, np.int64),
            np.zeros(capacity, np.int8),
            np.zeros(capacity, np.int64),
        )
        self._head = 0  # index of the next write
        self.total = 0

    def __len__(self) -> int:
        return min(self.total, self.capacity)

    def extend(self, batch: TradeColumns) -> None:
        """Append a chronological batch (wrapping around, dropping the oldest when full)."""
        n = batch.size
        if n == 0:
            return
        if n > self.capacity:
            batch = _columns([col[-self.capacity :] for col in batch])
            self.total += n - self.capacity
            n = self.capacity
        start = self._head
        first = min(n, self.capacity - start)
        dsts: list[npt.NDArray[Any]] = list(self._cols)
        srcs: list[npt.NDArray[Any]] = list(batch)
        for dst, src in zip(dsts, srcs, strict=True):
            dst[start : start + first] = src[:first]
            if first < n:
                dst[: n - first] = src[first:]
        self._head = (start + n) % self.capacity
        self.total += n

    def last(self, n: int) -> TradeColumns:
        """The newest `n` prints (fewer if the tape holds fewer), oldest first, as copies."""
        n = min(n, len(self))
        start = (self._head - n) % self.capacity
        if start + n <= self.capacity:
            return _columns([col[start : start + n].copy() for col in self._cols])
        return _columns([np.concatenate((col[start:], col[: self._head])) for col in self._cols])

    def since(self, total_before: int) -> TradeColumns:
        """Prints added after the tape's `total` was `total_before` (as far as the ring still holds)."""
        return self.last(max(0, self.total - total_before))

    def all(self) -> TradeColumns:
        return self.last(len(self))


@dataclass(slots=True)
class TapeCursor:
    """How far one reader has read a tape: "the prints since I last looked".

    Every view that folds prints into its own state (ladder volume, tape rows, footprint bars,
    CVD) keeps one, so that a frame hands it only the new prints. The cursor is bound to the tape
    it last read: another tape (the market was replaced) or one whose total went backwards makes
    the next `take` start over from everything that tape still holds. Prints the bounded ring
    dropped before the reader saw them cannot be returned; `missed_prints` counts them so that a
    reader that must be exact can rebuild instead.
    """

    seen_total: int = 0
    missed_prints: int = 0  # dropped by the ring before the last `take` could return them
    _tape: Tape | None = field(default=None, repr=False)

    def restarts(self, tape: Tape) -> bool:
        """True if `take(tape)` starts over: a tape this cursor never read, or one that went back."""
        return tape is not self._tape or tape.total < self.seen_total

    def pending(self, tape: Tape) -> bool:
        """True if `tape` has prints this reader has not taken (or is a tape it must start over on)."""
        return self.restarts(tape) or tape.total != self.seen_total

    def take(self, tape: Tape) -> TradeColumns:
        """The prints added since the last `take` (or `skip`), oldest first, as copies."""
        if self.restarts(tape):
            self._tape = tape
            self.seen_total = 0
        new = tape.total - self.seen_total
        self.missed_prints = max(0, new - len(tape))
        self.seen_total = tape.total
        return tape.last(new)

    def skip(self, tape: Tape) -> None:
        """Mark every print of `tape` as read (the reader has just rebuilt from `tape.all()`)."""
        self._tape = tape
        self.seen_total = tape.total
        self.missed_prints = 0

    def reset(self) -> None:
        """Forget the tape: the next `take` returns everything the tape it is given holds."""
        self._tape = None
        self.seen_total = 0
        self.missed_prints = 0
