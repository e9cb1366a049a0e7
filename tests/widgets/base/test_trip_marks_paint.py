"""The reviewed trip really painted: the entry ring and exit square and the stop and target levels
on the footprint, only once the replay has reached them; the tagged rows on the ladder."""

from __future__ import annotations

import pytest
from PySide6 import QtCore

from app.core.events import Side
from app.core.market import Changed, MarketState
from app.core.paper.orders import OrderRole
from app.core.paper.snapshot import RoundTrip
from app.core.paper.trip_review import EventStamp, LegSpan, OriginKind, TradeOrigin, TripReview
from tests.widgets.base.test_fill_marks import SEC, T0, P, _count, footprint, market  # noqa: F401
from tests.widgets.ladder.test_ladder_view import T0 as LADDER_T0
from tests.widgets.ladder.test_ladder_view import book_around, make_view
from widgets.base import palette
from widgets.base.trip_marks import MarkKind

STAMP = EventStamp(TradeOrigin(OriginKind.REPLAY, "binance-usdm:BTCUSDT", ("/r.gz",)), 0)


def review_of(entry_ns: int, exit_ns: int, entry: int, exit_: int, *, stop: int, target: int) -> TripReview:
    trip = RoundTrip(1, Side.BUY, 5, entry_ns, exit_ns, entry, exit_, (exit_ - entry) * 5, 0.0, 0.0001)
    legs = (
        LegSpan(2, OrderRole.STOP_LOSS, stop, entry_ns, exit_ns),
        LegSpan(3, OrderRole.TAKE_PROFIT, target, entry_ns, exit_ns),
    )
    return TripReview(trip, STAMP, STAMP, legs)


# bought at P+3 after 30 s, out at P+1 in minute 1 (T0 + 90 s); stop P−5, target P+11
REVIEW = review_of(T0 + 30 * SEC, T0 + 90 * SEC, P + 3, P + 1, stop=P - 5, target=P + 11)


def _at(view, x: float, price: float) -> QtCore.QPoint:
    scene = view.trip_marks.mapToScene(QtCore.QPointF(x, price + 0.5))
    return view.plot.mapTo(view, view.plot.mapFromScene(scene))


def test_the_footprint_paints_entry_exit_and_the_legs(footprint) -> None:  # noqa: F811
    before = footprint.grab().toImage()
    footprint.set_review(REVIEW)
    footprint.refresh(Changed.TAPE, T0 + 110 * SEC)
    footprint.paint_now()
    after = footprint.grab().toImage()
    after.save("/tmp/footprint_trip_marks.png")

    entry, exit_ = footprint.trip_marks.points()
    assert (entry.kind, exit_.kind) == (MarkKind.ENTRY, MarkKind.EXIT)
    ring = _at(footprint, entry.x, entry.price_ticks)
    around = QtCore.QRect(ring.x() - 9, ring.y() - 9, 19, 19)
    assert (
        _count(after, palette.HIGHLIGHT, around) > _count(before, palette.HIGHLIGHT, around) + 15
    )  # the POC is too
    square = _at(footprint, exit_.x, exit_.price_ticks)
    box = QtCore.QRect(square.x() - 9, square.y() - 9, 19, 19)
    assert _count(after, palette.TEXT_BRIGHT, box) > 15
    stop_a, stop_b = _at(footprint, 0.2, P - 5), _at(footprint, 0.8, P - 5)
    line = QtCore.QRect(stop_a.x(), stop_a.y() - 2, stop_b.x() - stop_a.x(), 5)
    assert _count(after, palette.PULL, line) > 10 and _count(before, palette.PULL, line) == 0


def test_nothing_is_drawn_before_the_replay_reaches_the_entry(footprint) -> None:  # noqa: F811
    footprint.set_review(REVIEW)

    footprint.refresh(Changed.TAPE, T0 + 20 * SEC)
    assert footprint.trip_marks.points() == [] and footprint.trip_marks.levels() == []
    footprint.refresh(Changed.TAPE, T0 + 60 * SEC)
    assert [p.kind for p in footprint.trip_marks.points()] == [MarkKind.ENTRY]
    footprint.set_review(None)
    assert footprint.trip_marks.points() == []


@pytest.fixture
def ladder_market(btcusdt) -> MarketState:
    m = MarketState(btcusdt)
    book_around(m, P)
    return m


def test_the_ladder_tags_and_paints_the_rows_of_the_trip(qtbot, ladder_market) -> None:
    view = make_view(qtbot, ladder_market, LADDER_T0)
    before = view.canvas.grab().toImage()

    view.set_review(review_of(LADDER_T0, LADDER_T0 + SEC, P, P + 4, stop=P - 6, target=P + 4))
    after = view.canvas.grab().toImage()

    assert view.trip_tags() == {
        P: (MarkKind.ENTRY,),
        P + 4: (MarkKind.EXIT, MarkKind.TARGET),
        P - 6: (MarkKind.STOP,),
    }
    for price, colour in ((P, palette.HIGHLIGHT), (P - 6, palette.PULL), (P + 4, palette.TEXT_BRIGHT)):
        cell = view.cell_rect(price, "price")
        assert cell is not None
        stripe = QtCore.QRect(cell.x() + 1, cell.y() + 1, 3, cell.height() - 2)
        assert _count(after, colour, stripe) > 10 and _count(before, colour, stripe) == 0
    target_cell = view.cell_rect(P + 4, "price")
    second = QtCore.QRect(target_cell.x() + 4, target_cell.y() + 1, 3, target_cell.height() - 2)
    assert _count(after, palette.STACK, second) > 10  # the target's stripe beside the exit's
