"""The paper exchange: takes the user's commands and the market's prints and book, and fills
orders by the rules of docs/PAPER_TRADING.md (see matching.py).

Every decision is made as a list of events; each event is applied through `PaperState.apply`,
the one reducer (reducer.py), which is also what `restore` runs over the journal. The caller
journals the events a call returns before it shows anything, so the screen never shows what a
crash could lose.

This class only orchestrates: the pre-trade gate (gate.py), command arrivals (arrivals.py),
matching and book walks (fills.py), bracket legs (bracket_legs.py) and queue estimates
(queues.py). `on_market` is the one place that decides *when* per-batch and per-print work
happens.

Time is the market's local receive time (`_ns`), given by the caller: commands reach the exchange
`latency_ms` after they were sent and only compete with market events received after that.

A batch of market data is walked in the order it was applied: the market logs its depth changes
(`MarketState.watch_depth`, only while this exchange has something open), and `on_market`
interleaves them with the tape's prints, advancing its own copy of the book (`_mirror`, the book
as of the event at hand) one change at a time. Each arrival, queue measure, print match, stop
trigger, book walk and bracket leg then sees the market as it was at its instant, so fills do
not depend on how lines were cut into batches (that is, on replay speed). While nothing is open
the exchange does not watch, and a batch costs it only the last price.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from app.core.book import OrderBook
from app.core.events import DepthDiff, DepthSnapshot
from app.core.instrument import Instrument
from app.core.market import DepthChange, MarketState
from app.core.paper.account import Ledger
from app.core.paper.arrivals import arrive_due
from app.core.paper.bracket_legs import follow
from app.core.paper.commands import Command, PlaceOrder
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, FillConfig, RiskLimits
from app.core.paper.events import CommandRejected, CommandSent, PaperEvent
from app.core.paper.fills import BOOK_EXHAUSTED, cross_fill, match_print
from app.core.paper.gate import check_risk, refusal
from app.core.paper.orders import Fill, Order, OrderKind, OrderStatus
from app.core.paper.queues import measure_queues
from app.core.paper.reducer import PaperState
from app.core.paper.risk import RiskGuard
from app.core.paper.snapshot import PaperSnapshot
from app.core.sessions import SessionSchedule
from app.core.tape import Tape

__all__ = ["BOOK_EXHAUSTED", "PaperExchange"]


class PaperExchange:
    def __init__(
        self,
        instrument: Instrument,
        config: FillConfig | None = None,
        brackets: Sequence[BracketTemplate] = DEFAULT_BRACKETS,
        limits: RiskLimits | None = None,
        sessions: SessionSchedule | None = None,
    ) -> None:
        risk = RiskGuard(limits or RiskLimits(), sessions or SessionSchedule())
        self.state = PaperState(instrument, config or FillConfig(), {b.name: b for b in brackets}, risk)
        self._seen_total = 0
        self._all_due = False  # after a restore or a new market: pending commands arrive at once
        self._depth: list[DepthChange] | None = None  # the market's depth log, while we watch it
        self._mirror: OrderBook | None = None  # the book as of the last change walked
        self._working: list[int] = []  # ids of the working orders, listed at `_listed_at`
        self._listed_at = -1

    # -- what callers read ------------------------------------------------------------------------

    @property
    def instrument(self) -> Instrument:
        return self.state.instrument

    @property
    def config(self) -> FillConfig:
        return self.state.config

    @property
    def risk(self) -> RiskGuard:
        return self.state.risk

    @property
    def ledger(self) -> Ledger:
        return self.state.ledger

    @property
    def orders(self) -> dict[int, Order]:
        return self.state.orders

    @property
    def fills(self) -> list[Fill]:
        return self.state.fills

    @property
    def templates(self) -> dict[str, BracketTemplate]:
        return self.state.templates

    @property
    def tick_value(self) -> float:
        return self.state.tick_value

    @property
    def last_ticks(self) -> int | None:
        return self.state.last_ticks

    @property
    def now_ns(self) -> int:
        return self.state.now_ns

    @property
    def version(self) -> int:
        return self.state.version

    # -- settings ---------------------------------------------------------------------------------

    def configure(self, config: FillConfig, brackets: Sequence[BracketTemplate], limits: RiskLimits) -> None:
        """New settings; open orders keep what they were sent with, a renamed template's legs
        keep working but no longer follow price."""
        state = self.state
        state.config = config
        state.templates = {b.name: b for b in brackets}
        state.risk.limits = limits
        for group in state.groups.values():
            if group.template is not None:
                group.template = state.templates.get(group.template.name)
        state.changed()

    def hold_market(self, reason: str | None) -> None:
        """Refuse new orders (with `reason`) while the market feed is not live; None lifts it."""
        if reason != self.state.market_hold:
            self.state.market_hold = reason
            self.state.changed()

    # -- the journal ------------------------------------------------------------------------------

    def restore(self, events: Iterable[PaperEvent]) -> None:
        """Rebuild from the journal. Resting orders go to the back of their queue (the journal
        does not keep queue progress); commands that were still travelling arrive at once."""
        state = self.state
        for event in events:
            state.apply(event)
        for order_id, order in list(state.orders.items()):
            if order.kind is OrderKind.LIMIT and order.status is OrderStatus.WORKING:
                state.orders[order_id] = replace(order, queue_ahead_lots=None)
        self._all_due = bool(state.pending)
        state.peak_journaled = state.risk.peak_quote

    # -- commands ---------------------------------------------------------------------------------

    def send(self, command: Command, now_ns: int) -> list[PaperEvent]:
        """The user's command, journaled as sent (or rejected at once, with the reason)."""
        state = self.state
        state.out = []
        state.now_ns = max(state.now_ns, now_ns)
        command_id = state.next_command
        order_id = state.next_order if isinstance(command, PlaceOrder) else None
        arrive_ns = now_ns + state.config.latency_ns
        reason = refusal(state, command)  # judged before the command itself counts as open
        state.emit(CommandSent(now_ns, command_id, arrive_ns, command, order_id))
        if reason is not None:
            state.emit(CommandRejected(now_ns, command_id, reason))
        elif state.market is not None and state.config.latency_ms == 0:
            self._arrive_due(now_ns)
            measure_queues(state)
            check_risk(state, now_ns)
        self._watch()
        return state.take_out()

    # -- market data ------------------------------------------------------------------------------

    def on_market(self, market: MarketState, now_ns: int) -> list[PaperEvent]:
        """The market moved (a batch was applied): arrivals, fills, triggers, brackets, risk."""
        state = self.state
        state.out = []
        if market is not state.market:
            self._bind(market)
        state.now_ns = max(state.now_ns, now_ns)
        if state.risk.roll(now_ns, state.realised_net()):
            state.changed()
        tape = market.tape
        busy = bool(state.pending or state.orders or state.groups)
        if busy and self._depth is not None:
            self._walk(self._depth, tape)
        elif tape.total != self._seen_total:
            last = state.last_ticks
            if busy:  # just bound (nothing logged yet): this one batch is matched on its end book
                prints = tape.since(self._seen_total)
                for t, price, qty, side in zip(
                    prints.receive_ns.tolist(),
                    prints.price_ticks.tolist(),
                    prints.qty_lots.tolist(),
                    prints.side.tolist(),
                    strict=True,
                ):
                    self._print(t, price, qty, side)
            else:  # nothing can fill: only the last price matters (this runs on every batch)
                prints = tape.last(1)
                if prints.size:
                    state.last_ticks = int(prints.price_ticks[-1])
            self._seen_total = tape.total
            if state.last_ticks != last and state.ledger.position_lots:
                state.changed()
        self._arrive_due(now_ns)
        measure_queues(state)
        check_risk(state, now_ns)
        self._watch()
        return state.take_out()

    def _walk(self, log: list[DepthChange], tape: Tape) -> None:
        """The batch in the order it was applied: each depth change and each print in turn, each
        arrival before the first event received at or after its arrival time."""
        state = self.state
        changes = log[:]
        del log[:]
        start = self._seen_total
        times: list[int] = []
        prices: list[int] = []
        qtys: list[int] = []
        sides: list[int] = []
        total = tape.total
        if total != start:
            prints = tape.since(start)
            times = prints.receive_ns.tolist()
            prices = prints.price_ticks.tolist()
            qtys = prints.qty_lots.tolist()
            sides = prints.side.tolist()
        last = state.last_ticks
        state.as_of = self._mirror
        try:
            i = 0
            n = len(times)
            for before, change in changes:
                while i < n and start + i < before:
                    self._print(times[i], prices[i], qtys[i], sides[i])
                    i += 1
                self._depth_change(change)
            while i < n:
                self._print(times[i], prices[i], qtys[i], sides[i])
                i += 1
        finally:
            state.as_of = None
        self._seen_total = total
        if state.last_ticks != last and state.ledger.position_lots:
            state.changed()

    def _listed(self) -> list[int]:
        """The working orders' ids, listed again only after the exchange changed."""
        state = self.state
        if self._listed_at != state.version:
            self._working = [i for i, o in state.orders.items() if o.status is OrderStatus.WORKING]
            self._listed_at = state.version
        return self._working

    def _arrive_at(self, t: int) -> None:
        """Commands due by `t` arrive (on the book as of now); a new resting limit is measured
        on that same book, so its first queue and level are those it joined."""
        state = self.state
        if state.pending:
            version = state.version
            self._arrive_due(t)
            if state.version != version:
                measure_queues(state)

    def _print(self, t: int, price: int, qty: int, side: int) -> None:
        """One print competes with the orders working at that moment."""
        state = self.state
        self._arrive_at(t)
        state.last_ticks = price
        version = state.version
        match_print(state, self._listed(), t, price, qty=qty, side=side)
        if state.groups:
            follow(state, price, t)
        if state.version != version:  # legs opened or moved: measured on the book they joined
            measure_queues(state)

    def _depth_change(self, change: DepthSnapshot | DepthDiff) -> None:
        """One depth change: arrivals due before it, then the book moves, then the queues."""
        state = self.state
        mirror = self._mirror
        assert mirror is not None
        t = change.receive_ns
        self._arrive_at(t)
        if isinstance(change, DepthSnapshot):
            mirror.load(change.bids, change.asks, change.update_id, change.exchange_ns)
        else:
            mirror.apply(change.bids, change.asks, change.last_id, change.exchange_ns)
        if state.orders:
            measure_queues(state)
            if state.config.fill_on_book_cross:
                cross_fill(state, self._listed(), t, change.bids, change.asks)

    def _watch(self) -> None:
        """Watch the market's depth changes while anything is open; stop when nothing is."""
        state = self.state
        market = state.market
        busy = bool(state.pending or state.orders or state.groups)
        if busy and self._depth is None and market is not None:
            self._depth = market.watch_depth()
            self._mirror = market.book.copy()
        elif not busy and self._depth is not None:
            if market is not None:
                market.unwatch_depth(self._depth)
            self._depth = self._mirror = None

    def _bind(self, market: MarketState) -> None:
        """A new market state (replay restart, another session): the old prints are history."""
        state = self.state
        if self._depth is not None and state.market is not None:
            state.market.unwatch_depth(self._depth)
        self._depth = self._mirror = None
        state.market = market
        self._seen_total = market.tape.total
        newest = market.tape.last(1)
        state.last_ticks = int(newest.price_ticks[0]) if newest.size else None
        state.level_seen.clear()
        state.traded_at.clear()
        for order_id, order in list(state.orders.items()):
            if order.status is OrderStatus.WORKING:
                # at the exchange already; the new market's clock may be earlier than when it got there
                ahead = None if order.kind is OrderKind.LIMIT else order.queue_ahead_lots
                state.orders[order_id] = replace(order, queue_ahead_lots=ahead, active_ns=0)
        self._all_due = bool(state.pending)

    def _arrive_due(self, now_ns: int) -> None:
        arrive_due(self.state, now_ns, self._all_due)
        self._all_due = False

    # -- what the screen reads --------------------------------------------------------------------

    def snapshot(self) -> PaperSnapshot:
        state = self.state
        snap = state.snapshot_cache
        if snap is None:
            ledger = state.ledger
            if state.fills_shown is None:
                state.fills_shown = tuple(state.fills)
            if state.trips_shown is None:
                state.trips_shown = tuple(state.trip_builder.trips)
            snap = state.snapshot_cache = PaperSnapshot(
                version=state.version,
                orders=tuple(sorted(state.orders.values(), key=lambda o: o.order_id)),
                position_lots=ledger.position_lots,
                cost_tick_lots=ledger.cost_tick_lots,
                realised_tick_lots=ledger.realised_tick_lots,
                fees_quote=ledger.fees_quote,
                tick_value_quote=state.tick_value,
                last_price_ticks=state.last_ticks,
                fills=state.fills_shown,
                trips=state.trips_shown,
                risk=state.risk.status(state.net_quote()),
                open_since_ns=state.trip_builder.open_trip_entry_ns,
            )
        return snap
