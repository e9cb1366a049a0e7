"""The batching-invariance property on random scripted markets: a book around 1000 ticks that
changes level by level, prints at and around it, and orders of every kind sent at random
moments. Handing the same events to the exchange one by one or in random batches gives the same
fills, in both cancel models and with the crossing-book rule on or off."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.events import DepthDiff, DepthSnapshot, Side
from app.core.market import MarketState
from app.core.paper.commands import Command, PlaceOrder
from app.core.paper.config import CancelAhead
from app.core.paper.orders import OrderKind
from app.core.tape import TradeColumns

from .conftest import INSTRUMENT, MS, T0, make_exchange

Step = tuple[str, int, int, int]  # ("depth", side, price, lots) | ("print", price, lots, aggressor)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("depth"), st.sampled_from([1, -1]), st.integers(996, 1004), st.integers(0, 12)),
        st.tuples(st.just("print"), st.integers(996, 1004), st.integers(1, 8), st.sampled_from([1, -1])),
    ),
    min_size=5,
    max_size=80,
)
orders = st.lists(
    st.tuples(
        st.integers(0, 79),  # sent after this many steps
        st.sampled_from([Side.BUY, Side.SELL]),
        st.sampled_from([OrderKind.LIMIT, OrderKind.MARKET, OrderKind.STOP]),
        st.integers(996, 1004),
        st.integers(1, 6),
        st.sampled_from([None, "Tight"]),
    ),
    min_size=1,
    max_size=6,
)


def play(
    script: list[Step], sends: list[tuple], cuts: set[int], model: CancelAhead, cross: bool
) -> list[tuple[object, ...]]:
    """Each step 1 ms after the last (a depth change and a print in the same ms keep their order);
    the exchange sees the market after each step in `cuts` and wherever a command is sent."""
    market = MarketState(INSTRUMENT)
    market.load_snapshot(DepthSnapshot(T0, T0, 1, [(1000, 5), (999, 10), (998, 10)], [(1001, 5), (1002, 10)]))
    ex = make_exchange(latency_ms=2, cancel_ahead=model, fill_on_book_cross=cross)
    now = T0
    ex.on_market(market, now)
    uid = 1
    due: dict[int, list[Command]] = {}
    for after, side, kind, price, lots, bracket in sends:
        command = PlaceOrder(side, kind, lots, None if kind is OrderKind.MARKET else price, bracket=bracket)
        due.setdefault(min(after, len(script)), []).append(command)
    for command in due.pop(0, []):
        ex.send(command, now)
    for n, (kind, a, b, c) in enumerate(script, start=1):
        now += MS
        if kind == "depth":
            uid += 1
            levels = [(b, c)]
            market.apply_diff(
                DepthDiff(now, now, uid, uid, uid - 1, levels if a == 1 else [], [] if a == 1 else levels)
            )
        else:
            market.apply_trades(TradeColumns.from_rows([(now, now, a, b, c, n)]))
        if n in cuts or n in due or n == len(script):
            ex.on_market(market, now)
        for command in due.pop(n, []):
            ex.send(command, now)
    ex.on_market(market, now + 10 * MS)
    return [(f.ts_ns, f.order_id, f.price_ticks, f.qty_lots, f.liquidity) for f in ex.fills]


@settings(max_examples=300, deadline=None)
@given(
    script=steps,
    sends=orders,
    cuts=st.sets(st.integers(1, 80)),
    model=st.sampled_from(list(CancelAhead)),
    cross=st.booleans(),
)
def test_scripted_fills_do_not_depend_on_the_batch_cuts(
    script: list[Step], sends: list[tuple], cuts: set[int], model: CancelAhead, cross: bool
) -> None:
    one_by_one = play(script, sends, set(range(1, len(script) + 1)), model, cross)

    assert play(script, sends, cuts, model, cross) == one_by_one
