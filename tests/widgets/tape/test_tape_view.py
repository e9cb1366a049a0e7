"""Time and sales view: what the trader sees row by row, in both modes, while scrolling and filtering."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from app.core.market import Changed, MarketState
from app.core.tape import TradeColumns
from widgets.base import palette
from widgets.tape import TapeView

BUY, SELL = 1, -1
T0 = 1_723_161_600_000_000_000  # 2024-08-09 00:00:00 UTC
MS = 1_000_000


def prints(rows: list[tuple[int, int, int, int]], first_id: int = 1) -> TradeColumns:
    """(ms after T0, price ticks, qty lots, side) rows."""
    return TradeColumns.from_rows(
        [(T0 + ms * MS, T0 + ms * MS + 3 * MS, p, q, s, first_id + i) for i, (ms, p, q, s) in enumerate(rows)]
    )


# A buy order sweeping three levels at t=1 ms, a sell order over two levels at t=2 ms, a lone buy
# at the same time as the sell (another order: other side), a small sell and a big buy later.
SEQUENCE = [
    (1, 600_000, 20, BUY),
    (1, 600_001, 50, BUY),
    (1, 600_003, 10, BUY),
    (2, 600_002, 40, SELL),
    (2, 600_001, 30, SELL),
    (2, 600_001, 7, BUY),
    (3, 600_000, 1, SELL),
    (4, 600_004, 2_500, BUY),
]


@pytest.fixture
def market(btcusdt) -> MarketState:
    return MarketState(btcusdt)


@pytest.fixture
def view(qtbot, market) -> TapeView:
    view = TapeView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    view.set_market(market)
    return view


def feed(view: TapeView, market: MarketState, rows, first_id: int = 1) -> bool:
    market.apply_trades(prints(rows, first_id))
    return view.refresh(market.take_changes(), T0)


def not_blank(view: TapeView) -> bool:
    image = view.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 5)}
    return len(colours) > 3


def test_aggregated_rows_are_one_per_aggressor_order_newest_first(view, market):
    assert feed(view, market, SEQUENCE)

    rows = view.visible_rows()

    assert [(r.side_text, r.size_text, r.prints, r.price_text) for r in rows] == [
        ("BUY", "2.500", 1, "60000.4"),
        ("SELL", "0.001", 1, "60000.0"),
        ("BUY", "0.007", 1, "60000.1"),
        ("SELL", "0.070", 2, "60000.1"),  # worst (lowest) price the sell reached
        ("BUY", "0.080", 3, "60000.3"),  # 20 + 50 + 10 lots, swept up to the third level
    ]
    assert rows[-1].time_text == "00:00:00.001"
    assert rows[-1].sweep_ticks == 3
    assert rows[-1].sweep_text == "↑3t"
    assert rows[-1].prints_text == "×3"
    assert rows[-2].sweep_text == "↓1t"
    assert not_blank(view)


def test_raw_mode_shows_every_print(view, market):
    feed(view, market, SEQUENCE)

    view.apply_settings({"mode": "raw"})

    rows = view.visible_rows()
    assert [r.qty_lots for r in rows] == [q for _, _, q, _ in reversed(SEQUENCE)]
    assert {r.prints for r in rows} == {1}
    assert not_blank(view)


def test_an_order_split_across_two_refreshes_stays_one_row(view, market):
    feed(view, market, SEQUENCE[:2])
    assert [(r.qty_lots, r.prints) for r in view.visible_rows()] == [(70, 2)]

    feed(view, market, SEQUENCE[2:4], first_id=3)

    assert [(r.qty_lots, r.prints, r.side) for r in view.visible_rows()] == [(40, 1, SELL), (80, 3, BUY)]


def test_refresh_ignores_frames_without_tape_changes(view, market):
    feed(view, market, SEQUENCE)

    assert not view.refresh(Changed.BOOK, T0)
    assert not view.refresh(Changed.TAPE, T0)  # nothing new on the tape


def test_size_filter_hides_small_orders_by_their_total(view, market):
    feed(view, market, SEQUENCE)

    assert view.apply_settings({"min_size_lots": 50}) == []

    # The sweep (3 prints of 20, 50, 10) passes on its total of 80 although two prints are small.
    assert [r.qty_lots for r in view.visible_rows()] == [2_500, 70, 80]


def test_size_filter_with_nothing_left_says_so(view, market):
    feed(view, market, SEQUENCE)
    view.apply_settings({"min_size_lots": 10**9})

    assert view.visible_rows() == []
    assert "size filter" in view._frame().status_text
    assert not_blank(view)


def test_large_prints_are_flagged_and_stronger(view, market):
    feed(view, market, SEQUENCE)
    view.apply_settings({"large_size_lots": 1_000})

    rows = view.visible_rows()

    assert [r.highlighted for r in rows] == [True, False, False, False, False]
    assert rows[0].intensity == 1.0
    assert rows[1].intensity < rows[4].intensity < 1.0  # intensity grows with size

    view.apply_settings({"large_size_lots": 0})  # highlighting off
    assert not any(r.highlighted for r in view.visible_rows())


def test_large_print_is_drawn_with_the_highlight_edge(view, market):
    feed(view, market, SEQUENCE)
    view.apply_settings({"large_size_lots": 1_000})
    item = view._item

    image = view.canvas.grab().toImage()
    y_first_row = int(item.header_h + item.row_h / 2)
    y_second_row = int(item.header_h + item.row_h * 1.5)

    assert QtGui.QColor(image.pixel(1, y_first_row)) == palette.HIGHLIGHT
    assert QtGui.QColor(image.pixel(1, y_second_row)) != palette.HIGHLIGHT


def sells(n: int, start_ms: int) -> list[tuple[int, int, int, int]]:
    """n one-print orders, a ms apart, sizes encoding their order."""
    return [(start_ms + i, 600_000, 1 + (start_ms + i) % 97, SELL) for i in range(n)]


def test_scrolling_back_pauses_and_resume_shows_the_newest(view, market):
    feed(view, market, sells(200, 0))
    page = len(view.visible_rows())
    assert page >= 5

    view.scroll_rows(10)
    assert view.paused
    before = view.visible_rows()
    assert before[0].time_text == "00:00:00.189"  # ten below the newest (…199)

    assert feed(view, market, sells(5, 1_000), first_id=1_000)

    assert view.visible_rows() == before  # the rows the user reads do not move
    assert view.new_while_paused() == 5
    assert "5 new" in f"PAUSED — {view._frame().new_while_paused} new"
    assert not_blank(view)

    view.resume_live()

    assert not view.paused
    assert view.visible_rows()[0].time_text == "00:00:01.004"


def test_wheel_down_pauses_and_scrolling_back_to_the_top_resumes(view, market, qtbot):
    feed(view, market, sells(200, 0))
    viewport = view.canvas.viewport()

    def wheel(delta: int) -> None:
        pos = QtCore.QPointF(50, 100)
        event = QtGui.QWheelEvent(
            pos,
            viewport.mapToGlobal(pos),
            QtCore.QPoint(0, 0),
            QtCore.QPoint(0, delta),
            QtCore.Qt.MouseButton.NoButton,
            QtCore.Qt.KeyboardModifier.NoModifier,
            QtCore.Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QtCore.QCoreApplication.sendEvent(viewport, event)

    wheel(-120)  # one notch down: back in history
    assert view.paused
    assert view.scrollbar.value() == 3
    assert view.visible_rows()[0].time_text == "00:00:00.196"

    wheel(120)  # and back up to the top
    assert not view.paused
    assert view.visible_rows()[0].time_text == "00:00:00.199"


def test_scrollbar_and_home_key_and_banner_click(view, market, qtbot):
    feed(view, market, sells(200, 0))

    view.scrollbar.setValue(50)
    assert view.paused
    assert view.visible_rows()[0].time_text == "00:00:00.149"

    qtbot.keyClick(view, QtCore.Qt.Key.Key_Home)
    assert not view.paused

    view.scrollbar.setValue(20)
    feed(view, market, sells(3, 1_000), first_id=1_000)
    assert view.paused
    qtbot.mouseClick(view.canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(40, 5))
    assert not view.paused
    assert view.visible_rows()[0].time_text == "00:00:01.002"


def test_history_is_bounded(qtbot, market):
    view = TapeView(history_rows=50)
    qtbot.addWidget(view)
    view.set_market(market)

    for k in range(10):
        feed(view, market, sells(40, k * 100), first_id=k * 100)

    assert len(view.model.log) == 50
    assert view.model.log.total == 400
    assert view.visible_rows()[0].time_text == "00:00:00.939"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["aggregated", "raw"])
def test_replayed_market_rows_add_up_to_the_tape(qtbot, replayed_market, mode):
    view = TapeView(history_rows=100_000)
    qtbot.addWidget(view)
    view.apply_settings({"mode": mode})
    view.set_market(replayed_market)
    tape = replayed_market.tape.all()

    log = view.model.log.columns()

    assert int(np.sum(log.qty_lots)) == int(np.sum(tape.qty_lots))
    assert int(np.sum(log.prints)) == tape.size
    newest = view.visible_rows()[0]
    instrument = replayed_market.instrument
    assert newest.price_text == instrument.price_str(int(tape.price_ticks[-1]))
    assert int(log.last_ticks[-1]) == int(tape.price_ticks[-1])
    assert int(log.exchange_ns[-1]) == int(tape.exchange_ns[-1])
    if mode == "raw":
        assert newest.size_text == instrument.qty_str(int(tape.qty_lots[-1]))


def test_replayed_market_fed_frame_by_frame_equals_one_batch(qtbot, replayed_market, btcusdt):
    """The same rows whether the prints came in at once or in arbitrary frame-sized batches."""
    tape = replayed_market.tape.all()
    whole = TapeView(history_rows=100_000)
    qtbot.addWidget(whole)
    whole.set_market(replayed_market)
    market = MarketState(btcusdt)
    live = TapeView(history_rows=100_000)
    qtbot.addWidget(live)
    live.set_market(market)

    cuts = np.random.default_rng(7).integers(0, tape.size, 300)
    bounds = [0, *sorted(int(c) for c in cuts), tape.size]
    for lo, hi in pairwise(bounds):
        market.apply_trades(TradeColumns(*[col[lo:hi] for col in tape]))
        live.refresh(market.take_changes(), 0)

    a, b = whole.model.log.columns(), live.model.log.columns()
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert whole.visible_rows() == live.visible_rows()


def test_replayed_market_looks_like_a_tape(qtbot, replayed_market):
    view = TapeView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.set_market(replayed_market)

    rows = view.visible_rows()

    assert len(rows) == view.model.page_rows > 20
    assert {r.side_text for r in rows} == {"BUY", "SELL"}
    assert not_blank(view)
    view.grab().save("/tmp/tape_view.png")


def test_settings_round_trip(view, market):
    feed(view, market, SEQUENCE)
    custom = {
        "mode": "raw",
        "min_size_lots": 5,
        "large_size_lots": 40,
        "show_millis": False,
        "show_liquidations": False,
        "liq_min_lots": 7,
    }
    assert view.apply_settings(custom) == []
    shown = view.visible_rows()

    other = TapeView()
    other.set_market(market)
    assert other.apply_settings(view.settings()) == []

    assert other.settings() == view.settings() == custom
    assert other.visible_rows() == shown
    assert shown[0].time_text == "00:00:00"


def test_garbage_settings_are_reported_and_replaced_by_defaults(view):
    defaults = view.settings()
    problems = view.apply_settings(
        {"mode": "sideways", "min_size_lots": -3, "large_size_lots": True, "show_millis": "yes", "colour": 1}
    )

    assert len(problems) == 4
    assert view.settings() == defaults
    view.apply_settings({"min_size_lots": 5})
    assert view.apply_settings("not a mapping") != []  # type: ignore[arg-type]
    assert view.settings() == defaults


def test_context_menu_changes_settings_and_says_so(view, market, qtbot):
    feed(view, market, SEQUENCE)
    menu = view.build_context_menu()
    titles = [a.text() for a in menu.actions()]
    assert titles[:4] == ["Rows", "Minimum size", "Large print highlight", "Show milliseconds"]

    rows_menu = menu.actions()[0].menu()
    raw = next(a for a in rows_menu.actions() if "raw" in a.text())
    with qtbot.waitSignal(view.settings_changed, timeout=1000):
        raw.trigger()
    assert view.settings()["mode"] == "raw"

    size_menu = view.build_context_menu().actions()[1].menu()
    tenth = next(a for a in size_menu.actions() if a.text() == "≥ 0.100 BTC")
    with qtbot.waitSignal(view.settings_changed, timeout=1000):
        tenth.trigger()
    assert view.settings()["min_size_lots"] == 100
    assert [r.qty_lots for r in view.visible_rows()] == [2_500]


def test_no_market_paints_a_calm_placeholder(qtbot):
    view = TapeView()
    qtbot.addWidget(view)
    view.resize(300, 200)

    assert view.visible_rows() == []
    assert not view.refresh(Changed.ALL, 0)
    assert not_blank(view)


def test_the_time_and_price_columns_are_known_once_painted(view, market):
    feed(view, market, SEQUENCE)
    view.grab()  # a paint
    spans = view.column_spans()
    assert spans is not None
    (t0, t1), (p0, p1) = spans["time"], spans["price"]
    assert 0 <= t0 < t1 < p0 < p1 < view.canvas.viewport().width()
    # the price text of the newest row is drawn inside the price span, not in the time span
    metrics = QtGui.QFontMetricsF(view._item.font)
    assert metrics.horizontalAdvance(view.visible_rows()[0].price_text) <= p1 - p0 + 1
