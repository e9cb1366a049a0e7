"""`SyntheticFeed`: the synthetic market as a `MarketSource` and a `Transport`, paced like a replay.

It is a `ReplayFeed` whose lines are generated instead of read (`_open` is the one override):
the pacing, the batching, pause, speed, restart and seeking are the replay's own code, so there
is one pacing loop in the app, and the lines go through the synthetic venue adapter into the same
IngestPipeline, book sync and BBO check as a recording's. Above the feeds nothing can tell it from
a replay except its `kind` ("synthetic") and its title.

Endless: the stream is generated lazily, half a second of simulated market per batch, so memory
stays flat however long it runs; `end_ns` stays None and the feed never finishes. A forward jump
generates the market in between (the simulation runs some hundred times faster than real time);
a backward jump or a restart starts the same seed again from its first line, which reaches the
same market byte for byte, because the simulation is deterministic.

Labels: `labels()` gives the labels of the scenarios played so far — completed at or before the
market time shown, never ones generated ahead of it — for drills and tests.
"""

from __future__ import annotations

import asyncio
import time

from app.core.footprint import BarSpec
from app.core.sessions import SessionSchedule
from app.core.signals.kinds import Signal
from app.feeds.line_cursor import LineCursor, as_generator
from app.feeds.replay import ReplaySession, build_session
from app.feeds.replay_feed import MAX_BATCH_LINES, Clock, ReplayFeed, Sleep
from app.feeds.synthetic.stream import SyntheticConfig, SyntheticMarket
from app.venues.synthetic import SYNTHETIC

__all__ = ["SyntheticFeed"]


class SyntheticFeed(ReplayFeed):
    """The synthetic market played at `speed` × real time (see the module doc)."""

    kind = "synthetic"
    generator: SyntheticMarket  # the current session's market (set by `_open`, so on every session)

    def __init__(
        self,
        config: SyntheticConfig | None = None,
        *,
        speed: float = 1.0,
        bar_spec: BarSpec | None = None,
        sessions: SessionSchedule | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_batch_lines: int = MAX_BATCH_LINES,
        summary: bool = False,
    ) -> None:
        self.config = config or SyntheticConfig()
        super().__init__(
            (),
            speed=speed,
            loop=False,
            bar_spec=bar_spec,
            sessions=sessions,
            clock=clock,
            sleep=sleep,
            max_batch_lines=max_batch_lines,
            scan_end=False,  # endless: there is no end to look for
            summary=summary,
        )

    @property
    def title(self) -> str:
        return f"{self.config.instrument.symbol} synthetic · {self.config.name} · seed {self.config.seed}"

    def labels(self) -> list[Signal]:
        """Labels of the scenarios completed by the market time shown, oldest first."""
        now_ns = self.market_ns
        if now_ns is None:
            return []
        return [label for label in self.generator.labels if (label.end_ns or label.ts_ns) <= now_ns]

    def _open(self) -> tuple[ReplaySession, LineCursor]:
        self.generator = SyntheticMarket(self.config)
        instrument = self.config.instrument
        session = build_session(SYNTHETIC, instrument, self._bar_spec, self._sessions, self._summary)
        return session, LineCursor(as_generator(self.generator.batches()))
