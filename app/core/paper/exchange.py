"""The paper exchange: takes the user's commands and the market's prints and book, and fills
orders by the rules of DESIGN.md (see matching.py and docs/PAPER_TRADING.md).

Every decision is made as a list of events; each event is applied through `_apply`, the one
reducer, which is also what `restore` runs over the journal. The caller journals the events a call
returns before it shows anything, so the screen never shows what a crash could lose.

Time is the market's local receive time (`_ns`), given by the caller: commands reach the exchange
`latency_ms` after they were sent and only compete with prints received after that. Within one
batch of market data the book is the batch's final book (the pipeline applies a batch at once),
so a market order arriving inside a batch walks the book as of the batch end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.market import MarketState
from app.core.paper.account import Ledger
from app.core.paper.brackets import BracketGroup, entry_from_leg, followed_stop, legs_for
from app.core.paper.commands import (
    CancelAll,
    CancelOrder,
    CancelSide,
    Command,
    Flatten,
    MoveOrder,
    PlaceOrder,
    Reverse,
)
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, CancelAhead, FillConfig, RiskLimits
from app.core.paper.events import (
    AccountChanged,
    CommandArrived,
    CommandRejected,
    CommandSent,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
    OrderMoved,
    OrderOpened,
    OrderRejected,
    OrderResized,
    OrderTriggered,
    PaperEvent,
    RiskLocked,
    RiskPeak,
)
from app.core.paper.matching import (
    BookTaker,
    fee_quote,
    prints_against,
    proportional_advance,
    queue_step,
    stop_triggered,
    trades_through,
)
from app.core.paper.orders import Fill, Liquidity, Order, OrderKind, OrderRole, OrderStatus
from app.core.paper.risk import RiskGuard
from app.core.paper.round_trips import RoundTripBuilder
from app.core.paper.snapshot import PaperSnapshot, RoundTrip, tick_value_quote
from app.core.sessions import SessionSchedule

BOOK_EXHAUSTED = "book exhausted"  # why a market order's rest is cancelled (the desk tells the user)
_LEGS = (OrderRole.STOP_LOSS, OrderRole.TAKE_PROFIT)


class PaperExchange:
    def __init__(
        self,
        instrument: Instrument,
        config: FillConfig | None = None,
        brackets: Sequence[BracketTemplate] = DEFAULT_BRACKETS,
        limits: RiskLimits | None = None,
        sessions: SessionSchedule | None = None,
    ) -> None:
        self.instrument = instrument
        self.config = config or FillConfig()
        self.templates = {b.name: b for b in brackets}
        self.tick_value = tick_value_quote(instrument)
        self.ledger = Ledger()
        self.risk = RiskGuard(limits or RiskLimits(), sessions or SessionSchedule())
        self.trip_builder = RoundTripBuilder(self.tick_value)
        self.orders: dict[int, Order] = {}  # open orders only (pending and working)
        self.fills: list[Fill] = []
        # the same tuples until a fill / a closed trip (views compare identity); None: to rebuild
        self._fills_shown: tuple[Fill, ...] | None = ()
        self._trips_shown: tuple[RoundTrip, ...] | None = ()
        self.pending: dict[int, CommandSent] = {}  # commands still travelling, by command id
        self.groups: dict[int, BracketGroup] = {}  # by oco id
        self._entry_groups: dict[int, int] = {}  # entry order id -> its bracket's oco id
        self._next_command = 1
        self._next_order = 1
        self._next_oco = 1
        self._taker = BookTaker()
        self._market: MarketState | None = None
        self._seen_total = 0
        self._level_seen: dict[int, int] = {}  # resting limit id -> displayed lots at its price
        self._traded_at: dict[int, int] = {}  # resting limit id -> lots printed against it since then
        self._last_entry_filled: int | None = None  # the entry whose fill the next new legs belong to
        self._peak_journaled = 0.0
        self._all_due = False  # after a restore or a new market: pending commands arrive at once
        self.last_ticks: int | None = None
        self.now_ns = 0
        self.version = 0
        self._snapshot: PaperSnapshot | None = None
        self._out: list[PaperEvent] = []

    # -- settings ---------------------------------------------------------------------------------

    def configure(self, config: FillConfig, brackets: Sequence[BracketTemplate], limits: RiskLimits) -> None:
        """New settings; open orders keep what they were sent with, a renamed template's legs
        keep working but no longer follow price."""
        self.config = config
        self.templates = {b.name: b for b in brackets}
        self.risk.limits = limits
        for group in self.groups.values():
            if group.template is not None:
                group.template = self.templates.get(group.template.name)
        self._changed()

    # -- the journal ------------------------------------------------------------------------------

    def restore(self, events: Iterable[PaperEvent]) -> None:
        """Rebuild from the journal. Resting orders go to the back of their queue (the journal
        does not keep queue progress); commands that were still travelling arrive at once."""
        for event in events:
            self._apply(event)
        for order_id, order in list(self.orders.items()):
            if order.kind is OrderKind.LIMIT and order.status is OrderStatus.WORKING:
                self.orders[order_id] = replace(order, queue_ahead_lots=None)
        self._all_due = bool(self.pending)
        self._peak_journaled = self.risk.peak_quote

    # -- commands ---------------------------------------------------------------------------------

    def send(self, command: Command, now_ns: int) -> list[PaperEvent]:
        """The user's command, journaled as sent (or rejected at once, with the reason)."""
        self._out = []
        self.now_ns = max(self.now_ns, now_ns)
        command_id = self._next_command
        order_id = self._next_order if isinstance(command, PlaceOrder) else None
        arrive_ns = now_ns + self.config.latency_ns
        reason = self._refusal(command)  # judged before the command itself counts as open
        self._emit(CommandSent(now_ns, command_id, arrive_ns, command, order_id))
        if reason is not None:
            self._emit(CommandRejected(now_ns, command_id, reason))
        elif self._market is not None and self.config.latency_ms == 0:
            self._arrive_due(now_ns)
            self._check_risk(now_ns)
        return self._take_out()

    def _refusal(self, command: Command) -> str | None:
        """Why the command cannot be sent at all (bad values, risk lock, position limit)."""
        if isinstance(command, PlaceOrder):
            if command.qty_lots <= 0:
                return "quantity must be positive"
            if command.kind is not OrderKind.MARKET and command.price_ticks is None:
                return f"a {command.kind.value} order needs a price"
            if command.bracket is not None and command.bracket not in self.templates:
                return f"no bracket template named {command.bracket!r}"
            if self._adds_risk(command.side, command.qty_lots):
                if self.risk.locked:
                    return f"LOCKED until next session: {self.risk.locked_reason}"
                return self._position_refusal(command.side, command.qty_lots)
            return None
        if isinstance(command, Reverse):
            if self.ledger.position_lots == 0:
                return "flat: no position to reverse"
            if self.risk.locked:
                return f"LOCKED until next session: {self.risk.locked_reason}"
            if command.bracket is not None and command.bracket not in self.templates:
                return f"no bracket template named {command.bracket!r}"
            side = Side.BUY if self.ledger.position_lots < 0 else Side.SELL
            return self._position_refusal(side, 2 * abs(self.ledger.position_lots))
        if isinstance(command, CancelOrder | MoveOrder) and command.order_id not in self.orders:
            return "no such open order"
        return None

    def _adds_risk(self, side: Side, qty_lots: int) -> bool:
        """Would this order, with the same side's other open entry orders, grow the position?"""
        position = self.ledger.position_lots
        if position == 0 or (position > 0) == (side is Side.BUY):
            return True
        closing = sum(
            o.remaining_lots for o in self.orders.values() if o.side is side and o.role is OrderRole.ENTRY
        )
        return qty_lots + closing > abs(position)

    def _position_refusal(self, side: Side, qty_lots: int) -> str | None:
        entries = (o for o in self.orders.values() if o.side is side and o.role is OrderRole.ENTRY)
        same_side = sum(o.signed_remaining_lots for o in entries)
        return self.risk.position_breach(
            abs(self.ledger.position_lots + same_side + int(side) * qty_lots), self.instrument.qty_str
        )

    # -- market data ------------------------------------------------------------------------------

    def on_market(self, market: MarketState, now_ns: int) -> list[PaperEvent]:
        """The market moved (a batch was applied): arrivals, fills, triggers, brackets, risk."""
        self._out = []
        if market is not self._market:
            self._bind(market)
        self.now_ns = max(self.now_ns, now_ns)
        if self.risk.roll(now_ns, self._realised_net()):
            self._changed()
        tape = market.tape
        if tape.total != self._seen_total:
            if self.pending or self.orders or self.groups:
                prints = tape.since(self._seen_total)
                self._on_prints(
                    prints.receive_ns.tolist(),
                    prints.price_ticks.tolist(),
                    prints.qty_lots.tolist(),
                    prints.side.tolist(),
                )
            else:  # nothing can fill: only the last price matters (this runs on every batch)
                prints = tape.last(1)
            self._seen_total = tape.total
            if prints.size:
                last = int(prints.price_ticks[-1])
                if last != self.last_ticks:
                    self.last_ticks = last
                    if self.ledger.position_lots:
                        self._changed()
        self._arrive_due(now_ns)
        self._measure_queues(market)
        self._check_risk(now_ns)
        return self._take_out()

    def _bind(self, market: MarketState) -> None:
        """A new market state (replay restart, another session): the old prints are history."""
        self._market = market
        self._seen_total = market.tape.total
        newest = market.tape.last(1)
        self.last_ticks = int(newest.price_ticks[0]) if newest.size else None
        self._level_seen.clear()
        self._traded_at.clear()
        for order_id, order in list(self.orders.items()):
            if order.status is OrderStatus.WORKING:
                # at the exchange already; the new market's clock may be earlier than when it got there
                ahead = None if order.kind is OrderKind.LIMIT else order.queue_ahead_lots
                self.orders[order_id] = replace(order, queue_ahead_lots=ahead, active_ns=0)
        self._all_due = bool(self.pending)

    def _on_prints(self, times: list[int], prices: list[int], qtys: list[int], sides: list[int]) -> None:
        """Prints in time order: each competes with the orders working at that moment."""
        orders = self.orders
        working: list[int] = []
        listed_at = -1  # the exchange version `working` was listed at: re-list only after a change
        for t, price, qty, side in zip(times, prices, qtys, sides, strict=True):
            if self.pending:
                self._arrive_due(t)
            self.last_ticks = price
            if listed_at != self.version:
                working = [i for i, o in orders.items() if o.status is OrderStatus.WORKING]
                listed_at = self.version
            for order_id in working:
                order = orders.get(order_id)
                if order is None or t < order.active_ns or order.price_ticks is None:
                    continue
                if order.kind is OrderKind.STOP:
                    if stop_triggered(order.side, order.price_ticks, price):
                        self._emit(OrderTriggered(t, order_id))
                        self._execute(order_id, t, None)
                elif order.kind is OrderKind.LIMIT:
                    if trades_through(order.side, order.price_ticks, price):
                        self._fill(order_id, order.price_ticks, order.remaining_lots, Liquidity.MAKER, t)
                    elif price == order.price_ticks and prints_against(order.side, side):
                        ahead = order.queue_ahead_lots or 0
                        self._traded_at[order_id] = self._traded_at.get(order_id, 0) + qty
                        step = queue_step(ahead, order.remaining_lots, qty)
                        orders[order_id] = replace(order, queue_ahead_lots=step.ahead_lots)
                        self._changed()
                        if step.filled_lots:
                            self._fill(order_id, price, step.filled_lots, Liquidity.MAKER, t)
            if self.groups:
                self._follow(price, t)

    # -- arrivals ---------------------------------------------------------------------------------

    def _arrive_due(self, now_ns: int) -> None:
        if not self.pending or self._market is None:
            self._all_due = False
            return
        due = sorted(
            (s for s in self.pending.values() if self._all_due or s.arrive_ns <= now_ns),
            key=lambda s: (s.arrive_ns, s.command_id),
        )
        self._all_due = False
        for sent in due:
            at = max(sent.arrive_ns, 0) if sent.arrive_ns <= now_ns else now_ns
            self._emit(CommandArrived(at, sent.command_id))
            self._arrive(sent, at)

    def _arrive(self, sent: CommandSent, at: int) -> None:
        command = sent.command
        if isinstance(command, PlaceOrder):
            if sent.order_id is not None and sent.order_id in self.orders:
                self._place(sent.order_id, at)
        elif isinstance(command, CancelOrder):
            if command.order_id in self.orders:
                self._emit(OrderCancelled(at, command.order_id, "cancelled"))
            else:
                self._emit(CommandRejected(at, sent.command_id, "too late: the order is no longer open"))
        elif isinstance(command, MoveOrder):
            self._move(sent.command_id, command, at)
        elif isinstance(command, CancelSide):
            self._cancel_where(at, "cancelled", lambda o: o.side is command.side)
        elif isinstance(command, CancelAll):
            self._cancel_where(at, "cancelled", lambda o: True)
        elif isinstance(command, Flatten):
            self._cancel_where(at, "flatten", lambda o: True)
            self._market_order(-self.ledger.position_lots, None, at)
        elif isinstance(command, Reverse):
            self._market_order(-2 * self.ledger.position_lots, command.bracket, at)

    def _place(self, order_id: int, at: int) -> None:
        order = self.orders[order_id]
        if order.kind is OrderKind.STOP:
            assert order.price_ticks is not None
            if self.last_ticks is not None and stop_triggered(order.side, order.price_ticks, self.last_ticks):
                self._emit(
                    OrderRejected(at, order_id, "stop would trigger immediately (price already there)")
                )
                return
            self._emit(OrderAccepted(at, order_id))
            return
        if order.kind is OrderKind.MARKET:
            self._emit(OrderAccepted(at, order_id))
            self._execute(order_id, at, None)
            return
        self._emit(OrderAccepted(at, order_id, self._displayed(order.side, order.price_ticks)))
        self._execute(order_id, at, order.price_ticks)

    def _move(self, command_id: int, command: MoveOrder, at: int) -> None:
        order = self.orders.get(command.order_id)
        if order is None or order.kind is OrderKind.MARKET:
            self._emit(CommandRejected(at, command_id, "too late: the order is no longer open"))
            return
        price = command.price_ticks
        if order.kind is OrderKind.STOP:
            if self.last_ticks is not None and stop_triggered(order.side, price, self.last_ticks):
                self._emit(CommandRejected(at, command_id, "stop would trigger immediately"))
                return
            self._emit(OrderMoved(at, order.order_id, price))
            return
        self._emit(OrderMoved(at, order.order_id, price, self._displayed(order.side, price)))
        if order.status is OrderStatus.WORKING:
            self._execute(order.order_id, at, price)

    def _market_order(self, signed_lots: int, bracket: str | None, at: int) -> None:
        if signed_lots == 0:
            return
        side = Side.BUY if signed_lots > 0 else Side.SELL
        order = Order(
            order_id=self._next_order,
            side=side,
            kind=OrderKind.MARKET,
            qty_lots=abs(signed_lots),
            status=OrderStatus.WORKING,
            bracket=bracket,
            sent_ns=at,
            active_ns=at,
        )
        self._emit(OrderOpened(at, order))
        self._execute(order.order_id, at, None)

    def _execute(self, order_id: int, at: int, limit_ticks: int | None) -> None:
        """Take displayed liquidity for a market order, a triggered stop or a marketable limit."""
        order = self.orders.get(order_id)
        if order is None or self._market is None:
            return
        for price, lots in self._taker.walk(self._market.book, order.side, order.remaining_lots, limit_ticks):
            self._fill(order_id, price, lots, Liquidity.TAKER, at)
        order = self.orders.get(order_id)
        if order is not None and limit_ticks is None:  # market: what the book could not give is gone
            self._emit(
                OrderCancelled(at, order_id, f"{BOOK_EXHAUSTED}: {order.remaining_lots} lots unfilled")
            )

    def _cancel_where(self, at: int, reason: str, which: Callable[[Order], bool]) -> None:
        for order in [o for o in self.orders.values() if which(o)]:
            self._emit(OrderCancelled(at, order.order_id, reason))

    # -- fills and brackets -----------------------------------------------------------------------

    def _fill(self, order_id: int, price: int, lots: int, liquidity: Liquidity, at: int) -> None:
        order = self.orders[order_id]
        opening = self.ledger.opening_lots(int(order.side), lots)
        bps = self.config.maker_fee_bps if liquidity is Liquidity.MAKER else self.config.taker_fee_bps
        fee = fee_quote(price, lots, self.tick_value, bps)
        self._emit(OrderFilled(Fill(at, order_id, order.side, price, lots, liquidity, fee, order.role)))
        ledger = self.ledger
        self._emit(
            AccountChanged(
                at, ledger.position_lots, ledger.cost_tick_lots, ledger.realised_tick_lots, ledger.fees_quote
            )
        )
        if opening and order.role is OrderRole.ENTRY and order.bracket in self.templates:
            self._attach(order, price, opening, at)
        self._reconcile_legs(at)

    def _attach(self, entry: Order, price: int, lots: int, at: int) -> None:
        oco = self._entry_groups.get(entry.order_id)
        if oco is not None and oco in self.groups:
            for leg in [o for o in self.orders.values() if o.oco_id == oco]:
                self._emit(OrderResized(at, leg.order_id, leg.qty_lots + lots))
            return
        template = self.templates[entry.bracket or ""]
        oco = self._next_oco
        self._entry_groups[entry.order_id] = oco
        legs = legs_for(
            template, entry.side, price, lots, oco_id=oco, first_order_id=self._next_order, now_ns=at
        )
        for leg in legs:
            ahead = self._displayed(leg.side, leg.price_ticks) if leg.kind is OrderKind.LIMIT else None
            self._emit(OrderOpened(at, replace(leg, queue_ahead_lots=ahead)))

    def _reconcile_legs(self, at: int) -> None:
        """Legs never exceed the position they protect: a filled leg shrinks its OCO sibling, a
        position closed another way takes its legs with it (newest brackets give way first)."""
        position = self.ledger.position_lots
        for role in _LEGS:
            legs = sorted(
                (o for o in self.orders.values() if o.role is role), key=lambda o: o.oco_id or 0, reverse=True
            )
            wrong_side = [o for o in legs if position == 0 or (o.side is Side.BUY) == (position > 0)]
            for leg in wrong_side:
                self._emit(OrderCancelled(at, leg.order_id, "OCO: position closed"))
            legs = [o for o in legs if o not in wrong_side]
            excess = sum(o.remaining_lots for o in legs) - abs(position)
            for leg in legs:
                if excess <= 0:
                    break
                cut = min(excess, leg.remaining_lots)
                excess -= cut
                if cut == leg.remaining_lots:
                    self._emit(OrderCancelled(at, leg.order_id, "OCO: sibling filled"))
                else:
                    self._emit(OrderResized(at, leg.order_id, leg.qty_lots - cut))

    def _follow(self, price: int, at: int) -> None:
        """Break-even and trailing: move each bracket's stop as a new best price prints."""
        for group in list(self.groups.values()):
            if (price - group.best_ticks) * int(group.side) <= 0:
                continue
            group.best_ticks = price
            stop = next(
                (
                    o
                    for o in self.orders.values()
                    if o.oco_id == group.oco_id and o.role is OrderRole.STOP_LOSS
                ),
                None,
            )
            if stop is None or stop.price_ticks is None:
                continue
            moved = followed_stop(group, stop.price_ticks, price)
            if moved is not None:
                self._emit(OrderMoved(at, stop.order_id, moved))

    # -- queue and risk ---------------------------------------------------------------------------

    def _displayed(self, side: Side, price_ticks: int | None) -> int:
        if self._market is None or price_ticks is None:
            return 0
        book = self._market.book
        return (book.bids if side is Side.BUY else book.asks).get(price_ticks, 0)

    def _measure_queues(self, market: MarketState) -> None:
        """Cap each queue ahead at the size displayed at its price, and apply the cancel model."""
        book = market.book
        if book.best_bid is None and book.best_ask is None:
            return  # no book yet (a fresh replay session before its snapshot)
        proportional = self.config.cancel_ahead is CancelAhead.PROPORTIONAL
        seen = self._level_seen
        for order_id, order in list(self.orders.items()):
            if order.kind is not OrderKind.LIMIT or order.status is not OrderStatus.WORKING:
                seen.pop(order_id, None)
                continue
            shown = self._displayed(order.side, order.price_ticks)
            ahead = order.queue_ahead_lots
            if ahead is None:
                ahead = shown
            else:
                before = seen.get(order_id)
                traded = self._traded_at.pop(order_id, 0)
                if before is not None and shown < before:
                    # lots that traded at our price explain the level shrinking first; a print the
                    # book has not caught up with yet is carried to the next measure
                    explained = min(before - shown, traded)
                    if traded > explained:
                        self._traded_at[order_id] = traded - explained
                    if proportional:
                        ahead -= proportional_advance(ahead, before - explained, before - shown - explained)
                elif traded:
                    self._traded_at[order_id] = traded
                ahead = min(ahead, shown)
            seen[order_id] = shown
            if ahead != order.queue_ahead_lots:
                self.orders[order_id] = replace(order, queue_ahead_lots=ahead)
                self._changed()

    def _check_risk(self, now_ns: int) -> None:
        if self.risk.locked:
            return
        reason = self.risk.breach(self._net_quote())
        step = self.risk.peak_step()
        if step is not None and self.risk.peak_quote >= self._peak_journaled + step:
            session = self.risk.sessions.session_id(now_ns)
            self._emit(RiskPeak(now_ns, session, self.risk.peak_quote))
        if reason is None:
            return
        session = self.risk.sessions.session_id(now_ns)
        self._emit(RiskLocked(now_ns, session, reason))
        for order in list(self.orders.values()):
            if order.role is OrderRole.ENTRY and self._adds_risk(order.side, order.remaining_lots):
                self._emit(OrderCancelled(now_ns, order.order_id, f"risk lock: {reason}"))

    def _realised_net(self) -> float:
        return self.ledger.realised_tick_lots * self.tick_value - self.ledger.fees_quote

    def _net_quote(self) -> float:
        ledger = self.ledger
        unrealised = 0
        if ledger.position_lots and self.last_ticks is not None:
            unrealised = self.last_ticks * ledger.position_lots - ledger.cost_tick_lots
        return self._realised_net() + unrealised * self.tick_value

    # -- the reducer ------------------------------------------------------------------------------

    def _emit(self, event: PaperEvent) -> None:
        self._apply(event)
        self._out.append(event)

    def _take_out(self) -> list[PaperEvent]:
        out, self._out = self._out, []
        return out

    def _changed(self) -> None:
        self.version += 1
        self._snapshot = None

    def _apply(self, event: PaperEvent) -> None:
        self._changed()
        if not isinstance(event, OrderFilled | AccountChanged):
            self.risk.roll(event.ts_ns, self._realised_net())
        orders = self.orders
        if isinstance(event, CommandSent):
            self.pending[event.command_id] = event
            self._next_command = max(self._next_command, event.command_id + 1)
            command = event.command
            if isinstance(command, PlaceOrder) and event.order_id is not None:
                self._next_order = max(self._next_order, event.order_id + 1)
                orders[event.order_id] = Order(
                    order_id=event.order_id,
                    side=command.side,
                    kind=command.kind,
                    qty_lots=command.qty_lots,
                    price_ticks=command.price_ticks,
                    bracket=command.bracket,
                    sent_ns=event.ts_ns,
                    active_ns=event.arrive_ns,
                )
        elif isinstance(event, CommandArrived):
            self.pending.pop(event.command_id, None)
        elif isinstance(event, CommandRejected):
            sent = self.pending.pop(event.command_id, None)
            if sent is not None and sent.order_id is not None:
                orders.pop(sent.order_id, None)
        elif isinstance(event, OrderOpened):
            order = event.order
            orders[order.order_id] = order
            self._next_order = max(self._next_order, order.order_id + 1)
            if order.oco_id is not None:
                self._next_oco = max(self._next_oco, order.oco_id + 1)
                if order.oco_id not in self.groups and self._last_entry_filled is not None:
                    self._entry_groups.setdefault(self._last_entry_filled, order.oco_id)
                self._open_group(order)
        elif isinstance(event, OrderAccepted):
            if event.order_id in orders:
                orders[event.order_id] = replace(
                    orders[event.order_id],
                    status=OrderStatus.WORKING,
                    queue_ahead_lots=event.queue_ahead_lots,
                )
        elif isinstance(event, OrderRejected | OrderCancelled):
            self._close(event.order_id)
        elif isinstance(event, OrderMoved):
            if event.order_id in orders:
                orders[event.order_id] = replace(
                    orders[event.order_id],
                    price_ticks=event.price_ticks,
                    queue_ahead_lots=event.queue_ahead_lots,
                )
                self._level_seen.pop(event.order_id, None)
        elif isinstance(event, OrderResized):
            if event.order_id in orders:
                orders[event.order_id] = replace(orders[event.order_id], qty_lots=event.qty_lots)
        elif isinstance(event, OrderFilled):
            fill = event.fill
            if fill.role is OrderRole.ENTRY:
                self._last_entry_filled = fill.order_id
            self.ledger.apply(fill)
            self.fills.append(fill)
            self._fills_shown = None
            filled = orders.get(fill.order_id)
            if filled is not None:
                filled = replace(filled, filled_lots=filled.filled_lots + fill.qty_lots)
                if filled.remaining_lots <= 0:
                    self._close(filled.order_id)
                else:
                    orders[filled.order_id] = filled
            self._on_trip(self.trip_builder.add(event))
        elif isinstance(event, RiskPeak):
            self.risk.roll(event.ts_ns, self._realised_net())
            self.risk.restore_peak(event.session_id, event.peak_quote)
            self._peak_journaled = max(self._peak_journaled, event.peak_quote)
        elif isinstance(event, RiskLocked):
            self.risk.roll(event.ts_ns, self._realised_net())
            self.risk.lock(event.session_id, event.reason)
        if isinstance(event, OrderOpened):
            self._on_trip(self.trip_builder.add(event))

    def _on_trip(self, trip: RoundTrip | None) -> None:
        if trip is not None:
            self.risk.on_trip(trip)
            self._trips_shown = None

    def _open_group(self, leg: Order) -> None:
        oco = leg.oco_id
        if oco is None or oco in self.groups:
            return
        template = self.templates.get(leg.bracket or "")
        entry = entry_from_leg(template, leg) if template is not None else None
        if entry is None:
            entry = leg.price_ticks or 0
        side = leg.side.opposite
        self.groups[oco] = BracketGroup(oco, template, side, entry, entry)

    def _close(self, order_id: int) -> None:
        order = self.orders.pop(order_id, None)
        self._level_seen.pop(order_id, None)
        oco = order.oco_id if order is not None else None
        if oco is not None and not any(o.oco_id == oco for o in self.orders.values()):
            self.groups.pop(oco, None)

    # -- what the screen reads --------------------------------------------------------------------

    def snapshot(self) -> PaperSnapshot:
        snap = self._snapshot
        if snap is None:
            ledger = self.ledger
            if self._fills_shown is None:
                self._fills_shown = tuple(self.fills)
            if self._trips_shown is None:
                self._trips_shown = tuple(self.trip_builder.trips)
            snap = self._snapshot = PaperSnapshot(
                version=self.version,
                orders=tuple(sorted(self.orders.values(), key=lambda o: o.order_id)),
                position_lots=ledger.position_lots,
                cost_tick_lots=ledger.cost_tick_lots,
                realised_tick_lots=ledger.realised_tick_lots,
                fees_quote=ledger.fees_quote,
                tick_value_quote=self.tick_value,
                last_price_ticks=self.last_ticks,
                fills=self._fills_shown,
                trips=self._trips_shown,
                risk=self.risk.status(self._net_quote()),
                open_since_ns=self.trip_builder.open_trip_entry_ns,
            )
        return snap
