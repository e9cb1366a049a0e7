"""The trade tape: every print in a fixed-capacity ring of numpy columns.

Columns rather than trade objects, so that views (time and sales, footprint regrouping, CVD,
statistics) slice and vectorise over thousands of prints at once, and memory stays bounded for a
24 h session: capacity × 29 bytes, allocated once.

Stored narrow, read wide. Four venues' day is ~15 M prints, and at 41 bytes a print (six int64
columns) the tapes alone passed the 600 MB budget. Price (as ticks from the tape's first price),
quantity and the receive lag (receive minus exchange time) fit int32 for every market seen, so
they are kept as int32 and widened, once and exactly, to int64 the first time a value does not
fit. Readers never see the narrow form: `last()` returns int64 copies, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]

DEFAULT_CAPACITY = 1 << 22  # 4.2 M prints ≈ 120 MB, most of a very busy day of BTCUSDT
_I32_MIN = -(2**31)
_I32_MAX = 2**31 - 1
_SMALL_BATCH = 64
_SIX = 6  # fields of a print row


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
        if all(map(_SIX.__eq__, map(len, rows))):
            # one flat pass in C: np.array walks each NamedTuple as a generic sequence (~3x slower)
            table = np.fromiter(chain.from_iterable(rows), np.int64, _SIX * len(rows)).reshape(-1, _SIX)
        else:
            table = np.array(rows, dtype=np.int64)  # ragged: numpy's own error
        return TradeColumns(
            table[:, 0], table[:, 1], table[:, 2], table[:, 3], table[:, 4].astype(np.int8), table[:, 5]
        )


def _columns(cols: list[npt.NDArray[Any]]) -> TradeColumns:
    return TradeColumns(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])


class _NarrowColumn:
    """An int64 column stored as int32 offsets from `base` until a value does not fit."""

    __slots__ = ("base", "data")

    def __init__(self, capacity: int, base: int | None = None) -> None:
        self.data: npt.NDArray[Any] = np.empty(capacity, np.int32)  # see Tape.__init__
        self.base = base  # None: taken from the first values stored

    def encode(self, values: I64) -> npt.NDArray[Any]:
        """`values` as this column stores them (widening the column first if they need it)."""
        if self.base is None:
            self.base = int(values[0])
        offsets = values - self.base if self.base else values
        if self.data.dtype == np.int32:
            # a live batch is a few prints: numpy's reductions cost ~2 µs a call, a list's min/max less
            if offsets.shape[0] <= _SMALL_BATCH:
                seen = offsets.tolist()
                low, high = min(seen), max(seen)
            else:
                low, high = int(offsets.min()), int(offsets.max())
            if low < _I32_MIN or high > _I32_MAX:
                self.data = self.data.astype(np.int64)
                return offsets
            return offsets.astype(np.int32)
        return offsets

    def decode(self, stored: npt.NDArray[Any]) -> I64:
        """Stored offsets (a slice or a concatenation of slices) back to int64 values."""
        out = stored.astype(np.int64)
        if self.base:
            out += self.base
        return out

    @property
    def nbytes_per_value(self) -> int:
        return int(self.data.dtype.itemsize)


class Tape:
    """Ring buffer of trades. `total` counts every print ever added; the ring keeps the newest."""

    __slots__ = (
        "_exchange_ns",
        "_head",
        "_lag_ns",
        "_price",
        "_qty",
        "_side",
        "_trade_id",
        "capacity",
        "total",
    )

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        # np.empty, not zeros: only written slots are ever read, and a ring of 4 M prints is
        # ~120 MB. Zeroing it cost every new market (each replay pass, restart and backward
        # seek) a memset of all of it once the allocator reused freed memory (~10-20 ms, and the
        # whole ring resident at once); empty pages are only touched as prints arrive.
        self._exchange_ns = np.empty(capacity, np.int64)
        self._lag_ns = _NarrowColumn(capacity, base=0)  # receive_ns - exchange_ns
        self._price = _NarrowColumn(capacity)  # ticks from the first price
        self._qty = _NarrowColumn(capacity, base=0)
        self._side = np.empty(capacity, np.int8)
        self._trade_id = np.empty(capacity, np.int64)
        self._head = 0  # index of the next write
        self.total = 0

    def __len__(self) -> int:
        return min(self.total, self.capacity)

    @property
    def bytes_per_print(self) -> int:
        """What one print costs in the ring now (29 until a column had to widen)."""
        narrow = self._lag_ns.nbytes_per_value + self._price.nbytes_per_value + self._qty.nbytes_per_value
        return 8 + narrow + 1 + 8

    def extend(self, batch: TradeColumns) -> None:
        """Append a chronological batch (wrapping around, dropping the oldest when full)."""
        n = batch.size
        if n == 0:
            return
        if n > self.capacity:
            batch = _columns([col[-self.capacity :] for col in batch])
            self.total += n - self.capacity
            n = self.capacity
        pairs: list[tuple[npt.NDArray[Any], npt.NDArray[Any]]] = [
            (self._exchange_ns, batch.exchange_ns),
            (self._side, batch.side),
            (self._trade_id, batch.trade_id),
        ]
        # encode first: a column that widens replaces its array before it is written
        for column, values in (
            (self._lag_ns, batch.receive_ns - batch.exchange_ns),
            (self._price, batch.price_ticks),
            (self._qty, batch.qty_lots),
        ):
            encoded = column.encode(values)
            pairs.append((column.data, encoded))
        start = self._head
        first = min(n, self.capacity - start)
        for dst, src in pairs:
            dst[start : start + first] = src[:first]
            if first < n:
                dst[: n - first] = src[first:]
        self._head = (start + n) % self.capacity
        self.total += n

    def last(self, n: int) -> TradeColumns:
        """The newest `n` prints (fewer if the tape holds fewer), oldest first, as int64 copies."""
        n = min(n, len(self))
        start = (self._head - n) % self.capacity
        head = self._head

        def take(col: npt.NDArray[Any]) -> npt.NDArray[Any]:
            if start + n <= self.capacity:
                return col[start : start + n]
            return np.concatenate((col[start:], col[:head]))

        exchange_ns = take(self._exchange_ns).copy()
        receive_ns = self._lag_ns.decode(take(self._lag_ns.data))
        receive_ns += exchange_ns
        return TradeColumns(
            exchange_ns,
            receive_ns,
            self._price.decode(take(self._price.data)),
            self._qty.decode(take(self._qty.data)),
            take(self._side).copy(),
            take(self._trade_id).copy(),
        )

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
