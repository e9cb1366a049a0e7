"""The pre-trade gate and the risk lock (docs/PAPER_TRADING.md "Risk limits and the lock")."""

from app.core.events import Side
from app.core.paper.commands import CancelOrder, PlaceOrder, Reverse
from app.core.paper.config import RiskLimits
from app.core.paper.events import OrderCancelled, RiskLocked
from app.core.paper.fills import fill
from app.core.paper.gate import adds_risk, check_risk, refusal
from app.core.paper.orders import Liquidity, Order, OrderKind

from .conftest import T0, make_state, working

BUY, SELL = Side.BUY, Side.SELL


def long_by(state, lots, price=1000):
    working(state, Order(90, BUY, OrderKind.MARKET, lots))
    fill(state, 90, price, lots, Liquidity.TAKER, at=T0)


def test_bad_values_are_refused_with_the_reason():
    state = make_state()
    assert refusal(state, PlaceOrder(BUY, OrderKind.LIMIT, 0, 1000)) == "quantity must be positive"
    assert refusal(state, PlaceOrder(BUY, OrderKind.LIMIT, 1)) == "a limit order needs a price"
    assert refusal(state, PlaceOrder(BUY, OrderKind.MARKET, 1, bracket="Nope")) == (
        "no bracket template named 'Nope'"
    )
    assert refusal(state, CancelOrder(7)) == "no such open order"
    assert refusal(state, Reverse()) == "flat: no position to reverse"


def test_the_position_limit_counts_same_side_working_entries():
    state = make_state(limits=RiskLimits(max_position_lots=5, daily_loss_quote=None))
    working(state, Order(1, BUY, OrderKind.LIMIT, 4, price_ticks=999))

    assert refusal(state, PlaceOrder(BUY, OrderKind.LIMIT, 1, 998)) is None
    assert refusal(state, PlaceOrder(BUY, OrderKind.LIMIT, 2, 998)) is not None


def test_an_order_that_only_closes_does_not_add_risk():
    state = make_state()
    long_by(state, 3)

    assert not adds_risk(state, SELL, 3)
    assert adds_risk(state, SELL, 4)  # crosses zero: the rest opens a short
    assert adds_risk(state, BUY, 1)


def test_a_breach_locks_and_cancels_only_the_entries_that_add_risk():
    state = make_state(limits=RiskLimits(daily_loss_quote=1.0))
    long_by(state, 1000, price=1000)
    working(state, Order(2, BUY, OrderKind.LIMIT, 1, price_ticks=990))
    working(state, Order(3, SELL, OrderKind.LIMIT, 1, price_ticks=1010))
    state.last_ticks = 980  # 20 ticks × 0.1 × 1 BTC = 2 USDT under water
    state.out = []

    check_risk(state, T0 + 1)

    assert isinstance(state.out[0], RiskLocked)
    assert [e.order_id for e in state.out if isinstance(e, OrderCancelled)] == [2]
    assert refusal(state, PlaceOrder(BUY, OrderKind.MARKET, 1)).startswith("LOCKED until next session")
    assert refusal(state, PlaceOrder(SELL, OrderKind.MARKET, 1)) is None  # closing stays allowed


def test_while_the_market_is_not_live_new_orders_are_refused_and_cancels_go_through():
    state = make_state()
    working(state, Order(1, BUY, OrderKind.LIMIT, 1, price_ticks=999))
    state.market_hold = "market data stale: no data on btcusdt@trade"

    assert refusal(state, PlaceOrder(BUY, OrderKind.MARKET, 1)) == state.market_hold
    assert refusal(state, Reverse()) == state.market_hold
    assert refusal(state, CancelOrder(1)) is None
    state.market_hold = None
    assert refusal(state, PlaceOrder(BUY, OrderKind.MARKET, 1)) is None
