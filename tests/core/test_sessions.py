import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.sessions import DAY_NS, NEVER_END_NS, NEVER_START_NS, SessionSchedule

HOUR_NS = 3600 * 10**9
# 2023-11-14 22:13:20 UTC
TS = 1_700_000_000 * 10**9


def test_utc_midnight_sessions_count_days_since_epoch():
    s = SessionSchedule()
    assert s.session_id(0) == 0
    assert s.session_id(DAY_NS - 1) == 0
    assert s.session_id(DAY_NS) == 1
    assert s.session_id(TS) == 19675
    assert s.session_start_ns(TS) == 19675 * DAY_NS
    assert s.next_session_start_ns(TS) == 19676 * DAY_NS


def test_offset_moves_the_boundary():
    s = SessionSchedule.daily_utc(22, 0)
    assert s.offset_ns == 22 * HOUR_NS
    # 22:13 is just after the 22:00 boundary: the session that started 13 minutes ago
    assert s.session_start_ns(TS) == 19675 * DAY_NS + 22 * HOUR_NS
    assert s.session_id(19675 * DAY_NS + 22 * HOUR_NS - 1) == s.session_id(TS) - 1
    assert s.next_session_start_ns(TS) == 19676 * DAY_NS + 22 * HOUR_NS


def test_before_the_epoch_floors_down():
    s = SessionSchedule()
    assert s.session_id(-1) == -1
    assert s.session_start_ns(-1) == -DAY_NS
    assert s.session_ids(np.array([-1, 0])).tolist() == [-1, 0]


def test_never_resets():
    s = SessionSchedule.never()
    assert not s.resets
    assert s.session_id(TS) == 0
    assert s.session_id(-(2**62)) == 0
    assert s.session_start_ns(TS) == NEVER_START_NS
    assert s.next_session_start_ns(TS) == NEVER_END_NS
    assert s.session_ids(np.array([1, TS])).tolist() == [0, 0]


@pytest.mark.parametrize("offset", [-1, DAY_NS])
def test_offset_outside_a_day_is_rejected(offset):
    with pytest.raises(ValueError):
        SessionSchedule(offset)


def test_daily_utc_rejects_bad_times():
    with pytest.raises(ValueError):
        SessionSchedule.daily_utc(24, 0)


@settings(max_examples=200)
@given(
    offset=st.one_of(st.none(), st.integers(0, DAY_NS - 1)),
    ts=st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=20),
)
def test_schedule_properties(offset, ts):
    s = SessionSchedule(offset)
    for t in ts:
        start = s.session_start_ns(t)
        nxt = s.next_session_start_ns(t)
        assert start <= t < nxt
        if offset is not None:
            # brute force: walk days from the epoch boundary
            assert nxt - start == DAY_NS
            assert start % DAY_NS == offset
            assert s.session_id(start) == s.session_id(t) == s.session_id(nxt - 1) == s.session_id(nxt) - 1
            assert s.session_id(t) == (t - offset) // DAY_NS
    assert s.session_ids(np.array(ts, dtype=np.int64)).tolist() == [s.session_id(t) for t in ts]
    ordered = sorted(ts)
    ids = [s.session_id(t) for t in ordered]
    assert ids == sorted(ids)
