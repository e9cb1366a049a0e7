"""The replay as a source (app/feeds/source.py): subscribers for batches and sessions, status(), stop().

On virtual time, with the small recordings of test_replay_feed.py: every batch and every session
is seen by every subscriber, and the status says what the player does, as the status bar shows it.
"""

from __future__ import annotations

from pathlib import Path

from app.core.market import MarketState
from app.feeds.source import MarketBinding, MarketSource, SourceState, Transport
from tests.feeds.replay_clock import (
    BTCUSDT_RECORDING,
    MS,
    SECOND,
    VirtualTime,
    drive,
    every,
    make_feed,
    write_recording,
)


def test_a_replay_is_a_market_source_and_a_transport(tmp_path: Path) -> None:
    feed, _ = make_feed([write_recording(tmp_path / "day.gz", every(MS, 3))], VirtualTime())

    assert isinstance(feed, MarketSource) and isinstance(feed, Transport)
    assert feed.title == "BTCUSDT replay · day.gz"
    assert feed.binding.market is feed.session.market
    assert feed.markets == {f"{feed.session.instrument.venue}:BTCUSDT": feed.binding}


def test_every_batch_subscriber_sees_every_batch_until_it_unsubscribes(tmp_path: Path) -> None:
    stamps = every(100 * MS, 10)
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    first: list[int | None] = []
    second: list[tuple[MarketState, int | None]] = []
    feed.subscribe_batches(lambda _market, now_ns: first.append(now_ns))
    stop_second = feed.subscribe_batches(lambda market, now_ns: second.append((market, now_ns)))
    vt.at(0.45, stop_second)

    drive(feed, vt)

    assert first == [f.stamps_ns[-1] for f in rec.fed]  # one call per batch, with its replay time
    assert first[-1] == stamps[-1]
    assert 0 < len(second) < len(first)
    assert [ns for _, ns in second] == first[: len(second)]
    assert all(market is feed.session.market for market, _ in second)


def test_every_session_is_announced_to_every_session_subscriber(tmp_path: Path) -> None:
    vt = VirtualTime()
    feed, _ = make_feed([write_recording(tmp_path / "r.gz", every(100 * MS, 10))], vt)
    seen: list[MarketBinding] = []
    also: list[int] = []
    feed.subscribe_sessions(seen.append)
    feed.subscribe_sessions(lambda binding: also.append(binding.session))
    vt.at(0.55, feed.restart)

    drive(feed, vt)

    assert [b.session for b in seen] == also == [1, 2]
    assert seen[0].market is not seen[1].market  # a restart starts from an empty market
    assert seen[1] == feed.binding and seen[1].market is feed.session.market
    assert seen[1].instrument.symbol == "BTCUSDT"


def test_status_follows_the_player_and_counts_the_current_session(tmp_path: Path) -> None:
    stamps = every(100 * MS, 10)
    vt = VirtualTime()
    feed, _ = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt, speed=2)
    assert feed.status().state is SourceState.PLAYING
    assert feed.status().latency_ns is None  # no print yet
    seen = {}
    vt.at(0.1, lambda: seen.setdefault("playing", feed.status()))
    vt.at(0.1, feed.pause)
    vt.at(0.2, lambda: seen.setdefault("paused", feed.status()))
    vt.at(0.3, feed.resume)

    drive(feed, vt)

    playing, paused, done = seen["playing"], seen["paused"], feed.status()
    assert (playing.state, playing.kind, playing.speed) == (SourceState.PLAYING, "replay", 2.0)
    assert 0 < playing.messages < len(stamps)
    assert paused.state is SourceState.PAUSED
    assert done.state is SourceState.FINISHED and done.error is None
    assert (done.messages, done.malformed, done.session) == (len(stamps), 0, 1)
    last = feed.session.market.tape.last(1)
    assert done.latency_ns == int(last.receive_ns[0]) - int(last.exchange_ns[0])


def test_status_says_seeking_while_a_seek_fast_forwards(tmp_path: Path) -> None:
    vt = VirtualTime()
    feed, _ = make_feed([BTCUSDT_RECORDING], vt, max_batch_lines=100)  # type: ignore[list-item]
    states: list[SourceState] = []
    feed.subscribe_batches(lambda _m, _ns: states.append(feed.status().state))
    vt.at(0.01, lambda: feed.jump_to(feed.start_ns + 60 * SECOND))
    vt.at(0.02, feed.pause)

    drive(feed, vt, stop_at_s=1.0)

    assert SourceState.SEEKING in states
    assert feed.status().state is SourceState.PAUSED


def test_a_damaged_recording_shows_as_failed_with_its_reason(tmp_path: Path) -> None:
    data = BTCUSDT_RECORDING.read_bytes()
    cut = tmp_path / "cut.gz"
    cut.write_bytes(data[: len(data) // 3])
    vt = VirtualTime()
    feed, _ = make_feed([cut], vt, speed=100)

    drive(feed, vt)

    status = feed.status()
    assert status.state is SourceState.FAILED
    assert status.error == feed.error and "truncated" in status.error


def test_stop_makes_run_return_at_the_next_wake_up(tmp_path: Path) -> None:
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", every(100 * MS, 50))], vt)
    vt.at(1.0, feed.stop)

    drive(feed, vt)  # returns: not cancelled, not at the end

    assert not feed.running and not feed.finished
    assert rec.stamps() == every(100 * MS, 10)  # the wake-up at 1.0 s sees the stop before feeding
    assert feed.status().state is SourceState.PLAYING
