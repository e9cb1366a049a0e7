"""At 50x replay (2.5 s batches) a passive limit is never filled as a taker from a book that came
later in its batch: only an order whose price the other side had reached at its arrival instant
takes liquidity (the issue 15 defect: fills from a book up to 2.5 s later, stamped at arrival)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.market import MarketState
from app.core.paper.commands import PlaceOrder
from app.core.paper.events import CommandSent
from app.core.paper.orders import Liquidity, OrderKind

from .recorded import BUY, SELL, Trader, drive, exchange, line_by_line, load_day

pytestmark = pytest.mark.slow

FIFTY_X_NS = 2_500_000_000  # market time one wake-up feeds at 50x


def test_at_50x_replay_no_passive_limit_is_filled_as_a_taker(btcusdt_recording: Path) -> None:
    day = load_day(btcusdt_recording, FIFTY_X_NS)
    trader = Trader(exchange())
    sent: dict[int, tuple[int, int, int]] = {}  # order id -> (side, price, arrival ns)
    end_book_crossed: set[int] = set()  # crossed by the book at the end of its arrival batch

    def act(i: int, market: MarketState, now_ns: int) -> None:
        book = market.book
        for order_id, (side, price, _) in sent.items():
            other = book.best_ask if side == BUY else book.best_bid
            crossed = other is not None and (other - price) * side <= 0
            if crossed and day.batch_of(sent[order_id][2]) == i:
                end_book_crossed.add(order_id)
        for side in (BUY, SELL):
            touch = book.best_bid if side is BUY else book.best_ask
            assert touch is not None
            for behind in (0, 1):
                command = PlaceOrder(side, OrderKind.LIMIT, 10, touch - behind * int(side))
                (event,) = [e for e in trader.send(command, now_ns) if isinstance(e, CommandSent)]
                assert event.order_id is not None
                sent[event.order_id] = (int(side), command.price_ticks or 0, event.arrive_ns)

    drive(day, [trader], act)
    lines = line_by_line(day.path, {k: (BUY if s == BUY else SELL, p, at) for k, (s, p, at) in sent.items()})
    taker = {f.order_id for f in trader.exchange.fills if f.liquidity is Liquidity.TAKER}
    crossed_at_arrival = {
        k
        for k, (s, p, _) in sent.items()
        if k in lines.arrivals and lines.arrivals[k].crossed(BUY if s == BUY else SELL, p)
    }

    assert taker <= crossed_at_arrival
    assert end_book_crossed - crossed_at_arrival  # the batch-end book would have crossed some
    assert not (end_book_crossed - crossed_at_arrival) & taker
