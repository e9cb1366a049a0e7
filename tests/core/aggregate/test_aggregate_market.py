"""The aggregate of three venues, fed in batches, against the brute force of tests/reference:
the CVD is the sum of the per-venue CVDs, and every footprint cell the sum of its venues' cells,
in base units, across session boundaries, late prints and an inverse leg."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference.aggregate import Print, aggregate, common_grid, common_unit

from app.core.aggregate import AggregateError, AggregateInstrument, AggregateMarket
from app.core.aggregate.book import load_summed
from app.core.book import OrderBook
from app.core.events import DepthDiff, DepthSnapshot
from app.core.footprint import BarSpec
from app.core.market import MarketState
from app.core.sessions import SessionSchedule
from app.core.tape import TradeColumns
from app.venues.registry import adapter

LEGS = [
    adapter("binance-usdm").instrument("BTCUSDT"),  # base lots of 0.001, tick 0.1
    adapter("hyperliquid").instrument("BTC"),  # base lots of 0.00001, tick 1
    adapter("okx-swap").instrument("BTC-USD-SWAP"),  # inverse: contracts of 100 USD, tick 0.1
    adapter("okx-swap").instrument("BTC-USDT-SWAP"),  # contracts of 0.01 BTC, lots of 0.01
]
MIDNIGHT_NS = 1_723_161_600 * 10**9  # 2024-08-09 00:00 UTC
PRICE = Fraction(61_000)


def leg_ticks(leg: int, offset: int) -> int:
    """A price near 61,000 on the leg's own tick (offsets shared, so cells overlap across legs)."""
    tick = Fraction(LEGS[leg].tick_size)
    return int((PRICE + Fraction(offset, 10)) / tick) if tick < 1 else int(PRICE) + offset // 10


prints = st.lists(
    st.lists(
        st.tuples(
            st.integers(0, len(LEGS) - 1),
            st.integers(-180, 180),  # seconds around midnight: two sessions, several bars
            st.integers(-40, 40),
            st.integers(1, 5000),
            st.sampled_from([1, -1]),
        ),
        max_size=12,
    ),
    min_size=1,
    max_size=10,
)


def feed(updates, daily: bool, group: int = 1) -> AggregateMarket:
    sessions = SessionSchedule() if daily else SessionSchedule.never()
    states = [MarketState(leg, sessions=sessions) for leg in LEGS]
    agg = AggregateMarket(
        AggregateInstrument.of(LEGS), states, BarSpec.time(60, group_ticks=group), sessions=sessions
    )
    for update in updates:
        for i, state in enumerate(states):
            mine = [p for p in update if p.leg == i]
            if mine:
                rows = [
                    (p.exchange_ns, p.exchange_ns + 5, p.price_ticks, p.qty_lots, p.side, 0) for p in mine
                ]
                state.apply_trades(TradeColumns.from_rows(rows))
        agg.update()
    return agg


def as_updates(raw) -> list[list[Print]]:
    out = []
    for update in raw:
        made = [
            Print(leg, MIDNIGHT_NS + s * 10**9, leg_ticks(leg, off), q, side)
            for leg, s, off, q, side in update
        ]
        out.append(sorted(made, key=lambda p: p.leg))  # legs in order, as update() takes them
    return out


@settings(max_examples=60, deadline=None)
@given(prints, st.booleans(), st.sampled_from([1, 5]))
def test_cvd_and_footprint_cells_are_sums_over_venues(raw, daily, group):
    updates = as_updates(raw)
    agg = feed(updates, daily, group)
    ref = aggregate(updates, LEGS, daily_sessions=daily, group=group)

    assert agg.cvd_units == ref.cvd == sum(ref.venue_cvd)
    assert list(agg.venue_cvd_units()) == ref.venue_cvd
    assert agg.state.tape.total == ref.trades
    cells = {}
    venue_cells = {}
    bars = agg.state.bars
    for i, bar in enumerate(bars.bars):
        lv = bar.levels()
        for key, buy, sell in zip(
            lv.price_ticks.tolist(), lv.buy_lots.tolist(), lv.sell_lots.tolist(), strict=True
        ):
            cells[(bar.period_start_ns, key)] = [buy, sell]
            for leg, (vb, vs) in enumerate(agg.breakdown.cell(bars.dropped_count + i, key)):
                if vb or vs:
                    venue_cells[(bar.period_start_ns, key, leg)] = [vb, vs]
    assert cells == dict(ref.cells)
    assert venue_cells == {k: v for k, v in ref.venue_cells.items() if v != [0, 0]}


def test_the_grid_is_the_finest_every_tick_divides_and_the_unit_the_gcd_of_base_lots():
    agg = AggregateInstrument.of(LEGS)

    assert Fraction(agg.grid) == common_grid(LEGS) == 1
    assert Fraction(agg.unit) == common_unit(LEGS) == Fraction(1, 10**8)
    linear = AggregateInstrument.of([LEGS[0], LEGS[1], LEGS[3]])
    assert (linear.grid, linear.unit) == (Decimal(1), Decimal("0.00001"))
    assert linear.instrument.qty_str(123_456) == "1.23456"


def test_an_inverse_print_is_its_usd_value_at_its_own_price_in_base_units():
    agg = AggregateInstrument.of(LEGS)
    scale = agg.scales[2]
    lots = np.array([35, 1, 3], np.int64)
    ticks = np.array([302_279, 600_000, 600_000], np.int64)  # 30227.9 and 60000.0 USD

    got = scale.base_units(lots, ticks).tolist()

    assert got == [round(Fraction(35 * 100) / Fraction(302279, 10) * 10**8), 166_667, 500_000]


def test_one_base_asset_only():
    with pytest.raises(AggregateError, match="one base asset"):
        AggregateInstrument.of([LEGS[0], adapter("bybit-linear").instrument("XRPUSDT")])


def test_the_summed_book_is_on_the_grid_and_names_the_venue_of_the_best_prices():
    states = [MarketState(leg) for leg in LEGS[:3]]
    agg = AggregateMarket(AggregateInstrument.of(LEGS[:3]), states)
    states[0].load_snapshot(DepthSnapshot(0, 0, 1, [(609_995, 1000)], [(610_001, 2000)]))  # 1 and 2 BTC
    states[1].load_snapshot(DepthSnapshot(0, 0, 1, [(61_000, 50_000)], [(61_002, 100_000)]))  # 0.5 / 1 BTC
    states[2].load_snapshot(DepthSnapshot(0, 0, 1, [(600_000, 600)], [(610_005, 0)]))  # 600 contracts = 1 BTC

    agg.update()
    agg.refresh_book()

    book = agg.state.book
    assert book.bids == {60_000: 100_000_000, 60_999: 100_000_000, 61_000: 50_000_000}
    assert book.asks == {61_001: 200_000_000, 61_002: 100_000_000}  # asks round up to the grid
    assert (agg.best.bid, agg.best.ask) == (1, 0)
    agg.show_book(1)
    agg.refresh_book()
    assert (book.bids, book.asks) == ({61_000: 50_000_000}, {61_002: 100_000_000})
    states[1].apply_diff(DepthDiff(0, 0, 2, 2, 1, [(61_000, 0), (60_999, 20_000)], []))  # one venue's diff
    assert (book.bids, book.best_bid) == ({60_999: 20_000_000}, 60_999)
    agg.show_book(None)
    states[0].apply_diff(DepthDiff(0, 0, 2, 2, 1, [(609_995, 0)], [(610_001, 1000)]))
    summed = OrderBook()
    load_summed(summed, agg.agg, [s.book for s in states], range(3))  # the same, from whole books
    expected = ({60_000: 100_000_000, 60_999: 20_000_000}, {61_001: 100_000_000, 61_002: 100_000_000})
    assert (book.bids, book.asks) == (summed.bids, summed.asks) == expected


def test_a_venue_picked_after_diffs_shows_its_own_book_as_summed_from_whole_books():
    states = [MarketState(leg) for leg in LEGS[:3]]
    agg = AggregateMarket(AggregateInstrument.of(LEGS[:3]), states)
    states[0].load_snapshot(DepthSnapshot(0, 0, 1, [(609_995, 1000), (609_990, 500)], [(610_001, 2000)]))
    states[2].load_snapshot(DepthSnapshot(0, 0, 1, [(600_000, 600)], [(610_005, 300)]))
    states[0].apply_diff(DepthDiff(0, 0, 2, 2, 1, [(609_995, 0), (609_993, 700)], [(610_004, 10)]))
    states[2].apply_diff(DepthDiff(0, 0, 2, 2, 1, [(599_990, 60)], [(610_005, 0), (610_010, 120)]))

    for venue in (0, 2, None, 2):
        agg.show_book(venue)
        states[0].apply_diff(DepthDiff(0, 0, 3, 3, 2, [(609_993, 0)], [(610_002, 30)]))  # after the pick
        states[2].apply_diff(DepthDiff(0, 0, 3, 3, 2, [(599_990, 90)], []))
        alone = OrderBook()
        load_summed(alone, agg.agg, [s.book for s in states], range(3) if venue is None else [venue])

        assert (agg.state.book.bids, agg.state.book.asks) == (alone.bids, alone.asks)


# (dollars, tenths, size): a Binance or OKX level at dollars + tenths (off the $1 grid), HL at dollars
LEVEL = st.tuples(st.integers(60_995, 61_005), st.integers(0, 9), st.integers(0, 3))
DIFF = st.tuples(st.integers(0, 2), st.lists(LEVEL, max_size=6), st.lists(LEVEL, max_size=6))


@settings(max_examples=60, deadline=None)
@given(st.lists(DIFF, min_size=1, max_size=30), st.sampled_from([None, 0, 1, 2]))
def test_the_summed_book_after_any_diffs_is_the_sum_of_the_whole_books(diffs, venue):
    states = [MarketState(leg) for leg in LEGS[:3]]
    agg = AggregateMarket(AggregateInstrument.of(LEGS[:3]), states)
    agg.show_book(venue)
    for n, (leg, bids, asks) in enumerate(diffs):  # sizes 0..3: removals, resizes, the same size again

        def ticks(levels: list[tuple[int, int, int]], leg: int = leg) -> list[tuple[int, int]]:
            return [(d if leg == 1 else d * 10 + t, q) for d, t, q in levels]

        states[leg].apply_diff(DepthDiff(0, 0, n + 2, n + 2, n + 1, ticks(bids), ticks(asks)))

    alone = OrderBook()
    load_summed(alone, agg.agg, [s.book for s in states], range(3) if venue is None else [venue])
    assert (agg.state.book.bids, agg.state.book.asks) == (alone.bids, alone.asks)
