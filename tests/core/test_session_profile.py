"""The session profile holds exactly the current session's prints, grouped like the footprint."""

from __future__ import annotations

import numpy as np

from app.core.profile import VolumeProfile
from app.core.session_profile import SessionProfile
from app.core.sessions import SessionSchedule
from app.core.units import NS_PER_MIN
from app.feeds.replay import run_replay


def test_profile_resets_at_the_boundary_and_matches_a_fresh_profile_of_the_session(btcusdt_recording):
    prints = run_replay([btcusdt_recording]).market.tape.all()
    mid_ns = int(prints.exchange_ns[prints.size // 2])
    schedule = SessionSchedule((mid_ns - mid_ns % NS_PER_MIN) % (24 * 60 * NS_PER_MIN))
    sp = SessionProfile(schedule, group_ticks=5)
    for k in range(0, prints.size, 3000):
        sl = slice(k, k + 3000)
        sp.add_trades(prints.exchange_ns[sl], prints.price_ticks[sl], prints.qty_lots[sl], prints.side[sl])
    sid = schedule.session_ids(prints.exchange_ns)
    last = sid == sid[-1]
    assert 0 < int(last.sum()) < prints.size  # the recording crosses the boundary
    brute = VolumeProfile(5)
    cols = (prints.price_ticks[last], prints.qty_lots[last], prints.side[last])
    for p, q, s in zip(*(c.tolist() for c in cols), strict=True):
        brute.add_trade(p, q, s)
    assert sp.profile.cells == brute.cells
    assert sp.profile.poc_ticks() == brute.poc_ticks()
    assert sp.profile.value_area() == brute.value_area()


def test_a_quiet_market_still_clears_at_the_boundary():
    schedule = SessionSchedule.daily_utc(0, 0)
    sp = SessionProfile(schedule)
    day_ns = 24 * 60 * NS_PER_MIN
    sp.add_trades(np.array([day_ns + 5]), np.array([100]), np.array([3]), np.array([1]))
    assert sp.profile.volume_lots == 3
    assert not sp.advance_to(2 * day_ns - 1)
    assert sp.advance_to(2 * day_ns)
    assert sp.profile.volume_lots == 0 and sp.profile.poc_ticks() is None
