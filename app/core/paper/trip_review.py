"""Where and when each round trip was made, and what of it to draw, for reviewing it on its recording.

The paper account lives per market (`venue:symbol`), whatever the source, so a trip's events
alone do not say which recording they happened on: the journal stamps every batch of events with
a `TradeOrigin` (the source kind, the market and the recording files) and the exchange − receive
clock offset of the market then (`EventStamp`). `TripReviewBuilder` reads the events in journal
order with their stamps, the way `RoundTripBuilder` does (so trip ids match the trades list), and
keeps for each closed trip the origin of its entry and exit and the spans of its bracket legs
(stop loss and take profit, each price it worked at and for how long).

`plan_review` decides what a review does: which files to replay, whether the window must switch
to them, where to seek (a little before the entry) and at which speed; or says in one line why
the trip cannot be reviewed. Paths are compared as given: the caller resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from app.core.paper.events import (
    OrderCancelled,
    OrderFilled,
    OrderMoved,
    OrderOpened,
    OrderRejected,
    OrderResized,
    PaperEvent,
)
from app.core.paper.orders import OrderRole
from app.core.paper.round_trips import RoundTripBuilder
from app.core.paper.snapshot import RoundTrip
from app.core.units import NS_PER_S

REVIEW_LEAD_NS = 10 * NS_PER_S  # seek this far before the entry: the build-up is part of the trade
REVIEW_SPEED = 0.5  # slow enough to watch the fills, fast enough to reach the entry in 20 s
LEG_ROLES = (OrderRole.STOP_LOSS, OrderRole.TAKE_PROFIT)


class OriginKind(Enum):
    REPLAY = "replay"
    LIVE = "live"
    SYNTHETIC = "synthetic"


@dataclass(frozen=True, slots=True)
class TradeOrigin:
    """The source a batch of paper events was made on.

    `paths`: the recording files in play order (a replay's files, or the files a live feed was
    recording to); empty for a live feed that was not recorded and for the synthetic market.
    """

    kind: OriginKind
    market: str  # venue:symbol
    paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventStamp:
    """What the journal keeps beside each event: its origin and the market's clock offset then."""

    origin: TradeOrigin
    exchange_offset_ns: int | None = None  # exchange − local receive time of the newest print


@dataclass(frozen=True, slots=True)
class LegSpan:
    """A bracket leg working at one price from `from_ns` to `to_ns` (receive times)."""

    order_id: int
    role: OrderRole
    price_ticks: int
    from_ns: int
    to_ns: int


@dataclass(frozen=True, slots=True)
class TripReview:
    """A closed trip with where it was made and its bracket legs (see the module doc)."""

    trip: RoundTrip
    entry_stamp: EventStamp | None  # None: journaled before trips recorded their source
    exit_stamp: EventStamp | None
    legs: tuple[LegSpan, ...] = ()

    @property
    def trip_id(self) -> int:
        return self.trip.trip_id

    @property
    def origin(self) -> TradeOrigin | None:
        """Where the trip was opened: the recording a review plays."""
        return self.entry_stamp.origin if self.entry_stamp is not None else None

    @property
    def entry_exchange_ns(self) -> int | None:
        return _exchange_ns(self.trip.entry_ns, self.entry_stamp)

    @property
    def exit_exchange_ns(self) -> int | None:
        return _exchange_ns(self.trip.exit_ns, self.exit_stamp)

    def leg_prices(self, role: OrderRole) -> tuple[int, ...]:
        """Every price a leg of `role` worked at, in the order it got there (no repeats)."""
        return tuple(dict.fromkeys(span.price_ticks for span in self.legs if span.role is role))


def _exchange_ns(receive_ns: int, stamp: EventStamp | None) -> int | None:
    if stamp is None or stamp.exchange_offset_ns is None:
        return None
    return receive_ns + stamp.exchange_offset_ns


@dataclass(slots=True)
class _OpenLeg:
    role: OrderRole
    price_ticks: int
    since_ns: int
    qty_lots: int
    filled_lots: int = 0


@dataclass(slots=True)
class _TripInProgress:
    entry_stamp: EventStamp | None
    spans: list[LegSpan] = field(default_factory=list)


class TripReviewBuilder:
    """Feed it every event in journal order with its stamp; `reviews` holds every closed trip's."""

    def __init__(self, tick_value_quote: float) -> None:
        self._trips = RoundTripBuilder(tick_value_quote)
        self.reviews: dict[int, TripReview] = {}  # by trip id
        self._open: _TripInProgress | None = None
        self._legs: dict[int, _OpenLeg] = {}  # working bracket legs of the open trip, by order id

    def review(self, trip_id: int) -> TripReview | None:
        return self.reviews.get(trip_id)

    def add(self, event: PaperEvent, stamp: EventStamp | None) -> TripReview | None:
        """The review of the trip `event` closed, if it closed one."""
        was_flat = self._trips.position_lots == 0
        trip = self._trips.add(event)
        closed = self._close(trip, stamp) if trip is not None else None
        if self._trips.position_lots != 0 and (was_flat or trip is not None):
            self._open = _TripInProgress(stamp)  # opened here (a reversal closes and opens at once)
        self._legs_follow(event)
        return closed

    def _close(self, trip: RoundTrip, stamp: EventStamp | None) -> TripReview:
        progress = self._open or _TripInProgress(None)
        for order_id, leg in self._legs.items():  # legs still working go with the position
            progress.spans.append(LegSpan(order_id, leg.role, leg.price_ticks, leg.since_ns, trip.exit_ns))
        self._legs.clear()
        review = TripReview(trip, progress.entry_stamp, stamp, tuple(progress.spans))
        self.reviews[trip.trip_id] = review
        self._open = None
        return review

    def _legs_follow(self, event: PaperEvent) -> None:
        if isinstance(event, OrderOpened):
            order = event.order
            price = order.price_ticks
            if order.role in LEG_ROLES and price is not None and self._open is not None:
                self._legs[order.order_id] = _OpenLeg(order.role, price, event.ts_ns, order.qty_lots)
            return
        order_id = event.fill.order_id if isinstance(event, OrderFilled) else getattr(event, "order_id", None)
        leg = self._legs.get(order_id) if isinstance(order_id, int) else None
        if leg is None or self._open is None:
            return
        assert isinstance(order_id, int)
        if isinstance(event, OrderMoved):
            self._end_span(order_id, leg, event.ts_ns)
            leg.price_ticks, leg.since_ns = event.price_ticks, event.ts_ns
        elif isinstance(event, OrderResized):
            leg.qty_lots = event.qty_lots
        elif isinstance(event, OrderFilled):
            leg.filled_lots += event.fill.qty_lots
            if leg.filled_lots >= leg.qty_lots:
                self._end_span(order_id, leg, event.ts_ns)
                del self._legs[order_id]
        elif isinstance(event, OrderCancelled | OrderRejected):
            self._end_span(order_id, leg, event.ts_ns)
            del self._legs[order_id]

    def _end_span(self, order_id: int, leg: _OpenLeg, to_ns: int) -> None:
        assert self._open is not None
        self._open.spans.append(LegSpan(order_id, leg.role, leg.price_ticks, leg.since_ns, to_ns))


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    """What a review does to the window: replay `paths` (switching to them if `switch`), seek to
    `seek_ns` (receive time), play at `speed`."""

    paths: tuple[str, ...]
    switch: bool
    seek_ns: int
    speed: float = REVIEW_SPEED


def review_seek_ns(entry_ns: int, start_ns: int | None = None, lead_ns: int = REVIEW_LEAD_NS) -> int:
    """A little before the entry, never before the recording's first line."""
    target = entry_ns - lead_ns
    return target if start_ns is None else max(target, start_ns)


def plan_review(
    review: TripReview, current_paths: tuple[str, ...] | None, current_start_ns: int | None = None
) -> ReviewPlan | str:
    """The plan, or one line saying why this trip cannot be reviewed.

    `current_paths`: the files the window replays now (None when it is not on a replay);
    `current_start_ns`: the first receive time of that replay, to keep the seek inside it.
    """
    trip = review.trip
    origin = review.origin
    if origin is None:
        return (
            f"Trade #{trip.trip_id} was journaled before trades recorded their source: "
            "there is no recording to review it on."
        )
    if origin.kind is OriginKind.SYNTHETIC:
        return f"Trade #{trip.trip_id} was made on the synthetic market, which is not a recording."
    if not origin.paths:
        return (
            f"Trade #{trip.trip_id} was made on the live {origin.market} feed while it was not being "
            "recorded (Feed → Record this feed): there is nothing to review it on."
        )
    switch = current_paths != origin.paths
    start_ns = None if switch else current_start_ns
    return ReviewPlan(origin.paths, switch, review_seek_ns(trip.entry_ns, start_ns))
