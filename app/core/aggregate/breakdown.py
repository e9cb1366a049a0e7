"""Per-venue breakdown of the aggregated footprint: each cell's buy and sell units by venue.

The summed cells live in the aggregate's ordinary `FootprintSeries`, so every footprint view
reads them as it reads one venue. The tooltip also wants to know who traded there; that is a
second, sparse table: bar number -> group key -> [buy_v0, sell_v0, buy_v1, sell_v1, …]. Which bar
a print went into is read back from the series itself (its bars' trade counts, newest first),
so the breakdown follows the series' rules (sessions, late prints joining the open bar, tick and
volume bars) without repeating them. A print costs one dict lookup and two additions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from app.core.footprint import FootprintSeries

I64 = npt.NDArray[np.int64]


def bar_numbers_of_last(series: FootprintSeries, n: int) -> I64:
    """The bar number (`dropped_count` + index) of each of the series' newest `n` prints.

    Walks the bars newest first, taking each bar's trade count, until `n` prints are placed; the
    first bar reached last may hold older prints too (it was the open bar before the batch).
    Prints in bars the series already dropped get -1.
    """
    out = np.full(n, -1, dtype=np.int64)
    end = n
    bars = series.bars
    i = len(bars) - 1
    while end > 0 and i >= 0:
        take = min(bars[i].trades, end)
        out[end - take : end] = series.dropped_count + i
        end -= take
        i -= 1
    return out


class CellBreakdown:
    """Buy and sell base units per venue in every cell of the aggregate's footprint bars."""

    __slots__ = ("_bars", "venues")

    def __init__(self, venues: int) -> None:
        self.venues = venues
        self._bars: dict[int, dict[int, list[int]]] = {}

    def add(
        self, bar_numbers: I64, keys: I64, venues: npt.NDArray[np.int8], units: I64, sides: npt.ArrayLike
    ) -> None:
        """One batch: the bar number, group key, venue, base units and side of each print."""
        width = 2 * self.venues
        bars = self._bars
        last_bar = -2
        cells: dict[int, list[int]] = {}
        for b, k, v, q, s in zip(
            bar_numbers.tolist(),
            keys.tolist(),
            venues.tolist(),
            units.tolist(),
            np.asarray(sides).tolist(),
            strict=True,
        ):
            if b < 0:
                continue
            if b != last_bar:
                cells = bars.setdefault(b, {})
                last_bar = b
            cell = cells.get(k)
            if cell is None:
                cell = cells[k] = [0] * width
            cell[2 * v + (0 if s > 0 else 1)] += q

    def prune(self, first_kept_bar: int) -> None:
        """Forget bars the series dropped (call when its `dropped_count` moved)."""
        for b in [b for b in self._bars if b < first_kept_bar]:
            del self._bars[b]

    def cell(self, bar_number: int, key: int) -> tuple[tuple[int, int], ...]:
        """(buy units, sell units) of each venue, in leg order, at one cell (zeros if none)."""
        row = self._bars.get(bar_number, {}).get(key)
        if row is None:
            return ((0, 0),) * self.venues
        return tuple((row[2 * v], row[2 * v + 1]) for v in range(self.venues))

    def bar(self, bar_number: int) -> Mapping[int, list[int]]:
        """Every cell of one bar: key -> [buy_v0, sell_v0, buy_v1, …] (read-only)."""
        return self._bars.get(bar_number, {})
