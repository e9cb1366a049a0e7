import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.delta import CumulativeDelta
from app.core.sessions import DAY_NS, SessionSchedule

SEC = 10**9
MIDNIGHT = 19676 * DAY_NS  # 2023-11-15 00:00 UTC


def arrays(trades):
    ts, qty, side = zip(*trades, strict=True)
    return np.array(ts, np.int64), np.array(qty, np.int64), np.array(side, np.int8)


def reference(trades, offset_ns, min_qty):
    """Plain loop: per trade, the day it falls in (never earlier than the last one), reset on a new day."""
    out, day, cvd, buy, sell = [], None, 0, 0, 0
    for t, q, s in trades:
        d = 0 if offset_ns is None else (t - offset_ns) // DAY_NS
        if day is not None:
            d = max(d, day)
        if d != day:
            day, cvd, buy, sell = d, 0, 0, 0
        if q >= min_qty:
            cvd += q * s
            if s == 1:
                buy += q
            else:
                sell += q
        out.append(cvd)
    return out, day, buy, sell


def test_story_midnight_inside_one_batch():
    cvd = CumulativeDelta()
    trades = [(MIDNIGHT - SEC, 5, 1), (MIDNIGHT - 1, 2, -1), (MIDNIGHT, 1, 1), (MIDNIGHT + SEC, 4, -1)]
    out = cvd.add_trades(*arrays(trades))
    assert out.tolist() == [5, 3, 1, -3]
    assert out.dtype == np.int64
    assert cvd.cvd_lots == -3
    assert (cvd.session_buy_lots, cvd.session_sell_lots) == (1, 4)
    assert cvd.session_id == 19676


def test_story_size_filter():
    cvd = CumulativeDelta(min_qty_lots=3)
    trades = [(MIDNIGHT - SEC, 5, 1), (MIDNIGHT - 1, 2, -1), (MIDNIGHT, 1, 1), (MIDNIGHT + SEC, 4, -1)]
    assert cvd.add_trades(*arrays(trades)).tolist() == [5, 5, 0, -4]
    assert (cvd.session_buy_lots, cvd.session_sell_lots) == (0, 4)


def test_story_never_reset_and_offset():
    never = CumulativeDelta(SessionSchedule.never())
    assert never.add_trades(*arrays([(MIDNIGHT - 1, 3, 1), (MIDNIGHT + 5 * DAY_NS, 1, -1)])).tolist() == [
        3,
        2,
    ]
    assert never.session_id == 0
    at_22 = CumulativeDelta(SessionSchedule.daily_utc(22))
    assert at_22.add_trades(*arrays([(MIDNIGHT - 3 * 3600 * SEC, 7, 1), (MIDNIGHT, 2, 1)])).tolist() == [7, 2]


def test_story_carry_across_batches_and_single_trades():
    cvd = CumulativeDelta()
    cvd.add_trades(*arrays([(MIDNIGHT - 10, 10, 1), (MIDNIGHT - 9, 3, -1)]))
    assert cvd.add_trade(MIDNIGHT - 8, 4, 1) == 11
    assert cvd.add_trades(*arrays([(MIDNIGHT - 7, 1, -1), (MIDNIGHT + 1, 6, -1)])).tolist() == [10, -6]
    assert cvd.add_trade(MIDNIGHT + 2, 2, 1) == -4


def test_late_trade_from_previous_session_counts_in_the_current_one():
    cvd = CumulativeDelta()
    out = cvd.add_trades(*arrays([(MIDNIGHT - 5, 9, 1), (MIDNIGHT + 5, 2, 1), (MIDNIGHT - 1, 1, -1)]))
    assert out.tolist() == [9, 2, 1]
    assert cvd.session_id == 19676


def test_advance_to_resets_in_a_quiet_market():
    cvd = CumulativeDelta()
    assert cvd.session_id is None
    cvd.add_trade(MIDNIGHT - 5, 9, 1)
    assert not cvd.advance_to(MIDNIGHT - 1)
    assert cvd.cvd_lots == 9
    assert cvd.advance_to(MIDNIGHT)
    assert (cvd.cvd_lots, cvd.session_buy_lots, cvd.session_id) == (0, 0, 19676)
    assert cvd.add_trade(MIDNIGHT - 3, 1, -1) == -1  # late: stays in the new session


def test_rejects_bad_input():
    cvd = CumulativeDelta()
    with pytest.raises(ValueError):
        cvd.add_trades(np.array([1, 2]), np.array([1, 1]), np.array([1, 0]))
    with pytest.raises(ValueError):
        cvd.add_trades(np.array([1, 2]), np.array([1]), np.array([1, 1]))
    assert cvd.add_trades(np.array([], np.int64), np.array([], np.int64), np.array([], np.int8)).shape == (0,)
    with pytest.raises(ValueError):
        CumulativeDelta(min_qty_lots=-1)


trade_streams = st.lists(
    st.tuples(
        st.integers(-3 * 3600 * SEC, 3 * 3600 * SEC),  # step; negative steps make late trades
        st.integers(1, 50),
        st.sampled_from([1, -1]),
    ),
    min_size=1,
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(
    steps=trade_streams,
    offset=st.one_of(st.none(), st.sampled_from([0, 7 * SEC, 22 * 3600 * SEC])),
    min_qty=st.sampled_from([0, 1, 10, 30]),
    start=st.integers(-DAY_NS, 0),
    cuts=st.lists(st.integers(0, 80), max_size=6),
    single=st.booleans(),
)
def test_cvd_matches_reference_across_sessions_and_batches(*, steps, offset, min_qty, start, cuts, single):
    t = MIDNIGHT + start // 16
    trades = []
    for dt, q, s in steps:
        t += dt
        trades.append((t, q, s))
    want, day, buy, sell = reference(trades, offset, min_qty)

    cvd = CumulativeDelta(SessionSchedule(offset), min_qty_lots=min_qty)
    got: list[int] = []
    bounds = sorted({0, len(trades), *(c for c in cuts if c < len(trades))})
    for lo, hi in itertools.pairwise(bounds):
        chunk = trades[lo:hi]
        if single and len(chunk) == 1:
            got.append(cvd.add_trade(*chunk[0]))
        else:
            got.extend(cvd.add_trades(*arrays(chunk)).tolist())
    assert got == want
    assert (cvd.cvd_lots, cvd.session_id, cvd.session_buy_lots, cvd.session_sell_lots) == (
        want[-1],
        day,
        buy,
        sell,
    )
    assert cvd.session_buy_lots - cvd.session_sell_lots == cvd.cvd_lots


@settings(max_examples=60, deadline=None)
@given(
    trades=st.lists(
        st.tuples(st.integers(0, 3 * DAY_NS // SEC), st.integers(1, 50), st.sampled_from([1, -1])),
        min_size=49,
        max_size=300,
    )
)
def test_vectorised_batches_agree_with_the_per_print_path(trades):
    """Batches above SMALL_BATCH take the numpy path, smaller ones the loop: same answers."""
    trades = sorted((MIDNIGHT + t * SEC, q, s) for t, q, s in trades)
    whole, one_by_one = CumulativeDelta(), CumulativeDelta()

    out = whole.add_trades(*arrays(trades))
    singles = [one_by_one.add_trades(*arrays([t]))[0] for t in trades]

    assert out.tolist() == singles == reference(trades, 0, 0)[0]
    assert (whole.cvd_lots, whole.session_buy_lots, whole.session_sell_lots) == (
        one_by_one.cvd_lots,
        one_by_one.session_buy_lots,
        one_by_one.session_sell_lots,
    )
