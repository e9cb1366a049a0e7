"""Several venues' sources shown as one market: the aggregate of one base asset (issue 13).

Each leg is an ordinary source (a replay or a live feed) running as it would alone, with its own
pipeline, book sync, watchdog and reconnects, so each feed's health stays its own. After every
batch of any leg the aggregate (`app.core.aggregate.AggregateMarket`) takes in the new prints and
the window hears of one batch of the aggregate's market, whose views are the usual ones.

The combined state is the best of the legs' (the aggregate is usable while one venue is), and
`leg_statuses()` gives each feed's own for the status bar. A leg that starts a new session (a
replay that loops, a reconnect that could not resume) goes on in the aggregate without
rebuilding it: what was merged stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from app.core.aggregate import AggregateInstrument, AggregateMarket
from app.core.footprint import BarSpec
from app.core.market import MarketState
from app.core.sessions import SessionSchedule
from app.feeds.source import (
    MarketBinding,
    MarketSource,
    SourceBase,
    SourceState,
    SourceStatus,
    print_latency_ns,
)

_PREFERENCE = (
    SourceState.LIVE,
    SourceState.PLAYING,
    SourceState.PAUSED,
    SourceState.SEEKING,
    SourceState.RESYNCING,
    SourceState.STALE,
    SourceState.RECONNECTING,
    SourceState.FINISHED,
    SourceState.FAILED,
)


class AggregateSource(SourceBase):
    """The aggregate over `legs` (sources of one base asset on different venues)."""

    kind = "aggregate"

    def __init__(
        self,
        legs: Sequence[MarketSource],
        *,
        grid: Decimal | None = None,
        bar_spec: BarSpec | None = None,
        sessions: SessionSchedule | None = None,
    ) -> None:
        """Raises `AggregateError` (a ValueError) when the legs are not one base asset."""
        super().__init__()
        if not legs:
            raise ValueError("an aggregate needs at least one source")
        self.legs = list(legs)
        markets = [leg.binding.market for leg in self.legs]
        agg = AggregateInstrument.of([leg.binding.instrument for leg in self.legs], grid)
        first = markets[0]
        self.aggregate = AggregateMarket(
            agg,
            markets,
            bar_spec or first.bars.spec,
            sessions or first.sessions,
            tape_capacity=first.tape.capacity,
        )
        self.binding = MarketBinding(agg.instrument, self.aggregate.state, 1)
        for i, leg in enumerate(self.legs):
            leg.subscribe_batches(self._on_leg_batch)
            leg.subscribe_sessions(self._session_listener(i))

    # -- the source seam ---------------------------------------------------------------------

    @property
    def markets(self) -> Mapping[str, MarketBinding]:
        """The aggregate first, then every leg's own market."""
        out = {self.binding.key: self.binding}
        for leg in self.legs:
            out[leg.binding.key] = leg.binding
        return out

    @property
    def title(self) -> str:
        return f"{self.aggregate.agg.base} aggregate · {' + '.join(self.aggregate.agg.venues)}"

    @property
    def market_ns(self) -> int | None:
        times = [t for t in (leg.market_ns for leg in self.legs) if t is not None]
        return max(times) if times else None

    def take_fed(self) -> list[float]:
        fed: list[float] = []
        for leg in self.legs:
            fed += leg.take_fed()
        fed.sort()
        return fed

    def leg_statuses(self) -> list[tuple[str, SourceStatus]]:
        """Each feed's own status, named as the aggregate's venue column names it."""
        return list(zip(self.aggregate.agg.venues, (leg.status() for leg in self.legs), strict=True))

    def status(self) -> SourceStatus:
        named = self.leg_statuses()
        looks = [status for _, status in named]
        state = min((s.state for s in looks), key=_PREFERENCE.index)
        error = "; ".join(f"{name}: {s.error}" for name, s in named if s.error) or None
        health: list[tuple[str, int]] = []
        for name, s in named:
            health += [
                (f"{name} messages", s.messages),
                *((f"{name} {key}", value) for key, value in s.health),
            ]
        return SourceStatus(
            state=state,
            kind=self.kind,
            error=error,
            latency_ns=print_latency_ns(self.aggregate.state),
            messages=sum(s.messages for s in looks),
            malformed=sum(s.malformed for s in looks),
            last_error=next((s.last_error for s in looks if s.last_error), ""),
            gaps=sum(s.gaps for s in looks),
            resyncs=sum(s.resyncs for s in looks),
            session=sum(s.session for s in looks),
            health=tuple(health),
        )

    async def run(self) -> None:
        """Run every leg until all of them end (or this task is cancelled: then all are)."""
        tasks = [asyncio.ensure_future(leg.run()) for leg in self.legs]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        for leg in self.legs:
            leg.stop()

    # -- the legs ----------------------------------------------------------------------------

    def _session_listener(self, leg: int) -> Callable[[MarketBinding], None]:
        def on_session(binding: MarketBinding) -> None:
            self._on_leg_session(leg, binding)

        return on_session

    def _on_leg_batch(self, _market: MarketState, _market_ns: int | None) -> None:
        self.aggregate.update()
        self._announce_batch(self.aggregate.state, self.market_ns)

    def _on_leg_session(self, leg: int, binding: MarketBinding) -> None:
        if binding.market is not self.aggregate.legs[leg]:
            self.aggregate.replace_leg(leg, binding.market)
        if leg == 0:  # the window binds (once per first leg's session) to the aggregate
            self._announce_session(self.binding)
