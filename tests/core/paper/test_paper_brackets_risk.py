"""Brackets (OCO, break-even, trailing), flatten/reverse, risk locks, and rebuilding from the journal."""

from __future__ import annotations

import pytest

from app.core.events import Side
from app.core.paper.commands import CancelAll, Flatten, PlaceOrder, Reverse
from app.core.paper.config import BracketTemplate, RiskLimits
from app.core.paper.events import CommandRejected, OrderCancelled, OrderMoved, RiskLocked
from app.core.paper.exchange import PaperExchange
from app.core.paper.orders import OrderKind, OrderRole

from .conftest import INSTRUMENT, ScriptedMarket, make_exchange

BUY, SELL = Side.BUY, Side.SELL
HIT, LIFT = -1, 1
TIGHT = BracketTemplate("Tight", stop_ticks=5, target_ticks=5)
BE = BracketTemplate("BE", stop_ticks=5, target_ticks=50, breakeven_trigger_ticks=4, breakeven_offset_ticks=1)
TRAIL = BracketTemplate(
    "Trail", stop_ticks=5, trail_trigger_ticks=3, trail_distance_ticks=3, trail_step_ticks=2
)
BRACKETS = (TIGHT, BE, TRAIL)


def market(limits: RiskLimits | None = None) -> ScriptedMarket:
    sim = ScriptedMarket(make_exchange(brackets=BRACKETS, limits=limits))
    sim.book(bids=[(1000, 50), (999, 50), (998, 50)], asks=[(1001, 50), (1002, 50), (1003, 50)])
    sim.prints((1000, 1, HIT))
    return sim


def legs(sim: ScriptedMarket) -> dict[OrderRole, tuple[int | None, int]]:
    return {o.role: (o.price_ticks, o.remaining_lots) for o in sim.exchange.snapshot().orders if o.oco_id}


def test_a_filled_entry_gets_stop_and_target_in_ticks_from_its_fill() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 4, bracket="Tight"))  # fills 4 @ 1001

    assert legs(sim) == {OrderRole.STOP_LOSS: (996, 4), OrderRole.TAKE_PROFIT: (1006, 4)}
    stop = next(o for o in sim.exchange.snapshot().orders if o.role is OrderRole.STOP_LOSS)
    assert (stop.side, stop.kind) == (SELL, OrderKind.STOP)


def test_brackets_are_oco_a_target_fill_cancels_the_stop() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 4, bracket="Tight"))

    sim.prints((1007, 1, LIFT))  # through the 1006 target

    snap = sim.exchange.snapshot()
    assert snap.position_lots == 0
    assert snap.orders == ()
    assert snap.realised_tick_lots == 4 * 5
    assert any(isinstance(e, OrderCancelled) and "OCO" in e.reason for e in sim.events)


def test_a_partial_target_fill_shrinks_the_stop_by_the_same_amount() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 4, bracket="Tight"))
    sim.levels(asks=[(1006, 0)])  # nobody ahead of our target
    sim.step()

    sim.prints((1006, 3, LIFT))

    assert legs(sim) == {OrderRole.STOP_LOSS: (996, 1), OrderRole.TAKE_PROFIT: (1006, 1)}
    assert sim.exchange.snapshot().position_lots == 1


def test_the_stop_leg_closes_the_position_and_takes_the_target_with_it() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 2, bracket="Tight"))

    sim.prints((996, 1, HIT))  # the stop triggers and sells into the bids

    snap = sim.exchange.snapshot()
    assert snap.position_lots == 0 and snap.orders == ()
    assert snap.realised_tick_lots == 2 * (1000 - 1001)


def test_break_even_moves_the_stop_to_entry_plus_offset_once_price_has_moved() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 1, bracket="BE"))  # 1001, stop 996
    sim.prints((1004, 1, LIFT))
    assert legs(sim)[OrderRole.STOP_LOSS] == (996, 1)

    sim.prints((1005, 1, LIFT))

    assert legs(sim)[OrderRole.STOP_LOSS] == (1002, 1)


def test_trailing_stop_follows_the_best_price_in_steps() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 1, bracket="Trail"))  # 1001, stop 996
    sim.prints((1004, 1, LIFT))  # 3 in favour: trail to 1001
    assert legs(sim)[OrderRole.STOP_LOSS] == (1001, 1)
    sim.prints((1005, 1, LIFT))  # wants 1002: a 1-tick step is below the 2-tick minimum
    assert legs(sim)[OrderRole.STOP_LOSS] == (1001, 1)
    sim.prints((1006, 1, LIFT), (1004, 1, HIT))  # wants 1003; the pullback never lowers it

    assert legs(sim)[OrderRole.STOP_LOSS] == (1003, 1)
    assert [e.price_ticks for e in sim.events if isinstance(e, OrderMoved)] == [1001, 1003]


def test_scaling_out_by_hand_shrinks_the_legs_to_the_position() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 4, bracket="Tight"))

    sim.send(PlaceOrder(SELL, OrderKind.MARKET, 3))

    assert legs(sim) == {OrderRole.STOP_LOSS: (996, 1), OrderRole.TAKE_PROFIT: (1006, 1)}


def test_flatten_cancels_everything_and_closes_at_market() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 3, bracket="Tight"))
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 990))

    sim.send(Flatten())

    snap = sim.exchange.snapshot()
    assert snap.position_lots == 0 and snap.orders == ()
    assert snap.realised_tick_lots == 3 * (1000 - 1001)


def test_reverse_turns_a_long_into_a_short_of_the_same_size_with_a_new_bracket() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 3, bracket="Tight"))

    sim.send(Reverse(bracket="Tight"))

    snap = sim.exchange.snapshot()
    assert snap.position_lots == -3
    assert legs(sim) == {OrderRole.STOP_LOSS: (1005, 3), OrderRole.TAKE_PROFIT: (995, 3)}


def test_daily_loss_locks_new_risk_but_flatten_still_works() -> None:
    sim = market(RiskLimits(daily_loss_quote=0.5))  # one tick on one lot is 0.0001 USDT here
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 50))  # 50 @ 1001
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 5, 990))
    sim.prints((900, 1, HIT))  # −101 ticks × 50 lots × 0.0001 = −0.505 USDT

    assert sim.exchange.snapshot().risk.locked
    assert any(isinstance(e, RiskLocked) for e in sim.events)
    assert [o.price_ticks for o in sim.exchange.snapshot().orders] == []  # the risk-adding bid went too
    rejected = sim.send(PlaceOrder(BUY, OrderKind.MARKET, 1))
    assert any(isinstance(e, CommandRejected) and "LOCKED" in e.reason for e in rejected)
    assert any(isinstance(e, CommandRejected) for e in sim.send(Reverse()))

    sim.send(Flatten())
    assert sim.exchange.snapshot().position_lots == 0
    assert any(isinstance(e, CommandRejected) for e in sim.send(PlaceOrder(SELL, OrderKind.MARKET, 1)))


def test_the_lock_lifts_at_the_next_session() -> None:
    sim = market(RiskLimits(daily_loss_quote=0.001))
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 10))
    sim.send(Flatten())
    assert sim.exchange.snapshot().risk.locked

    sim.wait(24 * 3600 * 1000)

    assert not sim.exchange.snapshot().risk.locked
    assert sim.exchange.snapshot().risk.session_net_quote == 0
    assert not any(isinstance(e, CommandRejected) for e in sim.send(PlaceOrder(BUY, OrderKind.MARKET, 1)))


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        (RiskLimits(daily_loss_quote=None, max_trades=2), "trades"),
        (RiskLimits(daily_loss_quote=None, max_losing_streak=2), "losing"),
    ],
)
def test_trade_count_and_losing_streak_lock_after_the_round_trip_that_reaches_them(
    limits: RiskLimits, words: str
) -> None:
    sim = market(limits)
    for _ in range(2):
        sim.send(PlaceOrder(BUY, OrderKind.MARKET, 1))
        sim.send(PlaceOrder(SELL, OrderKind.MARKET, 1))  # a one-tick loser each
        sim.step()

    assert words in (sim.exchange.snapshot().risk.locked_reason or "")


def test_max_position_rejects_an_order_that_could_exceed_it_counting_working_orders() -> None:
    sim = market(RiskLimits(daily_loss_quote=None, max_position_lots=5))
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 3))
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 2, 990))

    events = sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 989))

    assert any(isinstance(e, CommandRejected) and "max position" in e.reason for e in events)
    assert not any(isinstance(e, CommandRejected) for e in sim.send(PlaceOrder(SELL, OrderKind.MARKET, 3)))


def test_the_journal_rebuilds_the_same_account_orders_and_lock() -> None:
    sim = market(RiskLimits(daily_loss_quote=0.003))
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 4, bracket="BE"))
    sim.prints((1005, 1, LIFT))  # break-even moves the stop
    sim.send(PlaceOrder(SELL, OrderKind.MARKET, 1))
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 2, 995))
    sim.prints((996, 1, HIT))
    before = sim.exchange.snapshot()

    rebuilt = PaperExchange(INSTRUMENT, sim.exchange.config, BRACKETS, sim.exchange.risk.limits)
    rebuilt.restore(sim.events)
    after = rebuilt.snapshot()

    assert after.position_lots == before.position_lots
    assert after.cost_tick_lots == before.cost_tick_lots
    assert after.realised_tick_lots == before.realised_tick_lots
    assert after.fees_quote == pytest.approx(before.fees_quote)
    assert [(o.order_id, o.role, o.price_ticks, o.remaining_lots) for o in after.orders] == [
        (o.order_id, o.role, o.price_ticks, o.remaining_lots) for o in before.orders
    ]
    assert after.trips == before.trips
    assert after.fills == before.fills


def test_a_restored_exchange_keeps_trading_with_fresh_ids_and_no_replayed_commands() -> None:
    sim = market()
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 2, bracket="Tight"))
    sim.send(CancelAll())
    sim.send(Flatten())
    rebuilt = PaperExchange(INSTRUMENT, sim.exchange.config, BRACKETS)
    rebuilt.restore(sim.events)
    sim.exchange = rebuilt
    sim.step()  # nothing pending: nothing happens again
    assert rebuilt.snapshot().position_lots == 0

    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 990))

    ids = [o.order_id for o in rebuilt.snapshot().orders]
    assert ids and ids[0] > max(f.order_id for f in rebuilt.snapshot().fills)
