"""Print groups: prints of one aggressor order (same exchange time, same side) become one tape row."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.print_groups import GroupColumns, PrintGroupLog, aggregate_prints
from app.core.tape import TradeColumns

BUY, SELL = 1, -1


def prints(rows: list[tuple[int, int, int, int]]) -> TradeColumns:
    """(exchange_ns, price_ticks, qty_lots, side) rows; receive time and ids made up."""
    return TradeColumns.from_rows(
        [(ns, ns + 5, price, qty, side, 100 + i) for i, (ns, price, qty, side) in enumerate(rows)]
    )


def as_rows(groups: GroupColumns) -> list[tuple[int, ...]]:
    return [tuple(int(v) for v in row) for row in zip(*groups, strict=True)]


def reference(rows: list[tuple[int, int, int, int]], raw: bool = False) -> list[tuple[int, ...]]:
    """Brute force: walk the prints and open a new group whenever time or side changes."""
    out: list[list[int]] = []
    for ns, price, qty, side in rows:
        if not raw and out and out[-1][0] == ns and out[-1][1] == side:
            g = out[-1]
            g[3] = price
            g[4] = max(g[4], price) if side > 0 else min(g[4], price)
            g[5] += qty
            g[6] += 1
        else:
            out.append([ns, side, price, price, price, qty, 1])
    return [tuple(g) for g in out]


# A sweep: one buy order through three levels, then a sell at another time, then two buys at the
# same time as the sells but the other side (a different order), then a lone buy.
SWEEP = [
    (1_000, 600, 2, BUY),
    (1_000, 601, 5, BUY),
    (1_000, 603, 1, BUY),
    (2_000, 602, 4, SELL),
    (2_000, 601, 3, SELL),
    (2_000, 601, 7, BUY),
    (3_000, 604, 9, BUY),
]


def test_one_aggressor_order_becomes_one_group_with_exact_totals():
    groups = aggregate_prints(prints(SWEEP))

    assert as_rows(groups) == [
        # ns, side, first, last, worst, qty, prints
        (1_000, BUY, 600, 603, 603, 8, 3),
        (2_000, SELL, 602, 601, 601, 7, 2),
        (2_000, BUY, 601, 601, 601, 7, 1),
        (3_000, BUY, 604, 604, 604, 9, 1),
    ]


def test_worst_price_of_a_sell_is_its_lowest_print():
    groups = aggregate_prints(prints([(5, 610, 1, SELL), (5, 607, 1, SELL), (5, 608, 1, SELL)]))

    assert int(groups.worst_ticks[0]) == 607
    assert int(groups.last_ticks[0]) == 608


def test_raw_mode_keeps_every_print():
    groups = aggregate_prints(prints(SWEEP), raw=True)

    assert groups.size == len(SWEEP)
    assert [int(q) for q in groups.qty_lots] == [q for _, _, q, _ in SWEEP]
    assert set(groups.prints.tolist()) == {1}


def test_empty_batch_gives_no_groups():
    assert aggregate_prints(prints([])).size == 0
    assert aggregate_prints(prints([]), raw=True).size == 0


def test_group_split_across_two_batches_is_merged_into_one_row():
    log = PrintGroupLog(capacity=10)

    log.extend(prints(SWEEP[:2]))  # the sweep's first two levels
    assert as_rows(log.columns()) == [(1_000, BUY, 600, 601, 601, 7, 2)]
    log.extend(prints(SWEEP[2:4]))  # its last level, then a new order

    assert log.total == 2
    assert as_rows(log.columns()) == reference(SWEEP[:4])


def test_raw_log_never_merges():
    log = PrintGroupLog(capacity=10, raw=True)

    log.extend(prints(SWEEP[:2]))
    log.extend(prints(SWEEP[2:]))

    assert log.total == len(SWEEP)


def test_log_keeps_only_the_newest_groups_with_stable_ids():
    log = PrintGroupLog(capacity=3)
    rows = [(i * 10, 600 + i, i + 1, BUY) for i in range(8)]

    for row in rows:
        log.extend(prints([row]))

    assert len(log) == 3
    assert log.total == 8
    assert log.first_id == 5
    assert [int(q) for q in log.columns().qty_lots] == [6, 7, 8]
    assert [int(q) for q in log.columns(6, 7).qty_lots] == [7]


def test_batch_larger_than_capacity_keeps_its_newest_groups():
    log = PrintGroupLog(capacity=2)

    log.extend(prints([(i, 600, i + 1, BUY) for i in range(5)]))

    assert log.total == 5
    assert log.first_id == 3
    assert [int(q) for q in log.columns().qty_lots] == [4, 5]


def test_ids_at_least_filters_by_total_size():
    log = PrintGroupLog(capacity=10)
    log.extend(prints(SWEEP))  # group sizes 8, 7, 7, 9

    assert log.ids_at_least(0).tolist() == [0, 1, 2, 3]
    assert log.ids_at_least(8).tolist() == [0, 3]
    assert log.ids_at_least(100).tolist() == []


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        PrintGroupLog(capacity=0)


def test_clear_forgets_everything():
    log = PrintGroupLog(capacity=4)
    log.extend(prints(SWEEP))

    log.clear()

    assert len(log) == 0
    assert log.total == 0
    assert log.columns().size == 0


# -- properties -------------------------------------------------------------------------------

# Few distinct times and sides, so that long groups and groups cut by batches are common.
print_rows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(590, 610), st.integers(1, 50), st.sampled_from([BUY, SELL])),
    max_size=60,
).map(lambda rows: sorted(rows, key=lambda r: r[0]))  # exchange time never goes backwards


@given(print_rows, st.booleans())
def test_aggregation_matches_the_brute_force_reference(rows, raw):
    assert as_rows(aggregate_prints(prints(rows), raw=raw)) == reference(rows, raw=raw)


@given(print_rows, st.lists(st.integers(0, 60), max_size=8), st.booleans())
@settings(max_examples=300)
def test_batching_does_not_change_the_rows(rows, cuts, raw):
    """Splitting the prints anywhere gives the same rows once the log has merged them."""
    whole = PrintGroupLog(capacity=100, raw=raw)
    whole.extend(prints(rows))
    split = PrintGroupLog(capacity=100, raw=raw)
    bounds = [0, *sorted(min(c, len(rows)) for c in cuts), len(rows)]
    for lo, hi in pairwise(bounds):
        split.extend(prints(rows[lo:hi]))

    assert as_rows(split.columns()) == as_rows(whole.columns()) == reference(rows, raw=raw)
    assert split.total == whole.total


@given(print_rows, st.integers(1, 6), st.lists(st.integers(0, 60), max_size=8))
@settings(max_examples=300)
def test_bounded_log_holds_the_newest_rows_of_the_unbounded_one(rows, capacity, cuts):
    full = reference(rows)
    log = PrintGroupLog(capacity=capacity)
    bounds = [0, *sorted(min(c, len(rows)) for c in cuts), len(rows)]
    for lo, hi in pairwise(bounds):
        log.extend(prints(rows[lo:hi]))

    assert log.total == len(full)
    assert len(log) == min(capacity, len(full))
    assert as_rows(log.columns()) == full[len(full) - len(log) :]
    assert log.first_id == len(full) - len(log)


@given(print_rows, st.booleans())
def test_groups_sum_to_the_prints_volume(rows, raw):
    groups = aggregate_prints(prints(rows), raw=raw)

    assert int(np.sum(groups.qty_lots)) == sum(q for _, _, q, _ in rows)
    assert int(np.sum(groups.prints)) == len(rows)
