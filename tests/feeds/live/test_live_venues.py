"""Live feeds on local Bybit, OKX and Hyperliquid servers replaying their real recordings: the
book a live feed builds equals the book of a replay of the same recording, after a clean run and
after every injected fault (a dropped socket, a sequence gap, hostile frames, a stall)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakes.venue import FakeBybit, FakeHyperliquid, FakeOkx, FakeVenue, VenueFaults

from app.feeds.live.connection import ConnectionTiming
from app.feeds.live.endpoints import Endpoints
from app.feeds.live.feed import LiveFeed
from app.feeds.replay import run_replay
from app.feeds.source import SourceState
from app.venues.registry import adapter

TIMING = ConnectionTiming(
    connect_timeout_s=2, stale_after_s=0.6, reconnect_after_s=20, check_every_s=0.05, quiet_scale=0.01
)


@dataclass(frozen=True)
class Venue:
    name: str
    symbol: str
    recording: str
    fake: Callable[..., FakeVenue]


VENUES = [
    Venue("bybit-linear", "XRPUSDT", "bybit/xrpusdt-ob500.data.zip", FakeBybit),
    Venue("okx-swap", "UNI-USD-SWAP", "okx/OKX.ws.1.0", FakeOkx),
    Venue("hyperliquid", "BTC", "hyperliquid/btcusd_20250126.gz", FakeHyperliquid),
]


def run_live(
    venue: Venue, shared_data: Path, faults: VenueFaults | None = None, seconds: float | None = None
):
    fake = venue.fake(shared_data / venue.recording, faults=faults or VenueFaults())
    looks = []

    async def main() -> LiveFeed:
        base = await fake.start()
        feed = LiveFeed(
            adapter(venue.name), venue.symbol, rewrite_url=Endpoints(ws_url=base).rewrite, timing=TIMING
        )
        task = asyncio.ensure_future(feed.run())
        if seconds is None:
            await asyncio.wait_for(fake.done.wait(), 30)
            await asyncio.sleep(0.2)
        else:
            for _ in range(int(seconds / 0.1)):
                await asyncio.sleep(0.1)
                looks.append(feed.status())
        looks.append(feed.status())
        feed.stop()
        await asyncio.wait_for(task, 5)
        await fake.stop()
        return feed

    return asyncio.run(main()), fake, looks


def replayed_book(venue: Venue, shared_data: Path) -> tuple[dict[int, int], dict[int, int]]:
    market = run_replay([shared_data / venue.recording]).market
    return dict(market.book.bids), dict(market.book.asks)


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.name)
def test_a_clean_live_run_builds_the_book_and_tape_of_a_replay(venue, shared_data):
    feed, fake, _ = run_live(venue, shared_data)

    replay = run_replay([shared_data / venue.recording]).market
    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == (
        dict(replay.book.bids),
        dict(replay.book.asks),
    )
    assert feed.market.tape.total == replay.tape.total
    assert feed.pipeline.counters.malformed == 0 and feed.pipeline.sync.gaps == 0
    assert fake.connections == 1


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.name)
def test_a_dropped_socket_reconnects_and_the_book_comes_right_again(venue, shared_data):
    feed, fake, _ = run_live(venue, shared_data, VenueFaults(close_after=10))

    assert fake.connections == 2
    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == replayed_book(venue, shared_data)
    assert feed.connections[0].stats.failures == 1


@pytest.mark.parametrize("venue", VENUES[:2], ids=lambda v: v.name)
def test_a_lost_book_message_is_a_counted_gap_repaired_by_resubscribing(venue, shared_data):
    feed, fake, _ = run_live(venue, shared_data, VenueFaults(drop_frame=12))

    assert feed.pipeline.sync.gaps == 1 and feed.pipeline.sync.resyncs == 1
    assert fake.connections == 2  # the resubscribe
    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == replayed_book(venue, shared_data)


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.name)
def test_hostile_frames_are_counted_and_dropped_and_the_book_is_untouched(venue, shared_data):
    feed, _, _ = run_live(venue, shared_data, VenueFaults(hostile_every=5))

    assert feed.pipeline.counters.malformed >= 5
    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == replayed_book(venue, shared_data)


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.name)
def test_a_stall_with_the_socket_open_shows_stale_within_the_watchdog_time(venue, shared_data):
    _, _, looks = run_live(venue, shared_data, VenueFaults(stall_after=5), seconds=1.5)

    assert looks[-1].state is SourceState.STALE
    assert "no data on" in (looks[-1].error or "")


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.name)
def test_the_venue_keepalive_is_answered(venue, shared_data):
    sub = adapter(venue.name).subscriptions(venue.symbol)[0]
    fake = venue.fake(shared_data / venue.recording)

    assert fake.pong(sub.keepalive.message or "") is not None


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.name)
def test_a_duplicated_message_changes_nothing(venue, shared_data):
    feed, _, _ = run_live(venue, shared_data, VenueFaults(duplicate_frame=8))

    replay = run_replay([shared_data / venue.recording]).market
    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == replayed_book(venue, shared_data)
    assert feed.pipeline.sync.gaps == 0
    assert feed.market.tape.total == replay.tape.total


@pytest.mark.parametrize("venue", VENUES, ids=lambda v: v.name)
def test_two_messages_out_of_order_end_in_the_right_book(venue, shared_data):
    feed, _, _ = run_live(venue, shared_data, VenueFaults(swap_frame=8))

    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == replayed_book(venue, shared_data)


def test_a_bybit_service_restart_u_1_replaces_the_book_and_the_chain_goes_on(shared_data):
    venue = VENUES[0]

    feed, fake, _ = run_live(venue, shared_data, VenueFaults(restart_at=20))

    assert feed.pipeline.sync.gaps == 0 and feed.pipeline.sync.snapshots == 2
    assert fake.connections == 1  # no resubscribe needed: the restart snapshot is the repair
    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == replayed_book(venue, shared_data)


def test_an_okx_sequence_reset_after_maintenance_is_followed_not_taken_for_a_gap(shared_data):
    venue = VENUES[1]

    feed, fake, _ = run_live(venue, shared_data, VenueFaults(seq_reset_at=32))  # a UNI-USD-SWAP update

    assert feed.pipeline.sync.gaps == 0 and fake.connections == 1
    assert (dict(feed.market.book.bids), dict(feed.market.book.asks)) == replayed_book(venue, shared_data)
