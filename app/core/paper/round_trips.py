"""Round trips (flat -> flat) from the journal's events, for the trades list, statistics and export.

Only fills move the position, so a trip is read straight from `OrderFilled` events in journal
order: the first fill away from flat opens it, the fill that brings the position back to zero
closes it. A fill that crosses zero (a reversal, or a sell bigger than the long) is cut in two:
the lots that flatten close the trip, the rest open the next one, and the fill's fee is shared
between them by lots. Prices stay exact: P&L is an integer of tick-lots (Σ sold − Σ bought, which
is the same under any cost accounting once flat); averages are only divided out at the end.

The risk of a trip (for R multiples) is the distance from the average entry to the first
protective stop the exchange opened for it (a bracket's STOP_LOSS leg, `OrderOpened`), times the
lots entered by then. A stop the user places by hand is an ordinary order (role ENTRY) and does
not count; a trip without a bracket stop has no R.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.core.events import Side
from app.core.paper.events import OrderFilled, OrderOpened, PaperEvent
from app.core.paper.orders import OrderRole
from app.core.paper.snapshot import RoundTrip


@dataclass(slots=True)
class _OpenTrip:
    """The running sums of the trip in progress (unsigned prices × lots)."""

    side: Side
    entry_ns: int
    entered_lots: int = 0
    entry_cost_tick_lots: int = 0
    exited_lots: int = 0
    exit_cost_tick_lots: int = 0
    fees_quote: float = 0.0
    stop_seen: bool = False
    risk_tick_lots: int | None = None

    def enter(self, price_ticks: int, lots: int, fee_quote: float) -> None:
        self.entered_lots += lots
        self.entry_cost_tick_lots += price_ticks * lots
        self.fees_quote += fee_quote

    def exit(self, price_ticks: int, lots: int, fee_quote: float) -> None:
        self.exited_lots += lots
        self.exit_cost_tick_lots += price_ticks * lots
        self.fees_quote += fee_quote


class RoundTripBuilder:
    """Feed it every event in journal order; it hands back each trip as the trip closes.

    Trip ids count from `first_trip_id` in closing order. `trips` keeps every closed trip
    (a day of scalping is hundreds, not millions).
    """

    def __init__(self, tick_value_quote: float, first_trip_id: int = 1) -> None:
        self.tick_value_quote = tick_value_quote
        self.trips: list[RoundTrip] = []
        self.position_lots = 0  # signed: + long, − short
        self._next_id = first_trip_id
        self._open: _OpenTrip | None = None

    # -- the open part ------------------------------------------------------------------------

    @property
    def open_trip_entry_ns(self) -> int | None:
        """When the position now open was opened (None when flat)."""
        return self._open.entry_ns if self._open is not None else None

    @property
    def open_entry_price_ticks(self) -> float | None:
        """Average entry of the open trip's entries so far (None when flat)."""
        trip = self._open
        if trip is None or not trip.entered_lots:
            return None
        return trip.entry_cost_tick_lots / trip.entered_lots

    @property
    def open_fees_quote(self) -> float:
        """Fees already paid by the trip still open."""
        return self._open.fees_quote if self._open is not None else 0.0

    # -- consuming events ---------------------------------------------------------------------

    def add(self, event: PaperEvent) -> RoundTrip | None:
        if isinstance(event, OrderFilled):
            return self._fill(event)
        if isinstance(event, OrderOpened):
            self._order_opened(event)
        return None

    def add_all(self, events: Iterable[PaperEvent]) -> list[RoundTrip]:
        """The trips that closed among `events`."""
        closed = []
        for event in events:
            trip = self.add(event)
            if trip is not None:
                closed.append(trip)
        return closed

    def _order_opened(self, event: OrderOpened) -> None:
        trip, order = self._open, event.order
        if (
            trip is None
            or trip.stop_seen
            or order.role is not OrderRole.STOP_LOSS
            or order.price_ticks is None
        ):
            return
        trip.stop_seen = True
        # |avg entry − stop| × lots entered = |Σ price·lots − stop·lots|: exact, no division.
        trip.risk_tick_lots = abs(trip.entry_cost_tick_lots - order.price_ticks * trip.entered_lots)

    def _fill(self, event: OrderFilled) -> RoundTrip | None:
        fill = event.fill
        lots = fill.qty_lots
        if lots <= 0:  # not a real execution; nothing to attribute it to
            return None
        if self._open is None:
            self._open = _OpenTrip(fill.side, fill.ts_ns)
        trip = self._open
        if int(fill.side) * self.position_lots >= 0:  # flat or adding: all of it is entry
            trip.enter(fill.price_ticks, lots, fill.fee_quote)
            self.position_lots += fill.signed_lots
            return None
        closing = min(lots, abs(self.position_lots))
        closing_fee = fill.fee_quote if closing == lots else fill.fee_quote * closing / lots
        trip.exit(fill.price_ticks, closing, closing_fee)
        self.position_lots += int(fill.side) * closing
        if self.position_lots:
            return None
        closed = self._close(fill.ts_ns)
        rest = lots - closing
        if rest:  # crossed zero: the rest of the fill opens the next trip the other way
            self._open = _OpenTrip(fill.side, fill.ts_ns)
            self._open.enter(fill.price_ticks, rest, fill.fee_quote - closing_fee)
            self.position_lots = fill.signed_lots - int(fill.side) * closing
        return closed

    def _close(self, exit_ns: int) -> RoundTrip:
        trip = self._open
        assert trip is not None
        self._open = None
        result = RoundTrip(
            trip_id=self._next_id,
            side=trip.side,
            qty_lots=trip.entered_lots,
            entry_ns=trip.entry_ns,
            exit_ns=exit_ns,
            entry_price_ticks=trip.entry_cost_tick_lots / trip.entered_lots,
            exit_price_ticks=trip.exit_cost_tick_lots / trip.exited_lots,
            pnl_tick_lots=int(trip.side) * (trip.exit_cost_tick_lots - trip.entry_cost_tick_lots),
            fees_quote=trip.fees_quote,
            tick_value_quote=self.tick_value_quote,
            risk_tick_lots=trip.risk_tick_lots,
        )
        self._next_id += 1
        self.trips.append(result)
        return result


def round_trips(events: Iterable[PaperEvent], tick_value_quote: float) -> list[RoundTrip]:
    """Every closed round trip in `events` (journal order), oldest first."""
    builder = RoundTripBuilder(tick_value_quote)
    builder.add_all(events)
    return builder.trips
