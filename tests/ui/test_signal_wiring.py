"""The signal engine wired to a real source: the same signals the headless `signals` command finds,
and a replay that starts over is not listed twice."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.market import Changed
from app.core.signals.engine import SignalSettings
from app.core.signals.kinds import Signal, SignalKind
from app.feeds.replay_feed import ReplayFeed
from app.feeds.signals_scan import scan
from app.ui.signal_wiring import SignalWiring


class VirtualTime:
    """A clock that moves only when the feed sleeps: a replay plays as fast as the machine can."""

    def __init__(self) -> None:
        self.now_s = 0.0

    def clock(self) -> float:
        return self.now_s

    async def sleep(self, seconds: float) -> None:
        self.now_s += seconds
        await asyncio.sleep(0)


def fast_replay(recording: Path) -> ReplayFeed:
    t = VirtualTime()
    return ReplayFeed([recording], speed=100, loop=False, scan_end=False, clock=t.clock, sleep=t.sleep)


@pytest.fixture(scope="module")
def headless(btcusdt_recording: Path) -> list[Signal]:
    _inst, found = scan([btcusdt_recording], SignalSettings())
    return [replace(s, end_ns=None) for s in found]  # the command fills in zone retests at the end


def test_the_wiring_over_a_replay_finds_what_the_headless_scan_finds(
    btcusdt_recording: Path, headless: list[Signal]
) -> None:
    feed = fast_replay(btcusdt_recording)
    wiring = SignalWiring(feed, cap=10_000)
    heard: list[Signal] = []
    wiring.subscribe(heard.extend)

    asyncio.run(feed.run())
    wiring.flush()

    assert feed.finished and feed.error is None
    assert wiring.signals.items == headless
    assert heard == headless
    assert len(headless) > 100  # the recording's 154 signals (docs/SIGNALS.md)
    assert wiring.engines_built == 1
    wiring.close()


def test_the_engine_runs_at_its_own_pace_not_after_every_batch_and_finds_the_same(
    btcusdt_recording: Path, headless: list[Signal]
) -> None:
    """A batch every few ms would cost the engine's set-up each time; results cannot differ."""
    feed = fast_replay(btcusdt_recording)
    wiring = SignalWiring(feed, cap=10_000, min_interval_s=0.02)
    batches: list[int] = []
    feed.subscribe_batches(lambda *_: batches.append(1))

    asyncio.run(feed.run())
    wiring.flush()

    assert len(batches) > 100
    assert 0 < wiring.runs < len(batches) / 3
    assert wiring.signals.items == headless
    wiring.close()


def test_a_restart_rebuilds_the_engine_and_lists_nothing_twice(
    btcusdt_recording: Path, headless: list[Signal]
) -> None:
    feed = fast_replay(btcusdt_recording)
    wiring = SignalWiring(feed, cap=10_000)

    async def play_restart_play() -> None:
        task = asyncio.create_task(feed.run())
        while len(wiring.signals) < 20:
            await asyncio.sleep(0)
        first_market = feed.binding.market
        feed.restart()
        while feed.binding.market is first_market:
            await asyncio.sleep(0)
        assert len(wiring.signals) == 0  # the list started over with the session
        await task

    asyncio.run(play_restart_play())
    wiring.flush()

    assert feed.binding.session == 2
    assert wiring.engines_built == 2
    assert wiring.engine is not None and wiring.engine.market is feed.binding.market
    assert wiring.signals.items == headless
    wiring.close()


def test_a_detector_turned_off_leaves_the_list_and_stops_running(btcusdt_recording: Path) -> None:
    feed = fast_replay(btcusdt_recording)
    wiring = SignalWiring(feed)

    async def play_some() -> None:
        task = asyncio.create_task(feed.run())
        while not any(s.kind is SignalKind.LARGE_PRINT for s in wiring.signals.items):
            await asyncio.sleep(0)
        feed.binding.market.take_changes()
        wiring.set_enabled(set(SignalKind) - {SignalKind.LARGE_PRINT})
        assert feed.binding.market.changed & Changed.SIGNALS
        await task

    asyncio.run(play_some())

    assert wiring.signals.items and not any(s.kind is SignalKind.LARGE_PRINT for s in wiring.signals.items)
    assert wiring.engine is not None and wiring.engine.large is None
    wiring.close()
