"""`scalpdesk record`: live feeds straight to recordings, headless (a server needs no display)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.instrument import Instrument
from app.feeds.live.endpoints import VENUE_ENDPOINTS, Endpoints
from app.feeds.live.feed import LiveFeed
from app.feeds.live.recorder import Recorder
from app.feeds.live.rest import RestClient, RestError
from app.venues import registry
from app.venues.base import VenueAdapter
from app.venues.errors import UnknownInstrument


@dataclass(frozen=True)
class RecordResult:
    market: str
    lines: int
    paths: tuple[Path, ...]
    gaps: int
    malformed: int


_LISTED: dict[tuple[str, Endpoints], dict[str, Mapping[str, Any]]] = {}


async def listed_instruments(
    adapter: VenueAdapter, endpoints: Endpoints = VENUE_ENDPOINTS, attempts: int = 3
) -> dict[str, Mapping[str, Any]]:
    """The venue's own instrument entries by symbol, fetched once per run and then remembered
    (the picker's completion and the lookup of unbundled symbols share them)."""
    key = (adapter.name, endpoints)
    if key not in _LISTED:
        request = adapter.instruments_request()
        rest = RestClient(max_attempts=attempts)
        try:
            body = await rest.get(dataclasses.replace(request, url=endpoints.rewrite(request.url)))
        finally:
            await rest.aclose()
        _LISTED[key] = adapter.instruments_from(body)
    return _LISTED[key]


async def venue_symbols(venue: str, endpoints: Endpoints = VENUE_ENDPOINTS) -> list[str]:
    """Every symbol the venue lists, for the market picker."""
    return sorted(await listed_instruments(registry.adapter(venue), endpoints, attempts=2))


async def resolve_instrument(
    adapter: VenueAdapter, symbol: str, endpoints: Endpoints = VENUE_ENDPOINTS
) -> tuple[Instrument, Mapping[str, Any] | None]:
    """The instrument for `symbol`: from the bundled table, else from the venue's instrument list
    (returned too, to go into the recording's sidecar). One-line errors: UnknownInstrument, or
    RestError when the venue cannot be reached."""
    candidates = tuple(dict.fromkeys((symbol, symbol.upper())))  # `btcusdt` means BTCUSDT
    for candidate in candidates:
        with contextlib.suppress(UnknownInstrument):
            return adapter.instrument(candidate), None
    try:
        listed = await listed_instruments(adapter, endpoints)
    except RestError as exc:
        raise RestError(f"cannot look {symbol!r} up on {adapter.name}: {exc}") from exc
    for candidate in candidates:
        if candidate in listed:
            return adapter.instrument(candidate, listed[candidate]), listed[candidate]
    raise UnknownInstrument(f"{symbol!r} is not listed on {adapter.name} ({len(listed)} instruments there)")


async def open_live_feed(
    venue: str, symbol: str, endpoints: Endpoints = VENUE_ENDPOINTS, record_dir: Path | None = None
) -> LiveFeed:
    """A live feed on venue/symbol, recording into `record_dir` when given."""
    adapter = registry.adapter(venue)
    instrument, metadata = await resolve_instrument(adapter, symbol, endpoints)
    recorder = Recorder(record_dir, instrument, metadata) if record_dir is not None else None
    return LiveFeed(
        adapter, instrument.symbol, metadata=metadata, rewrite_url=endpoints.rewrite, recorder=recorder
    )


async def record(
    venue: str,
    symbols: Sequence[str],
    out: Path,
    duration_s: float | None,
    endpoints: Endpoints = VENUE_ENDPOINTS,
) -> list[RecordResult]:
    """Record every symbol until `duration_s` passes or the process is interrupted."""
    feeds = [await open_live_feed(venue, s, endpoints, out) for s in symbols]
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
