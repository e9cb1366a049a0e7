"""Replay of recordings through the live parsers, and the headless summary of a replay.

The summary is what `scalpdesk replay FILE… --summary` prints: one JSON object a user (or CI) can
compare with an independent computation. Volumes and prices are exact decimal strings in the
instrument's units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from app.core.bbo_check import BboCheck
from app.core.footprint import BarSpec
from app.core.instrument import Instrument, format_decimal
from app.core.market import MarketState
from app.core.sessions import SessionSchedule
from app.feeds.pipeline import IngestPipeline
from app.feeds.recording import (
    RecordingError,
    check_readable,
    iter_recordings,
    read_sidecar,
)
from app.venues.base import StreamId, VenueAdapter
from app.venues.errors import UnknownInstrument
from app.venues.registry import adapter, identify


class ReplayError(Exception):
    """A replay that cannot start: bad path, unknown venue or symbol. One line for the user."""


@dataclass
class ReplaySession:
    """Everything one replay builds: the instrument, its market state and the pipeline feeding it."""

    instrument: Instrument
    market: MarketState
    pipeline: IngestPipeline
    bbo_check: BboCheck


def _identify_stream(first_batch: list[bytes]) -> StreamId | None:
    for line in first_batch[:1000]:
        try:
            msg = msgspec.json.decode(line.partition(b" ")[2])
        except (msgspec.MsgspecError, RecursionError):
            continue
        found = identify(msg)
        if found is not None:
            return found
    return None


def open_replay(
    paths: Sequence[Path],
    bar_spec: BarSpec | None = None,
    sessions: SessionSchedule | None = None,
    summary: bool = True,
) -> tuple[ReplaySession, Iterator[list[bytes]]]:
    """Resolve what the recording is and build the pipeline; returns it with the line batches.

    Venue and symbol come from a sidecar `<name>.json` when present, else from the messages
    themselves (the first venue adapter that recognises one). `summary` keeps the aggregates only
    `summarize` reads (a window does not need them).
    """
    if not paths:
        raise ReplayError("no recording given")
    try:
        check_readable(paths)
        meta = read_sidecar(paths[0])
        batches = iter_recordings(paths)
        first = next(batches, [])
    except RecordingError as exc:
        raise ReplayError(str(exc)) from exc
    stream = _identify_stream(first)
    venue = meta.venue or (stream.venue if stream else None)
    symbol = meta.symbol or (stream.symbol if stream else None)
    if venue is None or symbol is None:
        raise ReplayError(
            f"{paths[0]}: cannot tell venue and symbol from the stream; "
            "add a sidecar JSON with 'venue' and 'symbol'"
        )
    try:
        venue_adapter = adapter(venue)
        instrument = venue_adapter.instrument(symbol, meta.instrument)
    except UnknownInstrument as exc:
        raise ReplayError(str(exc)) from exc

    def all_batches() -> Iterator[list[bytes]]:
        if first:
            yield first
        yield from batches

    return build_session(venue_adapter, instrument, bar_spec, sessions, summary), all_batches()


def build_session(
    venue_adapter: VenueAdapter,
    instrument: Instrument,
    bar_spec: BarSpec | None = None,
    sessions: SessionSchedule | None = None,
    summary: bool = True,
) -> ReplaySession:
    """A fresh market state and the pipeline (the venue's decoder and book sync, a BBO check)
    that fills it: what every source of recorded-format lines plays into, files or not."""
    market = MarketState(instrument, bar_spec=bar_spec, sessions=sessions, summary=summary)
    check = BboCheck()
    pipeline = IngestPipeline(
        venue_adapter.decoder(instrument), venue_adapter.book_sync(instrument), market, check
    )
    return ReplaySession(instrument, market, pipeline, check)


def run_replay(
    paths: Sequence[Path],
    bar_spec: BarSpec | None = None,
    sessions: SessionSchedule | None = None,
    on_open: Callable[[ReplaySession], Callable[[], None]] | None = None,
) -> ReplaySession:
    """Replay the recordings as fast as possible (headless).

    `on_open(session)` may return a callback run after every batch (the signal scan's engine)."""
    session, batches = open_replay(paths, bar_spec, sessions)
    after_batch = on_open(session) if on_open is not None else None
    try:
        for batch in batches:
            session.pipeline.feed(batch)
            if after_batch is not None:
                after_batch()
    except RecordingError as exc:
        raise ReplayError(str(exc)) from exc
    session.bbo_check.finish()
    return session


def _ms(ns: int | None) -> int | None:
    return None if ns is None else ns // 1_000_000


def summarize(session: ReplaySession) -> dict[str, Any]:
    """The replay summary as a JSON-ready dict (see the README for each field)."""
    inst = session.instrument
    market = session.market
    counters = session.pipeline.counters
    sync = session.pipeline.sync
    check = session.bbo_check
    aggregates = market.summary
    assert aggregates is not None  # open_replay keeps them
    profile = aggregates.profile

    def price(ticks: int | None) -> str | None:
        return None if ticks is None else inst.price_str(ticks)

    value_area = profile.value_area(0.7) if profile.sum_lots else None
    return {
        "venue": inst.venue,
        "symbol": inst.symbol,
        "tick_size": format_decimal(inst.tick_size),
        "lot_size": format_decimal(inst.lot_size),
        "messages": counters.messages,
        "malformed": counters.malformed,
        "trades": market.tape.total,
        "buy_volume": inst.qty_str(profile.buy_lots),
        "sell_volume": inst.qty_str(profile.sell_lots),
        "cvd": inst.qty_str(market.cvd.cvd_lots),
        "vwap": aggregates.vwap_str(inst, 4) or None,
        "high": price(aggregates.high_ticks),
        "low": price(aggregates.low_ticks),
        "poc": price(profile.poc_ticks()) if profile.sum_lots else None,
        "value_area": [price(value_area[0]), price(value_area[1])] if value_area else None,
        "first_trade_ms": _ms(aggregates.first_trade_ns),
        "last_trade_ms": _ms(market.last_trade_ns),
        "bars": {
            "timeframe": market.bars.spec.label,
            "count": market.bars.dropped_count + len(market.bars.bars),
        },
        "book": {
            "applied": sync.applied,
            "dropped_before_sync": sync.dropped_before_sync,
            "gaps": sync.gaps,
            "resyncs": sync.resyncs,
            "bbo_checks": check.checks,
            "bbo_mismatches": check.mismatches,
            "best_bid": price(market.book.best_bid),
            "best_ask": price(market.book.best_ask),
        },
    }
