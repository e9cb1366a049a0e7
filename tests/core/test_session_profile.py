"""The session profile holds exactly the current session's prints, grouped like the footprint."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # the dense grid and the incremental POC the chart reads every frame: the same answers
    assert sp.poc_ticks == brute.poc_ticks()
    assert sp.value_area() == brute.value_area()
    lv = brute.levels()
    keys, vols = sp.rows(int(lv.price_ticks[0]), int(lv.price_ticks[-1]))
    assert dict(zip(keys.tolist(), vols.tolist(), strict=True)) == {
        **{k: 0 for k in range(int(lv.price_ticks[0]), int(lv.price_ticks[-1]) + 1, 5)},
        **dict(zip(lv.price_ticks.tolist(), lv.volume_lots.tolist(), strict=True)),
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-40, 40), st.integers(1, 9), st.sampled_from([1, -1])), min_size=1, max_size=80
    ),
    st.integers(1, 20),
    st.sampled_from([1, 2, 5]),
)
def test_incremental_poc_and_grid_match_a_fresh_profile_however_batched(trades, batch, group):
    sp = SessionProfile(SessionSchedule.never(), group_ticks=group)
    brute = VolumeProfile(group)
    for k in range(0, len(trades), batch):
        chunk = trades[k : k + batch]
        p = np.array([100_000 + t[0] for t in chunk])
        sp.add_trades(
            np.arange(len(chunk)), p, np.array([t[1] for t in chunk]), np.array([t[2] for t in chunk])
        )
        for (_, q, s), price in zip(chunk, p.tolist(), strict=True):
            brute.add_trade(price, q, s)
        assert sp.poc_ticks == brute.poc_ticks()
    assert sp.value_area() == brute.value_area()


def test_a_quiet_market_still_clears_at_the_boundary():
    schedule = SessionSchedule.daily_utc(0, 0)
    sp = SessionProfile(schedule)
    day_ns = 24 * 60 * NS_PER_MIN
    sp.add_trades(np.array([day_ns + 5]), np.array([100]), np.array([3]), np.array([1]))
    assert sp.profile.volume_lots == 3
    assert not sp.advance_to(2 * day_ns - 1)
    assert sp.advance_to(2 * day_ns)
    assert sp.profile.volume_lots == 0 and sp.profile.poc_ticks() is None
