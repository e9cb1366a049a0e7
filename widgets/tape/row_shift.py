"""Which tape rows a frame changed: plain data, no Qt.

Live, a frame of prints pushes the rows down by the few new ones at the top; the rest are the same
rows one slot lower, except a row whose order is still growing. So the view scrolls the pixels it
has (a blit) and repaints only the new and changed rows, instead of every row on screen (painting
every row was ~1 ms a frame, most of the tape's frame).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from widgets.tape.model import TapeRow

MAX_SHIFT_FRACTION = 2  # more new rows than 1/2 of the screen: repaint it all (cheaper than a blit)


@dataclass(frozen=True, slots=True)
class RowShift:
    """The rows moved down by `rows`; `dirty` are the indices (top first) to paint again."""

    rows: int
    dirty: tuple[int, ...]


def _same_row(a: TapeRow, b: TapeRow) -> bool:
    return a.row_id == b.row_id and a.liquidation == b.liquidation


def row_shift(old: Sequence[TapeRow], new: Sequence[TapeRow]) -> RowShift | None:
    """How `new` follows from `old` (both top first, the same count), or None: repaint everything."""
    n = len(new)
    if n == 0 or len(old) != n:
        return None
    top = old[0]
    shift = next((i for i in range(min(n, n // MAX_SHIFT_FRACTION + 1)) if _same_row(new[i], top)), None)
    if shift is None:
        return None
    dirty = list(range(shift))
    for i in range(shift, n):
        before, after = old[i - shift], new[i]
        if not _same_row(before, after):
            return None  # not a push from the top (a filter, a scroll, a merge): repaint it all
        if before is not after and before != after:
            dirty.append(i)
    return RowShift(shift, tuple(dirty))
