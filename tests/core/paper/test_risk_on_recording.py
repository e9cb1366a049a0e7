"""The daily loss limit on the REAL bundled recording (see recorded.py for how the day is driven)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.market import MarketState
from app.core.paper.commands import Flatten, PlaceOrder
from app.core.paper.config import RiskLimits
from app.core.paper.events import CommandRejected, PaperEvent, RiskLocked
from app.core.paper.orders import OrderKind
from app.core.sessions import DAY_NS

from .recorded import BUY, SELL, Day, Trader, drive, exchange, load_day

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def day(btcusdt_recording: Path) -> Day:
    return load_day(btcusdt_recording)


def test_the_daily_loss_limit_locks_on_real_data_until_the_next_session(day: Day) -> None:
    """20 BTC bought at the day's highest print before its biggest drop; the lock trips at the
    first batch end where fees + the loss at the last print reach the limit; then every order that
    adds risk is refused (closing ones are not), flatten works, and the next session lifts it."""
    peak = trough = high = 0
    for j, price in enumerate(day.price):  # the biggest fall from a running high
        high = j if price > day.price[high] else high
        if day.price[high] - price > day.price[peak] - day.price[trough]:
            peak, trough = high, j
    drop = day.price[peak] - day.price[trough]
    qty = 20_000
    limit = 0.4 * drop * qty * exchange().tick_value
    trader = Trader(exchange(limits=RiskLimits(daily_loss_quote=limit)))
    buy_at = day.batch_of(day.receive_ns[peak])
    later = [day.moment(f) for f in (0.8, 0.85, 0.9, 0.95)]
    refused: list[list[PaperEvent]] = []
    accepted: list[list[PaperEvent]] = []

    def act(i: int, market: MarketState, now_ns: int) -> None:
        if i == buy_at:
            trader.send(PlaceOrder(BUY, OrderKind.MARKET, qty), now_ns)
        elif i == later[0]:
            refused.append(trader.send(PlaceOrder(BUY, OrderKind.MARKET, 1), now_ns))
            refused.append(
                trader.send(PlaceOrder(SELL, OrderKind.LIMIT, 2 * qty, market.book.best_ask), now_ns)
            )
            accepted.append(trader.send(PlaceOrder(SELL, OrderKind.LIMIT, 1, 700_000), now_ns))
        elif i == later[1]:
            accepted.append(trader.send(Flatten(), now_ns))
        elif i in later[2:]:
            refused.append(trader.send(PlaceOrder(SELL, OrderKind.MARKET, 1), now_ns))
            refused.append(trader.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 600_000), now_ns))

    market = drive(day, [trader], act)

    assert trough > peak and drop > 1_000  # over $100 against 20 BTC
    fills = [f for f in trader.exchange.snapshot().fills if f.side is BUY]
    assert sum(f.qty_lots for f in fills) == qty
    cost = sum(f.price_ticks * f.qty_lots for f in fills)
    fees = sum(f.fee_quote for f in fills)
    first = fills[0].ts_ns
    breach = next(
        b
        for b in range(day.batch_of(first), len(day.batches))
        if (day.price[day.tape_end[b] - 1] * qty - cost) * exchange().tick_value - fees <= -limit
    )
    (locked,) = [e for e in trader.journal if isinstance(e, RiskLocked)]
    assert locked.ts_ns == day.now[breach] and "daily loss" in locked.reason
    assert breach < later[0]
    for events in refused:
        assert [e.reason[:6] for e in events if isinstance(e, CommandRejected)] == ["LOCKED"]
    for events in accepted:
        assert not any(isinstance(e, CommandRejected) for e in events)
    snap = trader.exchange.snapshot()
    assert snap.position_lots == 0 and snap.orders == () and snap.risk.locked

    trader.step(market, day.now[-1] + DAY_NS)  # the market's next session

    assert not trader.exchange.snapshot().risk.locked
    assert not any(
        isinstance(e, CommandRejected)
        for e in trader.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 600_000), day.now[-1] + DAY_NS)
    )
