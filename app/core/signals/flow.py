"""The engine's view of one batch: complete aggressor orders, their place among depth changes,
and a rolling "typical order size" that makes size thresholds portable across instruments.

Detectors see aggressor orders (prints with one exchange time and side, `app/core/print_groups.py`)
rather than raw prints: one taker order sweeping four levels is one decision, and there are about
four times fewer orders than prints, which is what keeps per-order Python inside the ingest budget.
The last order of a batch may continue in the next batch, so it is held back until a print of
another order arrives (or `flush`): every order a detector sees is complete, and the detectors
see the same orders however the stream was cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from app.core.print_groups import group_starts
from app.core.tape import TradeColumns

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


class Orders(NamedTuple):
    """Complete aggressor orders of one batch, oldest first, as Python lists (read in loops).

    `pos` is the absolute tape index of the order's first print (its place in the timeline);
    `high`/`low` the price range it printed at; `levels` how many distinct prices it printed at;
    `typical` the rolling typical order size when it arrived (nan while warming up).
    """

    pos: list[int]
    ts_ns: list[int]
    side: list[int]
    first_ticks: list[int]
    worst_ticks: list[int]
    high_ticks: list[int]
    low_ticks: list[int]
    qty_lots: list[int]
    levels: list[int]
    typical: list[float]

    @property
    def size(self) -> int:
        return len(self.pos)


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    """The typical order size: a quantile of the last `window_orders` order sizes, refreshed
    every `refresh_orders` orders (refreshing by order count keeps it batch-independent)."""

    quantile: float = 0.9
    window_orders: int = 2000
    refresh_orders: int = 250
    min_orders: int = 200


class SizeScale:
    """Rolling typical aggressor-order size in lots (see `ScaleSettings`)."""

    def __init__(self, settings: ScaleSettings) -> None:
        self.settings = settings
        self._history = np.zeros(0, np.int64)
        self._count = 0  # orders seen
        self.typical = float("nan")

    def assign(self, qty: I64) -> F64:
        """The typical size each of these orders (in order) is judged against; then learn them."""
        s = self.settings
        out = np.empty(qty.shape[0], np.float64)
        i = 0
        n = qty.shape[0]
        while i < n:
            room = s.refresh_orders - self._count % s.refresh_orders
            j = min(n, i + room)
            out[i:j] = self.typical
            self._history = np.concatenate((self._history, qty[i:j]))[-s.window_orders :]
            self._count += j - i
            if self._count % s.refresh_orders == 0 and self._history.shape[0] >= s.min_orders:
                self.typical = float(np.quantile(self._history, s.quantile))
            i = j
        return out


def orders_of(prints: TradeColumns, start_pos: int, scale: SizeScale, starts: I64 | None = None) -> Orders:
    """All orders of `prints` (which must be complete orders), their first print at `start_pos`;
    `starts`: their first prints' indices when the caller has them (`group_starts`)."""
    n = prints.size
    if n == 0:
        return Orders([], [], [], [], [], [], [], [], [], [])
    if starts is None:
        starts = group_starts(prints)
    price = prints.price_ticks
    high = np.maximum.reduceat(price, starts)
    low = np.minimum.reduceat(price, starts)
    side = prints.side[starts].astype(np.int64)
    moved = np.ones(n, np.int64)
    moved[1:] = price[1:] != price[:-1]
    moved[starts] = 1
    levels = np.add.reduceat(moved, starts)
    qty = np.add.reduceat(prints.qty_lots, starts).astype(np.int64)
    typical = scale.assign(qty)
    return Orders(
        (starts + start_pos).tolist(),
        prints.exchange_ns[starts].tolist(),
        side.tolist(),
        price[starts].tolist(),
        np.where(side > 0, high, low).tolist(),
        high.tolist(),
        low.tolist(),
        qty.tolist(),
        levels.tolist(),
        typical.tolist(),
    )


def split_last_order(prints: TradeColumns) -> tuple[int, I64]:
    """(index of the first print of the last order, the first-print indices of the orders before)."""
    if prints.size == 0:
        return 0, np.zeros(0, np.int64)
    starts = group_starts(prints)
    return int(starts[-1]), starts[:-1]
