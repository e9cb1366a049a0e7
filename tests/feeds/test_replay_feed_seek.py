"""Paced replay: seeking to any time gives a straight replay's state; the end, errors, feed times."""

from __future__ import annotations

import asyncio
import contextlib
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

import pytest

from app.feeds.recording import RecordingError, iter_recordings
from app.feeds.replay import ReplayError, ReplaySession, open_replay
from app.feeds.replay_feed import ReplayFeed, scan_end_ns
from tests.feeds.replay_clock import (
    BTCUSDT_RECORDING,
    EARLY,
    MS,
    SECOND,
    T0,
    VirtualTime,
    drive,
    every,
    make_feed,
    write_recording,
)

# --- seeking ----------------------------------------------------------------------------------------


def market_state(session: ReplaySession) -> dict[str, object]:
    market = session.market
    return {
        "trades": market.tape.total,
        "cvd": market.cvd.cvd_lots,
        "buy": market.buy_lots,
        "sell": market.sell_lots,
        "best": (market.book.best_bid, market.book.best_ask),
        "bids": dict(market.book.bids),
        "asks": dict(market.book.asks),
        "high_low": (market.high_ticks, market.low_ticks),
        "ticker": market.ticker,
        "messages": session.pipeline.counters.messages,
        "applied": session.pipeline.sync.applied,
        "bars": len(market.bars.bars),
    }


def straight_replay_states(path: Path, targets_ns: list[int]) -> dict[int, dict[str, object]]:
    """What a fresh session holds after every line received at or before each target."""
    session, batches = open_replay([path])
    lines = [line for batch in batches for line in batch]
    stamps = [int(line.split(b" ", 1)[0]) for line in lines]
    states = {}
    pos = 0
    for target in sorted(targets_ns):
        end = bisect_right(stamps, target)
        session.pipeline.feed(lines[pos:end])
        pos = end
        states[target] = market_state(session)
    return states


@pytest.mark.slow
def test_jump_forward_and_back_gives_the_state_of_a_straight_replay(btcusdt_recording):
    vt = VirtualTime()
    feed, rec = make_feed([btcusdt_recording], vt, summary=True)  # compares buy/sell/high/low too
    start = feed.start_ns
    forward, back, forward_again = start + 200 * SECOND + 123, start + 60 * SECOND, start + 150 * SECOND
    expected = straight_replay_states(btcusdt_recording, [forward, back, forward_again])
    got: dict[int, dict[str, object]] = {}
    notes: list[tuple[int, int | None, bool]] = []

    def seek(target: int) -> Callable[[], None]:
        return lambda: feed.jump_to(target)

    def look(target: int) -> Callable[[], None]:
        def record() -> None:
            got[target] = market_state(feed.session)
            notes.append((len(rec.sessions), feed.market_ns, feed.seeking))

        return record

    vt.at(0.5, feed.pause)
    vt.at(0.5, seek(forward))
    vt.at(1.0, look(forward))
    vt.at(1.0, seek(back))
    vt.at(1.5, look(back))
    vt.at(1.5, seek(forward_again))
    vt.at(2.0, look(forward_again))
    vt.at(2.0, feed.resume)
    drive(feed, vt, stop_at_s=2.2)

    for target in (forward, back, forward_again):
        assert got[target] == expected[target], target
    # forward seeks continue the session; the backward one needs a fresh book (snapshot first)
    assert [n[0] for n in notes] == [1, 2, 2]
    assert [n[2] for n in notes] == [False, False, False]
    for (_, market_ns, _), target in zip(notes, got, strict=True):
        assert market_ns is not None and market_ns <= target
    # seeks go in capped batches; then playback continues paced from the target, not from the start
    after = [f for f in rec.fed if f.clock_s > 2.0]
    assert after and after[0].stamps_ns[0] > forward_again
    assert feed.market_ns is not None and feed.market_ns <= forward_again + round(0.2 * SECOND)


def test_jump_to_is_clamped_to_the_recording_and_works_before_run(tmp_path):
    stamps = every(100 * MS, 20)
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    feed.pause()
    feed.jump_to(T0 + 550 * MS)
    drive(feed, vt, stop_at_s=0.5)
    assert feed.market_ns == T0 + 500 * MS and rec.fed[0].clock_s == 0.0

    feed.jump_to(0)  # before the start: to the first line, in a fresh session
    drive(feed, vt, stop_at_s=1.0)
    assert feed.market_ns == T0 and len(rec.sessions) == 2
    assert feed.session.market.tape.total == 1


# --- the end and errors -----------------------------------------------------------------------------


def test_end_ns_is_known_after_the_first_pass_without_the_scan(tmp_path):
    stamps = every(10 * MS, 10)
    vt = VirtualTime()
    feed, _ = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    assert feed.start_ns == T0 and feed.end_ns is None
    drive(feed, vt)
    assert feed.end_ns == stamps[-1]


def test_the_scan_finds_the_end_long_before_playback_gets_there(tmp_path):
    stamps = every(SECOND, 100)  # 99 s at real speed

    async def main() -> ReplayFeed:
        feed = ReplayFeed([write_recording(tmp_path / "r.gz", stamps)])  # real clock and sleep
        task = asyncio.create_task(feed.run())
        for _ in range(200):
            await asyncio.sleep(0.01)
            if feed.end_ns is not None:
                break
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return feed

    feed = asyncio.run(main())
    assert feed.end_ns == stamps[-1]
    assert feed.market_ns == T0


def test_a_truncated_recording_stops_the_feed_with_an_error_after_the_readable_lines(tmp_path):
    data = BTCUSDT_RECORDING.read_bytes()
    cut = tmp_path / "cut.gz"
    cut.write_bytes(data[: len(data) * 4 // 10])
    readable: list[bytes] = []
    with pytest.raises(RecordingError):
        for batch in iter_recordings([cut]):
            readable += batch
    trades_before_cut = sum(1 for line in readable if b"@trade" in line[:80])

    vt = VirtualTime()
    feed, _ = make_feed([cut], vt, speed=100)
    drive(feed, vt)  # returns normally
    assert feed.error is not None and "truncated" in feed.error
    assert feed.finished
    assert feed.session.market.tape.total == trades_before_cut > 0
    assert feed.market_ns == int(readable[-1].split(b" ", 1)[0])
    assert scan_end_ns([cut]) == feed.market_ns

    feed.jump_to(feed.start_ns + 10 * SECOND)  # a seek after the error reopens the recording
    assert feed.error is None
    feed.pause()
    drive(feed, vt, stop_at_s=vt.now + 0.2)
    assert feed.error is None and feed.sessions_started == 2
    assert feed.market_ns is not None and feed.market_ns <= feed.start_ns + 10 * SECOND


def test_a_missing_recording_fails_at_construction():
    with pytest.raises(ReplayError, match="no such file"):
        ReplayFeed([Path("/nonexistent/rec.gz")])


def test_take_fed_reports_each_batch_feed_time_once(tmp_path):
    stamps = every(100 * MS, 10)
    vt = VirtualTime()
    feed, _ = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    taken: list[list[float]] = []
    for t in (0.25, 0.26, 0.55):  # a frame clock looking at 0.25 s, again at once, then at 0.55 s
        vt.at(t, lambda: taken.append(feed.take_fed()))
    drive(feed, vt)

    # Batches were fed at 0.0, 0.1, 0.2; none between the first two looks; then 0.3, 0.4, 0.5.
    assert taken[0] == pytest.approx([0.0, 0.1, 0.2], abs=EARLY)
    assert taken[1] == []
    assert taken[2] == pytest.approx([0.3, 0.4, 0.5], abs=EARLY)
