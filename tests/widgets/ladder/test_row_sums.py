"""The fast row sums equal the core's grouping rule for every grouping, side and range."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.level_flow import grouped_sum
from widgets.ladder.row_sums import row_sums

_LEVELS = st.dictionaries(st.integers(990, 1_060), st.integers(-50, 10_000), max_size=80)


@settings(deadline=None)  # a loaded machine is no reason to fail
@given(_LEVELS, st.sampled_from((1, 2, 5, 10)), st.integers(980, 1_050), st.integers(0, 60), st.booleans())
def test_row_sums_equal_grouped_sum(values: dict[int, int], g: int, lo: int, n: int, up: bool) -> None:
    assert row_sums(values, g, lo, n, round_up=up) == grouped_sum(values, g, lo, n, round_up=up)


def test_one_tick_rows_read_each_visible_price_and_nothing_else() -> None:
    book = {99: 7, 100: 3, 102: 5, 200: 9}
    assert row_sums(book, 1, 100, 4, round_up=False) == [3, 0, 5, 0]
    assert row_sums(book, 1, 100, 4, round_up=True) == [3, 0, 5, 0]
