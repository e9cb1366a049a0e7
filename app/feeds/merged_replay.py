"""Recordings of several venues (one base asset) replayed together, merged by receive time.

`scalpdesk replay a.gz b.gz c.gz --summary` with recordings of different venues: each venue is
replayed by its own pipeline into its own market state, exactly as alone, and the lines of all of
them are interleaved by their receive stamps, as they reached one machine (or would have). After
each run of one venue's lines the aggregate (`app.core.aggregate`) takes in the new prints. The
summary keeps the single-venue keys (those of the first recording's market), and adds every
venue's own summary and the aggregate's figures in base units.

Files are grouped by market in the order given: consecutive files of one market continue one
session, as with a single venue; a file whose market cannot be told continues the one before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from app.core.aggregate import AggregateError, AggregateInstrument, AggregateMarket
from app.core.footprint import BarSpec
from app.core.sessions import SessionSchedule
from app.feeds.recording import RecordingError, check_readable, iter_line_batches, read_sidecar
from app.feeds.replay import ReplayError, ReplaySession, open_replay, summarize
from app.venues.base import StreamId
from app.venues.registry import identify

_NEVER = 2**63


@dataclass(frozen=True)
class MarketFiles:
    """One market's recordings, in the order given."""

    market: StreamId
    paths: tuple[Path, ...]


@dataclass
class MergedReplay:
    """Every venue's replay session and the aggregate over them."""

    sessions: list[ReplaySession]
    aggregate: AggregateMarket


def recording_market(path: Path) -> StreamId | None:
    """Venue and symbol of one recording: its sidecar, else the first message a venue recognises."""
    meta = read_sidecar(path)
    if meta.venue and meta.symbol:
        return StreamId(meta.venue, meta.symbol)
    first = next(iter_line_batches(path), [])
    for line in first[:1000]:
        try:
            found = identify(msgspec.json.decode(line.partition(b" ")[2]))
        except (msgspec.MsgspecError, RecursionError):
            continue
        if found is not None:
            return StreamId(meta.venue or found.venue, meta.symbol or found.symbol)
    return None


def market_files(paths: Sequence[Path]) -> list[MarketFiles]:
    """The recordings grouped by market (see the module docstring); raises ReplayError."""
    try:
        check_readable(paths)
        found = [recording_market(p) for p in paths]
    except RecordingError as exc:
        raise ReplayError(str(exc)) from exc
    groups: dict[StreamId, list[Path]] = {}
    current: StreamId | None = None
    for path, named in zip(paths, found, strict=True):
        market = named or current
        if market is None:
            raise ReplayError(
                f"{path}: cannot tell venue and symbol from the stream; "
                "add a sidecar JSON with 'venue' and 'symbol'"
            )
        groups.setdefault(market, []).append(path)
        current = market
    return [MarketFiles(m, tuple(p)) for m, p in groups.items()]


class _Lines:
    """One venue's lines with their receive stamps, a batch at a time."""

    def __init__(self, batches: Iterator[list[bytes]]) -> None:
        self._batches = batches
        self.lines: list[bytes] = []
        self.stamps: list[int] = []
        self.pos = 0
        self._next_batch()

    def _next_batch(self) -> None:
        last = self.stamps[-1] if self.stamps else -_NEVER
        self.lines, self.stamps, self.pos = [], [], 0
        for batch in self._batches:
            if batch:
                self.lines = batch
                self.stamps = _stamps(batch, last)
                return

    @property
    def head_ns(self) -> int | None:
        return self.stamps[self.pos] if self.pos < len(self.lines) else None

    def take_until(self, limit_ns: int) -> list[bytes]:
        """The lines from here up to (and including) the last one stamped at or before `limit_ns`,
        at least one, and at most the rest of this batch."""
        end = self.pos + 1
        stamps = self.stamps
        while end < len(stamps) and stamps[end] <= limit_ns:
            end += 1
        run = self.lines[self.pos : end]
        self.pos = end
        if self.pos >= len(self.lines):
            self._next_batch()
        return run


def _stamps(batch: list[bytes], last: int) -> list[int]:
    """Each line's receive stamp; a line without one takes its predecessor's (the pipeline counts
    it as malformed where it stands)."""
    out = []
    for line in batch:
        with contextlib.suppress(ValueError):
            last = int(line.partition(b" ")[0])
        out.append(last)
    return out


def run_merged_replay(
    groups: Sequence[MarketFiles],
    bar_spec: BarSpec | None = None,
    sessions: SessionSchedule | None = None,
    *,
    keep_book: bool = False,
) -> MergedReplay:
    """Replay every market's recordings, interleaved by receive time, into each market and the
    aggregate over them (headless, as fast as possible). The summary prints no aggregated book,
    so it is kept only when asked (`keep_book`)."""
    opened = [open_replay(list(g.paths), bar_spec, sessions) for g in groups]
    replays = [session for session, _ in opened]
    try:
        agg = AggregateInstrument.of([s.instrument for s in replays])
    except AggregateError as exc:
        raise ReplayError(str(exc)) from exc
    aggregate = AggregateMarket(
        agg, [s.market for s in replays], bar_spec, sessions, totals=True, book=keep_book
    )
    try:
        streams = [_Lines(batches) for _, batches in opened]
        while True:
            heads = [(s.head_ns, i) for i, s in enumerate(streams) if s.head_ns is not None]
            if not heads:
                break
            heads.sort()
            _, first = heads[0]
            limit = heads[1][0] if len(heads) > 1 else _NEVER
            assert limit is not None
            replays[first].pipeline.feed(streams[first].take_until(limit))
            aggregate.update()
    except RecordingError as exc:
        raise ReplayError(str(exc)) from exc
    for session in replays:
        session.bbo_check.finish()
    return MergedReplay(replays, aggregate)


def summarize_merged(merged: MergedReplay) -> dict[str, Any]:
    """The first market's summary keys, then `venues` (each market's own summary) and `aggregate`."""
    out = summarize(merged.sessions[0])
    names = merged.aggregate.agg.venues
    out["venues"] = {name: summarize(s) for name, s in zip(names, merged.sessions, strict=True)}
    out["aggregate"] = merged.aggregate.totals_summary()
    return out
