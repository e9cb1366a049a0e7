"""`scalpdesk record`: live feeds straight to recordings, headless (a server needs no display)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.feeds.live.endpoints import VENUE_ENDPOINTS, Endpoints
from app.feeds.live.feed import LiveFeed
from app.feeds.live.recorder import Recorder
from app.venues import registry
from app.venues.errors import UnknownInstrument

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordResult:
    market: str
    lines: int
    paths: tuple[Path, ...]
    gaps: int
    malformed: int


def live_feed(
    venue: str, symbol: str, endpoints: Endpoints = VENUE_ENDPOINTS, record_dir: Path | None = None
) -> LiveFeed:
    """A live feed on venue/symbol, recording into `record_dir` when given (raises
    UnknownInstrument with a one-line message for a venue or symbol nobody knows)."""
    adapter = registry.adapter(venue)
    try:
        instrument = adapter.instrument(symbol)
    except UnknownInstrument:
        instrument = adapter.instrument(symbol.upper())  # `btcusdt` means BTCUSDT
    recorder = Recorder(record_dir, instrument) if record_dir is not None else None
    return LiveFeed(adapter, instrument.symbol, rewrite_url=endpoints.rewrite, recorder=recorder)


async def record(
    venue: str,
    symbols: Sequence[str],
    out: Path,
    duration_s: float | None,
    endpoints: Endpoints = VENUE_ENDPOINTS,
) -> list[RecordResult]:
    """Record every symbol until `duration_s` passes or the process is interrupted."""
    feeds = [live_feed(venue, s, endpoints, out) for s in symbols]
    tasks = [asyncio.ensure_future(f.run()) for f in feeds]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), duration_s)
    for feed in feeds:
        feed.stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    results = []
    for feed in feeds:
        recorder = feed.recorder
        assert recorder is not None
        results.append(
            RecordResult(
                f"{feed.instrument.venue}:{feed.instrument.symbol}",
                recorder.lines,
                tuple(recorder.paths),
                feed.pipeline.sync.gaps,
                feed.pipeline.counters.malformed,
            )
        )
    return results
