"""Bracket management (docs/PAPER_TRADING.md "Brackets"): legs attach on the entry fill, shrink
with the position, go with it, and the stop follows price."""

from app.core.events import Side
from app.core.paper.bracket_legs import follow
from app.core.paper.config import BracketTemplate
from app.core.paper.fills import fill
from app.core.paper.orders import Liquidity, Order, OrderKind, OrderRole

from .conftest import T0, make_state, working

BUY, SELL = Side.BUY, Side.SELL
TIGHT = BracketTemplate("Tight", stop_ticks=20, target_ticks=20)
SCALP = BracketTemplate(
    "Scalp", stop_ticks=40, target_ticks=80, breakeven_trigger_ticks=40, breakeven_offset_ticks=2
)


def legs(state):
    rows = ((o.role, o.side, o.kind, o.price_ticks, o.remaining_lots) for o in state.orders.values())
    return sorted(rows, key=lambda row: row[0].value)


def long_entry(state, lots, bracket="Tight"):
    working(state, Order(1, BUY, OrderKind.LIMIT, lots, price_ticks=1000, bracket=bracket))


def test_an_entry_fill_opens_a_stop_and_a_target_around_the_fill_price():
    state = make_state(brackets=[TIGHT])
    long_entry(state, 5)

    fill(state, 1, 1000, 5, Liquidity.MAKER, at=T0)

    assert legs(state) == [
        (OrderRole.STOP_LOSS, SELL, OrderKind.STOP, 980, 5),
        (OrderRole.TAKE_PROFIT, SELL, OrderKind.LIMIT, 1020, 5),
    ]


def test_legs_grow_with_each_piece_of_the_entry_at_the_first_prices():
    state = make_state(brackets=[TIGHT])
    long_entry(state, 5)

    fill(state, 1, 1000, 2, Liquidity.MAKER, at=T0)
    fill(state, 1, 999, 3, Liquidity.MAKER, at=T0 + 1)

    assert [(p, lots) for _, _, _, p, lots in legs(state)] == [(980, 5), (1020, 5)]


def test_a_partly_filled_target_shrinks_the_stop_by_the_same_amount():
    state = make_state(brackets=[TIGHT])
    long_entry(state, 5)
    fill(state, 1, 1000, 5, Liquidity.MAKER, at=T0)
    target = next(o for o in state.orders.values() if o.role is OrderRole.TAKE_PROFIT)

    fill(state, target.order_id, 1020, 2, Liquidity.MAKER, at=T0 + 1)

    assert [lots for *_, lots in legs(state)] == [3, 3]


def test_closing_the_position_another_way_takes_the_legs_with_it():
    state = make_state(brackets=[TIGHT])
    long_entry(state, 5)
    fill(state, 1, 1000, 5, Liquidity.MAKER, at=T0)
    working(state, Order(9, SELL, OrderKind.MARKET, 5))

    fill(state, 9, 1000, 5, Liquidity.TAKER, at=T0 + 1)

    assert state.orders == {}
    assert state.groups == {}


def test_break_even_moves_the_stop_once_price_has_run_far_enough():
    state = make_state(brackets=[SCALP])
    long_entry(state, 1, bracket="Scalp")
    fill(state, 1, 1000, 1, Liquidity.MAKER, at=T0)

    follow(state, 1039, T0 + 1)
    stop_before = next(p for r, _, _, p, _ in legs(state) if r is OrderRole.STOP_LOSS)
    follow(state, 1040, T0 + 2)
    stop_after = next(p for r, _, _, p, _ in legs(state) if r is OrderRole.STOP_LOSS)

    assert (stop_before, stop_after) == (960, 1002)
