"""Round trips from journal events: stories, and a lot-by-lot average-cost reference (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.events import Side
from app.core.paper.events import (
    AccountChanged,
    OrderAccepted,
    OrderFilled,
    OrderMoved,
    OrderOpened,
    PaperEvent,
)
from app.core.paper.orders import Fill, Liquidity, Order, OrderKind, OrderRole
from app.core.paper.round_trips import RoundTripBuilder, round_trips
from app.core.paper.snapshot import RoundTrip

TV = 0.01  # quote money of one tick on one lot
BUY, SELL = Side.BUY, Side.SELL


def fill(ts: int, side: Side, lots: int, price: int, *, fee: float = 0.0, order_id: int = 1) -> OrderFilled:
    return OrderFilled(Fill(ts, order_id, side, price, lots, Liquidity.TAKER, fee))


def stop_opened(
    ts: int, side: Side, lots: int, price: int, role: OrderRole = OrderRole.STOP_LOSS
) -> OrderOpened:
    kind = OrderKind.STOP if role is OrderRole.STOP_LOSS else OrderKind.LIMIT
    return OrderOpened(ts, Order(99, side, kind, lots, price, role))


# -- stories ----------------------------------------------------------------------------------


def test_a_simple_long_closes_on_the_flattening_fill() -> None:
    builder = RoundTripBuilder(TV)

    assert builder.add(fill(1_000, BUY, 2, 100, fee=0.2)) is None
    assert builder.position_lots == 2
    assert builder.open_trip_entry_ns == 1_000
    trip = builder.add(fill(5_000, SELL, 2, 106, fee=0.3))

    assert trip == RoundTrip(
        trip_id=1,
        side=BUY,
        qty_lots=2,
        entry_ns=1_000,
        exit_ns=5_000,
        entry_price_ticks=100.0,
        exit_price_ticks=106.0,
        pnl_tick_lots=12,
        fees_quote=pytest.approx(0.5),
        tick_value_quote=TV,
        risk_tick_lots=None,
    )
    assert builder.position_lots == 0 and builder.open_trip_entry_ns is None
    assert trip.net_quote == pytest.approx(12 * TV - 0.5)
    assert trip.hold_ns == 4_000


def test_scale_in_and_out_uses_lot_weighted_averages() -> None:
    events = [
        fill(1, SELL, 1, 200),  # short 1 @ 200
        fill(2, SELL, 3, 204),  # short 4, avg (200 + 612) / 4 = 203
        fill(3, BUY, 1, 198),  # cover 1
        fill(4, SELL, 2, 201),  # short 5 again: entries 1@200 3@204 2@201 → 1214 / 6
        fill(5, BUY, 5, 195),  # flat
    ]

    [trip] = round_trips(events, TV)

    assert trip.side is SELL
    assert trip.qty_lots == 6
    assert trip.entry_price_ticks == pytest.approx(1214 / 6)
    assert trip.exit_price_ticks == pytest.approx((198 + 5 * 195) / 6)
    assert trip.pnl_tick_lots == 1214 - (198 + 975)  # a short earns entries − exits = 41
    assert (trip.entry_ns, trip.exit_ns) == (1, 5)


def test_a_reversal_closes_one_trip_and_opens_the_next_with_the_fee_shared_by_lots() -> None:
    builder = RoundTripBuilder(TV)
    builder.add(fill(10, BUY, 2, 100, fee=0.1))

    first = builder.add(fill(20, SELL, 5, 103, fee=1.0))  # 2 close the long, 3 open a short

    assert first is not None
    assert (first.side, first.qty_lots, first.pnl_tick_lots) == (BUY, 2, 6)
    assert first.fees_quote == pytest.approx(0.1 + 1.0 * 2 / 5)
    assert builder.position_lots == -3
    assert builder.open_trip_entry_ns == 20
    assert builder.open_entry_price_ticks == 103.0
    assert builder.open_fees_quote == pytest.approx(0.6)

    second = builder.add(fill(30, BUY, 3, 101, fee=0.3))

    assert second is not None
    assert (second.trip_id, second.side, second.qty_lots, second.pnl_tick_lots) == (2, SELL, 3, 6)
    assert (second.entry_ns, second.exit_ns) == (20, 30)
    assert second.fees_quote == pytest.approx(0.6 + 0.3)
    assert builder.trips == [first, second]


def test_partial_fills_of_one_order_make_one_trip() -> None:
    events: list[PaperEvent] = [
        fill(1, BUY, 1, 100, fee=0.01, order_id=7),
        AccountChanged(1, 1, 100, 0, 0.01),
        fill(2, BUY, 2, 101, fee=0.02, order_id=7),
        fill(3, SELL, 1, 102, fee=0.01, order_id=8),
        fill(4, SELL, 1, 103, fee=0.01, order_id=8),
        fill(5, SELL, 1, 99, fee=0.01, order_id=8),
    ]

    [trip] = round_trips(events, TV)

    assert trip.qty_lots == 3
    assert trip.entry_price_ticks == pytest.approx(302 / 3)
    assert trip.exit_price_ticks == pytest.approx(304 / 3)
    assert trip.pnl_tick_lots == 2
    assert trip.fees_quote == pytest.approx(0.06)


def test_r_comes_from_the_first_bracket_stop_opened_during_the_trip() -> None:
    events: list[PaperEvent] = [
        stop_opened(0, SELL, 2, 90),  # a leftover from before the trip: not this trip's stop
        fill(1, BUY, 2, 100),
        stop_opened(1, SELL, 2, 96),  # risk 4 ticks × 2 lots
        OrderMoved(2, 99, 100),  # break-even later does not change the initial risk
        stop_opened(3, SELL, 2, 80),  # a second bracket's stop: not the first
        fill(4, SELL, 2, 110, fee=0.0),
    ]

    [trip] = round_trips(events, TV)

    assert trip.risk_tick_lots == 8
    assert trip.r_multiple == pytest.approx(20 / 8)


def test_r_counts_lots_entered_before_the_stop_and_their_average() -> None:
    events = [
        fill(1, SELL, 1, 200),
        fill(2, SELL, 1, 203),  # avg 201.5 over 2 lots
        stop_opened(3, BUY, 2, 205),  # 3.5 ticks × 2 lots = 7
        fill(4, SELL, 2, 207),  # entered after the stop: not in the risk
        fill(5, BUY, 4, 205),
    ]

    [trip] = round_trips(events, TV)

    assert trip.risk_tick_lots == 7
    assert trip.pnl_tick_lots == (200 + 203 + 414) - 820


def test_no_stop_no_r_and_a_take_profit_is_not_a_stop() -> None:
    events = [
        fill(1, BUY, 1, 100),
        stop_opened(1, SELL, 1, 110, OrderRole.TAKE_PROFIT),
        fill(2, SELL, 1, 110),
    ]

    [trip] = round_trips(events, TV)

    assert trip.risk_tick_lots is None
    assert trip.r_multiple is None


def test_the_stop_of_the_next_trip_after_a_reversal_belongs_to_the_next_trip() -> None:
    events = [
        fill(1, BUY, 1, 100),
        stop_opened(1, SELL, 1, 95),
        fill(2, SELL, 2, 98),  # reverse: long closes at −2, short of 1 opens at 98
        stop_opened(2, BUY, 1, 101),
        fill(3, BUY, 1, 97),
    ]

    first, second = round_trips(events, TV)

    assert first.risk_tick_lots == 5
    assert second.risk_tick_lots == 3
    assert (first.pnl_tick_lots, second.pnl_tick_lots) == (-2, 1)


def test_an_open_position_is_not_a_trip() -> None:
    builder = RoundTripBuilder(TV)
    builder.add_all([fill(1, BUY, 3, 100), fill(2, SELL, 1, 101), OrderAccepted(3, 4)])

    assert builder.trips == []
    assert builder.position_lots == 2
    assert builder.open_trip_entry_ns == 1


# -- the reference: replay every fill one lot at a time, average-cost accounting ---------------


@dataclass
class RefTrip:
    side: int
    entry_ns: int
    exit_ns: int = 0
    entered: int = 0
    entry_sum: int = 0
    exited: int = 0
    exit_sum: int = 0
    realised: Fraction = field(default_factory=Fraction)
    fees: Fraction = field(default_factory=Fraction)
    risk: Fraction | None = None
    stop_seen: bool = False


def reference(events: list[PaperEvent]) -> tuple[list[RefTrip], int]:
    position, avg_cost = 0, Fraction(0)
    trips: list[RefTrip] = []
    current: RefTrip | None = None
    for event in events:
        if isinstance(event, OrderOpened) and event.order.role is OrderRole.STOP_LOSS and current is not None:
            if not current.stop_seen and event.order.price_ticks is not None:
                current.stop_seen = True
                avg_entry = Fraction(current.entry_sum, current.entered)
                current.risk = abs(avg_entry - event.order.price_ticks) * current.entered
            continue
        if not isinstance(event, OrderFilled):
            continue
        f = event.fill
        for _ in range(f.qty_lots):
            step = int(f.side)
            if position == 0:
                current = RefTrip(step, f.ts_ns)
                avg_cost = Fraction(0)
            assert current is not None
            if position == 0 or (position > 0) == (step > 0):
                avg_cost = (avg_cost * abs(position) + f.price_ticks) / (abs(position) + 1)
                current.entered += 1
                current.entry_sum += f.price_ticks
            else:
                current.realised += (f.price_ticks - avg_cost) * (1 if position > 0 else -1)
                current.exited += 1
                current.exit_sum += f.price_ticks
            current.fees += Fraction(f.fee_quote) / f.qty_lots
            position += step
            if position == 0:
                current.exit_ns = f.ts_ns
                trips.append(current)
                current = None
    return trips, position


@st.composite
def journals(draw: st.DrawFn) -> list[PaperEvent]:
    events: list[PaperEvent] = []
    ts = 0
    for _ in range(draw(st.integers(0, 40))):
        ts += draw(st.integers(0, 1_000_000))
        what = draw(st.sampled_from(["fill", "fill", "fill", "stop", "target", "noise"]))
        side = draw(st.sampled_from(Side))
        price = draw(st.integers(90, 110))
        if what == "fill":
            lots = draw(st.integers(1, 6))
            fee = draw(st.sampled_from([0.0, 0.25, 0.1, 1.0 / 3.0]))
            events.append(fill(ts, side, lots, price, fee=fee))
        elif what in ("stop", "target"):
            role = OrderRole.STOP_LOSS if what == "stop" else OrderRole.TAKE_PROFIT
            events.append(stop_opened(ts, side, 1, price, role))
        else:
            events.append(AccountChanged(ts, 0, 0, 0, 0.0))
    return events


@settings(max_examples=500)
@given(journals())
def test_trips_match_the_lot_by_lot_average_cost_reference(events: list[PaperEvent]) -> None:
    builder = RoundTripBuilder(TV)
    returned = [trip for trip in (builder.add(event) for event in events) if trip is not None]

    expected, position = reference(events)

    assert returned == builder.trips == round_trips(events, TV)
    assert builder.position_lots == position
    assert len(returned) == len(expected)
    for number, (trip, ref) in enumerate(zip(returned, expected, strict=True), start=1):
        assert trip.trip_id == number
        assert int(trip.side) == ref.side
        assert trip.qty_lots == ref.entered == ref.exited
        assert (trip.entry_ns, trip.exit_ns) == (ref.entry_ns, ref.exit_ns)
        assert trip.pnl_tick_lots == ref.realised  # average cost, summed lot by lot, is exact once flat
        assert trip.entry_price_ticks == pytest.approx(float(Fraction(ref.entry_sum, ref.entered)), abs=1e-9)
        assert trip.exit_price_ticks == pytest.approx(float(Fraction(ref.exit_sum, ref.exited)), abs=1e-9)
        assert trip.fees_quote == pytest.approx(float(ref.fees), abs=1e-9)
        assert trip.risk_tick_lots == ref.risk
        assert trip.tick_value_quote == TV
    total_fees = sum(e.fill.fee_quote for e in events if isinstance(e, OrderFilled))
    open_fees = builder.open_fees_quote
    assert sum(t.fees_quote for t in returned) + open_fees == pytest.approx(total_fees, abs=1e-9)
