"""The signals found on the real recording, drawn where they happened on the footprint and the CVD
price pane: right bar, right price, painted in their kind's colour, redrawn only when the list moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore

from app.core.market import Changed, MarketState
from app.core.signals.engine import SignalSettings
from app.core.signals.kinds import Signal, SignalKind
from app.core.signals.recent import RecentSignals
from app.core.units import NS_PER_S
from app.feeds.signals_scan import scan
from widgets.base.signal_style import KIND_STYLE, signal_tip
from widgets.cvd import CvdView
from widgets.footprint import FootprintView


@pytest.fixture(scope="module")
def found(btcusdt_recording: Path) -> list[Signal]:
    return scan([btcusdt_recording], SignalSettings())[1]


@pytest.fixture
def recent(found: list[Signal]) -> RecentSignals:
    r = RecentSignals()
    r.add(found)
    return r


def shown(view, market: MarketState, recent: RecentSignals, qtbot, size=(900, 700)):
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.set_market(market)
    view.set_signals(recent)
    view.refresh(Changed.ALL, market.last_trade_ns)
    view.paint_now()
    return view


def test_footprint_marks_sit_in_the_bar_and_at_the_price_of_each_signal(
    qtbot, replayed_market: MarketState, recent: RecentSignals
) -> None:
    view = shown(FootprintView(), replayed_market, recent, qtbot)
    series = view.model.series
    marks = view.signal_marks.all_marks()

    assert len(marks) == len(recent)  # every signal of the recording has a bar to sit in
    for m in marks:
        bar = series.bars[round(m.x) - series.dropped_count]
        assert bar.period_start_ns <= m.signal.ts_ns < bar.period_start_ns + 60 * NS_PER_S
        if m.signal.kind is SignalKind.LARGE_PRINT:  # a print's price is one the bar traded
            assert bar.low_ticks <= m.price_ticks <= bar.high_ticks
    assert view.signal_marks.marks()  # the newest bars, in view, have some


def test_a_footprint_mark_is_painted_in_its_kinds_colour_on_its_price(
    qtbot, replayed_market: MarketState, recent: RecentSignals
) -> None:
    view = shown(FootprintView(), replayed_market, recent, qtbot)
    visible = view.signal_marks.marks()
    # a mark alone near its spot (no other glyph over it)
    lone = next(
        m
        for m in visible
        if all(abs(o.x - m.x) > 0.3 or abs(o.price_ticks - m.price_ticks) > 3 for o in visible if o is not m)
    )
    image = view.plot.grab().toImage()
    tip = view.vb.mapViewToDevice(QtCore.QPointF(lone.x, lone.price_ticks + 0.5))
    at = view.plot.mapFromGlobal(view.plot.viewport().mapToGlobal(tip.toPoint()))
    side = lone.signal.side
    dy = 5 if side > 0 else -5 if side < 0 else 0  # inside the triangle, off its tip
    colour = image.pixelColor(at.x(), at.y() + dy)
    expected = KIND_STYLE[lone.signal.kind].colour
    assert colour.rgb() == expected.rgb()


def test_cvd_marks_sit_at_the_signals_time_and_price_on_the_price_pane(
    qtbot, replayed_market: MarketState, recent: RecentSignals
) -> None:
    view = shown(CvdView(), replayed_market, recent, qtbot)
    marks = view.signal_marks.all_marks()
    bars = view.shown_bars()

    assert [m.signal for m in marks] == recent.items
    for m in marks:
        assert m.x == pytest.approx(m.signal.ts_ns / NS_PER_S)
        if m.signal.kind is SignalKind.LARGE_PRINT:
            i = int((m.signal.ts_ns - int(bars.start_ns[0])) // (view.settings()["timeframe_s"] * NS_PER_S))
            assert int(bars.price_low[i]) <= m.price_ticks <= int(bars.price_high[i])


def test_marks_are_placed_again_only_when_the_list_changes(
    qtbot, replayed_market: MarketState, recent: RecentSignals, found: list[Signal]
) -> None:
    view = shown(CvdView(), replayed_market, recent, qtbot)
    now = replayed_market.last_trade_ns

    assert view.refresh(Changed.SIGNALS, now) is False  # same version: nothing to redraw
    recent.add([Signal(SignalKind.ICEBERG, found[-1].ts_ns, found[-1].price_ticks, -1, 0.5, None, "test")])
    assert view.refresh(Changed.SIGNALS, now) is True
    assert view.signal_marks.all_marks()[-1].signal.kind is SignalKind.ICEBERG


def test_the_mark_under_the_pointer_is_found_for_its_tooltip(
    qtbot, replayed_market: MarketState, recent: RecentSignals
) -> None:
    view = shown(FootprintView(), replayed_market, recent, qtbot)
    item = view.signal_marks
    m = item.marks()[-1]
    centre_y = m.price_ticks + 0.5 - m.signal.side * 4 * item.pixelHeight()  # the glyph's middle

    near = item.mark_near(m.x, centre_y)
    assert near is not None and (near.x, near.price_ticks) == (m.x, m.price_ticks)
    assert item.mark_near(m.x + 40 * item.pixelWidth(), centre_y) is None
    text = signal_tip(m.signal, replayed_market.instrument)
    assert KIND_STYLE[m.signal.kind].name in text and m.signal.detail in text
    assert replayed_market.instrument.price_str(m.price_ticks) in text
