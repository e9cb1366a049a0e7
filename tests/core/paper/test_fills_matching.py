"""Matching rules of docs/PAPER_TRADING.md, on the state directly: prints against working orders,
book walks for market orders."""

from app.core.events import Side
from app.core.paper.events import AccountChanged, OrderCancelled, OrderFilled, OrderTriggered
from app.core.paper.fills import BOOK_EXHAUSTED, execute, fill, match_print
from app.core.paper.orders import Liquidity, Order, OrderKind

from .conftest import T0, make_state, working

BUY, SELL = Side.BUY, Side.SELL


def fills_of(state):
    return [(f.price_ticks, f.qty_lots, f.liquidity) for f in state.fills]


def test_a_print_through_a_resting_buy_fills_it_whole_as_maker():
    state = make_state()
    order = working(state, Order(1, BUY, OrderKind.LIMIT, 3, price_ticks=999, queue_ahead_lots=10))

    match_print(state, [order.order_id], T0 + 1, 998, qty=1, side=-1)

    assert fills_of(state) == [(999, 3, Liquidity.MAKER)]
    assert state.orders == {}


def test_a_print_at_the_price_eats_the_queue_ahead_before_the_order():
    state = make_state()
    order = working(state, Order(1, BUY, OrderKind.LIMIT, 3, price_ticks=999, queue_ahead_lots=4))

    match_print(state, [1], T0 + 1, 999, qty=5, side=-1)

    assert fills_of(state) == [(999, 1, Liquidity.MAKER)]
    assert state.orders[order.order_id].queue_ahead_lots == 0


def test_a_buy_print_at_a_resting_buy_price_does_not_move_its_queue():
    state = make_state()
    working(state, Order(1, BUY, OrderKind.LIMIT, 3, price_ticks=999, queue_ahead_lots=4))

    match_print(state, [1], T0 + 1, 999, qty=5, side=1)

    assert state.fills == []
    assert state.orders[1].queue_ahead_lots == 4


def test_an_order_does_not_compete_with_prints_before_it_arrived():
    state = make_state()
    working(state, Order(1, BUY, OrderKind.LIMIT, 3, price_ticks=999, active_ns=T0 + 10))

    match_print(state, [1], T0 + 5, 990, qty=5, side=-1)

    assert state.fills == []


def test_a_sell_stop_triggers_on_the_last_price_and_walks_the_bids():
    state = make_state(bids=[(1000, 2), (999, 10)])
    working(state, Order(1, SELL, OrderKind.STOP, 5, price_ticks=1000))
    state.out = []

    match_print(state, [1], T0 + 1, 1000, qty=1, side=-1)

    assert isinstance(state.out[0], OrderTriggered)
    assert fills_of(state) == [(1000, 2, Liquidity.TAKER), (999, 3, Liquidity.TAKER)]


def test_a_market_order_larger_than_the_book_gets_what_is_shown_and_the_rest_is_cancelled():
    state = make_state(asks=[(1001, 4), (1002, 1)])
    working(state, Order(1, BUY, OrderKind.MARKET, 9))
    state.out = []

    execute(state, 1, T0 + 1, None)

    assert fills_of(state) == [(1001, 4, Liquidity.TAKER), (1002, 1, Liquidity.TAKER)]
    cancelled = [e for e in state.out if isinstance(e, OrderCancelled)]
    assert [e.reason for e in cancelled] == [f"{BOOK_EXHAUSTED}: 4 lots unfilled"]


def test_a_fill_pays_the_fee_of_its_liquidity_and_reports_the_account_after_it():
    state = make_state(maker_fee_bps=2.0, taker_fee_bps=5.0)
    working(state, Order(1, BUY, OrderKind.LIMIT, 10, price_ticks=1000))
    state.out = []

    fill(state, 1, 1000, 10, Liquidity.TAKER, at=T0 + 1)

    filled, account = state.out[:2]
    assert isinstance(filled, OrderFilled) and isinstance(account, AccountChanged)
    notional = 1000 * 0.1 * 10 * 0.001  # ticks × tick size × lots × lot size
    assert filled.fill.fee_quote == notional * 5.0 / 10_000
    assert account.position_lots == 10
