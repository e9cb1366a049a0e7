"""Resting limits on the REAL bundled recording (BTCUSDT, 2024-08-08 23:54–24:00 UTC): where
they queue, when they fill, and how the two cancel models compare.

Every check compares the exchange with a reference computed here by brute force from the rules
of docs/PAPER_TRADING.md, applied to the recording line by line in receive order
(`recorded.line_by_line`), never with the exchange's own numbers or order of operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.events import Side
from app.core.market import MarketState
from app.core.paper.commands import PlaceOrder
from app.core.paper.config import CancelAhead, FillConfig
from app.core.paper.events import CommandSent
from app.core.paper.orders import Liquidity, OrderKind, OrderStatus

from .recorded import (
    BUY,
    FRACTIONS,
    SELL,
    Day,
    Event,
    LineByLine,
    Trader,
    drive,
    exchange,
    line_by_line,
    load_day,
    through,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def day(btcusdt_recording: Path) -> Day:
    return load_day(btcusdt_recording)


@dataclass
class Touch:
    """Limit orders joining the best bid or ask at several moments, the same in two exchanges."""

    pessimistic: Trader
    proportional: Trader
    far: Trader  # limits one tick beyond everything that prints after they arrive
    far_range: list[tuple[int, int]]  # (low, high) printed after each pair arrived
    sent: dict[int, tuple[Side, int, int, int]]  # order id -> (side, price, qty, arrival ns)
    lines: LineByLine  # the market each order met, line by line


QTY_TOUCH = 40  # 0.04 BTC: big enough to fill in pieces now and then


@pytest.fixture(scope="module")
def touch(day: Day) -> Touch:
    pess = Trader(exchange(FillConfig(cancel_ahead=CancelAhead.PESSIMISTIC)))
    prop = Trader(exchange(FillConfig(cancel_ahead=CancelAhead.PROPORTIONAL)))
    moments = {day.moment(f): n for n, f in enumerate(FRACTIONS + tuple(f + 0.03 for f in FRACTIONS))}
    far = Trader(exchange())
    latency = pess.exchange.config.latency_ns
    far_range: list[tuple[int, int]] = []
    sent: dict[int, tuple[Side, int, int, int]] = {}

    def act(i: int, market: MarketState, now_ns: int) -> None:
        if i in moments and moments[i] < len(FRACTIONS) and moments[i] % 2 == 0:
            later = day.prints_from(now_ns + latency)
            low = min(day.price[j] for j in later)
            high = max(day.price[j] for j in later)
            far.send(PlaceOrder(BUY, OrderKind.LIMIT, 5_000, low - 1), now_ns)
            far.send(PlaceOrder(SELL, OrderKind.LIMIT, 5_000, high + 1), now_ns)
            far_range.append((low, high))
        if i in moments:
            side = BUY if moments[i] % 2 == 0 else SELL
            price = market.book.best_bid if side is BUY else market.book.best_ask
            assert price is not None
            command = PlaceOrder(side, OrderKind.LIMIT, QTY_TOUCH, price)
            (event,) = [e for e in pess.send(command, now_ns) if isinstance(e, CommandSent)]
            prop.send(command, now_ns)
            assert event.order_id is not None
            sent[event.order_id] = (side, price, QTY_TOUCH, event.arrive_ns)

    drive(day, [pess, prop, far], act)
    lines = line_by_line(day.path, {k: (side, price, at) for k, (side, price, _, at) in sent.items()})
    return Touch(pess, prop, far, far_range, sent, lines)


def test_limits_beyond_the_rest_of_the_days_range_never_fill(touch: Touch) -> None:
    """A buy one tick under everything that prints after it arrives (a sell one tick over) sits
    through the rest of the day without a fill, though the tape comes within a tick of it."""
    snap = touch.far.exchange.snapshot()

    assert snap.fills == () and snap.position_lots == 0
    assert len(snap.orders) == 2 * len(touch.far_range) == len(FRACTIONS)
    assert all(o.status is OrderStatus.WORKING for o in snap.orders)
    assert sorted(o.price_ticks for o in snap.orders if o.side is BUY) == sorted(
        low - 1 for low, _ in touch.far_range
    )


def _fills_of(trader: Trader, order_id: int) -> list[tuple[int, int, int, Liquidity]]:
    return [
        (f.ts_ns, f.price_ticks, f.qty_lots, f.liquidity)
        for f in trader.exchange.snapshot().fills
        if f.order_id == order_id
    ]


def test_a_resting_limit_never_fills_before_the_tape_reaches_its_price_after_it_arrived(
    day: Day, touch: Touch
) -> None:
    """A maker fill is stamped with a print at or through the order's price received at or after
    its arrival; a taker fill happens only at the arrival instant, and only if the book's other
    side was at or through the order's price at that instant (not later in its batch)."""
    maker_fills = 0
    for trader in (touch.pessimistic, touch.proportional):
        for order_id, (side, price, _, active) in touch.sent.items():
            reaching = [j for j in day.prints_from(active) if not through(side.opposite, price, day.price[j])]
            first = day.receive_ns[reaching[0]] if reaching else None
            reach_times = {day.receive_ns[j] for j in reaching}
            for ts, fill_price, _, liquidity in _fills_of(trader, order_id):
                if liquidity is Liquidity.TAKER:
                    assert ts == active and touch.lines.arrivals[order_id].crossed(side, price)
                    assert not through(side.opposite, price, fill_price)
                    continue
                maker_fills += 1
                assert fill_price == price
                assert first is not None and ts >= first
                assert ts in reach_times
    assert maker_fills >= len(touch.sent)  # most orders at the touch do fill within minutes


def queue_reference(
    side: Side, price: int, remaining: int, ahead: int, events: list[Event], *, proportional: bool
) -> list[tuple[int, int]]:
    """A resting order's maker fills (ts, lots), from the documented rules in receive order.

    It joins behind `ahead` = what the book displayed at its price at its arrival instant. Then,
    event by event as they were received:
    - a print through its price fills all that is left;
    - a print at its price by the other side's aggressors eats the queue ahead, then the order;
    - the displayed size at its price changing to `shown`: a shrink is explained first by the
      lots printed at its price not yet explained, the rest are cancels (moving the queue up by
      their share ahead under the proportional model only); and the queue ahead is never more
      than `shown`.
    """
    level = ahead
    traded = 0
    fills: list[tuple[int, int]] = []
    for kind, ts, a, b, c in events:
        if remaining == 0:
            break
        if kind == "print":
            print_price, qty, aggressor = a, b, c
            if through(side, price, print_price):
                fills.append((ts, remaining))
                break
            if print_price == price and aggressor == -int(side):
                traded += qty
                if qty <= ahead:
                    ahead -= qty
                else:
                    lots = min(remaining, qty - ahead)
                    ahead, remaining = 0, remaining - lots
                    fills.append((ts, lots))
        else:
            shown = a
            if shown < level:
                explained = min(level - shown, traded)
                traded -= explained
                cancels = level - shown - explained
                if proportional and cancels and level - explained > 0:
                    ahead -= min(ahead, cancels * ahead // (level - explained))
            ahead = min(ahead, shown)
            level = shown
    return fills


@pytest.mark.parametrize("model", list(CancelAhead))
def test_queue_position_follows_the_documented_rules_event_by_event(touch: Touch, model: CancelAhead) -> None:
    trader = touch.pessimistic if model is CancelAhead.PESSIMISTIC else touch.proportional
    by_queue = 0
    for order_id, (side, price, qty, _) in touch.sent.items():
        fills = _fills_of(trader, order_id)
        maker = [(ts, lots) for ts, _, lots, liq in fills if liq is Liquidity.MAKER]
        taken = sum(lots for _, _, lots, liq in fills if liq is Liquidity.TAKER)
        arrival = touch.lines.arrivals[order_id]
        events = touch.lines.events[order_id]
        proportional = model is CancelAhead.PROPORTIONAL

        expected = queue_reference(
            side, price, qty - taken, arrival.shown_lots, events, proportional=proportional
        )

        assert maker == expected, f"order {order_id}"
        through_times = {ts for kind, ts, p, _, _ in events if kind == "print" and through(side, price, p)}
        by_queue += any(ts not in through_times for ts, _ in maker)
    assert by_queue >= 3  # the check is not only about trade-throughs


def test_the_pessimistic_model_never_fills_earlier_or_more_than_the_proportional_one(touch: Touch) -> None:
    """For each order, at every moment a fill happened in either model, the lots filled so far in
    the pessimistic model are at most those in the proportional one (its queue is never shorter)."""
    earlier = 0
    for order_id in touch.sent:
        pess = [(ts, lots) for ts, _, lots, _ in _fills_of(touch.pessimistic, order_id)]
        prop = [(ts, lots) for ts, _, lots, _ in _fills_of(touch.proportional, order_id)]
        for t in sorted({ts for ts, _ in pess + prop}):
            assert sum(lots for ts, lots in pess if ts <= t) <= sum(lots for ts, lots in prop if ts <= t)
        if prop and (not pess or prop[0][0] < pess[0][0]):
            earlier += 1
    assert earlier >= 1  # cancels ahead did move some proportional orders up
