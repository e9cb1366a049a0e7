"""A busy scalper on the REAL bundled recording: brackets stay OCO all day, and the journal
rebuilds the account at any moment (see recorded.py for how the day is driven)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.market import MarketState
from app.core.paper.commands import CancelOrder, Command, Flatten, MoveOrder, PlaceOrder, Reverse
from app.core.paper.config import DEFAULT_BRACKETS
from app.core.paper.events import OrderResized
from app.core.paper.orders import OrderKind, OrderRole, OrderStatus
from app.core.paper.snapshot import PaperSnapshot

from .recorded import BUY, SELL, Day, Trader, drive, exchange, load_day

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def day(btcusdt_recording: Path) -> Day:
    return load_day(btcusdt_recording)


@dataclass
class Busy:
    trader: Trader
    oco_breaches: list[str]  # every moment legs exceeded the position or outlived it
    leg_fills: dict[OrderRole, int]
    restored: list[tuple[int, tuple[object, ...], tuple[object, ...]]]  # (batch, live, rebuilt)


def _account(snap: PaperSnapshot) -> tuple[object, ...]:
    orders = tuple(
        (o.order_id, o.side, o.kind, o.role, o.status, o.price_ticks, o.remaining_lots) for o in snap.orders
    )
    fees = round(snap.fees_quote, 9)
    return (
        snap.position_lots,
        snap.cost_tick_lots,
        snap.realised_tick_lots,
        fees,
        orders,
        snap.trips,
        snap.risk.locked_reason,
    )


def _oco_breach(snap: PaperSnapshot) -> str | None:
    position = snap.position_lots
    for role in (OrderRole.STOP_LOSS, OrderRole.TAKE_PROFIT):
        legs = [o for o in snap.orders if o.role is role]
        if position == 0 and legs:
            return f"flat with {role.value} legs open"
        if sum(o.remaining_lots for o in legs) > abs(position):
            return f"{role.value} legs {sum(o.remaining_lots for o in legs)} > position {position}"
        if any(int(o.side) * position > 0 for o in legs):
            return f"a {role.value} leg on the position's own side"
    return None


@pytest.fixture(scope="module")
def busy(day: Day) -> Busy:
    """One account trading all day with brackets: entries at market and at the touch, scaling in
    (a second bracket) and out by hand, moves, cancels, reversals and flattens — every second."""
    trader = Trader(exchange())
    result = Busy(trader, [], {OrderRole.STOP_LOSS: 0, OrderRole.TAKE_PROFIT: 0}, [])
    templates = [b.name for b in DEFAULT_BRACKETS]
    checkpoints = {day.moment(f) for f in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.99)}

    def check(i: int) -> None:
        breach = _oco_breach(trader.exchange.snapshot())
        if breach is not None:
            result.oco_breaches.append(f"batch {i}: {breach}")

    def act(i: int, market: MarketState, now_ns: int) -> None:
        check(i)
        if i % 20 == 0 and i > 0:
            k = i // 20
            snap = trader.exchange.snapshot()
            book = market.book
            entries = [o for o in snap.orders if o.role is OrderRole.ENTRY]
            pos = snap.position_lots
            bracket = templates[k % len(templates)]
            command: Command | None = None
            if pos == 0 and not entries:
                side = BUY if k % 4 < 2 else SELL
                if k % 2 == 0:
                    command = PlaceOrder(side, OrderKind.MARKET, 30, bracket=bracket)
                else:
                    touch_ticks = book.best_bid if side is BUY else book.best_ask
                    command = PlaceOrder(side, OrderKind.LIMIT, 30, touch_ticks, bracket=bracket)
            elif entries and k % 3 == 0:
                order = entries[0]
                if order.kind is OrderKind.LIMIT and order.status is OrderStatus.WORKING:
                    touch_ticks = book.best_bid if order.side is BUY else book.best_ask
                    if touch_ticks is not None and touch_ticks != order.price_ticks:
                        command = MoveOrder(order.order_id, touch_ticks)
            elif entries and k % 5 == 0:
                command = CancelOrder(entries[0].order_id)
            elif pos and k % 17 == 16:
                command = Reverse(bracket="Tight")
            elif pos and k % 13 == 12:
                command = Flatten()
            elif pos and k % 7 == 3:
                command = PlaceOrder(BUY if pos > 0 else SELL, OrderKind.MARKET, 10, bracket="Tight")
            elif abs(pos) > 1 and k % 5 == 4:
                command = PlaceOrder(SELL if pos > 0 else BUY, OrderKind.MARKET, abs(pos) // 2)
            if command is not None:
                trader.send(command, now_ns)
                check(i)
        if i in checkpoints:
            rebuilt = exchange()
            rebuilt.restore(list(trader.journal))
            result.restored.append((i, _account(trader.exchange.snapshot()), _account(rebuilt.snapshot())))

    drive(day, [trader], act)
    for fill in trader.exchange.snapshot().fills:
        if fill.role in result.leg_fills:
            result.leg_fills[fill.role] += 1
    return result


def test_brackets_stay_oco_on_real_data(busy: Busy) -> None:
    """At every moment the open stop legs together, and the target legs together, are at most the
    position, on its closing side; when the position is back to 0 no leg is left."""
    snap = busy.trader.exchange.snapshot()

    assert busy.oco_breaches == []
    assert busy.leg_fills[OrderRole.STOP_LOSS] >= 3 and busy.leg_fills[OrderRole.TAKE_PROFIT] >= 3
    assert len(snap.trips) >= 20
    resized = [e for e in busy.trader.journal if isinstance(e, OrderResized)]
    assert resized  # partial fills and hand exits did shrink legs


def test_the_journal_rebuilds_the_account_at_any_moment_of_the_day(busy: Busy) -> None:
    """A new exchange restored from every event returned so far has the same position, cost,
    realised P&L, fees, open orders (id, side, kind, role, status, price, remaining), round trips
    and lock as the running one."""
    assert len(busy.restored) == 7
    for batch, live, rebuilt in busy.restored:
        assert rebuilt == live, f"batch {batch}"
    assert any(live[4] for _, live, _ in busy.restored)  # some checkpoints had open orders
    assert any(live[0] for _, live, _ in busy.restored)  # and some a position
