"""Tape: a fixed-capacity ring of trade columns that keeps the newest prints in order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.tape import Tape, TapeCursor, TradeColumns


def trade(i: int) -> tuple[int, int, int, int, int, int]:
    """A distinct print for every i, so any misplaced row shows up in every column."""
    return (i * 1_000, i * 1_000 + 7, 600_000 + i, i % 5 + 1, 1 if i % 2 == 0 else -1, 10_000 + i)


def batch(ids) -> TradeColumns:
    return TradeColumns.from_rows([trade(i) for i in ids])


def rows_of(cols: TradeColumns) -> list[tuple[int, ...]]:
    return [tuple(int(v) for v in row) for row in zip(*cols, strict=True)]


def trade_ids(cols: TradeColumns) -> list[int]:
    return [int(v) - 10_000 for v in cols.trade_id]


def test_from_rows_builds_int64_columns_and_int8_side():
    cols = batch([1, 2])

    assert cols.size == 2
    assert [c.dtype for c in cols] == [np.int64] * 4 + [np.int8, np.int64]
    assert rows_of(cols) == [trade(1), trade(2)]


def test_from_rows_takes_plain_tuples_alike_and_refuses_ragged_rows():
    rows = [(1, 2, 3, 4, -1, 6), (7, 8, 9, 10, 1, 12)]

    cols = TradeColumns.from_rows(rows)

    assert [c.tolist() for c in cols] == [list(col) for col in zip(*rows, strict=True)]
    with pytest.raises(ValueError):
        TradeColumns.from_rows([(1, 2, 3, 4, 1), (1, 2, 3, 4, 1, 6, 7)])


def test_new_tape_is_empty():
    tape = Tape(capacity=4)

    assert len(tape) == 0
    assert tape.total == 0
    assert tape.all().size == 0
    assert tape.last(3).size == 0


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        Tape(capacity=0)


def test_extend_within_capacity_keeps_every_print_in_order():
    tape = Tape(capacity=8)

    tape.extend(batch([0, 1, 2]))
    tape.extend(batch([3, 4]))

    assert len(tape) == 5
    assert tape.total == 5
    assert rows_of(tape.all()) == [trade(i) for i in range(5)]


def test_empty_batch_changes_nothing():
    tape = Tape(capacity=4)
    tape.extend(batch([0, 1]))

    tape.extend(batch([]))

    assert tape.total == 2
    assert trade_ids(tape.all()) == [0, 1]


def test_wraparound_keeps_the_newest_prints_oldest_first():
    tape = Tape(capacity=5)

    tape.extend(batch([0, 1, 2]))
    tape.extend(batch([3, 4, 5, 6]))  # wraps: 0 and 1 are dropped

    assert len(tape) == 5
    assert tape.total == 7
    assert rows_of(tape.all()) == [trade(i) for i in range(2, 7)]


def test_filling_exactly_to_capacity_then_one_more():
    tape = Tape(capacity=4)

    tape.extend(batch([0, 1, 2, 3]))
    assert trade_ids(tape.all()) == [0, 1, 2, 3]

    tape.extend(batch([4]))
    assert trade_ids(tape.all()) == [1, 2, 3, 4]


def test_batch_larger_than_capacity_keeps_its_newest_prints():
    tape = Tape(capacity=4)
    tape.extend(batch([0]))

    tape.extend(batch(range(1, 11)))  # 10 prints into a ring of 4

    assert len(tape) == 4
    assert tape.total == 11
    assert rows_of(tape.all()) == [trade(i) for i in range(7, 11)]
    assert trade_ids(tape.last(2)) == [9, 10]


def test_last_n_larger_than_the_tape_returns_everything():
    tape = Tape(capacity=6)
    tape.extend(batch([0, 1, 2]))

    assert trade_ids(tape.last(100)) == [0, 1, 2]
    assert trade_ids(tape.last(2)) == [1, 2]
    assert tape.last(0).size == 0


def test_last_across_the_wrap_point_is_chronological():
    tape = Tape(capacity=4)
    tape.extend(batch([0, 1, 2]))
    tape.extend(batch([3, 4]))  # ring now [4, 1, 2, 3], head after 4

    assert trade_ids(tape.last(3)) == [2, 3, 4]
    assert rows_of(tape.last(4)) == [trade(i) for i in [1, 2, 3, 4]]


def test_since_returns_what_was_added_after_a_total():
    tape = Tape(capacity=10)
    tape.extend(batch([0, 1, 2]))
    before = tape.total

    tape.extend(batch([3, 4]))

    assert trade_ids(tape.since(before)) == [3, 4]
    assert tape.since(tape.total).size == 0
    assert trade_ids(tape.since(0)) == [0, 1, 2, 3, 4]


def test_since_an_overwritten_total_returns_only_what_the_ring_still_holds():
    tape = Tape(capacity=3)
    tape.extend(batch([0, 1]))
    before = tape.total

    tape.extend(batch([2, 3, 4, 5]))

    assert trade_ids(tape.since(before)) == [3, 4, 5]


def test_total_counts_every_print_ever_added():
    tape = Tape(capacity=2)

    for start in range(0, 30, 3):
        tape.extend(batch(range(start, start + 3)))

    assert tape.total == 30
    assert len(tape) == 2
    assert trade_ids(tape.all()) == [28, 29]


def test_returned_columns_are_copies():
    tape = Tape(capacity=4)
    tape.extend(batch([0, 1, 2]))
    tape.extend(batch([3, 4]))  # ring [4, 1, 2, 3]: last(1) is a slice, last(4) a concatenation

    for view in (tape.last(1), tape.last(4)):
        view.qty_lots[:] = -1
        view.trade_id[:] = -1

    assert rows_of(tape.all()) == [trade(i) for i in [1, 2, 3, 4]]


def test_later_changes_to_the_input_batch_do_not_reach_the_tape():
    tape = Tape(capacity=4)
    cols = batch([0, 1])

    tape.extend(cols)
    cols.price_ticks[:] = 0

    assert rows_of(tape.all()) == [trade(0), trade(1)]


@given(
    capacity=st.integers(1, 9),
    sizes=st.lists(st.integers(0, 20), max_size=25),
    last_n=st.integers(0, 12),
    since_back=st.integers(0, 15),
)
def test_tape_matches_a_plain_list_model(capacity, sizes, last_n, since_back):
    tape = Tape(capacity=capacity)
    everything: list[tuple[int, ...]] = []
    next_id = 0

    for size in sizes:
        ids = range(next_id, next_id + size)
        next_id += size
        tape.extend(batch(ids))
        everything.extend(trade(i) for i in ids)

        kept = everything[-capacity:]
        assert tape.total == len(everything)
        assert len(tape) == len(kept)
        assert rows_of(tape.all()) == kept
        assert rows_of(tape.last(last_n)) == (kept[-last_n:] if last_n else [])
        before = max(0, len(everything) - since_back)
        assert rows_of(tape.since(before)) == everything[max(before, len(everything) - capacity) :]


# -- TapeCursor: "the prints since I last looked" --------------------------------------------


def test_cursor_takes_every_print_the_first_time_then_only_new_ones():
    tape = Tape(capacity=8)
    tape.extend(batch([0, 1, 2]))
    cursor = TapeCursor()

    first = cursor.take(tape)
    tape.extend(batch([3, 4]))
    second = cursor.take(tape)

    assert trade_ids(first) == [0, 1, 2]
    assert trade_ids(second) == [3, 4]
    assert cursor.seen_total == 5


def test_cursor_takes_nothing_when_nothing_arrived():
    tape = Tape(capacity=4)
    tape.extend(batch([0, 1]))
    cursor = TapeCursor()
    cursor.take(tape)

    again = cursor.take(tape)

    assert again.size == 0
    assert not cursor.pending(tape)


def test_cursor_is_pending_once_a_print_arrives():
    tape = Tape(capacity=4)
    cursor = TapeCursor()
    cursor.skip(tape)

    tape.extend(batch([0]))

    assert cursor.pending(tape)


def test_cursor_counts_prints_the_ring_dropped_before_it_looked():
    tape = Tape(capacity=3)
    cursor = TapeCursor()
    cursor.take(tape)

    tape.extend(batch(range(5)))  # 0 and 1 are gone before the reader looks
    new = cursor.take(tape)

    assert trade_ids(new) == [2, 3, 4]
    assert cursor.missed_prints == 2
    assert cursor.seen_total == 5


def test_cursor_starts_over_on_a_replaced_tape():
    old, replacement = Tape(capacity=8), Tape(capacity=8)
    old.extend(batch(range(6)))
    replacement.extend(batch([100, 101]))
    cursor = TapeCursor()
    cursor.take(old)

    assert cursor.restarts(replacement)
    new = cursor.take(replacement)

    assert trade_ids(new) == [100, 101]
    assert cursor.seen_total == 2


def test_cursor_starts_over_when_its_total_is_ahead_of_the_tape():
    tape = Tape(capacity=8)
    tape.extend(batch([0, 1]))
    cursor = TapeCursor(seen_total=10)

    new = cursor.take(tape)

    assert trade_ids(new) == [0, 1]


def test_skip_marks_the_whole_tape_read():
    tape = Tape(capacity=8)
    tape.extend(batch([0, 1, 2]))
    cursor = TapeCursor()

    cursor.skip(tape)
    tape.extend(batch([3]))

    assert trade_ids(cursor.take(tape)) == [3]


def test_reset_forgets_the_tape():
    tape = Tape(capacity=8)
    tape.extend(batch([0, 1]))
    cursor = TapeCursor()
    cursor.take(tape)

    cursor.reset()

    assert cursor.restarts(tape)
    assert trade_ids(cursor.take(tape)) == [0, 1]


@given(capacity=st.integers(1, 6), sizes=st.lists(st.integers(0, 9), max_size=20))
def test_cursor_takes_are_the_tape_in_order_minus_what_the_ring_dropped(capacity, sizes):
    tape = Tape(capacity=capacity)
    cursor = TapeCursor()
    taken: list[int] = []
    missed = 0
    next_id = 0

    for size in sizes:
        tape.extend(batch(range(next_id, next_id + size)))
        next_id += size
        taken += trade_ids(cursor.take(tape))
        missed += cursor.missed_prints

    assert len(taken) + missed == next_id
    assert taken == sorted(taken)
    assert cursor.seen_total == tape.total
