"""Market orders on the REAL bundled recording (BTCUSDT, 2024-08-08 23:54–24:00 UTC): each walks
the book it meets, best level first (see recorded.py for how the day is driven)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.market import MarketState
from app.core.paper.commands import PlaceOrder
from app.core.paper.config import FillConfig
from app.core.paper.events import OrderFilled
from app.core.paper.orders import Liquidity, OrderKind

from .recorded import BUY, FRACTIONS, SELL, Day, Trader, drive, exchange, load_day

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def day(btcusdt_recording: Path) -> Day:
    return load_day(btcusdt_recording)


def test_market_orders_walk_the_book_from_the_best_level(day: Day) -> None:
    """Each order (on its own fresh account, zero latency) takes the levels of the book read just
    before sending, best first, each up to its displayed size, until its size is done."""
    sizes = (1, 250, 3_000, 12_000, 40_000, 90_000)  # 0.001 to 90 BTC
    moments = {day.moment(f): n for n, f in enumerate(FRACTIONS)}
    walked_levels: list[int] = []

    def act(i: int, market: MarketState, now_ns: int) -> None:
        if i not in moments:
            return
        for k, qty in enumerate(sizes):
            side = BUY if (moments[i] + k) % 2 == 0 else SELL
            book = market.book
            levels = sorted(book.asks.items()) if side is BUY else sorted(book.bids.items(), reverse=True)
            best = book.best_ask if side is BUY else book.best_bid
            assert best == levels[0][0]
            expected, rest = [], qty
            for price, lots in levels:
                if rest == 0:
                    break
                expected.append((price, min(rest, lots)))
                rest -= min(rest, lots)
            trader = Trader(exchange(FillConfig(latency_ms=0)))
            trader.step(market, now_ns)
            events = trader.send(PlaceOrder(side, OrderKind.MARKET, qty), now_ns)

            fills = [e.fill for e in events if isinstance(e, OrderFilled)]
            assert [(f.price_ticks, f.qty_lots) for f in fills] == expected
            assert all(f.liquidity is Liquidity.TAKER and f.ts_ns == now_ns for f in fills)
            avg = sum(f.price_ticks * f.qty_lots for f in fills) / qty
            assert avg >= best if side is BUY else avg <= best
            snap = trader.exchange.snapshot()
            assert snap.position_lots == int(side) * qty and snap.orders == ()
            notional = sum(f.price_ticks * f.qty_lots for f in fills) * snap.tick_value_quote
            assert snap.fees_quote == pytest.approx(notional * 5.0 / 10_000)
            walked_levels.append(len(fills))

    drive(day, [], act)

    assert len(walked_levels) == len(sizes) * len(FRACTIONS)
    assert max(walked_levels) >= 5  # the big ones really paid slippage through several levels
