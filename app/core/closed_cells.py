"""A closed footprint bar's cells, frozen into sorted numpy columns.

An open bar keeps `{group key: [buy, sell, buy trades, sell trades]}` because a list item add is
the cheapest mutation per trade. A closed bar never changes again, and a day of bars on four
venues holds millions of cells: as a dict of lists each costs ~220 bytes (the dict entry, the
list, its int objects), as five int64 columns 40 bytes (docs/BENCHMARKS.md, memory). The columns
are also exactly what painting and the analyses read (`Levels`), so a closed bar hands them out
without building them again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from app.core.profile import Cell, Levels


class ClosedCells(Mapping[int, Cell]):
    """Read-only `{group key: [buy, sell, buy trades, sell trades]}` over a closed bar's `Levels`.

    A lookup builds a fresh `Cell` list (equal to the open bar's, writing to it changes nothing).
    Lookups are a binary search (readers of whole bars use `levels` instead); the columns are
    shared, so readers must not write to them.
    """

    __slots__ = ("levels",)

    def __init__(self, levels: Levels) -> None:
        self.levels = levels

    def _index(self, key: object) -> int:
        if not isinstance(key, (int, np.integer)):
            return -1
        keys = self.levels.price_ticks
        i = int(np.searchsorted(keys, key))
        return i if i < keys.shape[0] and keys[i] == key else -1

    def __getitem__(self, key: int) -> Cell:
        i = self._index(key)
        if i < 0:
            raise KeyError(key)
        lv = self.levels
        return [int(lv.buy_lots[i]), int(lv.sell_lots[i]), int(lv.buy_trades[i]), int(lv.sell_trades[i])]

    def __contains__(self, key: object) -> bool:
        return self._index(key) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self.levels.price_ticks.tolist())

    def __len__(self) -> int:
        return int(self.levels.price_ticks.shape[0])
