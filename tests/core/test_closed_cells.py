"""A closed footprint bar freezes its cells into columns: same values, a fraction of the memory."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.closed_cells import ClosedCells
from app.core.footprint import BarSpec, FootprintSeries

SEC = 10**9
T0 = 1_700_000_000 * SEC


def series_of(trades, spec=None):
    series = FootprintSeries(spec or BarSpec.ticks(4))
    ts, ps, qs, ss = (np.array(c, dtype=np.int64) for c in zip(*trades, strict=True))
    series.add_trades(ts, ps, qs, ss)
    return series


def test_a_closing_bar_keeps_its_cells_as_columns_with_the_same_values():
    trades = [
        (T0 + k, p, q, s)
        for k, (p, q, s) in enumerate([(100, 5, 1), (101, 3, -1), (100, 2, -1), (99, 4, 1), (100, 1, 1)])
    ]
    series = series_of(trades)
    closed, open_bar = series.bars
    assert isinstance(closed.cells, ClosedCells) and closed.closed
    assert dict(closed.cells) == {99: [4, 0, 1, 0], 100: [5, 2, 1, 1], 101: [0, 3, 0, 1]}
    assert 100 in closed.cells and 98 not in closed.cells and "100" not in closed.cells
    assert len(closed.cells) == 3 and list(closed.cells) == [99, 100, 101]
    assert closed.levels() is closed.cells.levels  # painting reads the columns, nothing rebuilt
    assert isinstance(open_bar.cells, dict) and open_bar.cells == {100: [1, 0, 1, 0]}


def test_writing_to_a_looked_up_cell_changes_nothing():
    series = series_of([(T0 + k, 100, 1, 1) for k in range(5)])
    closed = series.bars[0]
    closed.cells[100][0] = 999
    assert closed.cells[100] == [4, 0, 4, 0]


def test_the_column_form_is_a_fifth_of_the_dict_of_lists():
    rng = np.random.default_rng(7)
    n = 20_000
    prices = 600_000 + np.cumsum(rng.integers(-2, 3, size=n))
    trades = [
        (T0 + k * 1000, int(p), int(q), 1 if k % 2 else -1)
        for k, (p, q) in enumerate(zip(prices, rng.integers(300, 2000, size=n), strict=True))
    ]
    series = series_of(trades, BarSpec.ticks(n))  # all in one bar, closed by its last trade
    bar = series.bars[0]
    columns_bytes = sum(a.nbytes for a in bar.levels())
    cells = len(bar.cells)
    assert columns_bytes == 40 * cells  # five int64 per cell; the dict of lists took ~220 bytes


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(90, 110), st.integers(1, 50), st.sampled_from([1, -1])), min_size=2, max_size=80
    )
)
def test_imbalances_of_a_closed_bar_equal_those_of_the_same_bar_open(rows):
    trades = [(T0 + k, p, q, s) for k, (p, q, s) in enumerate(rows)]
    open_series = series_of(trades, BarSpec.ticks(len(rows) + 1))  # one open bar
    closed_series = series_of(trades, BarSpec.ticks(len(rows)))  # the same bar, closed
    open_bar, closed_bar = open_series.bars[0], closed_series.bars[0]
    assert not open_bar.closed and closed_bar.closed
    assert dict(closed_bar.cells) == open_bar.cells
    for ratio in (1.5, 3):
        assert closed_bar.diagonal_imbalances(ratio, 2) == open_bar.diagonal_imbalances(ratio, 2)
        assert closed_bar.stacked_imbalances(ratio, 2, 2) == open_bar.stacked_imbalances(ratio, 2, 2)
    assert closed_bar.poc_ticks() == open_bar.poc_ticks()
