"""Pulling/stacking and volume per period (app/core/level_flow.py), against brute-force references."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.book import OrderBook
from app.core.events import DepthDiff, DepthSnapshot
from app.core.level_flow import PeriodVolume, PullStack, grouped_sum
from app.core.sessions import DAY_NS, SessionSchedule
from app.core.tape import TradeColumns

S = 1_000_000_000


def trades(rows: list[tuple[int, int, int, int]]) -> TradeColumns:
    """(exchange_ns, price_ticks, qty_lots, side) → columns."""
    return TradeColumns.from_rows([(ns, ns, p, q, s, i) for i, (ns, p, q, s) in enumerate(rows)])


def feed(flow: PullStack, batch: TradeColumns) -> None:
    flow.on_trades(batch.price_ticks, batch.qty_lots, batch.side)


def book_with(bids: dict[int, int], asks: dict[int, int]) -> OrderBook:
    book = OrderBook()
    book.load(list(bids.items()), list(asks.items()), 1, 0)
    return book


# -- pulling / stacking: the hand-made stories ---------------------------------------------------


def test_decrease_explained_by_an_equal_trade_counts_zero() -> None:
    book = book_with({100: 10, 99: 5}, {101: 8})
    flow = PullStack()
    flow.start(book)
    feed(flow, trades([(1, 100, 4, -1)]))  # a sell of 4 hits the bid at 100
    book.apply([(100, 6)], [], 2, 1)
    assert flow.bid_lots(book, 100) == 0


def test_unexplained_decrease_is_pulling_and_increase_is_stacking() -> None:
    book = book_with({100: 10, 99: 5}, {101: 8, 102: 3})
    flow = PullStack()
    flow.start(book)
    book.apply([(100, 7), (99, 9)], [(101, 0), (102, 5)], 2, 1)
    assert flow.bid_lots(book, 100) == -3  # pulled
    assert flow.bid_lots(book, 99) == 4  # stacked
    assert flow.ask_lots(book, 101) == -8  # the whole level pulled, no trade
    assert flow.ask_lots(book, 102) == 2


def test_partly_explained_decrease_and_a_refilled_level() -> None:
    book = book_with({100: 10}, {101: 10})
    flow = PullStack()
    flow.start(book)
    # 6 bought at the ask, but the ask fell by 9: 3 pulled. 5 sold at the bid, bid unchanged: 5 refilled.
    feed(flow, trades([(1, 101, 6, 1), (2, 100, 5, -1)]))
    book.apply([(100, 10)], [(101, 1)], 2, 1)
    assert flow.ask_lots(book, 101) == -3
    assert flow.bid_lots(book, 100) == 5


def test_trade_before_or_after_the_depth_update_gives_the_same_answer() -> None:
    results = []
    for trade_first in (True, False):
        book = book_with({100: 10}, {101: 10})
        flow = PullStack()
        flow.start(book)
        if trade_first:
            feed(flow, trades([(1, 100, 10, -1)]))
        book.apply([(100, 0)], [], 2, 1)
        if not trade_first:
            feed(flow, trades([(1, 100, 10, -1)]))
        results.append(flow.bid_lots(book, 100))
    assert results == [0, 0]


def test_grouped_totals_add_up_and_round_like_the_book() -> None:
    book = book_with({100: 10, 101: 4, 104: 2}, {105: 3, 106: 6, 109: 1})
    flow = PullStack()
    flow.start(book)
    book.apply([(100, 2), (101, 9), (103, 1)], [(106, 1), (107, 4), (109, 0)], 2, 1)
    feed(flow, trades([(1, 100, 3, -1), (2, 106, 2, 1)]))
    bid_rows, ask_rows = flow.grouped(book, 5, 100, 3)  # rows 100, 105, 110
    # bids 100..104 → row 100: (2-10+3) + (9-4) + (1-0) + (2-2) = 1
    assert bid_rows == [1, 0, 0]
    # asks 101..105 → row 105: 0; 106..110 → row 110: (1-6+2) + 4 + (0-1) = 0
    assert ask_rows == [0, 0, 0]
    per_tick_bids = sum(flow.bid_lots(book, p) for p in range(95, 115))
    per_tick_asks = sum(flow.ask_lots(book, p) for p in range(95, 115))
    assert sum(bid_rows) == per_tick_bids == 1
    assert sum(ask_rows) == per_tick_asks == 0


def test_a_reloaded_book_makes_the_baseline_stale() -> None:
    book = book_with({100: 10}, {101: 10})
    flow = PullStack()
    assert flow.stale(book)
    flow.start(book)
    assert not flow.stale(book)
    book.apply([(100, 3)], [], 2, 1)  # updates keep the same book
    assert not flow.stale(book)
    book.load([(100, 1)], [(101, 1)], 5, 2)  # a snapshot (resync) replaces it
    assert flow.stale(book)


# -- pulling / stacking: brute force against the per-update definition --------------------------

PRICES = st.integers(95, 110)
LEVELS = st.lists(st.tuples(PRICES, st.integers(0, 20)), max_size=6)
EVENT = st.one_of(
    st.tuples(st.just("diff"), LEVELS, LEVELS),
    st.tuples(st.just("trades"), st.lists(st.tuples(PRICES, st.integers(1, 15), st.sampled_from([1, -1])))),
)


@settings(max_examples=300, deadline=None)
@given(
    bids=st.dictionaries(st.integers(95, 102), st.integers(1, 20), max_size=6),
    asks=st.dictionaries(st.integers(103, 110), st.integers(1, 20), max_size=6),
    events=st.lists(EVENT, max_size=25),
    group=st.sampled_from([1, 2, 3, 5]),
)
def test_telescoped_pull_stack_equals_the_per_update_definition(
    bids: dict[int, int], asks: dict[int, int], events: list[tuple], group: int
) -> None:
    """Reference: walk every level update, add (new − old), and add every print to the side it hit."""
    book = book_with(bids, asks)
    flow = PullStack()
    flow.start(book)
    ref = {1: defaultdict(int), -1: defaultdict(int)}  # side of the book: 1 bids, -1 asks
    sim = {1: dict(bids), -1: dict(asks)}
    for n, event in enumerate(events):
        if event[0] == "diff":
            _, dbids, dasks = event
            for side, levels in ((1, dbids), (-1, dasks)):
                for price, qty in levels:
                    ref[side][price] += qty - sim[side].get(price, 0)
                    if qty:
                        sim[side][price] = qty
                    else:
                        sim[side].pop(price, None)
            book.apply(dbids, dasks, n + 2, n)
        else:
            rows = [(n, p, q, s) for p, q, s in event[1]]
            for _, price, qty, side in rows:
                ref[1 if side < 0 else -1][price] += qty  # a sell consumes bids
            if rows:
                feed(flow, trades(rows))
    for price in range(90, 116):
        assert flow.bid_lots(book, price) == ref[1][price]
        assert flow.ask_lots(book, price) == ref[-1][price]
    lo = (90 // group) * group
    bid_rows, ask_rows = flow.grouped(book, group, lo, 30 // group + 2)
    for r, (b, a) in enumerate(zip(bid_rows, ask_rows, strict=True)):
        row = lo + r * group
        assert b == sum(ref[1][p] for p in range(row, row + group))
        assert a == sum(ref[-1][p] for p in range(row - group + 1, row + 1))


# -- grouped_sum ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    values=st.dictionaries(st.integers(0, 400), st.integers(-50, 50), max_size=60),
    minus=st.dictionaries(st.integers(0, 400), st.integers(-50, 50), max_size=60),
    group=st.sampled_from([1, 2, 5, 10, 25, 50, 100]),
    first_row=st.integers(-3, 10),
    rows=st.integers(0, 40),
    round_up=st.booleans(),
)
def test_grouped_sum_matches_rounding_each_tick(
    *, values: dict[int, int], minus: dict[int, int], group: int, first_row: int, rows: int, round_up: bool
) -> None:
    """Both walks (over the dict, over the tick range) give what rounding each tick does."""
    lo = first_row * group
    got = grouped_sum(values, group, lo, rows, round_up=round_up, minus=minus)
    want = [0] * rows
    for src, sign in ((values, 1), (minus, -1)):
        for price, lots in src.items():
            key = -(-price // group) * group if round_up else (price // group) * group
            r = (key - lo) // group
            if 0 <= r < rows:
                want[r] += sign * lots
    assert got == want


def test_grouped_sum_bids_round_down_asks_round_up() -> None:
    values = {100: 1, 101: 2, 104: 4, 105: 8}
    assert grouped_sum(values, 5, 100, 2, round_up=False) == [7, 8]  # 100..104 | 105..109
    assert grouped_sum(values, 5, 100, 2, round_up=True) == [1, 14]  # 96..100 | 101..105


def test_grouped_sum_agrees_with_the_book_grouping() -> None:
    book = book_with({100: 3, 103: 4, 97: 1}, {104: 2, 107: 5, 111: 6})
    for group in (1, 2, 5, 10):
        lo = (90 // group) * group
        n = 30 // group
        want = book.grouped(group, lo, n)
        got = (
            grouped_sum(book.bids, group, lo, n, round_up=False),
            grouped_sum(book.asks, group, lo, n, round_up=True),
        )
        assert got == want


# -- volume per period ---------------------------------------------------------------------------


def add(volume: PeriodVolume, rows: list[tuple[int, int, int, int]]) -> None:
    batch = trades(rows)
    volume.add(batch.exchange_ns, batch.price_ticks, batch.qty_lots, batch.side)


def test_recent_volume_is_the_prints_of_the_current_window_and_resets_after_it() -> None:
    recent = PeriodVolume.every(5 * S)
    add(recent, [(10 * S, 100, 3, 1), (11 * S, 100, 2, 1), (12 * S, 99, 7, -1)])
    assert recent.buy == {100: 5}
    assert recent.sell == {99: 7}
    assert not recent.advance(14 * S + 999_999_999)  # still the window [10 s, 15 s)
    assert recent.buy == {100: 5}
    assert recent.advance(15 * S)
    assert recent.buy == {} and recent.sell == {}
    add(recent, [(16 * S, 101, 1, 1)])
    assert recent.buy == {101: 1}


def test_a_batch_across_a_boundary_keeps_the_newest_window_and_late_prints_are_dropped() -> None:
    recent = PeriodVolume.every(5 * S)
    add(recent, [(4 * S, 100, 3, 1), (5 * S, 100, 2, 1), (6 * S, 98, 1, -1)])
    assert recent.buy == {100: 2} and recent.sell == {98: 1}
    add(recent, [(4 * S, 100, 50, 1)])  # a late print of a closed window
    assert recent.buy == {100: 2}


def test_clear_forgets_until_new_prints_arrive() -> None:
    recent = PeriodVolume.every(5 * S)
    add(recent, [(1 * S, 100, 3, 1)])
    recent.clear()
    assert recent.buy == {}
    add(recent, [(2 * S, 100, 1, 1)])
    assert recent.buy == {100: 1}


def test_session_volume_resets_at_the_session_boundary() -> None:
    session = PeriodVolume.per_session(SessionSchedule.daily_utc(0, 0))
    day = 19_000 * DAY_NS
    add(session, [(day + 5 * S, 100, 3, 1), (day + DAY_NS - S, 100, 4, -1)])
    assert session.buy == {100: 3} and session.sell == {100: 4}
    assert session.advance(day + DAY_NS)
    assert session.buy == {} and session.sell == {}


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 40), st.integers(90, 110), st.integers(1, 1000), st.sampled_from([1, -1])),
        max_size=200,
    )
)
def test_period_volume_matches_brute_force(rows: list[tuple[int, int, int, int]]) -> None:
    """Loop and numpy paths alike (batches over 64 prints are aggregated with numpy)."""
    rows = sorted(rows)
    rows_ns = [(t * S, p, q, s) for t, p, q, s in rows]
    volume = PeriodVolume.every(10 * S)
    add(volume, rows_ns)
    if not rows:
        assert volume.buy == {} and volume.sell == {}
        return
    last = rows[-1][0] // 10
    buy: dict[int, int] = defaultdict(int)
    sell: dict[int, int] = defaultdict(int)
    for t, p, q, s in rows:
        if t // 10 == last:
            (buy if s > 0 else sell)[p] += q
    assert volume.buy == dict(buy)
    assert volume.sell == dict(sell)
    assert all(isinstance(k, int) and isinstance(v, int) for k, v in volume.buy.items())


def test_pull_stack_on_a_real_depth_diff_sequence() -> None:
    """Snapshot + diffs as the pipeline delivers them: the flow stays equal to the reference."""
    snap = DepthSnapshot(0, 0, 1, [(100, 5), (99, 5)], [(101, 5), (102, 5)])
    diffs = [
        DepthDiff(1, 1, 2, 2, 1, [(100, 3)], [(101, 9)]),
        DepthDiff(2, 2, 3, 3, 2, [(100, 0), (98, 4)], [(103, 1)]),
    ]
    book = OrderBook()
    book.load(snap.bids, snap.asks, snap.update_id, 0)
    flow = PullStack()
    flow.start(book)
    for d in diffs:
        book.apply(d.bids, d.asks, d.last_id, d.exchange_ns)
    feed(flow, trades([(3, 100, 2, -1)]))
    assert [flow.bid_lots(book, p) for p in (100, 99, 98)] == [-3, 0, 4]
    assert [flow.ask_lots(book, p) for p in (101, 102, 103)] == [4, 0, 1]
    assert np.array_equal(flow.grouped(book, 1, 98, 6)[0], [4, 0, -3, 0, 0, 0])
