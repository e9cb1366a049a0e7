"""Three venues' replays as one source: one market (the aggregate) fed after every batch of any
venue, each feed's own status kept, the combined state the best of theirs, and a venue that
starts over going on in the aggregate without losing what was merged."""

from __future__ import annotations

import asyncio

from reference.recordings import btc_recordings

from app.feeds.aggregate_source import AggregateSource
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import SourceState


def make(shared_data, btcusdt_recording, tmp_path, loop: bool = False) -> AggregateSource:
    paths = btc_recordings(shared_data, btcusdt_recording, tmp_path)
    return AggregateSource([ReplayFeed([p], speed=100, loop=loop) for p in paths])


def test_every_batch_of_any_venue_reaches_the_aggregate_and_its_subscribers(
    shared_data, btcusdt_recording, tmp_path
):
    source = make(shared_data, btcusdt_recording, tmp_path)
    batches = []
    source.subscribe_batches(lambda market, ns: batches.append((market, ns)))

    async def play() -> None:
        await asyncio.wait_for(source.run(), 30)  # every leg plays to its end

    asyncio.run(play())

    agg = source.aggregate
    assert batches and all(market is agg.state for market, _ in batches)
    assert agg.state.tape.total == 21_313 + 64 + 4
    assert agg.cvd_units == sum(agg.venue_cvd_units())
    assert source.status().state is SourceState.FINISHED
    assert [name for name, _ in source.leg_statuses()] == ["binance-usdm", "hyperliquid", "okx-swap"]
    assert list(source.markets) == [
        "aggregate:BTC (3 venues)",
        "binance-usdm:BTCUSDT",
        "hyperliquid:BTC",
        "okx-swap:BTC-USD-220527",
    ]


def test_the_combined_state_is_the_best_of_the_legs_and_names_a_failing_one(
    shared_data, btcusdt_recording, tmp_path
):
    source = make(shared_data, btcusdt_recording, tmp_path)
    source.legs[2]._error = "okx: socket closed"  # a leg that stopped on an error

    status = source.status()

    assert status.state is SourceState.PLAYING and status.kind == "aggregate"
    assert status.error == "okx-swap: okx: socket closed"
    assert dict(status.health)["okx-swap messages"] == 0


def test_a_venue_that_starts_over_goes_on_without_losing_the_merged_prints(
    shared_data, btcusdt_recording, tmp_path
):
    source = make(shared_data, btcusdt_recording, tmp_path, loop=True)
    hl = source.legs[1]

    async def play() -> None:
        task = asyncio.ensure_future(source.run())
        while hl.sessions_started < 3:  # Hyperliquid's 25 s loop twice at 100×
            await asyncio.sleep(0.05)
        source.stop()
        await task

    asyncio.run(play())

    agg = source.aggregate
    assert agg.legs[1] is hl.binding.market  # the aggregate follows the venue's new market
    merged_hl = int((agg.venues.last(len(agg.venues)) == 1).sum())
    assert merged_hl >= 2 * 64 and agg.state.tape.total == len(agg.venues)
