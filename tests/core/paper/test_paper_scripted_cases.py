"""Bugs found while testing the fill model, each replayed on a scripted market that shows one thing."""

from __future__ import annotations

from app.core.events import Side
from app.core.paper.commands import PlaceOrder
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, CancelAhead, RiskLimits
from app.core.paper.exchange import PaperExchange
from app.core.paper.orders import OrderKind, OrderRole, OrderStatus

from .conftest import INSTRUMENT, ScriptedMarket, make_exchange

BUY, SELL = Side.BUY, Side.SELL
HIT, LIFT = -1, 1


def test_proportional_model_does_not_count_traded_lots_as_cancels() -> None:
    sim = ScriptedMarket(make_exchange(cancel_ahead=CancelAhead.PROPORTIONAL))
    sim.book(bids=[(999, 10)], asks=[(1001, 10)])
    sim.prints((1000, 1, HIT))
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))  # 10 ahead
    sim.step()

    sim.trades((999, 4, HIT))
    sim.levels(bids=[(999, 6)])  # the exchange shows the level after the 4 lots traded
    sim.step()  # nobody cancelled: 6 are still ahead

    assert sim.exchange.snapshot().orders[0].queue_ahead_lots == 6


def test_the_first_command_after_binding_a_market_travels_too() -> None:
    sim = ScriptedMarket(make_exchange(latency_ms=50))
    sim.book(bids=[(1000, 5)], asks=[(1001, 5)])
    sim.prints((1000, 1, HIT))  # the exchange sees this market for the first time
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 1))

    sim.prints((1000, 1, HIT))  # 1 ms later: the order is still on its way

    assert sim.exchange.snapshot().position_lots == 0
    assert sim.exchange.snapshot().orders[0].status is OrderStatus.PENDING


def test_a_restored_partly_filled_entry_grows_its_bracket_like_the_running_one() -> None:
    tight = (BracketTemplate("Tight", stop_ticks=5, target_ticks=5),)
    sim = ScriptedMarket(make_exchange(brackets=tight))
    sim.book(bids=[(998, 10)], asks=[(1001, 10)])
    sim.prints((1000, 1, HIT))
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 4, 999, bracket="Tight"))  # nobody ahead at 999
    sim.prints((999, 1, HIT))  # 1 of 4 filled: legs of 1
    rebuilt = PaperExchange(INSTRUMENT, sim.exchange.config, tight, sim.exchange.risk.limits)
    rebuilt.restore(sim.events)
    sim.exchange = rebuilt
    sim.step()  # the restarted app binds the market

    sim.prints((999, 1, HIT))

    legs = [(o.role, o.remaining_lots, o.oco_id) for o in rebuilt.snapshot().orders if o.oco_id]
    assert legs == [(OrderRole.STOP_LOSS, 2, 1), (OrderRole.TAKE_PROFIT, 2, 1)]


def test_max_drawdown_survives_a_restart() -> None:
    limits = RiskLimits(daily_loss_quote=None, max_drawdown_quote=0.05)
    sim = ScriptedMarket(make_exchange(limits=limits))
    sim.book(bids=[(1000, 100)], asks=[(1001, 100)])
    sim.prints((1000, 1, HIT))
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 100))  # 100 @ 1001
    sim.prints((1050, 1, LIFT))  # +49 ticks × 100 lots × 0.0001 = +0.49 USDT: the session's peak
    sim.prints((1047, 1, HIT))  # 0.03 below the peak: no lock yet
    assert not sim.exchange.snapshot().risk.locked
    rebuilt = PaperExchange(INSTRUMENT, sim.exchange.config, DEFAULT_BRACKETS, limits)
    rebuilt.restore(sim.events)
    sim.exchange = rebuilt
    sim.step()  # the restarted app binds the market

    sim.prints((1044, 1, HIT))  # 0.06 below the session's peak

    assert sim.exchange.snapshot().risk.locked
