"""One base asset across venues as one market: merged tape, summed footprint, CVD and book.

Each venue keeps its own `MarketState`, fed by its own pipeline exactly as when it is shown
alone. The aggregate reads the prints each leg added since it last looked (a `TapeCursor` per
leg), converts them to the common grid and base unit (`AggregateInstrument`), merges them by
exchange time and applies them to `state`, an ordinary `MarketState` on the aggregate instrument
whose views therefore need no change. Beside it: the venue of every print (`venues`), each
venue's CVD in base units (`venue_cvd`), each footprint cell's per-venue breakdown
(`breakdown`), and which venue quotes the best bid and ask (`best`).

Cost: `update()` is proportional to the new prints (plus a few checks per leg), never to the
history. The book follows the legs' depth events level by level (app/core/aggregate/book.py).

Merging. Prints that arrive in one `update()` are merged by exchange time; a print arriving
after a later-stamped print of another venue was applied is appended where it arrives (it joins
the open bar, as a late print of one venue does; docs/ARCHITECTURE.md). So that the aggregated
CVD stays the sum of the per-venue CVDs across a session boundary, every venue's CVD follows the
aggregate's session clock: after each update they are all advanced to the newest print's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.aggregate.book import BestVenues, SummedBook, best_venues
from app.core.aggregate.breakdown import CellBreakdown, bar_numbers_of_last
from app.core.aggregate.instrument import AggregateInstrument
from app.core.aggregate.venue_column import VenueColumn
from app.core.delta import CumulativeDelta
from app.core.events import DepthDiff, DepthSnapshot
from app.core.footprint import BarSpec
from app.core.instrument import format_decimal
from app.core.market import Changed, DepthChange, MarketState
from app.core.sessions import SessionSchedule
from app.core.tape import DEFAULT_CAPACITY, TapeCursor, TradeColumns

I64 = npt.NDArray[np.int64]


@dataclass(slots=True)
class LegTotals:
    """One leg's whole-run figures in base units, at the leg's exact prices (the summary's)."""

    trades: int = 0
    buy_units: int = 0
    sell_units: int = 0
    high_ticks: int | None = None
    low_ticks: int | None = None
    ticks_units: int = 0  # Σ leg price ticks × base units, for the VWAP

    def add(self, price_ticks: I64, units: I64, side: npt.NDArray[np.int8]) -> None:
        self.trades += int(price_ticks.shape[0])
        buys = side > 0
        self.buy_units += int(units[buys].sum())
        self.sell_units += int(units[~buys].sum())
        hi, lo = int(price_ticks.max()), int(price_ticks.min())
        self.high_ticks = hi if self.high_ticks is None else max(self.high_ticks, hi)
        self.low_ticks = lo if self.low_ticks is None else min(self.low_ticks, lo)
        self.ticks_units += sum(t * u for t, u in zip(price_ticks.tolist(), units.tolist(), strict=True))


class _LegDepth:
    """A leg's depth log that hands each event straight to the aggregate's book."""

    __slots__ = ("_leg", "_owner")

    def __init__(self, owner: AggregateMarket, leg: int) -> None:
        self._owner = owner
        self._leg = leg

    def append(self, change: DepthChange, /) -> None:
        self._owner.on_depth(self._leg, change[1])


class AggregateState(MarketState):
    """The aggregate's market state: a `MarketState` whose book is refreshed once per frame."""

    def __init__(self, owner: AggregateMarket, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._owner = owner

    @property
    def aggregate(self) -> AggregateMarket:
        """The aggregate this state belongs to (its venue column, per-venue CVD, best venues)."""
        return self._owner

    def take_changes(self) -> int:
        """The frame clock's once-per-frame call: the summed book is brought up to date first."""
        self._owner.refresh_book()
        return super().take_changes()


class AggregateMarket:
    """The aggregate of `legs` (the venues' market states, in the order of `agg.legs`)."""

    def __init__(
        self,
        agg: AggregateInstrument,
        legs: Sequence[MarketState],
        bar_spec: BarSpec | None = None,
        sessions: SessionSchedule | None = None,
        tape_capacity: int = DEFAULT_CAPACITY,
        *,
        totals: bool = False,
        book: bool = True,
    ) -> None:
        """`totals`: also keep each leg's whole-run figures (`replay --summary` reads them);
        `book`: keep the summed book (a headless summary, which prints none, does without)."""
        if len(legs) != len(agg.legs):
            raise ValueError(f"{len(agg.legs)} legs in the instrument, {len(legs)} market states given")
        n = len(legs)
        sessions = sessions or SessionSchedule()
        self.agg = agg
        self.legs = list(legs)
        self.state = AggregateState(
            self, instrument=agg.instrument, bar_spec=bar_spec, sessions=sessions, tape_capacity=tape_capacity
        )
        self.venues = VenueColumn(tape_capacity)
        self.venue_cvd = [CumulativeDelta(sessions) for _ in range(n)]
        self.breakdown = CellBreakdown(n)
        self.totals = [LegTotals() for _ in range(n)] if totals else None
        self.book_venue: int | None = None  # None: the summed book; else that leg's alone
        self.best = BestVenues(None, None)
        self._cursors = [TapeCursor() for _ in range(n)]
        self._book_dirty = True
        self.book = SummedBook(agg, self.state.book)
        self._depth_sinks = [_LegDepth(self, i) for i in range(n)]
        self._keeps_book = book
        for i, leg in enumerate(self.legs):
            self._join(i, leg)
        self._dropped_bars = 0
        self._max_ns: int | None = None

    # -- writers ---------------------------------------------------------------------------

    def update(self) -> int:
        """Take in what the legs received since the last call; returns the prints added."""
        parts: list[tuple[int, TradeColumns]] = []
        for i, leg in enumerate(self.legs):
            cursor = self._cursors[i]
            if cursor.pending(leg.tape):
                new = cursor.take(leg.tape)
                if new.size:
                    parts.append((i, new))
        if not parts:
            return 0
        merged, venues, units = self._merge(parts)
        self._apply(merged, venues, units)
        return merged.size

    def _merge(self, parts: list[tuple[int, TradeColumns]]) -> tuple[TradeColumns, npt.NDArray[np.int8], I64]:
        """The new prints on the grid in base units, by exchange time; their venues and units."""
        cols: list[TradeColumns] = []
        venue_ids: list[npt.NDArray[np.int8]] = []
        for i, new in parts:
            scale = self.agg.scales[i]
            units = scale.base_units(new.qty_lots, new.price_ticks)
            if self.totals is not None:
                self.totals[i].add(new.price_ticks, units, new.side)
            cols.append(
                TradeColumns(
                    new.exchange_ns,
                    new.receive_ns,
                    scale.grid_floor(new.price_ticks),
                    units,
                    new.side,
                    new.trade_id,
                )
            )
            venue_ids.append(np.full(new.size, i, np.int8))
        if len(cols) == 1:
            merged, venues = cols[0], venue_ids[0]
        else:
            merged = TradeColumns(*(np.concatenate(c) for c in zip(*cols, strict=True)))
            venues = np.concatenate(venue_ids)
        times = merged.exchange_ns
        if times.shape[0] > 1 and bool((times[1:] < times[:-1]).any()):
            order = np.argsort(times, kind="stable")
            columns: list[npt.NDArray[Any]] = [c[order] for c in merged]
            merged = TradeColumns(*columns)
            venues = venues[order]
        return merged, venues, merged.qty_lots

    def _apply(self, merged: TradeColumns, venues: npt.NDArray[np.int8], units: I64) -> None:
        state = self.state
        state.apply_trades(merged)
        self.venues.extend(venues)
        newest = int(merged.exchange_ns.max())
        self._max_ns = newest if self._max_ns is None else max(self._max_ns, newest)
        for i, cvd in enumerate(self.venue_cvd):
            mine = venues == i
            if mine.any():
                cvd.add_trades(merged.exchange_ns[mine], units[mine], merged.side[mine])
            cvd.advance_to(self._max_ns)
        bars = state.bars
        g = bars.spec.group_ticks
        keys = merged.price_ticks - merged.price_ticks % g
        self.breakdown.add(bar_numbers_of_last(bars, merged.size), keys, venues, units, merged.side)
        if bars.dropped_count != self._dropped_bars:
            self._dropped_bars = bars.dropped_count
            self.breakdown.prune(bars.dropped_count)

    def replace_leg(self, leg: int, market: MarketState) -> None:
        """Leg `leg` goes on in a new market state (a reconnect that could not resume, a replay
        that started over): what the aggregate already took in stays; the new state's prints are
        taken from its first one."""
        self.legs[leg].unwatch_depth(self._depth_sinks[leg])  # (a no-op when not watched)
        self.legs[leg] = market
        self._cursors[leg].reset()
        self._join(leg, market)

    def _join(self, leg: int, market: MarketState) -> None:
        """Follow a leg's depth events from now on, starting from the book it has."""
        if not self._keeps_book:
            return
        book = market.book
        self.book.load_leg(leg, book.bids.items(), book.asks.items(), book.updated_ns)
        market.watch_depth_with(self._depth_sinks[leg])
        self._book_changed()

    def on_depth(self, leg: int, event: DepthDiff | DepthSnapshot) -> None:
        """One depth event a leg applied (its market state's depth log calls this)."""
        if isinstance(event, DepthSnapshot):
            self.book.load_leg(leg, event.bids, event.asks, event.exchange_ns)
        else:
            self.book.apply_leg(leg, event.bids, event.asks, event.exchange_ns)
        self._book_changed()

    def _book_changed(self) -> None:
        self._book_dirty = True
        self.state.changed |= Changed.BOOK

    def show_book(self, venue: int | None) -> None:
        """The ladder's book: one leg's (by index) or, with None, all legs summed."""
        if venue is not None and not 0 <= venue < len(self.legs):
            raise ValueError(f"no leg {venue}")
        self.book_venue = venue
        self.book.show(venue)
        self._book_changed()

    def refresh_book(self) -> bool:
        """Which venues quote the best bid and ask, once per frame if a book changed (the book
        itself is kept up to date by every depth event); True if a book had changed."""
        if not self._book_dirty:
            return False
        self._book_dirty = False
        self.best = best_venues(self.agg, [leg.book for leg in self.legs], range(len(self.legs)))
        return True

    # -- readers ---------------------------------------------------------------------------

    @property
    def cvd_units(self) -> int:
        return self.state.cvd.cvd_lots

    def venue_cvd_units(self) -> tuple[int, ...]:
        return tuple(cvd.cvd_lots for cvd in self.venue_cvd)

    def totals_summary(self) -> dict[str, object]:
        """The aggregate part of `replay --summary`: exact decimals in base units and quote prices."""
        if self.totals is None:
            raise AttributeError("totals not kept: build AggregateMarket(..., totals=True)")
        agg = self.agg
        unit = agg.instrument

        def extreme(pick: str) -> str | None:
            found: tuple[Fraction, int, int] | None = None
            for i, t in enumerate(self.totals or ()):
                ticks = getattr(t, pick)
                if ticks is None:
                    continue
                price = agg.leg_price(i, ticks)
                better = found is None or (price > found[0] if pick == "high_ticks" else price < found[0])
                if better:
                    found = (price, i, ticks)
            return None if found is None else agg.legs[found[1]].price_str(found[2])

        units = sum(t.buy_units + t.sell_units for t in self.totals)
        vwap: str | None = None
        if units:
            value = sum(
                Fraction(leg.tick_size) * t.ticks_units for leg, t in zip(agg.legs, self.totals, strict=True)
            )
            vwap = format_decimal(Decimal(round(value / units * 10**4)).scaleb(-4))
        return {
            "base": agg.base,
            "base_unit": format_decimal(agg.unit),
            "trades": sum(t.trades for t in self.totals),
            "buy_volume": unit.qty_str(sum(t.buy_units for t in self.totals)),
            "sell_volume": unit.qty_str(sum(t.sell_units for t in self.totals)),
            "cvd": unit.qty_str(self.cvd_units),
            "vwap": vwap,
            "high": extreme("high_ticks"),
            "low": extreme("low_ticks"),
        }
