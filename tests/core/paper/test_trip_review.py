"""Trip reviews from stamped journal events: which origin a trip keeps, which bracket legs it draws,
and what a review does (where it seeks, whether it switches, why it cannot)."""

from __future__ import annotations

from app.core.events import Side
from app.core.paper.events import OrderCancelled, OrderFilled, OrderMoved, OrderOpened, OrderResized
from app.core.paper.orders import Fill, Liquidity, Order, OrderKind, OrderRole
from app.core.paper.trip_review import (
    REVIEW_LEAD_NS,
    REVIEW_SPEED,
    EventStamp,
    LegSpan,
    OriginKind,
    ReviewPlan,
    TradeOrigin,
    TripReviewBuilder,
    plan_review,
    review_seek_ns,
)
from app.core.units import NS_PER_S

BUY, SELL = Side.BUY, Side.SELL
SL, TP = OrderRole.STOP_LOSS, OrderRole.TAKE_PROFIT
DAY_A = TradeOrigin(OriginKind.REPLAY, "BINANCE:BTCUSDT", ("/rec/a.gz",))
DAY_B = TradeOrigin(OriginKind.REPLAY, "BINANCE:BTCUSDT", ("/rec/b.gz",))
A = EventStamp(DAY_A, -1_270_000_000)
B = EventStamp(DAY_B, -5)


def fill(ts: int, side: Side, lots: int, price: int, order_id: int = 1) -> OrderFilled:
    role = OrderRole.ENTRY if order_id < 10 else (SL if order_id % 2 else TP)
    return OrderFilled(Fill(ts, order_id, side, price, lots, Liquidity.TAKER, 0.0, role))


def leg(ts: int, order_id: int, role: OrderRole, price: int, lots: int = 2) -> OrderOpened:
    kind = OrderKind.STOP if role is SL else OrderKind.LIMIT
    return OrderOpened(ts, Order(order_id, SELL, kind, lots, price, role, oco_id=1))


def test_a_trip_keeps_the_origin_of_its_entry_and_its_exit() -> None:
    builder = TripReviewBuilder(0.01)

    assert builder.add(fill(1_000, BUY, 2, 100), A) is None
    review = builder.add(fill(9_000, SELL, 2, 104), B)

    assert review is not None and review.trip_id == 1
    assert review.origin == DAY_A
    assert review.exit_stamp == B
    assert review.entry_exchange_ns == 1_000 - 1_270_000_000
    assert review.exit_exchange_ns == 9_000 - 5
    assert builder.review(1) is review


def test_a_reversal_opens_the_next_trip_with_the_reversing_batch_stamp() -> None:
    builder = TripReviewBuilder(0.01)
    builder.add(fill(1_000, BUY, 2, 100), A)

    first = builder.add(fill(2_000, SELL, 5, 101), B)
    second = builder.add(fill(3_000, BUY, 3, 99), A)

    assert first is not None and first.origin == DAY_A
    assert second is not None and second.trip_id == 2 and second.origin == DAY_B


def test_bracket_legs_are_spans_at_each_price_they_worked_at() -> None:
    builder = TripReviewBuilder(0.01)
    builder.add(fill(1_000, BUY, 2, 100), A)
    builder.add(leg(1_000, 11, SL, 90), A)
    builder.add(leg(1_000, 12, TP, 120), A)

    builder.add(OrderMoved(4_000, 11, 102), A)  # break-even
    builder.add(fill(7_000, SELL, 2, 120, order_id=12), A)
    review = builder.add(OrderCancelled(7_000, 11, "oco"), A)

    assert review is None  # the target's fill closed the trip already
    (trip,) = builder.reviews.values()
    assert sorted(trip.legs, key=lambda s: (s.order_id, s.from_ns)) == [
        LegSpan(11, SL, 90, 1_000, 4_000),
        LegSpan(11, SL, 102, 4_000, 7_000),
        LegSpan(12, TP, 120, 1_000, 7_000),
    ]
    assert trip.leg_prices(SL) == (90, 102)
    assert trip.leg_prices(TP) == (120,)


def test_a_partly_filled_leg_keeps_working_and_a_resized_one_ends_when_filled() -> None:
    builder = TripReviewBuilder(0.01)
    builder.add(fill(1_000, BUY, 4, 100), A)
    builder.add(leg(1_000, 12, TP, 110, lots=4), A)
    builder.add(fill(2_000, SELL, 1, 110, order_id=12), A)
    builder.add(OrderResized(2_500, 12, 3), A)

    review = builder.add(fill(3_000, SELL, 3, 110, order_id=12), A)

    assert review is not None
    assert review.legs == (LegSpan(12, TP, 110, 1_000, 3_000),)


def test_a_trip_without_brackets_has_no_legs_and_later_trips_do_not_inherit_old_ones() -> None:
    builder = TripReviewBuilder(0.01)
    builder.add(fill(1_000, BUY, 1, 100), A)
    builder.add(leg(1_000, 11, SL, 90, lots=1), A)
    builder.add(fill(2_000, SELL, 1, 101), A)  # closed by hand: the stop goes with the position
    builder.add(OrderCancelled(2_000, 11, "position closed"), A)
    builder.add(fill(3_000, BUY, 1, 100), A)

    second = builder.add(fill(4_000, SELL, 1, 99), A)

    first = builder.review(1)
    assert first is not None and first.legs == (LegSpan(11, SL, 90, 1_000, 2_000),)
    assert second is not None and second.legs == ()


def test_events_journaled_before_stamps_existed_leave_the_origin_unknown() -> None:
    builder = TripReviewBuilder(0.01)
    builder.add(fill(1_000, BUY, 1, 100), None)

    review = builder.add(fill(2_000, SELL, 1, 101), A)

    assert review is not None and review.origin is None and review.entry_exchange_ns is None


def test_the_seek_is_a_little_before_the_entry_and_inside_the_recording() -> None:
    entry_ns = 1_723_100_000 * NS_PER_S

    assert review_seek_ns(entry_ns) == entry_ns - REVIEW_LEAD_NS
    assert review_seek_ns(entry_ns, start_ns=entry_ns - 3 * NS_PER_S) == entry_ns - 3 * NS_PER_S


def _closed(stamp: EventStamp | None, entry_ns: int = 100 * NS_PER_S):
    builder = TripReviewBuilder(0.01)
    builder.add(fill(entry_ns, BUY, 1, 100), stamp)
    review = builder.add(fill(entry_ns + 5 * NS_PER_S, SELL, 1, 101), stamp)
    assert review is not None
    return review


def test_a_trip_on_the_replay_on_screen_seeks_without_switching() -> None:
    plan = plan_review(_closed(A), DAY_A.paths, current_start_ns=95 * NS_PER_S)

    assert plan == ReviewPlan(DAY_A.paths, switch=False, seek_ns=95 * NS_PER_S, speed=REVIEW_SPEED)


def test_a_trip_on_another_recording_switches_to_it() -> None:
    plan = plan_review(_closed(A), DAY_B.paths, current_start_ns=0)

    assert isinstance(plan, ReviewPlan)
    assert plan.switch and plan.paths == DAY_A.paths
    assert plan.seek_ns == 90 * NS_PER_S  # the other replay's start says nothing about this one


def test_a_recorded_live_trip_reviews_from_its_recording_from_a_live_window() -> None:
    live = EventStamp(TradeOrigin(OriginKind.LIVE, "BYBIT:BTCUSDT", ("/data/rec/BYBIT_x.gz",)), 3)

    plan = plan_review(_closed(live), None)

    assert isinstance(plan, ReviewPlan) and plan.switch and plan.paths == ("/data/rec/BYBIT_x.gz",)


def test_trips_that_cannot_be_reviewed_say_why_in_one_line() -> None:
    unrecorded = EventStamp(TradeOrigin(OriginKind.LIVE, "BYBIT:BTCUSDT"), 3)
    synthetic = EventStamp(TradeOrigin(OriginKind.SYNTHETIC, "SYNTHETIC:SIMUSDT"), 0)

    texts = [plan_review(_closed(s), None) for s in (None, unrecorded, synthetic)]

    assert all(isinstance(t, str) and "\n" not in t for t in texts)
    assert "before trades recorded their source" in str(texts[0])
    assert "live BYBIT:BTCUSDT feed while it was not being recorded" in str(texts[1])
    assert "synthetic market" in str(texts[2])
