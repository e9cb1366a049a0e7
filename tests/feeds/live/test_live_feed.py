"""A live feed on a local Binance (tests/fakes/binance.py) replaying the real recording: the same
market as a replay of the file, the book repaired over REST, silence and gaps shown as such."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import itertools
import json
from decimal import Decimal

import pytest
from fakes.binance import FakeBinance, Faults

from app.feeds.live.connection import ConnectionTiming
from app.feeds.live.endpoints import Endpoints
from app.feeds.live.feed import LiveFeed
from app.feeds.live.record import resolve_instrument
from app.feeds.live.recorder import Recorder
from app.feeds.live.rest import RestError
from app.feeds.replay import run_replay
from app.feeds.source import MarketSource, SourceState, print_latency_ns
from app.venues.binance import USDM
from app.venues.errors import UnknownInstrument

TIMING = ConnectionTiming(connect_timeout_s=2, stale_after_s=0.5, reconnect_after_s=5, check_every_s=0.05)


async def settled(feed: LiveFeed, quiet_s: float = 0.3, limit_s: float = 20.0) -> None:
    """Until the feed has taken in what the fake sent: no new message for `quiet_s` (a loaded
    machine can hold the last frames in the socket longer than any fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    seen = -1
    while loop.time() < deadline and feed.pipeline.counters.messages != seen:
        seen = feed.pipeline.counters.messages
        await asyncio.sleep(quiet_s)


def live(fake: FakeBinance, *, seconds: float | None = None, move=None, **kwargs) -> tuple[LiveFeed, list]:
    """Runs a LiveFeed on the fake until it has sent everything (or for `seconds`)."""
    looks: list = []

    async def main() -> LiveFeed:
        ws_base, rest_base = await fake.start()

        def rewrite(url: str) -> str:
            url = url.replace("wss://fstream.binance.com", ws_base).replace(
                "https://fapi.binance.com", rest_base
            )
            return move(url) if move else url

        kwargs.setdefault("timing", TIMING)
        feed = LiveFeed(USDM, "BTCUSDT", rewrite_url=rewrite, **kwargs)
        task = asyncio.ensure_future(feed.run())
        if seconds is None:
            await asyncio.wait_for(fake.done.wait(), 30)
            await settled(feed)
        else:
            for _ in range(int(seconds / 0.1)):
                await asyncio.sleep(0.1)
                looks.append(feed.status())
        looks.append(feed.status())
        feed.stop()
        await asyncio.wait_for(task, 5)
        await fake.stop()
        return feed

    return asyncio.run(main()), looks


def top(levels: dict[int, int], n: int, best_first_high: bool) -> list[tuple[int, int]]:
    """The n best levels: a REST snapshot holds 1,000 a side, so only those are the same book."""
    return sorted(levels.items(), reverse=best_first_high)[:n]


def same_book(a, b, depth: int = 500) -> bool:
    return top(a.bids, depth, True) == top(b.bids, depth, True) and top(a.asks, depth, False) == top(
        b.asks, depth, False
    )


def server_bids(fake: FakeBinance, feed: LiveFeed, side: str = "bids") -> dict[int, int]:
    """The venue's own book at the end (its REST answer now), in the feed's ticks and lots."""
    inst = feed.instrument
    return {inst.ticks(Decimal(p)): inst.lots(Decimal(q)) for p, q in json.loads(fake._book_now())[side]}


def same_as_server(feed: LiveFeed, fake: FakeBinance, depth: int = 500) -> bool:
    """The feed's book is the venue's (its 1,000-level REST book bounds what can be compared)."""
    book = feed.market.book
    return top(book.bids, depth, True) == top(server_bids(fake, feed), depth, True) and top(
        book.asks, depth, False
    ) == top(server_bids(fake, feed, "asks"), depth, False)


@pytest.fixture
def replayed(btcusdt_recording):
    return run_replay([btcusdt_recording])


def test_a_live_feed_is_a_market_source(btcusdt_recording):
    feed = LiveFeed(USDM, "BTCUSDT")

    assert isinstance(feed, MarketSource)
    assert feed.title == "BTCUSDT live · binance-usdm"
    assert feed.binding.instrument.symbol == "BTCUSDT"


def test_live_over_the_recording_builds_the_market_a_replay_of_it_builds(btcusdt_recording, replayed):
    fake = FakeBinance(btcusdt_recording, frames_per_s=200_000)
    feed, _ = live(fake)

    market, expected = feed.market, replayed.market
    assert market.tape.total == expected.tape.total
    assert market.cvd.cvd_lots == expected.cvd.cvd_lots
    assert same_as_server(feed, fake)
    assert feed.pipeline.sync.gaps == 0
    assert feed.snapshots_fetched == 1
    assert feed.pipeline.counters.malformed == 0


def test_the_batches_reach_subscribers_with_the_market_time(btcusdt_recording):
    fake = FakeBinance(btcusdt_recording, frames_per_s=200_000)
    seen: list[int | None] = []

    async def main() -> None:
        ws_base, rest_base = await fake.start()
        feed = LiveFeed(
            USDM,
            "BTCUSDT",
            rewrite_url=lambda u: u.replace("wss://fstream.binance.com", ws_base).replace(
                "https://fapi.binance.com", rest_base
            ),
            timing=TIMING,
        )
        sessions: list = []
        feed.subscribe_sessions(sessions.append)
        feed.subscribe_batches(lambda market, ns: seen.append(ns))
        task = asyncio.ensure_future(feed.run())
        await asyncio.wait_for(fake.done.wait(), 30)
        await asyncio.sleep(0.2)
        feed.stop()
        await task
        await fake.stop()
        assert sessions == [feed.binding]
        assert feed.take_fed() and not feed.take_fed()

    asyncio.run(main())

    assert len(seen) > 10
    assert all(a <= b for a, b in itertools.pairwise(seen))  # market time only moves on


def test_a_stream_on_the_wrong_url_path_shows_stale_though_the_socket_is_up(btcusdt_recording):
    """Binance's 2026 split: trades asked for on /public are acknowledged and never sent."""
    fake = FakeBinance(btcusdt_recording, frames_per_s=20_000)

    feed, looks = live(fake, seconds=1.5, move=lambda u: u.replace("/market/", "/public/"))

    assert looks[-1].state is SourceState.STALE
    assert "btcusdt@markPrice@1s" in (looks[-1].error or "")  # the /market stream that never pauses
    assert feed.market.tape.total == 0
    assert feed.market.book.best_bid is not None  # the book looks alive: that is the trap


def test_a_lost_diff_is_a_counted_gap_repaired_from_a_fresh_snapshot(btcusdt_recording, replayed):
    fake = FakeBinance(btcusdt_recording, frames_per_s=200_000, faults=Faults(drop_diff_at=3000))

    feed, _ = live(fake)

    assert feed.pipeline.sync.gaps == 1 and feed.pipeline.sync.resyncs == 1
    assert feed.snapshots_fetched == 2
    assert same_as_server(feed, fake)  # repaired: the venue's book
    assert feed.status().state is SourceState.FINISHED


def test_what_a_live_feed_receives_is_recorded_and_replays_to_the_same_market(btcusdt_recording, tmp_path):
    recorder = Recorder(tmp_path / "recordings", USDM.instrument("BTCUSDT"))

    feed, _ = live(FakeBinance(btcusdt_recording, frames_per_s=200_000), recorder=recorder)

    (path,) = recorder.paths
    again = run_replay([path])
    assert again.market.tape.total == feed.market.tape.total
    assert same_book(again.market.book, feed.market.book, depth=5000)
    with gzip.open(path) as fh:
        assert sum(1 for _ in fh) == recorder.lines
    assert path.name.startswith("binance-usdm_BTCUSDT_") and path.with_suffix(".json").exists()


def test_recordings_rotate_by_size_and_every_file_replays(tmp_path):
    clock = iter(range(1000))
    recorder = Recorder(tmp_path, USDM.instrument("BTCUSDT"), max_bytes=300, monotonic=lambda: 0.0,
                        wall_s=lambda: 1_700_000_000 + next(clock))  # fmt: skip
    line = (
        b'1723161255088176367 {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1723161256322,'
        b'"s":"BTCUSDT","t":%d,"p":"61800.30","q":"0.006","m":false}}'
    )

    for i in range(6):
        recorder.write([line % i])
    recorder.close()

    assert len(recorder.paths) == 3
    assert sum(run_replay([p]).market.tape.total for p in recorder.paths) == 6


def test_a_symbol_the_bundled_table_lacks_comes_from_the_venue_instrument_list(btcusdt_recording):
    fake = FakeBinance(btcusdt_recording)

    async def main():
        ws_base, rest_base = await fake.start()
        try:
            to = Endpoints(ws_base, rest_base)
            doge = await resolve_instrument(USDM, "dogeusdt", to)
            with pytest.raises(
                UnknownInstrument, match=r"'NOPEUSDT' is not listed on binance-usdm \(2 instruments"
            ):
                await resolve_instrument(USDM, "NOPEUSDT", to)
            return doge
        finally:
            await fake.stop()

    instrument, metadata = asyncio.run(main())

    assert (instrument.symbol, str(instrument.tick_size), str(instrument.lot_size)) == (
        "DOGEUSDT",
        "0.00001",
        "1",
    )
    assert metadata is not None and metadata["symbol"] == "DOGEUSDT"  # kept for the recording's sidecar


def test_an_unreachable_venue_is_a_one_line_rest_error():
    to = Endpoints(rest_url="http://127.0.0.1:9")

    with pytest.raises(RestError, match="ConnectError"):
        asyncio.run(resolve_instrument(USDM, "DOGEUSDT", to))


def test_the_venue_clock_is_measured_so_latency_shows_lag_not_the_machine_clock_error(btcusdt_recording):
    fake = FakeBinance(btcusdt_recording, frames_per_s=200_000, clock_ahead_ms=1500)

    feed, looks = live(fake)

    assert feed.clock_offset_ns is not None
    assert abs(feed.clock_offset_ns + 1_500_000_000) < 50_000_000  # our clock is 1.5 s behind the venue's
    raw = print_latency_ns(feed.market)
    assert looks[-1].latency_ns == raw - feed.clock_offset_ns


def test_renewing_a_connection_before_the_24_hour_limit_leaves_no_hole_and_no_duplicate(
    btcusdt_recording, replayed
):
    from app.venues.binance.adapter import LIFETIME_S

    fake = FakeBinance(btcusdt_recording, realtime=True, speed=60)
    renew_after_1_s = dataclasses.replace(TIMING, lifetime_margin_s=LIFETIME_S - 1.0)

    feed, _ = live(fake, timing=renew_after_1_s)

    assert feed.handovers >= 2  # both sockets were renewed, some more than once
    assert len(fake.connections) >= 4
    assert feed.pipeline.sync.gaps == 0
    assert feed.market.tape.total == replayed.market.tape.total  # every print once
    assert top(feed.market.book.bids, 500, True) == top(server_bids(fake, feed), 500, True)


def test_a_dropped_binance_socket_reconnects_and_the_book_is_rebuilt_from_a_fresh_snapshot(
    btcusdt_recording, replayed
):
    fake = FakeBinance(btcusdt_recording, realtime=True, speed=120, faults=Faults(close_after=4000))

    feed, _ = live(fake)

    assert len(fake.connections) >= 3  # a path's first socket was closed after 4,000 frames: reconnected
    assert feed.snapshots_fetched >= 2 and feed.pipeline.sync.resyncs >= 1
    assert top(feed.market.book.bids, 500, True) == top(server_bids(fake, feed), 500, True)


def test_a_binance_socket_that_stalls_open_shows_stale(btcusdt_recording):
    fake = FakeBinance(btcusdt_recording, frames_per_s=20_000, faults=Faults(stall_after=500))

    _, looks = live(fake, seconds=1.5)

    assert looks[-1].state is SourceState.STALE


def test_a_rate_limited_snapshot_waits_as_the_venue_says_and_the_book_still_syncs(
    btcusdt_recording, replayed
):
    fake = FakeBinance(btcusdt_recording, frames_per_s=200_000, faults=Faults(rest_busy=2))

    feed, _ = live(fake)

    assert fake.rest_refused == 2
    assert feed.snapshots_fetched == 1 and feed.pipeline.sync.gaps == 0
    assert same_as_server(feed, fake)


def test_open_interest_is_polled_where_no_stream_carries_it(btcusdt_recording):
    feed, _ = live(FakeBinance(btcusdt_recording, frames_per_s=200_000))

    assert feed.market.open_interest is not None
    assert feed.market.open_interest.open_interest == Decimal("10659.509")
