"""DOM ladder view: what the rows say for known markets, centring, mouse, settings, and pixels."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from PySide6 import QtCore, QtGui

from app.core.events import DepthDiff, DepthSnapshot
from app.core.instrument import Instrument
from app.core.market import Changed, MarketState
from app.core.sessions import DAY_NS, SessionSchedule
from app.core.tape import TradeColumns
from widgets.base import palette
from widgets.base.fmt import compact_qty
from widgets.ladder import LadderView
from widgets.ladder.columns import rows_for_height
from widgets.ladder.model import LadderRow
from widgets.ladder.settings import GROUPS

S = 1_000_000_000
T0 = 19_000 * DAY_NS + 3_600 * S  # 01:00 UTC on some day: far from the session boundary
P = 600_000  # a price in ticks (60,000.0 for BTCUSDT)


def snapshot(market: MarketState, bids: dict[int, int], asks: dict[int, int], update_id: int = 1) -> None:
    market.load_snapshot(DepthSnapshot(T0, T0, update_id, list(bids.items()), list(asks.items())))


def diff(market: MarketState, bids: Iterable[tuple[int, int]], asks: Iterable[tuple[int, int]]) -> None:
    market.apply_diff(DepthDiff(T0, T0, 2, 2, 1, list(bids), list(asks)))


def prints(market: MarketState, rows: list[tuple[int, int, int, int]]) -> None:
    """(exchange_ns, price_ticks, qty_lots, side) rows."""
    market.apply_trades(TradeColumns.from_rows([(t, t, p, q, s, i) for i, (t, p, q, s) in enumerate(rows)]))


def book_around(market: MarketState, bid: int, depth: int = 40, update_id: int = 1) -> None:
    """Bid at `bid`, ask one tick above, `depth` levels a side of 1..depth lots."""
    snapshot(
        market,
        {bid - i: i + 1 for i in range(depth)},
        {bid + 1 + i: i + 1 for i in range(depth)},
        update_id,
    )


@pytest.fixture
def market(btcusdt: Instrument) -> MarketState:
    m = MarketState(btcusdt)
    book_around(m, P)
    return m


def make_view(qtbot, market: MarketState | None, now_ns: int = T0, width: int = 700, height: int = 500):
    view = LadderView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    view.set_hovered(False)  # offscreen, the cursor may sit over the new window
    view.set_market(market)
    view.refresh(Changed.ALL, now_ns)
    return view


def row_at(view: LadderView, price_ticks: int) -> LadderRow:
    found = [r for r in view.rows() if r.price_ticks == price_ticks]
    assert found, f"{price_ticks} not on screen"
    return found[0]


def centre_row(view: LadderView) -> LadderRow:
    """The row the centring rules put the inside market on (the model's `row_count // 2`)."""
    return view.rows()[len(view.rows()) // 2]


def visible_prices(view: LadderView) -> list[int]:
    return [r.price_ticks for r in view.rows()]


# -- rows equal the book --------------------------------------------------------------------------


def test_rows_show_the_hand_built_book(qtbot, btcusdt: Instrument) -> None:
    m = MarketState(btcusdt)
    snapshot(m, {P: 5000, P - 1: 300, P - 3: 7}, {P + 1: 4, P + 2: 2000, P + 5: 9})
    view = make_view(qtbot, m)
    rows = view.rows()
    assert len(rows) == rows_for_height(view.canvas.height())
    prices = visible_prices(view)
    assert prices == list(range(prices[0], prices[0] - len(prices), -1))  # top = highest, one tick apart
    assert row_at(view, P).bid_lots == 5000 and row_at(view, P).bid_text == "5"
    assert row_at(view, P - 1).bid_text == "0.3"
    assert row_at(view, P - 2).bid_text == ""
    assert row_at(view, P + 2).ask_text == "2"
    assert row_at(view, P + 5).ask_lots == 9 and row_at(view, P + 5).ask_text == "0.009"
    assert row_at(view, P).price_text == "60000.0"
    assert [r.price_ticks for r in rows if r.is_best_bid] == [P]
    assert [r.price_ticks for r in rows if r.is_best_ask] == [P + 1]
    assert all(r.ask_lots == 0 for r in rows if r.price_ticks <= P)


def test_grouping_rounds_bids_down_and_asks_up(qtbot, btcusdt: Instrument) -> None:
    m = MarketState(btcusdt)
    snapshot(m, {P + 3: 10, P + 1: 20, P: 40, P - 1: 80}, {P + 4: 1, P + 5: 2, P + 6: 4, P + 11: 8})
    view = make_view(qtbot, m)
    view.apply_settings({"group_ticks": 5})
    view.refresh(Changed.ALL, T0)
    assert all(p % 5 == 0 for p in visible_prices(view))
    assert row_at(view, P).bid_lots == 70  # P..P+4 round down to P
    assert row_at(view, P - 5).bid_lots == 80
    assert row_at(view, P + 5).ask_lots == 3  # P+1..P+5 round up to P+5
    assert row_at(view, P + 10).ask_lots == 4
    assert row_at(view, P + 15).ask_lots == 8
    assert row_at(view, P).is_best_bid and row_at(view, P + 5).is_best_ask


def test_every_visible_row_equals_the_grouped_book_on_the_replayed_market(qtbot, replayed_market) -> None:
    book = replayed_market.book
    view = make_view(qtbot, replayed_market, now_ns=replayed_market.last_trade_ns, height=800)
    for group in GROUPS:
        assert view.apply_settings({"group_ticks": group}) == []
        view.refresh(Changed.ALL, replayed_market.last_trade_ns)
        rows = view.rows()
        lo = rows[-1].price_ticks
        bids, asks = book.grouped(group, lo, len(rows))
        assert [r.bid_lots for r in reversed(rows)] == bids
        assert [r.ask_lots for r in reversed(rows)] == asks
        assert sum(bids) > 0 and sum(asks) > 0
        inst = replayed_market.instrument
        assert all(r.bid_text == (compact_qty(inst, r.bid_lots) if r.bid_lots else "") for r in rows)
        best = [r for r in rows if r.is_best_bid]
        assert best and best[0].price_ticks == (book.best_bid // group) * group


# -- traded volume --------------------------------------------------------------------------------


def test_recent_volume_is_the_prints_of_the_window_and_resets_after_it(qtbot, market) -> None:
    view = make_view(qtbot, market, now_ns=T0)
    window = T0 - T0 % (5 * S)
    prints(market, [(window - S, P + 1, 999, 1)])  # before the window: not recent
    prints(market, [(window + S, P + 1, 3, 1), (window + 2 * S, P + 1, 4, 1), (window + 3 * S, P, 5, -1)])
    view.refresh(Changed.TAPE, window + 3 * S)
    assert row_at(view, P + 1).buy_recent_lots == 7
    assert row_at(view, P + 1).buy_recent_text == "0.007"
    assert row_at(view, P).sell_recent_lots == 5
    assert row_at(view, P).buy_recent_lots == 0
    assert view.totals().buy_recent_lots == 7 and view.totals().sell_recent_lots == 5
    view.refresh(Changed.NONE, window + 5 * S)  # market time passes the 5 s boundary
    assert all(r.buy_recent_lots == 0 and r.sell_recent_lots == 0 for r in view.rows())
    assert row_at(view, P + 1).session_lots == 999 + 7  # session volume stays


def test_grouped_prints_land_on_the_row_of_the_liquidity_they_hit(qtbot, market) -> None:
    """A buy lifts an ask (asks round up), a sell hits a bid (bids round down)."""
    view = make_view(qtbot, market)
    view.apply_settings({"group_ticks": 5})
    prints(market, [(T0, P + 1, 3, 1), (T0, P + 1, 4, -1), (T0, P + 5, 2, 1)])
    view.refresh(Changed.TAPE, T0)
    assert row_at(view, P + 5).buy_recent_lots == 5 and row_at(view, P).buy_recent_lots == 0
    assert row_at(view, P).sell_recent_lots == 4 and row_at(view, P + 5).sell_recent_lots == 0
    assert row_at(view, P + 5).session_lots == 5 and row_at(view, P).session_lots == 4


def test_recent_reset_setting_and_the_clear_action(qtbot, market) -> None:
    view = make_view(qtbot, market)
    assert view.apply_settings({"recent_reset_s": 60}) == []
    window = T0 - T0 % (60 * S)
    prints(market, [(window + 10 * S, P + 1, 3, 1), (window + 40 * S, P + 1, 4, 1)])
    view.refresh(Changed.TAPE, window + 40 * S)
    assert row_at(view, P + 1).buy_recent_lots == 7
    view.clear_recent()
    assert row_at(view, P + 1).buy_recent_lots == 0
    prints(market, [(window + 41 * S, P + 1, 2, 1)])
    view.refresh(Changed.TAPE, window + 41 * S)
    assert row_at(view, P + 1).buy_recent_lots == 2


def test_session_volume_resets_at_the_market_session_boundary(qtbot, btcusdt: Instrument) -> None:
    m = MarketState(btcusdt, sessions=SessionSchedule.daily_utc(0, 0))
    book_around(m, P)
    midnight = 19_001 * DAY_NS
    prints(m, [(midnight - 10 * S, P, 6, -1), (midnight - 9 * S, P + 1, 5, 1)])
    view = make_view(qtbot, m, now_ns=midnight - 9 * S)
    assert row_at(view, P).session_lots == 6 and row_at(view, P + 1).session_lots == 5
    assert row_at(view, P).session_text == "0.006"
    view.refresh(Changed.NONE, midnight)
    assert all(r.session_lots == 0 for r in view.rows())
    prints(m, [(midnight + S, P, 2, 1)])  # a buy at P rounds up: at group 1 it is row P
    view.refresh(Changed.TAPE, midnight + S)
    assert row_at(view, P).session_lots == 2


# -- pulling / stacking ---------------------------------------------------------------------------


def test_pulling_and_stacking_per_level_and_totals(qtbot, market) -> None:
    view = make_view(qtbot, market)  # window starts: sizes P:1, P-1:2, P-2:3 | P+1:1, P+2:2, P+3:3
    diff(market, [(P, 0), (P - 1, 1), (P - 2, 13)], [(P + 2, 0), (P + 3, 5)])
    prints(market, [(T0, P, 1, -1), (T0, P + 2, 1, 1)])  # explains P fully, half of P+2
    view.refresh(Changed.BOOK | Changed.TAPE, T0)
    assert row_at(view, P).pull_stack_bid_lots == 0  # decrease = trade: consumed, not pulled
    assert row_at(view, P).pull_stack_bid_text == ""
    assert row_at(view, P - 1).pull_stack_bid_lots == -1  # unexplained decrease: pulled
    assert row_at(view, P - 1).pull_stack_bid_text == "-0.001"
    assert row_at(view, P - 2).pull_stack_bid_lots == 10  # stacked
    assert row_at(view, P - 2).pull_stack_bid_text == "+0.01"
    assert row_at(view, P + 2).pull_stack_ask_lots == -1
    assert row_at(view, P + 3).pull_stack_ask_lots == 2
    totals = view.totals()
    assert totals.pull_stack_bid_lots == sum(r.pull_stack_bid_lots for r in view.rows()) == 9
    assert totals.pull_stack_ask_lots == sum(r.pull_stack_ask_lots for r in view.rows()) == 1
    assert totals.pull_stack_bid_text == "+0.009"


def test_pull_stack_restarts_with_the_reset_window(qtbot, market) -> None:
    view = make_view(qtbot, market)
    diff(market, [(P - 1, 7)], [])
    view.refresh(Changed.BOOK, T0)
    assert row_at(view, P - 1).pull_stack_bid_lots == 5
    window_end = T0 - T0 % (5 * S) + 5 * S
    view.refresh(Changed.NONE, window_end)
    assert row_at(view, P - 1).pull_stack_bid_lots == 0
    diff(market, [(P - 1, 4)], [])
    view.refresh(Changed.BOOK, window_end)
    assert row_at(view, P - 1).pull_stack_bid_lots == -3


# -- centring -------------------------------------------------------------------------------------


def move_inside(market: MarketState, bid: int, update_id: int = 5) -> None:
    book_around(market, bid, update_id=update_id)


def test_continuous_centring_follows_every_refresh(qtbot, market) -> None:
    view = make_view(qtbot, market)
    view.apply_settings({"centering": "continuous"})
    assert centre_row(view).price_ticks == P
    move_inside(market, P + 2)
    view.refresh(Changed.BOOK, T0)
    assert centre_row(view).price_ticks == P + 2


def test_static_centring_moves_only_near_the_edge(qtbot, market) -> None:
    view = make_view(qtbot, market)
    assert view.settings()["centering"] == "static"
    before = visible_prices(view)
    move_inside(market, P + 5)
    view.refresh(Changed.BOOK, T0)
    assert visible_prices(view) == before  # still comfortably inside
    top = before[0]
    move_inside(market, top - 3)  # the ask reaches the edge rows
    view.refresh(Changed.BOOK, T0)
    assert centre_row(view).price_ticks == top - 3


def test_recentre_after_n_ticks_of_drift(qtbot, market) -> None:
    view = make_view(qtbot, market)
    view.apply_settings({"centering": "ticks", "recenter_ticks": 4})
    move_inside(market, P + 3)  # mid drifts 3 ticks: stay
    view.refresh(Changed.BOOK, T0)
    assert centre_row(view).price_ticks == P
    move_inside(market, P + 4)  # mid drifts 4 ticks: re-centre
    view.refresh(Changed.BOOK, T0)
    assert centre_row(view).price_ticks == P + 4


def test_no_jump_while_hovered_then_recentre_on_leave(qtbot, market) -> None:
    view = make_view(qtbot, market)
    view.apply_settings({"centering": "continuous"})
    viewport = view.canvas
    pos = QtCore.QPointF(50, 50)
    QtCore.QCoreApplication.sendEvent(viewport, QtGui.QEnterEvent(pos, pos, viewport.mapToGlobal(pos)))
    before = visible_prices(view)
    move_inside(market, P + 100)  # far off screen
    view.refresh(Changed.BOOK, T0)
    assert visible_prices(view) == before
    QtCore.QCoreApplication.sendEvent(viewport, QtCore.QEvent(QtCore.QEvent.Type.Leave))
    view.refresh(Changed.BOOK, T0)
    assert centre_row(view).price_ticks == P + 100


def test_recenter_works_even_while_hovered(qtbot, market) -> None:
    view = make_view(qtbot, market)
    view.set_hovered(True)
    move_inside(market, P + 100)
    view.refresh(Changed.BOOK, T0)
    assert centre_row(view).price_ticks == P
    view.recenter()
    assert centre_row(view).price_ticks == P + 100


def test_wheel_scrolls_by_rows_and_holds_until_recenter(qtbot, market) -> None:
    view = make_view(qtbot, market)
    view.apply_settings({"centering": "continuous"})
    viewport = view.canvas
    pos = QtCore.QPointF(100, 100)
    wheel = QtGui.QWheelEvent(
        pos,
        viewport.mapToGlobal(pos),
        QtCore.QPoint(0, 0),
        QtCore.QPoint(0, 240),  # two notches up
        QtCore.Qt.MouseButton.NoButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
        QtCore.Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QtCore.QCoreApplication.sendEvent(viewport, wheel)
    assert centre_row(view).price_ticks == P + 6  # 3 rows a notch
    view.set_hovered(False)
    move_inside(market, P + 1)  # continuous would follow; after a scroll the ladder holds
    view.refresh(Changed.BOOK, T0)
    assert centre_row(view).price_ticks == P + 6
    view.recenter()
    assert centre_row(view).price_ticks == P + 1


# -- settings, menu, pixels -----------------------------------------------------------------------


def test_settings_round_trip(qtbot, market) -> None:
    view = make_view(qtbot, market)
    custom = {
        "group_ticks": 10,
        "centering": "ticks",
        "recenter_ticks": 7,
        "recent_reset_s": 30,
        "show_recent_volume": False,
        "show_session_volume": False,
        "show_pull_stack": True,
    }
    assert view.apply_settings(custom) == []
    assert view.settings() == custom
    other = make_view(qtbot, market)
    assert other.apply_settings(view.settings()) == []
    other.refresh(Changed.ALL, T0)
    assert other.settings() == custom
    assert other.rows() == view.rows()


def test_garbage_settings_are_reported_and_replaced_by_defaults(qtbot, market) -> None:
    view = make_view(qtbot, market)
    defaults = view.settings()
    problems = view.apply_settings(
        {
            "group_ticks": 3,
            "centering": "wobbly",
            "recenter_ticks": True,
            "recent_reset_s": -5,
            "show_pull_stack": "yes",
            "unknown_key": 1,
        }
    )
    assert len(problems) == 5
    assert view.settings() == defaults
    assert view.apply_settings(["not", "a", "mapping"]) != []  # type: ignore[arg-type]
    assert view.settings() == defaults
    view.refresh(Changed.ALL, T0)
    assert view.rows()


def test_context_menu_changes_settings_and_columns(qtbot, market) -> None:
    view = make_view(qtbot, market)
    emitted: list[bool] = []
    view.settings_changed.connect(lambda: emitted.append(True))
    menu = view.build_menu()
    titles = [a.text() for a in menu.actions()]
    assert "Re-centre" in titles and "Clear recent volume and P/S" in titles
    grouping = next(a.menu() for a in menu.actions() if a.text() == "Price grouping")
    next(a for a in grouping.actions() if a.text() == "25 ticks").trigger()
    assert view.settings()["group_ticks"] == 25 and emitted
    assert all(r.price_ticks % 25 == 0 for r in view.rows())
    toggle = next(a for a in view.build_menu().actions() if a.text() == "Pulling / stacking")
    toggle.trigger()
    assert view.settings()["show_pull_stack"] is False
    assert "ps_bid" not in {c.key for c, _, _ in view.canvas.columns}
    assert {"orders", "position"} <= {c.key for c, _, _ in view.canvas.columns}  # reserved columns


def test_grab_is_not_blank(qtbot, replayed_market) -> None:
    view = make_view(qtbot, replayed_market, now_ns=replayed_market.last_trade_ns, width=900, height=700)
    view.paint_now()
    image = view.grab().toImage()
    assert image.width() == 900
    background = palette.BACKGROUND.rgb()
    colours = {image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 700, 5)}
    assert len(colours) > 20
    assert sum(1 for c in colours if c != background) > 15
    # the best bid's price cell wears the bid colour (blended over the row background)
    best_bid = next(i for i, r in enumerate(view.rows()) if r.is_best_bid)
    x = next(x for c, x, _w in view.canvas.columns if c.key == "price")
    y = view.canvas.y() + 18 + best_bid * 17 + 3  # the canvas sits below the order-entry bar
    pixel = QtGui.QColor(image.pixel(int(x + 4), y))
    assert pixel.blue() > pixel.red() + 30  # the row stripes alone are within a few units


def test_no_market_shows_nothing_and_does_not_fail(qtbot) -> None:
    view = make_view(qtbot, None)
    assert view.refresh(Changed.ALL, T0) is False
    assert view.rows() == ()
    view.paint_now()
    assert not view.grab().isNull()


# -- column widths: from the font, never clipped --------------------------------------------------

_ROW_TEXTS = {  # column key -> (text field, bold when) of LadderRow
    "bid": ("bid_text", "is_best_bid"),
    "ask": ("ask_text", "is_best_ask"),
    "sell": ("sell_recent_text", None),
    "buy": ("buy_recent_text", None),
    "ps_bid": ("pull_stack_bid_text", None),
    "ps_ask": ("pull_stack_ask_text", None),
    "session": ("session_text", None),
}


def extreme_market(btcusdt: Instrument) -> MarketState:
    """The widest texts compact_qty can make: 999.999 sizes and volume, -999.999 pulled, +999.999 stacked."""
    m = MarketState(btcusdt)
    snapshot(m, {P: 999_999, P - 2: 999_999}, {P + 1: 999_999, P + 3: 5})
    return m


def clipped(view: LadderView) -> list[tuple[str, str]]:
    """(column, text) of every text on screen wider than its column less the padding."""
    canvas = view.canvas
    room = {c.key: w - 2 * canvas.pad_px for c, _x, w in canvas.columns}
    out = [(c.key, c.title) for c, _x, _w in canvas.columns if canvas.text_width(c.title) > room[c.key]]
    for row in view.rows():
        texts = [("price", row.price_text, row.is_best_bid or row.is_best_ask)]
        for key, (field, bold) in _ROW_TEXTS.items():
            texts.append((key, getattr(row, field), bool(bold and getattr(row, bold))))
        out += [(k, t) for k, t, b in texts if k in room and canvas.text_width(t, b) > room[k]]
    t = view.totals()
    for key, text in (("ps_bid", t.pull_stack_bid_text), ("ps_ask", t.pull_stack_ask_text)):
        if key in room and canvas.text_width(text) > room[key]:
            out.append((key, text))
    return out


def test_at_the_size_hint_every_column_shows_and_nothing_is_clipped(qtbot, btcusdt: Instrument) -> None:
    m = extreme_market(btcusdt)
    view = make_view(qtbot, m)
    diff(m, [(P - 2, 0)], [(P + 3, 999_999)])  # 999.999 pulled from a bid, 999.994 stacked on an ask
    prints(m, [(T0, P + 1, 999_999, 1), (T0, P, 999_999, -1)])
    view.refresh(Changed.ALL, T0)
    assert row_at(view, P - 2).pull_stack_bid_text == "-999.999"
    assert row_at(view, P + 1).buy_recent_text == "999.999"
    assert row_at(view, P).session_text == "999.999" and row_at(view, P).bid_text == "999.999"
    hint = view.sizeHint().width()
    assert hint < 700  # a dock, not a window
    view.resize(hint, 500)
    view.refresh(Changed.NONE, T0)
    assert view.canvas.width() == hint
    assert view.canvas.dropped == ()
    assert [c.key for c, _x, _w in view.canvas.columns] == [
        "orders", "ps_bid", "bid", "sell", "price", "buy", "ask", "ps_ask", "session", "position",
    ]  # fmt: skip
    assert clipped(view) == []
    assert view.canvas.toolTip() == ""


def test_a_narrow_dock_drops_session_volume_then_pull_stack_never_clips(qtbot, btcusdt: Instrument) -> None:
    view = make_view(qtbot, extreme_market(btcusdt))
    canvas = view.canvas
    hint = view.sizeHint().width()
    view.resize(hint - 8, 500)  # a few pixels short (frames, splitters): tighter padding, every column
    view.refresh(Changed.NONE, T0)
    assert canvas.dropped == () and clipped(view) == []
    tight = {c.key: canvas.min_width(c, 2) for c, _x, _w in canvas.columns}
    view.resize(int(sum(tight.values())) - 1, 500)
    view.refresh(Changed.NONE, T0)
    assert canvas.dropped == ("session",)
    assert "Volume" in canvas.toolTip() and str(hint) in canvas.toolTip()
    assert clipped(view) == []
    view.resize(int(sum(tight.values()) - tight["session"]) - 1, 500)
    view.refresh(Changed.NONE, T0)
    assert canvas.dropped == ("session", "ps_bid", "ps_ask")
    assert "P/S" in canvas.toolTip()
    assert clipped(view) == []
    view.resize(380, 500)  # the narrowest default dock keeps bid, price, ask and recent volume
    view.refresh(Changed.NONE, T0)
    assert {"bid", "price", "ask", "buy", "sell"} <= {c.key for c, _x, _w in canvas.columns}
    assert clipped(view) == []


def test_hiding_columns_shrinks_the_size_hint(qtbot, market) -> None:
    view = make_view(qtbot, market)
    full = view.sizeHint().width()
    view.apply_settings({"show_session_volume": False, "show_pull_stack": False})
    assert view.sizeHint().width() < full - 100


def test_only_changed_rows_are_dirty(qtbot, market) -> None:
    view = make_view(qtbot, market)
    view.apply_settings({"centering": "static"})
    view.refresh(Changed.BOOK, T0)
    diff(market, [(P - 5, 7)], [])  # one level changes by one lot: one row, bars keep their scale
    assert view.refresh(Changed.BOOK, T0)
    rows = view.rows()
    assert [rows[i].price_ticks for i in sorted(view.model.dirty_rows)] == [P - 5]
    assert row_at(view, P - 5).bid_text == "0.007"
    assert not view.refresh(Changed.BOOK, T0)  # nothing changed: nothing to paint
