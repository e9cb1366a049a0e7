"""Prints grouped into aggressor orders, and a bounded chronological log of such groups.

Binance aggTrade (and most venues' trade streams) report one print per price level, so one taker
order that sweeps four levels arrives as four prints with the same exchange time and side. The time
and sales view reconstructs the order (ATAS "smart tape", Jigsaw's reconstructed tape): consecutive
prints with equal exchange time and equal side form one group, with the total size, the first and
last price, the worst price the order reached and the print count.

A feed delivers prints in batches that may cut a group in two, so `PrintGroupLog.extend` merges the
first group of a batch into the last stored group when they continue each other. The result does not
depend on where the batches were cut (tested property).

The log keeps at most `capacity` groups in contiguous numpy columns (a buffer twice the capacity,
compacted when full), so slicing and filtering 20,000 rows stays vectorised and memory stays flat.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from app.core.tape import TradeColumns

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]


class GroupColumns(NamedTuple):
    """Print groups, oldest first (copies or views: treat as read-only).

    `worst_ticks` is the price the order reached: the highest print of a buy, the lowest of a sell.
    """

    exchange_ns: I64
    side: I8
    first_ticks: I64
    last_ticks: I64
    worst_ticks: I64
    qty_lots: I64
    prints: I64

    @property
    def size(self) -> int:
        return int(self.exchange_ns.shape[0])


def _group_columns(cols: list[npt.NDArray[Any]]) -> GroupColumns:
    return GroupColumns(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6])


def _zeros(n: int) -> list[npt.NDArray[Any]]:
    cols: list[npt.NDArray[Any]] = [np.zeros(n, np.int64) for _ in range(7)]
    cols[1] = np.zeros(n, np.int8)
    return cols


def empty_groups() -> GroupColumns:
    return _group_columns(_zeros(0))


def group_starts(batch: TradeColumns, raw: bool = False) -> I64:
    """Index of the first print of every group in `batch` (every print when `raw`)."""
    n = batch.size
    if raw or n == 0:
        return np.arange(n, dtype=np.int64)
    ns = batch.exchange_ns
    side = batch.side
    cut = (ns[1:] != ns[:-1]) | (side[1:] != side[:-1])
    return np.concatenate((np.zeros(1, np.int64), np.flatnonzero(cut).astype(np.int64) + 1))


def aggregate_prints(batch: TradeColumns, raw: bool = False) -> GroupColumns:
    """Group consecutive prints of one aggressor order (same exchange time and side).

    With `raw`, every print is its own group, so the raw tape and the aggregated tape share one
    row type and one drawing path.
    """
    n = batch.size
    if n == 0:
        return empty_groups()
    starts = group_starts(batch, raw)
    ends = np.append(starts[1:], n) - 1
    side = batch.side[starts].astype(np.int8)
    if raw:
        worst = batch.price_ticks.copy()
        qty = batch.qty_lots.copy()
    else:
        high = np.maximum.reduceat(batch.price_ticks, starts)
        low = np.minimum.reduceat(batch.price_ticks, starts)
        worst = np.where(side > 0, high, low).astype(np.int64)
        qty = np.add.reduceat(batch.qty_lots, starts).astype(np.int64)
    return GroupColumns(
        batch.exchange_ns[starts].astype(np.int64),
        side,
        batch.price_ticks[starts].astype(np.int64),
        batch.price_ticks[ends].astype(np.int64),
        worst,
        qty,
        (ends - starts + 1).astype(np.int64),
    )


class PrintGroupLog:
    """The newest `capacity` print groups, oldest first, each with a stable absolute id.

    Ids count every group ever started (`total`); the log holds ids `first_id .. total - 1`. A group
    that continues across batches keeps its id and is updated in place (`revision` counts such
    updates, so a cache of formatted rows can notice them).
    """

    __slots__ = ("_buf", "_start", "_stop", "capacity", "first_id", "raw", "revision", "total")

    def __init__(self, capacity: int = 20_000, raw: bool = False) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self.raw = raw
        self._buf = _group_columns(_zeros(2 * capacity))
        self._start = 0  # buffer index of the oldest held group
        self._stop = 0  # buffer index after the newest
        self.first_id = 0
        self.total = 0
        self.revision = 0

    def __len__(self) -> int:
        return self._stop - self._start

    def clear(self) -> None:
        self._start = self._stop = 0
        self.first_id = self.total = 0
        self.revision += 1

    def extend(self, batch: TradeColumns) -> None:
        """Append a chronological batch of prints, merging a group the previous batch left open."""
        groups = aggregate_prints(batch, self.raw)
        if groups.size == 0:
            return
        if not self.raw and len(self) and self._continues(groups):
            self._merge_first(groups)
            groups = _group_columns([col[1:] for col in groups])
            self.revision += 1
        self._append(groups)

    def columns(self, first_id: int | None = None, stop_id: int | None = None) -> GroupColumns:
        """Held groups with ids in [first_id, stop_id) as read-only views (valid until the next write)."""
        lo = self.first_id if first_id is None else max(first_id, self.first_id)
        hi = self.total if stop_id is None else min(stop_id, self.total)
        hi = max(hi, lo)
        a = self._start + lo - self.first_id
        b = self._start + hi - self.first_id
        return _group_columns([col[a:b] for col in self._buf])

    def ids_at_least(self, min_lots: int) -> I64:
        """Absolute ids of held groups of at least `min_lots` (all held ids when `min_lots` <= 0)."""
        if min_lots <= 0:
            return np.arange(self.first_id, self.total, dtype=np.int64)
        qty = self._buf.qty_lots[self._start : self._stop]
        return np.flatnonzero(qty >= min_lots).astype(np.int64) + self.first_id

    # -- internals -------------------------------------------------------------------------

    def _continues(self, groups: GroupColumns) -> bool:
        last = self._stop - 1
        return bool(
            self._buf.exchange_ns[last] == groups.exchange_ns[0] and self._buf.side[last] == groups.side[0]
        )

    def _merge_first(self, groups: GroupColumns) -> None:
        i = self._stop - 1
        buf = self._buf
        side = int(buf.side[i])
        worst = int(groups.worst_ticks[0])
        held = int(buf.worst_ticks[i])
        buf.worst_ticks[i] = max(held, worst) if side > 0 else min(held, worst)
        buf.last_ticks[i] = groups.last_ticks[0]
        buf.qty_lots[i] += groups.qty_lots[0]
        buf.prints[i] += groups.prints[0]

    def _append(self, groups: GroupColumns) -> None:
        n = groups.size
        if n == 0:
            return
        if n > self.capacity:  # only the newest `capacity` can be kept
            skip = n - self.capacity
            groups = _group_columns([col[skip:] for col in groups])
            self.total += skip
            self._start = self._stop = 0
            self.first_id = self.total
            n = self.capacity
        if self._stop + n > 2 * self.capacity:
            keep = min(len(self), self.capacity - n)
            for col in self._buf:
                col[:keep] = col[self._stop - keep : self._stop]
            self.first_id += len(self) - keep
            self._start, self._stop = 0, keep
        dsts: list[npt.NDArray[Any]] = list(self._buf)
        for dst, src in zip(dsts, groups, strict=True):
            dst[self._stop : self._stop + n] = src
        self._stop += n
        self.total += n
        overflow = len(self) - self.capacity
        if overflow > 0:
            self._start += overflow
            self.first_id += overflow
