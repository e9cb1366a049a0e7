"""The fill model on the REAL bundled recording (BTCUSDT, 2024-08-08 23:54–24:00 UTC).

The exchange is driven as the app drives it: the recording's lines go through the replay pipeline in
the batches the paced replay feed makes at 1× (every line due within one wake-up, at most
MAX_SLEEP_S of market time, at most MAX_BATCH_LINES lines), and after each `pipeline.feed(batch)`
the exchange sees `on_market(market, now_ns)` with now_ns = the receive time of the batch's newest
line. Commands are sent between batches, stamped with that now_ns.

Every check compares the exchange with a reference computed here by brute force from the tape
columns and the book as it was at each batch end, never with the exchange's own numbers.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.core.events import Side
from app.core.market import MarketState
from app.core.paper.commands import CancelAll, CancelOrder, Command, Flatten, MoveOrder, PlaceOrder, Reverse
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, CancelAhead, FillConfig, RiskLimits
from app.core.paper.events import (
    CommandRejected,
    CommandSent,
    OrderFilled,
    OrderResized,
    PaperEvent,
    RiskLocked,
)
from app.core.paper.exchange import PaperExchange
from app.core.paper.orders import Liquidity, OrderKind, OrderRole, OrderStatus
from app.core.paper.snapshot import PaperSnapshot
from app.core.sessions import DAY_NS, SessionSchedule
from app.feeds.recording import iter_recordings, split_line
from app.feeds.replay import open_replay
from app.feeds.replay_feed import MAX_BATCH_LINES, MAX_SLEEP_S

from .conftest import INSTRUMENT, ScriptedMarket, make_exchange

pytestmark = pytest.mark.slow

BUY, SELL = Side.BUY, Side.SELL
WINDOW_NS = int(MAX_SLEEP_S * 1e9)  # the longest stretch of market time one 1× wake-up feeds
NO_LIMITS = RiskLimits(daily_loss_quote=None)
FRACTIONS = (0.08, 0.15, 0.22, 0.3, 0.38, 0.45, 0.52, 0.6, 0.67, 0.75, 0.82, 0.9)


@dataclass
class Day:
    """The recording cut into the replay feed's batches, and the whole day's tape as plain lists."""

    path: Path
    batches: list[tuple[list[bytes], int]]  # (lines, now_ns = newest receive time so far)
    tape_end: list[int]  # tape.total after each batch
    receive_ns: list[int]
    price: list[int]
    qty: list[int]
    side: list[int]

    @property
    def now(self) -> list[int]:
        return [now for _, now in self.batches]

    def moment(self, fraction: float) -> int:
        """The batch index a fraction of the way through the day."""
        return int(len(self.batches) * fraction)

    def prints_from(self, ns: int) -> range:
        """Indices of the prints received at or after `ns` (the tape is in receive order)."""
        return range(bisect_left(self.receive_ns, ns), len(self.receive_ns))

    def batch_of(self, ns: int) -> int:
        """The first batch whose end is at or after `ns`: where a command due at `ns` arrives."""
        return bisect_left(self.now, ns)

    def prints_in(self, batch: int) -> range:
        return range(self.tape_end[batch - 1] if batch else 0, self.tape_end[batch])


def _feed_batches(path: Path) -> list[tuple[list[bytes], int]]:
    batches: list[tuple[list[bytes], int]] = []
    lines: list[bytes] = []
    start = newest = 0
    for chunk in iter_recordings([path]):
        for line in chunk:
            ns = split_line(line)[0]
            if lines and (ns > start + WINDOW_NS or len(lines) >= MAX_BATCH_LINES):
                batches.append((lines, newest))
                lines = []
            if not lines:
                start = ns
            newest = max(newest, ns)
            lines.append(line)
    batches.append((lines, newest))
    return batches


@pytest.fixture(scope="module")
def day(btcusdt_recording: Path) -> Day:
    batches = _feed_batches(btcusdt_recording)
    session, rest = open_replay([btcusdt_recording])
    del rest
    tape_end = []
    for lines, _ in batches:
        session.pipeline.feed(lines)
        tape_end.append(session.market.tape.total)
    tape = session.market.tape.all()
    assert tape.size == tape_end[-1] > 10_000  # the ring kept the whole day
    return Day(
        btcusdt_recording,
        batches,
        tape_end,
        tape.receive_ns.tolist(),
        tape.price_ticks.tolist(),
        tape.qty_lots.tolist(),
        tape.side.tolist(),
    )


@dataclass
class Trader:
    """One paper account on the replayed market, with the journal of everything it returned."""

    exchange: PaperExchange
    journal: list[PaperEvent] = field(default_factory=list)

    def step(self, market: MarketState, now_ns: int) -> list[PaperEvent]:
        out = self.exchange.on_market(market, now_ns)
        self.journal += out
        return out

    def send(self, command: Command, now_ns: int) -> list[PaperEvent]:
        out = self.exchange.send(command, now_ns)
        self.journal += out
        return out


Step = Callable[[int, MarketState, int], None]


def drive(day: Day, traders: Sequence[Trader], act: Step | None = None) -> MarketState:
    """Replay the day once: each batch is fed, every trader's exchange sees it, then `act` runs.

    Each trader first sends a harmless CancelAll: the first command after an exchange binds a
    market skips its latency (test_the_first_command_after_binding_a_market_travels_too), and the
    orders under test here should not depend on that.
    """
    session, rest = open_replay([day.path])
    del rest
    market = session.market
    for i, (lines, now_ns) in enumerate(day.batches):
        session.pipeline.feed(lines)
        for trader in traders:
            trader.step(market, now_ns)
            if i == 0:
                trader.send(CancelAll(), now_ns)
        if act is not None:
            act(i, market, now_ns)
    return market


def exchange(
    config: FillConfig | None = None,
    limits: RiskLimits = NO_LIMITS,
    brackets: Sequence[BracketTemplate] = DEFAULT_BRACKETS,
) -> PaperExchange:
    return PaperExchange(INSTRUMENT, config or FillConfig(), brackets, limits, SessionSchedule())


def through(side: Side, limit_ticks: int, price_ticks: int) -> bool:
    return price_ticks < limit_ticks if side is BUY else price_ticks > limit_ticks


# -- resting limits at the touch ---------------------------------------------------------------------


@dataclass
class Touch:
    """Limit orders joining the best bid or ask at several moments, the same in two exchanges."""

    pessimistic: Trader
    proportional: Trader
    far: Trader  # limits one tick beyond everything that prints after they arrive
    far_range: list[tuple[int, int]]  # (low, high) printed after each pair arrived
    sent: dict[int, tuple[Side, int, int, int]]  # order id -> (side, price, qty, sent batch)
    shown: dict[int, dict[int, int]]  # order id -> batch -> displayed lots at its price, own side
    crossed: dict[int, dict[int, bool]]  # order id -> batch -> the opposite side was at/through it


QTY_TOUCH = 40  # 0.04 BTC: big enough to fill in pieces now and then


@pytest.fixture(scope="module")
def touch(day: Day) -> Touch:
    pess = Trader(exchange(FillConfig(cancel_ahead=CancelAhead.PESSIMISTIC)))
    prop = Trader(exchange(FillConfig(cancel_ahead=CancelAhead.PROPORTIONAL)))
    moments = {day.moment(f): n for n, f in enumerate(FRACTIONS + tuple(f + 0.03 for f in FRACTIONS))}
    far = Trader(exchange())
    result = Touch(pess, prop, far, [], {}, {}, {})

    def act(i: int, market: MarketState, now_ns: int) -> None:
        if i in moments and moments[i] < len(FRACTIONS) and moments[i] % 2 == 0:
            later = day.prints_from(now_ns + far.exchange.config.latency_ns)
            low = min(day.price[j] for j in later)
            high = max(day.price[j] for j in later)
            far.send(PlaceOrder(BUY, OrderKind.LIMIT, 5_000, low - 1), now_ns)
            far.send(PlaceOrder(SELL, OrderKind.LIMIT, 5_000, high + 1), now_ns)
            result.far_range.append((low, high))
        book = market.book
        for order_id, (side, price, _, _) in result.sent.items():
            own, other = (book.bids, book.best_ask) if side is BUY else (book.asks, book.best_bid)
            result.shown[order_id][i] = own.get(price, 0)
            result.crossed[order_id][i] = other is not None and not through(side.opposite, price, other)
        if i in moments:
            side = BUY if moments[i] % 2 == 0 else SELL
            price = book.best_bid if side is BUY else book.best_ask
            assert price is not None
            command = PlaceOrder(side, OrderKind.LIMIT, QTY_TOUCH, price)
            (sent,) = [e for e in pess.send(command, now_ns) if isinstance(e, CommandSent)]
            prop.send(command, now_ns)
            order_id = sent.order_id
            assert order_id is not None
            result.sent[order_id] = (side, price, QTY_TOUCH, i)
            result.shown[order_id] = {}
            result.crossed[order_id] = {}

    drive(day, [pess, prop, far], act)
    return result


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
    sent + latency; the first such print is the earliest a resting order can fill. A taker fill
    happens only on arrival, when the book's other side had come to the order's price."""
    latency = touch.pessimistic.exchange.config.latency_ns
    maker_fills = 0
    for trader in (touch.pessimistic, touch.proportional):
        for order_id, (side, price, _, sent_batch) in touch.sent.items():
            active = day.now[sent_batch] + latency
            reaching = [j for j in day.prints_from(active) if not through(side.opposite, price, day.price[j])]
            first = day.receive_ns[reaching[0]] if reaching else None
            reach_times = {day.receive_ns[j] for j in reaching}
            for ts, fill_price, _, liquidity in _fills_of(trader, order_id):
                if liquidity is Liquidity.TAKER:
                    assert ts == active and touch.crossed[order_id][day.batch_of(active)]
                    assert not through(side.opposite, price, fill_price)
                    continue
                maker_fills += 1
                assert fill_price == price
                assert first is not None and ts >= first
                assert ts in reach_times
    assert maker_fills >= len(touch.sent)  # most orders at the touch do fill within minutes


def _queue_reference(day: Day, touch: Touch, order_id: int) -> list[tuple[int, int]]:
    """The pessimistic model's maker fills (ts, lots), by brute force over the tape and book.

    The order joins behind `ahead` = the lots the book displayed at its price at the end of the
    batch it arrived in. From arrival on, each print at its price by the other side's aggressors
    takes `ahead` first and then the order; a print through its price fills all that is left.
    At each batch end `ahead` is cut to the displayed size at that price if the book shows less
    (whatever left the level — trades or cancels — it was not more than what is shown now).
    Equivalently: the order starts to fill at the first print j where the lots printed at its
    price against it since arrival (j included) exceed the queue it joined, or the lots printed
    since some later batch end b exceed the size the book displayed at b.
    """
    side, price, qty, sent_batch = touch.sent[order_id]
    active = day.now[sent_batch] + touch.pessimistic.exchange.config.latency_ns
    arrival = day.batch_of(active)
    taken = sum(f[2] for f in _fills_of(touch.pessimistic, order_id) if f[3] is Liquidity.TAKER)
    remaining = qty - taken
    ahead = touch.shown[order_id][arrival]
    fills: list[tuple[int, int]] = []
    for b in range(arrival, len(day.batches)):
        for j in day.prints_in(b):
            if remaining == 0:
                return fills
            ts = day.receive_ns[j]
            if ts < active:
                continue
            if through(side, price, day.price[j]):
                fills.append((ts, remaining))
                return fills
            if day.price[j] == price and day.side[j] == -int(side):
                if day.qty[j] <= ahead:
                    ahead -= day.qty[j]
                else:
                    lots = min(remaining, day.qty[j] - ahead)
                    ahead, remaining = 0, remaining - lots
                    fills.append((ts, lots))
        ahead = min(ahead, touch.shown[order_id][b])
    return fills


def test_queue_position_advances_only_by_prints_at_the_price_and_the_displayed_cap(
    day: Day, touch: Touch
) -> None:
    by_queue = 0
    for order_id in touch.sent:
        maker = [
            (ts, lots)
            for ts, _, lots, liq in _fills_of(touch.pessimistic, order_id)
            if liq is Liquidity.MAKER
        ]
        expected = _queue_reference(day, touch, order_id)
        assert maker == expected, f"order {order_id}"
        side, price, _, _ = touch.sent[order_id]
        by_queue += any(not through(side, price, day.price[day.receive_ns.index(ts)]) for ts, _ in maker)
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


# -- market orders -----------------------------------------------------------------------------------


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


# -- a busy scalper: brackets, scaling, reversals; and the journal ----------------------------------


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


# -- the daily loss limit -----------------------------------------------------------------------------


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


# -- bugs found while testing (scripted, so that each shows one thing) -------------------------------

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
