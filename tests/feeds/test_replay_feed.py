"""Paced replay (app/feeds/replay_feed.py): timing, batching, controls, looping (seeking and errors:
test_replay_feed_seek.py).

Timing runs on virtual time: the feed gets a fake clock and a fake sleep that advances it (and
yields to the loop once), so a 5-second recording plays in milliseconds and every instant is
exact. `VirtualTime.at(t, fn)` runs a control at clock time t, the way the UI would between two
wake-ups of the feed. Small recordings are written to tmp_path from real BTCUSDT trade lines with
chosen receive times; seek equivalence is checked on the whole real recording against a straight
replay built with `open_replay`.
"""

from __future__ import annotations

from bisect import bisect_right

import pytest

from app.feeds.replay import ReplaySession
from app.feeds.replay_feed import COALESCE_S, MAX_SLEEP_S
from tests.feeds.replay_clock import (
    EARLY,
    EPS,
    MS,
    SECOND,
    T0,
    VirtualTime,
    drive,
    every,
    make_feed,
    write_recording,
)

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
