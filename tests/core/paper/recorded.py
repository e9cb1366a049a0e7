"""Helpers for driving the paper exchange on a REAL recording, as the app drives it.

The recording's lines go through the replay pipeline in batches, and after each
`pipeline.feed(batch)` every exchange sees `on_market(market, now_ns)` with now_ns = the receive
time of the batch's newest line; commands are sent between batches, stamped with that now_ns.
`feed_batches` cuts the lines the way the paced replay feed does at a given speed (every line due
within one wake-up: `window_ns` of market time at most, MAX_BATCH_LINES lines at most).

`LineByLine` replays the same lines one at a time, independently of any exchange, and records
what the documented rules need: the prints, and the displayed size at watched prices, in the
order the lines were received. The brute-force references are computed from it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.events import Side
from app.core.market import MarketState
from app.core.paper.commands import CancelAll, Command
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, FillConfig, RiskLimits
from app.core.paper.events import PaperEvent
from app.core.paper.exchange import PaperExchange
from app.core.sessions import SessionSchedule
from app.feeds.recording import iter_recordings, split_line
from app.feeds.replay import open_replay
from app.feeds.replay_feed import MAX_BATCH_LINES, MAX_SLEEP_S

from .conftest import INSTRUMENT

BUY, SELL = Side.BUY, Side.SELL
WINDOW_NS = int(MAX_SLEEP_S * 1e9)  # the longest stretch of market time one 1x wake-up feeds
NO_LIMITS = RiskLimits(daily_loss_quote=None)
FRACTIONS = (0.08, 0.15, 0.22, 0.3, 0.38, 0.45, 0.52, 0.6, 0.67, 0.75, 0.82, 0.9)


def read_lines(path: Path) -> list[bytes]:
    return [line for chunk in iter_recordings([path]) for line in chunk]


def feed_batches(lines: Sequence[bytes], window_ns: int = WINDOW_NS) -> list[tuple[list[bytes], int]]:
    """(lines, now_ns = newest receive time so far) per wake-up of a replay `window_ns` wide."""
    batches: list[tuple[list[bytes], int]] = []
    batch: list[bytes] = []
    start = newest = 0
    for line in lines:
        ns = split_line(line)[0]
        if batch and (ns > start + window_ns or len(batch) >= MAX_BATCH_LINES):
            batches.append((batch, newest))
            batch = []
        if not batch:
            start = ns
        newest = max(newest, ns)
        batch.append(line)
    batches.append((batch, newest))
    return batches


@dataclass
class Day:
    """The recording cut into the replay feed's batches, and the whole day's tape as plain lists."""

    path: Path
    batches: list[tuple[list[bytes], int]]
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


def load_day(path: Path, window_ns: int = WINDOW_NS) -> Day:
    batches = feed_batches(read_lines(path), window_ns)
    session, _ = open_replay([path])
    tape_end = []
    for lines, _ in batches:
        session.pipeline.feed(lines)
        tape_end.append(session.market.tape.total)
    tape = session.market.tape.all()
    assert tape.size == tape_end[-1]  # the ring kept the whole day
    return Day(
        path,
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
    session, _ = open_replay([day.path])
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


# -- the market line by line, for references ------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """The market an order met at its arrival instant (every line received before it applied)."""

    shown_lots: int  # displayed at its price on its own side
    best_bid: int | None
    best_ask: int | None

    def crossed(self, side: Side, price_ticks: int) -> bool:
        """The other side was at or through the order's price: it would take liquidity."""
        other = self.best_ask if side is BUY else self.best_bid
        return other is not None and not through(side.opposite, price_ticks, other)


Event = tuple[str, int, int, int, int]  # ("print", t, price, qty, side) or ("level", t, shown, 0, 0)


@dataclass
class LineByLine:
    """For each watched order (side, price, arrival ns): its arrival market, then the events
    after it at or beyond its price in receive order: every print, and each change of the size
    displayed at its price (own side)."""

    arrivals: dict[int, Arrival]
    events: dict[int, list[Event]]


def line_by_line(path: Path, orders: dict[int, tuple[Side, int, int]]) -> LineByLine:
    session, _ = open_replay([path])
    market = session.market
    book = market.book
    pending = sorted(orders, key=lambda k: orders[k][2])
    arrivals: dict[int, Arrival] = {}
    events: dict[int, list[Event]] = {k: [] for k in orders}
    shown: dict[int, int] = {}
    active: list[int] = []
    for line in read_lines(path):
        t = split_line(line)[0]
        while pending and orders[pending[0]][2] <= t:  # arrives before the lines received from then on
            k = pending.pop(0)
            side, price, _ = orders[k]
            own = book.bids if side is BUY else book.asks
            shown[k] = own.get(price, 0)
            arrivals[k] = Arrival(shown[k], book.best_bid, book.best_ask)
            active.append(k)
        total = market.tape.total
        session.pipeline.feed([line])
        if market.tape.total != total:
            new = market.tape.since(total)
            for price, qty, side in zip(
                new.price_ticks.tolist(), new.qty_lots.tolist(), new.side.tolist(), strict=True
            ):
                for k in active:
                    events[k].append(("print", t, price, qty, side))
        else:
            for k in active:
                side, price, _ = orders[k]
                now = (book.bids if side is BUY else book.asks).get(price, 0)
                if now != shown[k]:
                    shown[k] = now
                    events[k].append(("level", t, now, 0, 0))
    return LineByLine(arrivals, events)
