"""Paced replay (app/feeds/replay_feed.py): timing, batching, controls, seeking, looping, errors.

Timing runs on virtual time: the feed gets a fake clock and a fake sleep that advances it (and
yields to the loop once), so a 5-second recording plays in milliseconds and every instant is
exact. `VirtualTime.at(t, fn)` runs a control at clock time t, the way the UI would between two
wake-ups of the feed. Small recordings are written to tmp_path from real BTCUSDT trade lines with
chosen receive times; seek equivalence is checked on the whole real recording against a straight
replay built with `open_replay`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import heapq
import itertools
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from app.feeds.recording import RecordingError, iter_recordings
from app.feeds.replay import ReplayError, ReplaySession, open_replay
from app.feeds.replay_feed import COALESCE_S, MAX_SLEEP_S, ReplayFeed, scan_end_ns
from app.resources import bundled_recording

BTCUSDT_RECORDING = bundled_recording()  # as in conftest; a Traversable: open() and read_bytes()
T0 = 1_723_161_255_000_000_000
MS = 1_000_000
SECOND = 1_000_000_000
EPS = 1e-6
EARLY = COALESCE_S + EPS  # a wake-up takes the lines due within the next millisecond too


# --- recordings -------------------------------------------------------------------------------------


@cache
def real_lines() -> tuple[bytes, ...]:
    with gzip.open(BTCUSDT_RECORDING.open("rb"), "rb") as fh:
        return tuple(line for line in fh.read().split(b"\n") if line)


@cache
def trade_payloads() -> tuple[bytes, ...]:
    return tuple(line.split(b" ", 1)[1] for line in real_lines() if b"@trade" in line[:80])


def write_recording(path: Path, stamps_ns: list[int]) -> Path:
    """Real trade messages with the given receive times: one trade per line, so tape.total counts lines."""
    payloads = trade_payloads()
    body = b"\n".join(b"%d %s" % (ns, payloads[i]) for i, ns in enumerate(stamps_ns))
    path.write_bytes(gzip.compress(body + b"\n"))
    return path


def every(step_ns: int, count: int, start_ns: int = T0) -> list[int]:
    return [start_ns + i * step_ns for i in range(count)]


# --- virtual time and a recording of what the pipeline was fed ---------------------------------------


class VirtualTime:
    """A clock and an `await sleep(s)` for the feed; `at(t, fn)` runs fn when the clock reaches t.

    A sleep that would pass a scheduled control ends at the control's time (the feed then simply
    looks at its state earlier than it asked to). `late_s` makes every sleep overshoot, like a
    busy event loop.
    """

    def __init__(self, late_s: float = 0.0) -> None:
        self.now_ns = 0  # integer nanoseconds: no drift from summing float sleeps
        self.late_s = late_s
        self.sleeps: list[float] = []
        self._controls: list[tuple[float, int, Callable[[], object]]] = []
        self._order = itertools.count()

    @property
    def now(self) -> float:
        return self.now_ns / SECOND

    @now.setter
    def now(self, seconds: float) -> None:
        self.now_ns = round(seconds * SECOND)

    def clock(self) -> float:
        return self.now

    def at(self, t: float, fn: Callable[[], object]) -> None:
        heapq.heappush(self._controls, (t, next(self._order), fn))

    async def sleep(self, delay_s: float) -> None:
        self.sleeps.append(delay_s)
        if len(self.sleeps) > 200_000:
            raise RuntimeError("runaway feed: far too many wake-ups")
        wake_ns = self.now_ns + round((delay_s + (self.late_s if delay_s > 0 else 0.0)) * SECOND)
        if self._controls and round(self._controls[0][0] * SECOND) <= wake_ns:
            t = self._controls[0][0]
            self.now_ns = max(self.now_ns, round(t * SECOND))
            while self._controls and self._controls[0][0] <= t:
                heapq.heappop(self._controls)[2]()
        else:
            self.now_ns = wake_ns
        await asyncio.sleep(0)


@dataclass
class Fed:
    session: int  # index into Recorder.sessions
    clock_s: float
    wake: int  # how many sleeps the feed had done: the wake-up this batch belongs to
    stamps_ns: list[int]


class Recorder:
    """Told of each session the feed starts: keeps it and wraps its pipeline.feed to log batches."""

    def __init__(self, vt: VirtualTime) -> None:
        self.vt = vt
        self.sessions: list[ReplaySession] = []
        self.fed: list[Fed] = []
        self.unsubscribe: Callable[[], None] = lambda: None

    def __call__(self, session: ReplaySession) -> None:
        index = len(self.sessions)
        self.sessions.append(session)
        inner = session.pipeline.feed

        def feed(lines: list[bytes]) -> None:
            stamps = [int(line.split(b" ", 1)[0]) for line in lines]
            self.fed.append(Fed(index, self.vt.now, len(self.vt.sleeps), stamps))
            inner(lines)

        session.pipeline.feed = feed  # type: ignore[method-assign]

    def stamps(self, session: int | None = None) -> list[int]:
        return [ns for f in self.fed if session in (None, f.session) for ns in f.stamps_ns]

    def fed_at(self) -> dict[int, float]:
        """Receive ns -> clock time it was fed (stamps are unique in the synthetic recordings)."""
        return {ns: f.clock_s for f in self.fed for ns in f.stamps_ns}


def make_feed(paths: list[Path], vt: VirtualTime, **kwargs: object) -> tuple[ReplayFeed, Recorder]:
    rec = Recorder(vt)
    kwargs.setdefault("scan_end", False)  # the scan thread would make end_ns timing-dependent
    feed = ReplayFeed(paths, clock=vt.clock, sleep=vt.sleep, **kwargs)  # type: ignore[arg-type]
    rec.unsubscribe = feed.subscribe_sessions(lambda _binding: rec(feed.session))
    return feed, rec


def drive(feed: ReplayFeed, vt: VirtualTime, stop_at_s: float | None = None) -> None:
    """Run the feed on a plain asyncio loop until it ends, or cancel it at clock time `stop_at_s`."""

    async def main() -> None:
        task = asyncio.create_task(feed.run())
        if stop_at_s is not None:
            vt.at(stop_at_s, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(main())


# --- pacing -----------------------------------------------------------------------------------------


def test_at_speed_10_market_time_advances_ten_times_faster_than_the_clock(tmp_path):
    stamps = every(100 * MS, 50)  # 4.9 s of market time
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt, speed=10)
    drive(feed, vt)

    assert rec.stamps() == stamps
    for ns, clock_s in rec.fed_at().items():
        due_s = (ns - T0) / SECOND / 10
        assert due_s - EARLY <= clock_s <= due_s + EPS, (ns, clock_s)
    assert vt.now == pytest.approx(0.49, abs=0.002)
    assert feed.finished and feed.error is None
    assert feed.market_ns == feed.end_ns == stamps[-1]
    assert feed.session.market.tape.total == 50
    assert max(vt.sleeps) <= MAX_SLEEP_S


@pytest.mark.parametrize("late_s", [0.0, 0.25], ids=["punctual-loop", "loop-wakes-250ms-late"])
def test_every_due_line_is_fed_in_one_batch_per_wake_up(tmp_path, late_s):
    # Six bursts of seven lines 10 µs apart, 200 ms between bursts.
    stamps = [T0 + burst * 200 * MS + i * 10_000 for burst in range(6) for i in range(7)]
    vt = VirtualTime(late_s=late_s)
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    drive(feed, vt)

    assert rec.stamps() == stamps
    wakes = [f.wake for f in rec.fed]
    assert len(wakes) == len(set(wakes)), "two feeds in one wake-up"
    fed_so_far = 0
    for f in rec.fed:  # each batch holds everything due at its wake-up, and nothing more
        fed_so_far += len(f.stamps_ns)
        assert fed_so_far == bisect_right(stamps, T0 + round((f.clock_s + COALESCE_S) * SECOND))
    if late_s == 0.0:
        assert [len(f.stamps_ns) for f in rec.fed] == [7] * 6  # a burst is one batch, not 1 + 6
    else:
        assert len(rec.fed) < 6  # a late loop catches up in one batch, not one batch per burst


def test_a_burst_above_the_cap_goes_in_capped_batches_without_moving_the_clock(tmp_path):
    stamps = [T0] * 30 + [T0 + SECOND]
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt, max_batch_lines=10)
    drive(feed, vt)

    assert [len(f.stamps_ns) for f in rec.fed] == [10, 10, 10, 1]
    assert [f.clock_s for f in rec.fed[:3]] == [0.0, 0.0, 0.0]
    assert vt.sleeps[:2] == [0.0, 0.0]  # the UI gets the loop between capped batches
    assert rec.fed[3].clock_s == pytest.approx(1.0, abs=EARLY)


def test_a_machine_that_cannot_keep_up_plays_slower_instead_of_racing_ahead(tmp_path):
    # 200 lines 1 ms apart, then one line 1 s later; at 10x the burst should take 20 ms of clock,
    # but every line costs 0.5 ms to apply, so it takes 100 ms. The replay clock must wait for
    # the feed: the last line still comes its recorded gap (1 s / 10) after the burst.
    stamps = [*every(MS, 200), T0 + 199 * MS + SECOND]
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt, speed=10, max_batch_lines=20)

    def slow(session: ReplaySession) -> None:
        rec(session)
        logged = session.pipeline.feed

        def feed_slowly(lines: list[bytes]) -> None:
            logged(lines)
            vt.now += 0.0005 * len(lines)

        session.pipeline.feed = feed_slowly  # type: ignore[method-assign]

    rec.unsubscribe()
    feed.subscribe_sessions(lambda _binding: slow(feed.session))
    drive(feed, vt)

    fed_at = rec.fed_at()
    assert len(fed_at) == 201
    burst_done_s = fed_at[stamps[-2]]
    assert burst_done_s >= 0.09  # it could not be applied faster
    assert fed_at[stamps[-1]] - burst_done_s >= 0.08  # no catch-up sprint (it would be ~0.02)


# --- controls ---------------------------------------------------------------------------------------


def test_pause_stops_progress_and_resume_continues_where_it_stopped(tmp_path):
    stamps = every(100 * MS, 50)
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    seen: list[tuple[float, int, int | None, bool]] = []

    def look() -> None:
        seen.append((vt.now, feed.session.market.tape.total, feed.market_ns, feed.paused))

    vt.at(1.05, feed.pause)
    vt.at(1.05, look)
    vt.at(4.0, look)
    vt.at(4.05, feed.toggle_pause)
    vt.at(4.05, look)
    drive(feed, vt, stop_at_s=4.95)

    assert seen[0] == (1.05, 11, T0 + SECOND, True)  # lines 0.0 .. 1.0 s
    assert seen[1] == (4.0, 11, T0 + SECOND, True)  # three seconds paused: nothing moved
    assert seen[2] == (4.05, 11, T0 + SECOND, False)
    fed_at = rec.fed_at()
    assert not [t for t in fed_at.values() if 1.05 < t < 4.05]
    for ns, clock_s in fed_at.items():  # after the pause everything is exactly 3 s later
        due_s = (ns - T0) / SECOND + (3.0 if ns > T0 + SECOND else 0.0)
        assert due_s - EARLY <= clock_s <= due_s + EPS, (ns, clock_s)
    assert feed.market_ns == T0 + 1_900 * MS  # 4.95 s of clock minus 3 s paused
    assert not feed.running and not feed.finished


def test_pause_before_run_holds_the_first_line_back(tmp_path):
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", every(100 * MS, 5))], vt)
    feed.pause()
    drive(feed, vt, stop_at_s=1.0)
    assert rec.fed == [] and feed.market_ns is None
    assert len(rec.sessions) == 1  # announced all the same, so the UI can show the instrument


def test_set_speed_reanchors_the_replay_clock_without_a_jump(tmp_path):
    stamps = every(100 * MS, 50)
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    vt.at(1.05, lambda: feed.set_speed(10))
    drive(feed, vt)

    for ns, clock_s in rec.fed_at().items():
        market_s = (ns - T0) / SECOND
        due_s = market_s if market_s <= 1.05 else 1.05 + (market_s - 1.05) / 10
        assert due_s - EARLY <= clock_s <= due_s + EPS, (ns, clock_s)
    assert vt.now == pytest.approx(1.05 + 3.85 / 10, abs=0.002)
    assert feed.speed == 10


def test_speed_is_clamped_to_a_quarter_up_to_a_hundred(tmp_path):
    vt = VirtualTime()
    feed, _ = make_feed([write_recording(tmp_path / "r.gz", every(MS, 3))], vt, speed=500)
    assert feed.speed == 100
    assert feed.set_speed(0.01) == 0.25 == feed.speed
    assert feed.set_speed(2.5) == 2.5
    with pytest.raises(ValueError, match="NaN"):
        feed.set_speed(float("nan"))


def test_a_cancelled_run_freezes_the_clock_and_a_new_run_continues_from_there(tmp_path):
    stamps = every(100 * MS, 30)
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    drive(feed, vt, stop_at_s=1.05)
    assert not feed.running and feed.market_ns == T0 + SECOND

    vt.now += 10.0  # the app did other things
    drive(feed, vt, stop_at_s=11.45)
    assert feed.market_ns == T0 + 1_400 * MS
    assert rec.fed_at()[T0 + 1_100 * MS] == pytest.approx(11.1, abs=EARLY)
    assert len(rec.sessions) == 1


def test_restart_plays_from_the_first_line_in_a_fresh_session(tmp_path):
    stamps = every(100 * MS, 20)
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    vt.at(1.05, feed.restart)
    drive(feed, vt, stop_at_s=1.5)

    assert len(rec.sessions) == feed.sessions_started == 2
    first, second = rec.sessions
    assert first.market is not second.market and feed.session is second
    assert first.market.tape.total == 11
    assert second.market.tape.total == 5  # 0.0 .. 0.4 s in the 0.45 s since the restart
    assert feed.market_ns == T0 + 400 * MS
    assert rec.fed_at()[T0] == 1.05


def test_restart_after_the_end_plays_again_with_a_new_run(tmp_path):
    stamps = every(10 * MS, 10)
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt)
    drive(feed, vt)
    assert feed.finished
    drive(feed, vt)  # finished and nothing asked for: returns at once
    assert len(rec.sessions) == 1

    feed.restart()
    assert not feed.finished
    drive(feed, vt)
    assert feed.finished and len(rec.sessions) == 2
    assert [s.market.tape.total for s in rec.sessions] == [10, 10]


# --- looping ----------------------------------------------------------------------------------------


def test_loop_starts_over_with_a_fresh_session_at_the_end(tmp_path):
    stamps = every(100 * MS, 20)  # 1.9 s
    vt = VirtualTime()
    feed, rec = make_feed([write_recording(tmp_path / "r.gz", stamps)], vt, loop=True)
    drive(feed, vt, stop_at_s=2.5)

    assert len(rec.sessions) == feed.sessions_started == 2
    first, second = rec.sessions
    assert first.market.tape.total == 20
    assert second.market is not first.market
    assert 0 < second.market.tape.total == len(rec.stamps(session=1)) < 20
    assert rec.stamps(session=1) == stamps[: second.market.tape.total]  # from the first line again
    assert feed.end_ns == stamps[-1]
    assert feed.market_ns is not None and feed.market_ns < feed.end_ns  # the clock went back
    assert not feed.finished


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
