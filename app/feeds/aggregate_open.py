"""Opening several venues of one base asset as one source (issue 13): a replay per venue's
recordings, or a live feed per venue, under an `AggregateSource`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.feeds.aggregate_source import AggregateSource
from app.feeds.live.endpoints import VENUE_ENDPOINTS, Endpoints
from app.feeds.live.record import open_live_feed
from app.feeds.merged_replay import market_files
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import MarketSource


@dataclass(frozen=True)
class LiveLeg:
    """One venue's live market in an aggregate, and where its servers are."""

    venue: str
    symbol: str
    endpoints: Endpoints = VENUE_ENDPOINTS
    record: bool = True  # into the data dir's recordings/


def parse_live_leg(text: str, record: bool = True) -> LiveLeg:
    """`venue:symbol`, optionally `@ws_url` and `@rest_url` after it (a local or test server).

    Raises ValueError with a one-line reason."""
    market, *urls = text.split("@")
    venue, sep, symbol = market.partition(":")
    if not sep or not venue or not symbol or len(urls) > 2:
        raise ValueError(f"bad live market {text!r}: VENUE:SYMBOL[@WS_URL[@REST_URL]], e.g. bybit:BTCUSDT")
    ws = urls[0] if urls else None
    rest = urls[1] if len(urls) > 1 else None
    return LiveLeg(venue, symbol, Endpoints(ws, rest) if urls else VENUE_ENDPOINTS, record)


def open_aggregate_replay(paths: Sequence[Path], speed: float = 1.0, loop: bool = True) -> AggregateSource:
    """One replay per venue's recordings (grouped as `replay --summary` groups them), aggregated.

    Raises ReplayError (a recording) or AggregateError (legs of two base assets)."""
    legs: list[MarketSource] = [
        ReplayFeed(list(group.paths), speed=speed, loop=loop) for group in market_files(paths)
    ]
    return AggregateSource(legs)


async def open_aggregate_live(legs: Sequence[LiveLeg], record_dir: Path | None = None) -> AggregateSource:
    """One live feed per venue (each recording into `record_dir` when given), aggregated."""
    feeds: list[MarketSource] = [
        await open_live_feed(leg.venue, leg.symbol, leg.endpoints, record_dir) for leg in legs
    ]
    return AggregateSource(feeds)
