"""BboCheck: the rebuilt book top after each diff against the newest exchange ticker at or before it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.bbo_check import BboCheck
from app.core.events import BookTicker

A = (100, 5, 101, 3)  # (bid ticks, bid lots, ask ticks, ask lots)
B = (100, 4, 101, 3)
C = (99, 2, 102, 7)
D = (98, 1, 103, 1)


def test_matching_tops_are_counted_as_checks_without_mismatches():
    check = BboCheck()

    check.on_ticker(10, A)
    check.on_book(10, A)
    check.on_ticker(11, B)
    check.on_book(11, B)
    check.on_book(12, B)  # no ticker for 12: the book top still equals the ticker at 11
    check.on_ticker(13, C)
    check.finish()

    assert (check.checks, check.mismatches, check.unmatched) == (3, 0, 0)
    assert check.examples == []


def test_a_wrong_size_is_a_mismatch_and_kept_as_an_example():
    check = BboCheck()

    check.on_ticker(10, A)
    check.on_book(10, B)  # same prices, one lot short on the bid
    check.finish()

    assert (check.checks, check.mismatches) == (1, 1)
    assert check.examples == [(10, B, A)]


def test_a_wrong_empty_side_is_a_mismatch():
    check = BboCheck()
    empty_ask = (100, 5, None, 0)

    check.on_ticker(10, A)
    check.on_book(10, empty_ask)
    check.finish()

    assert check.mismatches == 1
    assert check.examples == [(10, empty_ask, A)]


def test_book_top_is_held_until_a_later_ticker_proves_nothing_older_is_coming():
    check = BboCheck()
    check.on_ticker(10, A)

    check.on_book(12, C)

    assert (check.checks, check.mismatches, check.unmatched) == (0, 0, 0)

    check.on_ticker(12, C)  # same id: a later ticker for <= 12 could still follow
    assert check.checks == 0

    check.on_ticker(13, D)
    assert (check.checks, check.mismatches) == (1, 0)


def test_ticker_arriving_after_its_diff_is_still_matched():
    check = BboCheck()
    check.on_ticker(5, A)

    check.on_book(10, C)  # the diff lands first; the ticker for update 8 is still in flight
    check.on_ticker(8, C)  # smaller update id, later arrival: it belongs to the diff at 10
    check.on_ticker(12, D)

    assert (check.checks, check.mismatches) == (1, 0)
    assert check.examples == []


def test_late_ticker_is_matched_for_several_pending_diffs():
    check = BboCheck()
    check.on_ticker(5, A)

    check.on_book(7, A)  # the ticker at 5 is the newest at or before 7
    check.on_book(9, C)
    check.on_book(11, D)
    check.on_ticker(8, C)  # resolves the diff at 7 against the ticker at 5
    check.on_ticker(10, C)  # resolves the diff at 9 against the ticker at 8
    check.on_ticker(11, D)
    check.on_ticker(20, D)  # resolves the diff at 11 against the ticker at 11

    assert (check.checks, check.mismatches) == (3, 0)


def test_book_top_older_than_the_newest_ticker_is_resolved_at_once():
    check = BboCheck()
    check.on_ticker(5, A)
    check.on_ticker(9, C)

    check.on_book(7, A)  # the ticker at 5 is the newest at or before 7
    check.on_book(8, C)  # wrong: at 8 the exchange still showed A

    assert (check.checks, check.mismatches) == (2, 1)
    assert check.examples == [(8, C, A)]


def test_book_tops_before_any_ticker_are_unmatched_not_checks():
    check = BboCheck()

    check.on_book(3, A)
    check.on_book(4, B)
    check.on_ticker(5, C)  # newer than both: nothing at or before them exists

    assert (check.checks, check.mismatches, check.unmatched) == (0, 0, 2)

    check.on_book(5, C)
    check.finish()

    assert (check.checks, check.mismatches, check.unmatched) == (1, 0, 2)


def test_finish_resolves_pending_tops():
    check = BboCheck()
    check.on_ticker(10, A)
    check.on_book(11, A)
    check.on_book(12, B)

    assert check.checks == 0

    check.finish()

    assert (check.checks, check.mismatches, check.unmatched) == (2, 1, 0)
    assert check.examples == [(12, B, A)]

    check.finish()  # nothing left: idempotent
    assert (check.checks, check.mismatches) == (2, 1)


def test_finish_without_any_ticker_counts_pending_as_unmatched():
    check = BboCheck()
    check.on_book(1, A)

    check.finish()

    assert (check.checks, check.unmatched) == (0, 1)


def test_out_of_order_older_ticker_is_ignored():
    check = BboCheck()
    check.on_ticker(10, A)
    check.on_ticker(15, B)

    check.on_ticker(12, D)  # older than 15 on its own stream: dropped
    check.on_book(13, A)  # the newest ticker at or before 13 is still the one at 10
    check.finish()

    assert (check.checks, check.mismatches) == (1, 0)


def test_out_of_order_ticker_does_not_resolve_pending_tops():
    check = BboCheck()
    check.on_ticker(10, A)
    check.on_book(14, B)
    check.on_ticker(16, C)  # resolves 14 against 10: a mismatch
    check.on_book(18, C)

    check.on_ticker(12, D)  # stale: must neither be stored nor resolve the top at 18

    assert (check.checks, check.mismatches) == (1, 1)
    check.finish()
    assert (check.checks, check.mismatches) == (2, 1)


def test_only_the_first_few_mismatches_are_kept():
    check = BboCheck(keep_mismatches=2)
    check.on_ticker(1, A)

    for update_id in range(2, 6):
        check.on_book(update_id, D)
    check.finish()

    assert (check.checks, check.mismatches) == (4, 4)
    assert check.examples == [(2, D, A), (3, D, A)]


def test_pending_tops_beyond_the_limit_are_resolved_oldest_first():
    check = BboCheck(max_pending=2)
    check.on_ticker(1, A)

    check.on_book(2, A)
    check.on_book(3, B)
    assert check.checks == 0

    check.on_book(4, A)  # a third pending top forces the one at 2 out

    assert (check.checks, check.mismatches) == (1, 0)
    check.finish()
    assert (check.checks, check.mismatches) == (3, 1)
    assert check.examples == [(3, B, A)]


def _ticker(update_id: int, top: tuple[int, int, int, int]) -> BookTicker:
    return BookTicker(0, 0, update_id, *top)


def test_a_batch_of_tickers_handed_over_at_its_end_is_checked_like_tickers_one_by_one():
    batched, single = BboCheck(), BboCheck()
    tickers = [_ticker(10, A), _ticker(12, B), _ticker(11, C), _ticker(14, C)]  # 11 is out of order

    batched.on_book(9, A)  # before any ticker: waits, then is unmatched at the end
    batched.on_book(12, B)
    batched.on_book(13, A)  # the ticker at 12 (B) stands for 13: a mismatch
    batched.on_tickers(tickers)
    for check in (batched, single):
        check.finish()
    single.on_book(9, A)
    for t in tickers[:2]:
        single.on_ticker(t.update_id, t[3:])
    single.on_book(12, B)
    single.on_book(13, A)
    for t in tickers[2:]:
        single.on_ticker(t.update_id, t[3:])
    single.finish()

    assert (batched.checks, batched.mismatches, batched.unmatched) == (2, 1, 1)
    assert (single.checks, single.mismatches, single.unmatched) == (2, 1, 1)
    assert batched.examples == single.examples == [(13, A, B)]


_TOPS = st.sampled_from([A, B, C, D])
_EVENTS = st.lists(
    st.tuples(st.booleans(), st.integers(0, 40), _TOPS), max_size=120
)  # (is a ticker, update id, top), in arrival order


@given(_EVENTS, st.lists(st.integers(1, 12), max_size=30))
def test_any_batching_of_a_stream_gives_the_same_counts_and_examples(events, cuts):
    """The pipeline hands a batch's tickers over at its end; that must change nothing (while the
    history holds the tickers a pending top needs: it keeps 4,096, about 400 diffs' worth)."""
    single = BboCheck(max_pending=10_000)
    for is_ticker, update_id, top in events:
        if is_ticker:
            single.on_ticker(update_id, top)
        else:
            single.on_book(update_id, top)
    single.finish()

    batched = BboCheck(max_pending=10_000)
    start, sizes = 0, iter(cuts)
    while start < len(events):
        batch = events[start : start + next(sizes, 1000)]
        start += len(batch)
        tickers = [_ticker(update_id, top) for is_ticker, update_id, top in batch if is_ticker]
        for is_ticker, update_id, top in batch:
            if not is_ticker:
                batched.on_book(update_id, top)
        batched.on_tickers(tickers)
    batched.finish()

    assert (batched.checks, batched.mismatches, batched.unmatched) == (
        single.checks,
        single.mismatches,
        single.unmatched,
    )
    assert sorted(batched.examples) == sorted(single.examples)


def test_the_ticker_history_stays_bounded():
    check = BboCheck(history=100)

    for start in range(0, 10_000, 500):
        check.on_tickers([_ticker(i, A) for i in range(start, start + 500)])
        check.on_book(start + 499, A)
        assert len(check._ticker_ids) <= 2 * 100
    check.finish()

    assert (check.checks, check.mismatches) == (20, 0)


def test_flat_tops_check_like_rows_and_drop_an_older_ticker_after_a_newer_one():
    check = BboCheck()
    check.on_tops([10, *A, 15, *B, 12, *D])  # 12 after 15: out of order on its stream, dropped

    check.on_book(13, A)  # the newest ticker at or before 13 is still the one at 10
    check.on_book(16, B)
    check.finish()

    assert (check.checks, check.mismatches) == (2, 0)
