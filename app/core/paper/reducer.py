"""The paper account's state and its one reducer: every journal event changes state here only.

`PaperState.apply` is what runs live (each decision is emitted as events and applied at once)
and what `restore` runs over the journal, so a rebuilt account is the account that was shown.
The other parts of the exchange (gate, arrivals, fills, brackets, queues) read this state and
change it only by emitting events, except for the queue estimates, which the journal does not keep.
"""

from __future__ import annotations

from dataclasses import replace

from app.core.book import OrderBook
from app.core.events import Side
from app.core.instrument import Instrument
from app.core.market import MarketState
from app.core.paper.account import Ledger
from app.core.paper.brackets import BracketGroup, entry_from_leg
from app.core.paper.commands import PlaceOrder
from app.core.paper.config import BracketTemplate, FillConfig
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
    PaperEvent,
    RiskLocked,
    RiskPeak,
)
from app.core.paper.matching import BookTaker
from app.core.paper.orders import Fill, Order, OrderRole, OrderStatus
from app.core.paper.risk import RiskGuard
from app.core.paper.round_trips import RoundTripBuilder
from app.core.paper.snapshot import PaperSnapshot, RoundTrip, tick_value_quote


class PaperState:
    """Orders, commands in flight, brackets, account and risk, plus the live-only queue measures."""

    def __init__(
        self,
        instrument: Instrument,
        config: FillConfig,
        templates: dict[str, BracketTemplate],
        risk: RiskGuard,
    ) -> None:
        self.instrument = instrument
        self.config = config
        self.templates = templates
        self.tick_value = tick_value_quote(instrument)
        self.ledger = Ledger()
        self.risk = risk
        self.trip_builder = RoundTripBuilder(self.tick_value)
        self.orders: dict[int, Order] = {}  # open orders only (pending and working)
        self.fills: list[Fill] = []
        # the same tuples until a fill / a closed trip (views compare identity); None: to rebuild
        self.fills_shown: tuple[Fill, ...] | None = ()
        self.trips_shown: tuple[RoundTrip, ...] | None = ()
        self.pending: dict[int, CommandSent] = {}  # commands still travelling, by command id
        self.groups: dict[int, BracketGroup] = {}  # by oco id
        self.entry_groups: dict[int, int] = {}  # entry order id -> its bracket's oco id
        self.next_command = 1
        self.next_order = 1
        self.next_oco = 1
        self.taker = BookTaker()
        self.market: MarketState | None = None
        # the book as of the event being handled while the exchange walks a batch in event order
        # (None: the market's own book, which is the book as of now between batches)
        self.as_of: OrderBook | None = None
        self.level_seen: dict[int, int] = {}  # resting limit id -> displayed lots at its price
        self.traded_at: dict[int, int] = {}  # resting limit id -> lots printed against it since then
        self.last_entry_filled: int | None = None  # the entry whose fill the next new legs belong to
        self.peak_journaled = 0.0
        self.last_ticks: int | None = None
        self.now_ns = 0
        self.version = 0
        # Why new orders are refused now (the market they would fill on is not live), or None.
        self.market_hold: str | None = None
        self.snapshot_cache: PaperSnapshot | None = None
        self.out: list[PaperEvent] = []

    # -- emitting ---------------------------------------------------------------------------------

    def emit(self, event: PaperEvent) -> None:
        """Decide: apply the event now and hand it to the caller to journal."""
        self.apply(event)
        self.out.append(event)

    def take_out(self) -> list[PaperEvent]:
        out, self.out = self.out, []
        return out

    def changed(self) -> None:
        self.version += 1
        self.snapshot_cache = None

    # -- money ------------------------------------------------------------------------------------

    def realised_net(self) -> float:
        return self.ledger.realised_tick_lots * self.tick_value - self.ledger.fees_quote

    def net_quote(self) -> float:
        ledger = self.ledger
        unrealised = 0
        if ledger.position_lots and self.last_ticks is not None:
            unrealised = self.last_ticks * ledger.position_lots - ledger.cost_tick_lots
        return self.realised_net() + unrealised * self.tick_value

    @property
    def book(self) -> OrderBook | None:
        """The book as it is at the moment being decided (docs/PAPER_TRADING.md, "Time and latency")."""
        if self.as_of is not None:
            return self.as_of
        return None if self.market is None else self.market.book

    def displayed(self, side: Side, price_ticks: int | None) -> int:
        """Lots the book shows at a price on the order's own side (its queue, if it joined now)."""
        book = self.book
        if book is None or price_ticks is None:
            return 0
        return (book.bids if side is Side.BUY else book.asks).get(price_ticks, 0)

    # -- the reducer ------------------------------------------------------------------------------

    def apply(self, event: PaperEvent) -> None:
        self.changed()
        if not isinstance(event, OrderFilled | AccountChanged):
            self.risk.roll(event.ts_ns, self.realised_net())
        orders = self.orders
        if isinstance(event, CommandSent):
            self.pending[event.command_id] = event
            self.next_command = max(self.next_command, event.command_id + 1)
            command = event.command
            if isinstance(command, PlaceOrder) and event.order_id is not None:
                self.next_order = max(self.next_order, event.order_id + 1)
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
            self.next_order = max(self.next_order, order.order_id + 1)
            if order.oco_id is not None:
                self.next_oco = max(self.next_oco, order.oco_id + 1)
                if order.oco_id not in self.groups and self.last_entry_filled is not None:
                    self.entry_groups.setdefault(self.last_entry_filled, order.oco_id)
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
                self.level_seen.pop(event.order_id, None)
        elif isinstance(event, OrderResized):
            if event.order_id in orders:
                orders[event.order_id] = replace(orders[event.order_id], qty_lots=event.qty_lots)
        elif isinstance(event, OrderFilled):
            self._apply_fill(event)
        elif isinstance(event, RiskPeak):
            self.risk.roll(event.ts_ns, self.realised_net())
            self.risk.restore_peak(event.session_id, event.peak_quote)
            self.peak_journaled = max(self.peak_journaled, event.peak_quote)
        elif isinstance(event, RiskLocked):
            self.risk.roll(event.ts_ns, self.realised_net())
            self.risk.lock(event.session_id, event.reason)
        if isinstance(event, OrderOpened):
            self._on_trip(self.trip_builder.add(event))

    def _apply_fill(self, event: OrderFilled) -> None:
        fill = event.fill
        if fill.role is OrderRole.ENTRY:
            self.last_entry_filled = fill.order_id
        self.ledger.apply(fill)
        self.fills.append(fill)
        self.fills_shown = None
        filled = self.orders.get(fill.order_id)
        if filled is not None:
            filled = replace(filled, filled_lots=filled.filled_lots + fill.qty_lots)
            if filled.remaining_lots <= 0:
                self._close(filled.order_id)
            else:
                self.orders[filled.order_id] = filled
        self._on_trip(self.trip_builder.add(event))

    def _on_trip(self, trip: RoundTrip | None) -> None:
        if trip is not None:
            self.risk.on_trip(trip)
            self.trips_shown = None

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
        self.level_seen.pop(order_id, None)
        oco = order.oco_id if order is not None else None
        if oco is not None and not any(o.oco_id == oco for o in self.orders.values()):
            self.groups.pop(oco, None)
