"""OrderBook: snapshot and diffs, the lazily found best bid/ask, and the readers built on the sides."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.book import OrderBook


def book_with(bids, asks, update_id=1, exchange_ns=1_000):
    book = OrderBook()
    book.load(bids, asks, update_id, exchange_ns)
    return book


# --- snapshot and diffs ------------------------------------------------------------------------


def test_new_book_is_empty():
    book = OrderBook()

    assert len(book) == 0
    assert book.best_bid is None
    assert book.best_ask is None
    assert book.update_id == -1


def test_load_keeps_nonzero_levels_and_ignores_zero_sizes():
    book = book_with(
        [(100, 5), (99, 0), (98, 2)], [(101, 0), (102, 3), (103, 4)], update_id=7, exchange_ns=55
    )

    assert book.bids == {100: 5, 98: 2}
    assert book.asks == {102: 3, 103: 4}
    assert book.best_bid == 100
    assert book.best_ask == 102
    assert (book.update_id, book.updated_ns) == (7, 55)
    assert len(book) == 4


def test_load_replaces_the_previous_book():
    book = book_with([(100, 5)], [(101, 5)])

    book.load([(90, 1)], [(95, 2)], 9, 2_000)

    assert book.bids == {90: 1}
    assert book.asks == {95: 2}
    assert (book.best_bid, book.best_ask) == (90, 95)


def test_apply_inserts_updates_and_removes_levels():
    book = book_with([(100, 5), (99, 4)], [(101, 3), (102, 2)])

    book.apply([(98, 1), (99, 7), (100, 0)], [(103, 6), (101, 9), (102, 0)], update_id=2, exchange_ns=2_000)

    assert book.bids == {99: 7, 98: 1}
    assert book.asks == {101: 9, 103: 6}
    assert (book.best_bid, book.best_ask) == (99, 101)
    assert (book.update_id, book.updated_ns) == (2, 2_000)
    assert (book.bid_lots(99), book.bid_lots(100), book.ask_lots(103), book.ask_lots(102)) == (7, 0, 6, 0)


def test_removing_an_unknown_level_is_harmless():
    book = book_with([(100, 5)], [(101, 3)])

    book.apply([(50, 0), (101, 0)], [(200, 0), (100, 0)], 2, 2_000)

    assert book.bids == {100: 5}
    assert book.asks == {101: 3}
    assert (book.best_bid, book.best_ask) == (100, 101)


def test_clear_empties_the_book_and_resets_the_update_id():
    book = book_with([(100, 5)], [(101, 3)], update_id=4, exchange_ns=77)

    book.clear()

    assert len(book) == 0
    assert (book.best_bid, book.best_ask, book.update_id, book.updated_ns) == (None, None, -1, 77)


# --- best bid / ask ----------------------------------------------------------------------------


@pytest.mark.parametrize("gap", [1, 2, 30, 31, 32, 33, 40, 1_000, 1_023, 1_024, 1_025, 50_000])
def test_best_bid_after_removing_the_best_level(gap):
    # Gaps up to 1,023 ticks are found by the walk from the old best; 1,024 and beyond by the full scan.
    book = book_with([(1_000, 5), (1_000 - gap, 2), (1_000 - gap - 3, 1)], [(2_000, 1)])

    book.apply([(1_000, 0)], [], 2, 0)

    assert book.best_bid == 1_000 - gap
    assert book.bids == {1_000 - gap: 2, 1_000 - gap - 3: 1}


@pytest.mark.parametrize("gap", [1, 2, 30, 31, 32, 33, 40, 1_000, 1_023, 1_024, 1_025, 50_000])
def test_best_ask_after_removing_the_best_level(gap):
    book = book_with([(0, 1)], [(1_000, 5), (1_000 + gap, 2), (1_000 + gap + 3, 1)])

    book.apply([], [(1_000, 0)], 2, 0)

    assert book.best_ask == 1_000 + gap


def test_removing_the_best_twice_in_a_row_before_reading():
    book = book_with([(100, 1), (99, 1), (60, 1)], [(101, 1), (102, 1), (140, 1)])

    book.apply([(100, 0)], [(101, 0)], 2, 0)
    book.apply([(99, 0)], [(102, 0)], 3, 0)

    assert (book.best_bid, book.best_ask) == (60, 140)


def test_reinserting_at_the_removed_best_restores_it():
    book = book_with([(100, 5), (90, 1)], [(101, 5), (111, 1)])
    book.apply([(100, 0)], [(101, 0)], 2, 0)

    book.apply([(100, 3)], [(101, 4)], 3, 0)

    assert (book.best_bid, book.best_ask) == (100, 101)


def test_reinserting_at_the_removed_best_in_the_same_batch():
    book = book_with([(100, 5), (90, 1)], [(101, 5), (111, 1)])

    book.apply([(100, 0), (100, 3)], [(101, 0), (101, 4)], 2, 0)

    assert (book.best_bid, book.best_ask) == (100, 101)
    assert (book.bids[100], book.asks[101]) == (3, 4)


def test_insert_then_remove_of_a_new_best_in_the_same_batch():
    book = book_with([(100, 5), (90, 1)], [(110, 5), (120, 1)])

    book.apply([(105, 2), (105, 0)], [(106, 2), (106, 0)], 2, 0)

    assert (book.best_bid, book.best_ask) == (100, 110)


def test_inserting_inside_the_spread_moves_the_best():
    book = book_with([(100, 5)], [(110, 5)])

    book.apply([(104, 1)], [(106, 1)], 2, 0)

    assert (book.best_bid, book.best_ask) == (104, 106)


def test_inserting_below_a_removed_best_but_above_the_rest_becomes_the_best():
    book = book_with([(100, 5), (50, 1)], [(110, 5), (160, 1)])
    book.apply([(100, 0)], [(110, 0)], 2, 0)

    book.apply([(60, 1)], [(150, 1)], 3, 0)

    assert (book.best_bid, book.best_ask) == (60, 150)


def test_inserting_above_a_removed_best_becomes_the_best():
    book = book_with([(100, 5), (50, 1)], [(110, 5), (160, 1)])
    book.apply([(100, 0)], [(110, 0)], 2, 0)

    book.apply([(103, 1)], [(107, 1)], 3, 0)

    assert (book.best_bid, book.best_ask) == (103, 107)


def test_emptying_a_side_makes_its_best_none_and_refilling_it_works():
    book = book_with([(100, 5), (99, 1)], [(101, 5)])

    book.apply([(100, 0), (99, 0)], [(101, 0)], 2, 0)

    assert book.best_bid is None
    assert book.best_ask is None
    assert len(book) == 0

    book.apply([(10, 1)], [(20, 1)], 3, 0)

    assert (book.best_bid, book.best_ask) == (10, 20)


# --- readers -----------------------------------------------------------------------------------


def test_top_levels_are_best_first():
    book = book_with([(97, 1), (100, 2), (99, 3), (98, 4)], [(104, 5), (101, 6), (103, 7), (102, 8)])

    assert book.top_bids(3) == [(100, 2), (99, 3), (98, 4)]
    assert book.top_asks(3) == [(101, 6), (102, 8), (103, 7)]
    assert book.top_bids(10) == [(100, 2), (99, 3), (98, 4), (97, 1)]
    assert book.top_asks(0) == []


def test_imbalance_over_the_top_levels():
    book = book_with([(100, 6), (99, 2), (90, 100)], [(101, 1), (102, 1), (110, 100)])

    # Top 2: bid 8, ask 2 -> (8 − 2) / 10.
    assert book.imbalance(2) == pytest.approx(0.6)
    # Top 3: bid 108, ask 102 -> 6 / 210.
    assert book.imbalance(3) == pytest.approx(6 / 210)


def test_imbalance_is_one_sided_or_none():
    assert book_with([(100, 3)], []).imbalance(5) == 1.0
    assert book_with([], [(100, 3)]).imbalance(5) == -1.0
    assert OrderBook().imbalance(5) is None


def test_grouped_rounds_bids_down_and_asks_up_to_the_row():
    book = book_with(
        [(85, 9), (95, 1), (101, 2), (109, 3), (110, 4)],
        [(111, 5), (119, 6), (120, 7), (121, 8), (101, 1)],
    )

    bid_rows, ask_rows = book.grouped(10, 90, 4)  # rows at 90, 100, 110, 120

    # 85 rounds down to 80: outside. 101 and 109 -> 100; 110 -> 110.
    assert bid_rows == [1, 5, 4, 0]
    # 101 rounds up to 110; 111, 119, 120 -> 120; 121 rounds up to 130: outside.
    assert ask_rows == [0, 0, 1, 18]


def test_grouped_best_bid_row_never_above_best_ask_row():
    book = book_with([(104, 1)], [(105, 1)])

    bid_rows, ask_rows = book.grouped(10, 90, 3)  # rows at 90, 100, 110

    assert bid_rows == [0, 1, 0]
    assert ask_rows == [0, 0, 1]


@given(
    bids=st.dictionaries(st.integers(-50, 150), st.integers(1, 9), max_size=30),
    asks=st.dictionaries(st.integers(-50, 150), st.integers(1, 9), max_size=30),
    group=st.sampled_from([1, 2, 5, 10, 25]),
    first_row=st.integers(-4, 6),
    rows=st.integers(1, 12),
)
def test_grouped_matches_a_row_by_row_reference(bids, asks, group, first_row, rows):
    book = book_with(list(bids.items()), list(asks.items()))
    lo = first_row * group

    bid_rows, ask_rows = book.grouped(group, lo, rows)

    row_prices = [lo + r * group for r in range(rows)]
    assert bid_rows == [sum(q for p, q in bids.items() if row <= p < row + group) for row in row_prices]
    assert ask_rows == [sum(q for p, q in asks.items() if row - group < p <= row) for row in row_prices]


# --- property: the book against a brute-force model ---------------------------------------------

# Mostly a narrow band so removals often hit the best, plus far prices so the walk from a removed
# best sometimes runs out and the full scan is used.
PRICE = st.one_of(st.integers(90, 110), st.integers(0, 300))
QTY = st.one_of(st.just(0), st.integers(1, 5))
SIDE = st.lists(st.tuples(PRICE, QTY), max_size=8)
BATCH = st.tuples(SIDE, SIDE, st.booleans())  # bids, asks, read the lazy book after this batch?


def model_apply(side, levels):
    for price, qty in levels:
        if qty:
            side[price] = qty
        else:
            side.pop(price, None)


@settings(max_examples=150)
@given(
    snapshot_bids=st.dictionaries(PRICE, st.integers(1, 5), max_size=10),
    snapshot_asks=st.dictionaries(PRICE, st.integers(1, 5), max_size=10),
    batches=st.lists(BATCH, max_size=40),
)
def test_book_matches_a_dict_model_after_every_batch(snapshot_bids, snapshot_asks, batches):
    eager = book_with(list(snapshot_bids.items()), list(snapshot_asks.items()))  # read every batch
    lazy = book_with(list(snapshot_bids.items()), list(snapshot_asks.items()))  # read only sometimes
    model_bids, model_asks = dict(snapshot_bids), dict(snapshot_asks)

    for update_id, (bids, asks, read_lazy) in enumerate(batches, start=2):
        eager.apply(bids, asks, update_id, update_id * 10)
        lazy.apply(bids, asks, update_id, update_id * 10)
        model_apply(model_bids, bids)
        model_apply(model_asks, asks)

        expected = (max(model_bids, default=None), min(model_asks, default=None))
        assert (eager.best_bid, eager.best_ask) == expected
        assert eager.bids == model_bids
        assert eager.asks == model_asks
        assert len(eager) == len(model_bids) + len(model_asks)
        if read_lazy:
            assert (lazy.best_bid, lazy.best_ask) == expected

    assert lazy.bids == model_bids
    assert lazy.asks == model_asks
    assert lazy.best_bid == max(model_bids, default=None)
    assert lazy.best_ask == min(model_asks, default=None)
    assert lazy.top_bids(3) == sorted(model_bids.items(), reverse=True)[:3]
    assert lazy.top_asks(3) == sorted(model_asks.items())[:3]


def test_a_copy_is_equal_and_independent():
    book = OrderBook()
    book.load([(100, 5), (99, 3)], [(101, 2), (102, 4)], 7, 1)
    book.apply([(100, 0)], [], 8, 2)  # best bid removed: the cache is stale in both

    copy = book.copy()
    copy.apply([(98, 1)], [(101, 0)], 9, 3)

    assert (book.best_bid, book.best_ask, book.update_id) == (99, 101, 8)
    assert (copy.best_bid, copy.best_ask, copy.update_id) == (99, 102, 9)
    assert book.bid_lots(98) == 0 and copy.bid_lots(98) == 1
