"""The background market: deterministic per seed, an uncrossed book with a mostly one-tick spread,
and plausible print rates and sizes (measured over ten simulated minutes)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from app.core.events import BookTicker, Trade
from app.feeds.synthetic.stream import SyntheticConfig
from tests.feeds.synthetic.synth_tools import decode_all, generate

QUIET = SyntheticConfig(seed=11, kinds=())  # the background alone, no scenarios


@pytest.fixture(scope="module")
def ten_minutes() -> list[bytes]:
    return generate(QUIET, 600)[1]


def test_the_same_seed_gives_the_same_lines_and_another_seed_other_lines():
    _, first = generate(SyntheticConfig(seed=7), 90)
    _, again = generate(SyntheticConfig(seed=7), 90)
    _, other = generate(SyntheticConfig(seed=8), 90)

    assert first == again
    assert first[:200] != other[:200]
    assert len(first) > 1000


def test_the_book_never_crosses_and_the_spread_is_one_tick_most_of_the_time(ten_minutes):
    tops = [e for e in decode_all(ten_minutes) if isinstance(e, BookTicker)]
    spreads = Counter(t.ask_ticks - t.bid_ticks for t in tops)

    assert min(spreads) >= 1  # never crossed, never locked
    share_1 = spreads[1] / sum(spreads.values())
    assert share_1 >= 0.8, spreads.most_common(6)
    assert sum(n for s, n in spreads.items() if s > 5) / sum(spreads.values()) < 0.02


def test_prints_per_second_and_sizes_are_in_a_plausible_range(ten_minutes):
    trades = [e for e in decode_all(ten_minutes) if isinstance(e, Trade)]
    seconds = (trades[-1].exchange_ns - trades[0].exchange_ns) / 1e9
    orders: Counter[tuple[int, int]] = Counter()  # one aggressor order per (time, side)
    for t in trades:
        orders[(t.exchange_ns, t.side)] += t.qty_lots
    order_lots = np.array(list(orders.values()))

    assert 8 <= len(trades) / seconds <= 80  # Binance BTCUSDT prints some 20-60 a second
    assert 0.3 <= sum(t.side > 0 for t in trades) / len(trades) <= 0.7
    assert 15 <= np.median(order_lots) <= 60  # 0.015-0.06 BTC: a retail-sized median order
    assert np.percentile(order_lots, 99) >= 8 * np.median(order_lots)  # a heavy tail


def test_the_price_moves_but_stays_near_its_start(ten_minutes):
    trades = [e for e in decode_all(ten_minutes) if isinstance(e, Trade)]
    prices = np.array([t.price_ticks for t in trades])

    assert 20 <= prices.max() - prices.min() <= 3_000  # it trends and turns, it does not run away
