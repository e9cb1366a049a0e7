"""The ladder's signal markers: the row of each recent signal, fading with market time, repainted
only where a marker changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.market import Changed, MarketState
from app.core.signals.engine import SignalSettings
from app.core.signals.kinds import Signal, SignalKind
from app.core.signals.recent import RecentSignals
from app.core.units import NS_PER_S
from app.feeds.signals_scan import scan
from widgets.base.signal_style import KIND_STYLE
from widgets.ladder import LadderView
from widgets.ladder.signal_rows import FADE_STEPS_S, LadderSignals

T0 = 1_723_161_600 * NS_PER_S


def sig(t_s: float, price: int, kind=SignalKind.ABSORPTION, side=1) -> Signal:
    return Signal(kind, T0 + int(t_s * NS_PER_S), price, side, 0.7, None, "held")


def test_a_marker_fades_in_steps_and_is_gone_after_the_last() -> None:
    recent = RecentSignals()
    recent.add([sig(0, 1000)])
    rows = LadderSignals()

    assert rows.update(recent, T0 + 1 * NS_PER_S, 1) == {1000}
    assert rows.rows[1000].step == 0
    assert rows.update(recent, T0 + 2 * NS_PER_S, 1) is None  # nothing due: not even looked at
    assert rows.update(recent, T0 + (FADE_STEPS_S[0] + 1) * NS_PER_S, 1) == {1000}
    assert rows.rows[1000].step == 1 and rows.rows[1000].alpha < 255
    assert rows.update(recent, T0 + (FADE_STEPS_S[-1] + 1) * NS_PER_S, 1) == {1000}
    assert rows.rows == {}


def test_grouped_rows_take_the_newest_signal_and_count_the_others() -> None:
    recent = RecentSignals()
    recent.add([sig(0, 1003), sig(1, 1007, SignalKind.SWEEP, -1), sig(2, 1012)])
    rows = LadderSignals()

    assert rows.update(recent, T0 + 3 * NS_PER_S, 10) == {1000, 1010}
    assert rows.rows[1000].signal.kind is SignalKind.SWEEP and rows.rows[1000].count == 2
    assert rows.rows[1010].count == 1


@pytest.fixture(scope="module")
def found(btcusdt_recording: Path) -> list[Signal]:
    return scan([btcusdt_recording], SignalSettings())[1]


def test_the_ladder_paints_the_newest_signal_at_its_price_row(
    qtbot, replayed_market: MarketState, found: list[Signal]
) -> None:
    view = LadderView()
    qtbot.addWidget(view)
    view.resize(500, 900)
    view.show()
    qtbot.waitExposed(view)
    view.set_market(replayed_market)
    recent = RecentSignals()
    newest = found[-1]
    recent.add(found)
    view.set_signals(recent)
    now = replayed_market.last_trade_ns
    view.refresh(Changed.ALL, now)
    mark = view.signal_at(newest.price_ticks)
    assert mark is not None and mark.signal == newest

    # the newest signal's row brought on screen, painted: its colour at the price cell's left edge
    rows = view.rows()
    view.scroll_rows(newest.price_ticks - rows[len(rows) // 2].price_ticks)
    view.refresh(Changed.NONE, now)
    view.canvas.repaint()
    rect = view.cell_rect(newest.price_ticks, "price")
    assert rect is not None
    image = view.canvas.grab().toImage()
    colour = image.pixelColor(rect.left() + 5, rect.center().y() + (2 if newest.side > 0 else -2))
    want = KIND_STYLE[newest.kind].colour
    distance = sum(abs(a - b) for a, b in zip(colour.getRgb()[:3], want.getRgb()[:3], strict=True))
    assert distance < 40  # antialiased edges blend a little
