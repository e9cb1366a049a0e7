"""`SyntheticFeed` as a source: it runs on the app's real qasync loop and fills a MarketState
through the pipeline with nothing malformed, no gap and a BBO check that agrees; its transport
(pause, speed, jump forward, restart) is the replay's, so it is checked on virtual time the way
the replay is; labels appear only once played."""

from __future__ import annotations

import asyncio
import contextlib

import qasync

from app.core.units import NS_PER_S
from app.feeds.replay import build_session
from app.feeds.source import MarketSource, SourceState, Transport
from app.feeds.synthetic.source import SyntheticFeed
from app.feeds.synthetic.stream import SyntheticConfig, SyntheticMarket
from app.venues.synthetic import SYNTHETIC
from tests.feeds.replay_clock import VirtualTime

CONFIG = SyntheticConfig(seed=7, first_gap_ns=2 * NS_PER_S, gap_ns=(3 * NS_PER_S, 4 * NS_PER_S))


def run_virtual(feed: SyntheticFeed, vt: VirtualTime, until_s: float) -> None:
    async def main() -> None:
        task = asyncio.create_task(feed.run())
        vt.at(until_s, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_it_is_a_source_and_a_transport_titled_by_symbol_scenarios_and_seed():
    feed = SyntheticFeed(CONFIG)

    assert isinstance(feed, MarketSource) and isinstance(feed, Transport)
    assert feed.title == "BTC-SIM synthetic · random · seed 7"
    assert feed.status().kind == "synthetic"
    assert feed.end_ns is None  # endless


def test_it_runs_on_the_apps_qasync_loop_into_a_clean_market(qapp):
    feed = SyntheticFeed(CONFIG, speed=50)
    batches: list[int | None] = []
    feed.subscribe_batches(lambda _market, ns: batches.append(ns))

    async def main() -> None:
        task = asyncio.create_task(feed.run())
        await asyncio.sleep(1.0)  # ~50 s of market at 50x
        for _ in range(150):  # a loaded machine plays slower than its clock: give it up to 15 s more
            played_ns = (feed.market_ns or 0) - feed.start_ns
            if played_ns > 20 * NS_PER_S and feed.binding.market.tape.total > 100:
                break
            await asyncio.sleep(0.1)
        feed.stop()
        await task

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
        runner.run(main())

    status, market = feed.status(), feed.binding.market
    # the first scenario, a CVD divergence, keeps the background quiet for most of these 50 s
    assert status.state is SourceState.PLAYING and status.messages > 500
    assert (status.malformed, status.gaps, status.resyncs) == (0, 0, 0)
    assert feed.session.bbo_check.checks > 100 and feed.session.bbo_check.mismatches == 0
    assert market.tape.total > 100 and market.book.best_bid < market.book.best_ask
    assert len(batches) > 20 and batches == sorted(batches)  # paced: many batches, in market order
    assert 20 * NS_PER_S < (feed.market_ns or 0) - feed.start_ns < 80 * NS_PER_S


def test_pause_holds_the_market_and_speed_scales_it():
    vt = VirtualTime()
    feed = SyntheticFeed(CONFIG, speed=2, clock=vt.clock, sleep=vt.sleep)
    seen: dict[str, int] = {}
    vt.at(1.0, lambda: seen.setdefault("at_1s", feed.market_ns or 0))
    vt.at(1.0, feed.pause)
    vt.at(3.0, lambda: seen.setdefault("paused", feed.market_ns or 0))
    vt.at(3.0, feed.resume)
    vt.at(3.0, lambda: feed.set_speed(10))

    run_virtual(feed, vt, until_s=4.0)

    start = feed.start_ns
    assert abs(seen["at_1s"] - start - 2 * NS_PER_S) < NS_PER_S // 5  # 1 s of clock at 2x
    assert seen["paused"] == seen["at_1s"] or seen["paused"] - seen["at_1s"] < NS_PER_S // 50
    assert abs((feed.market_ns or 0) - start - 12 * NS_PER_S) < NS_PER_S // 2  # + 1 s at 10x


def test_a_forward_jump_and_a_restart_reach_the_market_a_straight_run_reaches():
    vt = VirtualTime()
    feed = SyntheticFeed(CONFIG, clock=vt.clock, sleep=vt.sleep)
    target = feed.start_ns + 30 * NS_PER_S
    vt.at(0.5, lambda: feed.jump_to(target))
    trades_after_jump: list[int] = []
    vt.at(1.0, lambda: trades_after_jump.append(feed.binding.market.tape.total))
    run_virtual(feed, vt, until_s=1.0)

    straight = build_session(SYNTHETIC, CONFIG.instrument, summary=False)
    for batch in SyntheticMarket(CONFIG).batches():
        due = [line for line in batch if int(line.partition(b" ")[0]) <= feed.market_ns]  # type: ignore[operator]
        straight.pipeline.feed(due)
        if len(due) < len(batch):
            break

    market = feed.binding.market
    assert feed.market_ns is not None and feed.market_ns >= target
    assert market.tape.total == straight.market.tape.total == trades_after_jump[0]
    assert market.book.bids == straight.market.book.bids and market.book.asks == straight.market.book.asks
    assert [label.ts_ns for label in feed.labels()] == [
        label.ts_ns for label in straight_labels(feed.market_ns)
    ]

    first_session = feed.sessions_started
    vt2 = VirtualTime()
    feed._clock, feed._sleep = vt2.clock, vt2.sleep
    feed.restart()
    run_virtual(feed, vt2, until_s=0.2)
    assert feed.sessions_started == first_session + 1
    assert (feed.market_ns or 0) - feed.start_ns < NS_PER_S  # back at the start, the same seed


def straight_labels(until_ns: int):
    market = SyntheticMarket(CONFIG)
    for _ in market.batches():
        if market.sim.now_ns > until_ns + NS_PER_S:
            break
    return [label for label in market.labels if (label.end_ns or 0) <= until_ns]


def test_labels_appear_once_their_scenario_has_played_never_ahead():
    vt = VirtualTime()
    feed = SyntheticFeed(CONFIG, speed=20, clock=vt.clock, sleep=vt.sleep)
    counts: list[tuple[int, int]] = []
    for t in range(1, 8):
        vt.at(float(t), lambda: counts.append((feed.market_ns or 0, len(feed.labels()))))

    run_virtual(feed, vt, until_s=8.0)

    assert counts[-1][1] >= 3  # 140 s of market, a scenario every ~6 s at most
    assert [n for _, n in counts] == sorted(n for _, n in counts)
    assert all((label.end_ns or 0) <= (feed.market_ns or 0) for label in feed.labels())
    assert len(feed.generator.labels) >= len(feed.labels())  # generated ahead, shown when played
