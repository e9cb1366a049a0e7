"""Which marks of a reviewed trip a chart places, as far as the replay has got, and which ladder
rows get which tags."""

from __future__ import annotations

from app.core.events import Side
from app.core.paper.orders import OrderRole
from app.core.paper.snapshot import RoundTrip
from app.core.paper.trip_review import EventStamp, LegSpan, OriginKind, TradeOrigin, TripReview
from widgets.base.trip_marks import MarkKind, TripLevel, TripPoint, ladder_tags, place_trip, row_price_of

ORIGIN = EventStamp(TradeOrigin(OriginKind.REPLAY, "BINANCE:BTCUSDT", ("/r.gz",)), 0)
TRIP = RoundTrip(1, Side.BUY, 2, 1_000, 5_000, 650_001.0, 650_021.0, 40, 0.0, 0.01)
LEGS = (
    LegSpan(11, OrderRole.STOP_LOSS, 649_961, 1_000, 3_000),
    LegSpan(11, OrderRole.STOP_LOSS, 650_003, 3_000, 5_000),  # moved to break-even
    LegSpan(12, OrderRole.TAKE_PROFIT, 650_021, 1_000, 5_000),
)
REVIEW = TripReview(TRIP, ORIGIN, ORIGIN, LEGS)


def x_of(ts_ns: int) -> float:
    return ts_ns / 1_000


def test_the_whole_trip_is_placed_once_the_replay_is_past_its_exit() -> None:
    points, levels = place_trip(REVIEW, x_of, now_ns=9_000)

    assert points == [TripPoint(MarkKind.ENTRY, 1.0, 650_001.0), TripPoint(MarkKind.EXIT, 5.0, 650_021.0)]
    assert levels == [
        TripLevel(MarkKind.STOP, 1.0, 3.0, 649_961),
        TripLevel(MarkKind.STOP, 3.0, 5.0, 650_003),
        TripLevel(MarkKind.TARGET, 1.0, 5.0, 650_021),
    ]


def test_before_the_entry_nothing_is_drawn_and_mid_trip_the_levels_end_at_the_newest_data() -> None:
    assert place_trip(REVIEW, x_of, now_ns=900) == ([], [])

    points, levels = place_trip(REVIEW, x_of, now_ns=2_000)

    assert points == [TripPoint(MarkKind.ENTRY, 1.0, 650_001.0)]
    assert levels == [
        TripLevel(MarkKind.STOP, 1.0, 2.0, 649_961),
        TripLevel(MarkKind.TARGET, 1.0, 2.0, 650_021),
    ]


def test_a_time_the_chart_has_no_bar_for_is_left_out() -> None:
    points, levels = place_trip(REVIEW, lambda ts: None if ts < 2_000 else ts / 1_000, now_ns=None)

    assert [p.kind for p in points] == [MarkKind.EXIT]
    assert [lv.price_ticks for lv in levels] == [650_003]


def test_ladder_rows_carry_entry_exit_and_every_stop_and_target_price() -> None:
    tags = ladder_tags(REVIEW, row_price_of(1))

    assert tags == {
        650_001: (MarkKind.ENTRY,),
        650_021: (MarkKind.EXIT, MarkKind.TARGET),
        649_961: (MarkKind.STOP,),
        650_003: (MarkKind.STOP,),
    }
    assert ladder_tags(None, row_price_of(1)) == {}


def test_a_grouped_ladder_tags_the_row_nearest_an_average_price() -> None:
    row_of = row_price_of(10)

    assert [row_of(p) for p in (650_001.0, 650_004.9, 650_005.0, 650_021.0)] == [
        650_000,
        650_000,
        650_010,
        650_020,
    ]


def test_a_level_still_working_ends_at_the_end_of_the_bar_holding_now() -> None:
    def bar_end(x: float) -> float:
        return float(int(x) + 1)  # bars of one x unit

    first = place_trip(REVIEW, x_of, now_ns=2_100, bar_end=bar_end)[1]
    later_same_bar = place_trip(REVIEW, x_of, now_ns=2_900, bar_end=bar_end)[1]

    assert first == later_same_bar  # nothing to repaint until the next bar
    assert [lv.x1 for lv in first] == [3.0, 3.0]
    done = place_trip(REVIEW, x_of, now_ns=9_000, bar_end=bar_end)[1]
    assert [lv.x1 for lv in done] == [3.0, 5.0, 5.0]  # finished spans end where they ended
