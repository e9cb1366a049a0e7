"""The signal engine on whatever source the window shows: every batch in, new signals out.

docs/SIGNALS.md describes the engine; this module only runs it where the app runs: after every
batch the source applies (the engine must see each one, painted or not, like the paper
exchange), on a replay, a live feed and the synthetic market alike, through `MarketSource`
only. What it finds goes into one shared, bounded `RecentSignals` that the views read at frame
time; `Changed.SIGNALS` tells the frame clock that the list moved.

Sessions. A replay that restarts or seeks back builds a fresh market, and time goes back: the
engine is rebuilt on the new market and the list is emptied, so the signals found again are not
shown twice. A live source that starts a new session (a reconnect that could not resume) also
gets a fresh engine, but keeps the list: its time only goes forward and those signals did happen.

Pace. The engine gives the same signals however the stream is cut into batches (its signals carry
their own event times), so it need not run after every batch: a live or fast replay hands over a
batch every few milliseconds, and the engine's fixed cost per call (its numpy set-up) then cost as
much as the whole ingest (measured: 0.84 s against 1.0 s of pipeline in 20 s of a 10× replay).
It runs at most every `min_interval_s` (50 ms: an alert a trader hears at most that much later),
the rest of the time a run is scheduled on the event loop for when the interval is up.

Turning a detector off or on rebuilds the engine where the market is now: the detectors that stay
on restart their windows (and the typical order size its warm-up, docs/SIGNALS.md), a detector
turned off stops costing anything, and its signals leave the list.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from app.core.market import Changed, MarketState
from app.core.signals.engine import SignalEngine, SignalSettings
from app.core.signals.kinds import Signal, SignalKind
from app.core.signals.recent import DEFAULT_CAP, RecentSignals
from app.feeds.source import MarketBinding, MarketSource, Transport, Unsubscribe

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 0.05

OnSignals = Callable[[list[Signal]], object]


class SignalWiring:
    """Subscribes a `SignalEngine` to a source's batches and sessions; `signals` is what it found."""

    def __init__(
        self,
        source: MarketSource,
        settings: SignalSettings | None = None,
        *,
        cap: int = DEFAULT_CAP,
        min_interval_s: float = MIN_INTERVAL_S,
    ) -> None:
        self.source = source
        self.min_interval_s = min_interval_s
        self._last_run_s = -1e9
        self._scheduled: asyncio.TimerHandle | None = None
        self.settings = settings or SignalSettings()
        self.signals = RecentSignals(cap)
        self.engines_built = 0  # one per session and per change of the detectors (tests read it)
        self.runs = 0  # engine calls: at most one per `min_interval_s`
        self._listeners: list[OnSignals] = []
        self._engine: SignalEngine | None = None
        self._build(source.binding.market)
        self._unsubscribe: list[Unsubscribe] = [
            source.subscribe_sessions(self.on_session),
            source.subscribe_batches(self.on_batch),
        ]

    @property
    def engine(self) -> SignalEngine | None:
        return self._engine

    @property
    def enabled(self) -> frozenset[SignalKind]:
        return self.settings.enabled

    def subscribe(self, callback: OnSignals) -> None:
        """`callback(new signals)` after each batch that found any (the sounds listen here)."""
        self._listeners.append(callback)

    # -- the source ------------------------------------------------------------------------------

    def on_batch(self, market: MarketState, _market_ns: int | None = None) -> None:
        engine = self._engine
        if engine is None or market is not engine.market:
            return  # a batch of a market we were not told of yet: its session comes first
        if self._scheduled is not None:
            return  # a run is due soon and will take this batch too
        wait_s = self._last_run_s + self.min_interval_s - time.monotonic()
        if wait_s > 0:
            try:
                self._scheduled = asyncio.get_running_loop().call_later(wait_s, self._run_scheduled)
                return
            except RuntimeError:  # no loop (a caller feeding by hand): run now
                pass
        self._run()

    def _run_scheduled(self) -> None:
        self._scheduled = None
        self._run()

    def _run(self) -> None:
        self._last_run_s = time.monotonic()
        self.runs += 1
        engine = self._engine
        if engine is None:
            return
        found = engine.on_batch()
        if found:
            self._publish(found, engine.market)

    def _run_pending(self) -> None:
        """What a scheduled run would have taken, now (before the engine changes or goes)."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
            self._run()

    def on_session(self, binding: MarketBinding) -> None:
        """A new session: a fresh engine on its market (the first one is the market we started on)."""
        if self._engine is not None and binding.market is self._engine.market:
            return
        self._run_pending()
        if isinstance(self.source, Transport):
            self.signals.clear()  # time went back: what comes again must not be listed twice
        self._build(binding.market)

    def flush(self) -> list[Signal]:
        """The end of a recording: the order the engine held back is judged (`signals` does this)."""
        self._run_pending()
        if self._engine is None:
            return []
        found = self._engine.flush()
        if found:
            self._publish(found, self._engine.market)
        return found

    def close(self) -> None:
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    # -- the detectors ---------------------------------------------------------------------------

    def set_enabled(self, kinds: Iterable[SignalKind]) -> None:
        """Run only these detectors from now on; the signals of the others leave the list."""
        enabled = frozenset(kinds)
        if enabled == self.settings.enabled:
            return
        self.settings = replace(self.settings, enabled=enabled)
        self._run_pending()
        market = self._engine.market if self._engine is not None else self.source.binding.market
        self.signals.retain(enabled)
        self._build(market)
        log.info("signal detectors on: %s", ", ".join(sorted(k.value for k in enabled)) or "none")

    # -- internals -------------------------------------------------------------------------------

    def _build(self, market: MarketState) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine = SignalEngine(market, self.settings)
        self.engines_built += 1
        market.changed |= Changed.SIGNALS  # the views look at the list (again)

    def _publish(self, found: list[Signal], market: MarketState) -> None:
        self.signals.add(found)
        market.changed |= Changed.SIGNALS
        for listener in tuple(self._listeners):
            listener(found)
