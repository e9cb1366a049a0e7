"""Per-tick sizes summed into ladder rows, with a fast path for the ungrouped ladder.

`app.core.level_flow.grouped_sum` is the rule (bids and sell prints round down to their row, asks
and buy prints round up) and walks ticks one by one in Python. At one tick a row the rule is the
identity, so the rows are the dict's values over the visible range, read by `map` at C speed:
the ladder sums eight such dicts every frame (book, recent and session volume, the P/S
baseline and what traded against it), ~10 µs each in the loop, ~1 µs by `map`.
"""

from __future__ import annotations

from itertools import repeat

from app.core.level_flow import grouped_sum


def row_sums(
    values: dict[int, int], group_ticks: int, rows_from_ticks: int, rows: int, *, round_up: bool
) -> list[int]:
    """`grouped_sum(values, group_ticks, rows_from_ticks, rows, round_up=...)`, faster at one tick a row."""
    if group_ticks != 1 or rows <= 0:
        return grouped_sum(values, group_ticks, rows_from_ticks, rows, round_up=round_up)
    return list(map(values.get, range(rows_from_ticks, rows_from_ticks + rows), repeat(0, rows)))
