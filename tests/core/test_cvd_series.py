"""CvdSeries against a brute-force reference, CumulativeDelta, and the divergence rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.cvd_series import (
    CvdBars,
    CvdSeries,
    CvdSpec,
    DivergenceKind,
    DivergenceTracker,
    find_divergences,
)
from app.core.delta import CumulativeDelta
from app.core.sessions import DAY_NS, SessionSchedule

SEC = 10**9
MIDNIGHT = 19676 * DAY_NS  # 2023-11-15 00:00 UTC


def columns(trades):
    ts, ps, qs, ss = zip(*trades, strict=True)
    return (np.array(ts, np.int64), np.array(ps, np.int64), np.array(qs, np.int64), np.array(ss, np.int8))


def reference(trades, spec):
    """One print at a time, written from the rules in words: a list of bar dicts."""
    bars: list[dict[str, int]] = []
    sid = None
    cvd = 0
    size = spec.timeframe_s * SEC
    off = spec.sessions.offset_ns
    for t, p, q, s in trades:
        d = 0 if off is None else (t - off) // DAY_NS
        if sid is not None:
            d = max(d, sid)
        if d != sid:
            sid, cvd = d, 0
        start = t - t % size
        if off is not None:
            start = max(start, sid * DAY_NS + off)
        if bars:
            start = max(start, bars[-1]["start"])
        before = cvd
        if q >= spec.min_qty_lots:
            cvd += q * s
        if not bars or bars[-1]["start"] != start:
            bars.append(dict(start=start, sid=sid, po=p, ph=p, pl=p, pc=p, co=before, ch=before, cl=before))
        b = bars[-1]
        b["ph"], b["pl"], b["pc"] = max(b["ph"], p), min(b["pl"], p), p
        b["ch"], b["cl"], b["cc"] = max(b["ch"], cvd), min(b["cl"], cvd), cvd
    return bars


def as_dicts(series):
    b = series.bars()
    return [
        dict(
            start=int(b.start_ns[i]),
            sid=int(b.session_id[i]),
            po=int(b.price_open[i]),
            ph=int(b.price_high[i]),
            pl=int(b.price_low[i]),
            pc=int(b.price_close[i]),
            co=int(b.cvd_open[i]),
            ch=int(b.cvd_high[i]),
            cl=int(b.cvd_low[i]),
            cc=int(b.cvd_close[i]),
        )
        for i in range(b.size)
    ]


def test_story_two_minutes_of_hand_built_prints():
    prints = [
        (MIDNIGHT + 1 * SEC, 100, 5, 1),  # bar 0: CVD 0 → 5 → 2 → 9 ; price 100..103
        (MIDNIGHT + 20 * SEC, 103, 3, -1),
        (MIDNIGHT + 59 * SEC, 101, 7, 1),
        (MIDNIGHT + 60 * SEC, 99, 10, -1),  # bar 1: CVD 9 → -1 → 3
        (MIDNIGHT + 61 * SEC, 104, 4, 1),
    ]
    series = CvdSeries(CvdSpec(60))
    series.add_trades(*columns(prints))
    b = series.bars()
    assert b.start_ns.tolist() == [MIDNIGHT, MIDNIGHT + 60 * SEC]
    assert list(zip(b.price_open, b.price_high, b.price_low, b.price_close, strict=True)) == [
        (100, 103, 100, 101),
        (99, 104, 99, 104),
    ]
    assert list(zip(b.cvd_open, b.cvd_high, b.cvd_low, b.cvd_close, strict=True)) == [
        (0, 9, 0, 9),
        (9, 9, -1, 3),
    ]
    assert b.trades.tolist() == [3, 2]
    assert b.volume_lots.tolist() == [15, 14]
    assert series.cvd_lots == 3


def test_story_session_reset_at_midnight_and_never():
    prints = [(MIDNIGHT - 2 * SEC, 100, 5, 1), (MIDNIGHT - SEC, 100, 2, 1), (MIDNIGHT + SEC, 101, 3, -1)]
    daily = CvdSeries(CvdSpec(60, SessionSchedule.daily_utc(0, 0)))
    daily.add_trades(*columns(prints))
    b = daily.bars()
    assert b.cvd_close.tolist() == [7, -3]
    assert b.cvd_open.tolist() == [0, 0]  # the new session's first bar opens at 0
    assert daily.boundaries_ns == [MIDNIGHT]
    never = CvdSeries(CvdSpec(60, SessionSchedule.never()))
    never.add_trades(*columns(prints))
    assert never.bars().cvd_close.tolist() == [7, 4]
    assert never.bars().cvd_open.tolist() == [0, 7]
    assert never.boundaries_ns == []


def test_story_a_bar_never_spans_a_session_start_that_is_off_its_grid():
    # Hourly bars with a 13:30 session: the 13:00 bar is cut at 13:30.
    spec = CvdSpec(3600, SessionSchedule.daily_utc(13, 30))
    t0 = MIDNIGHT + 13 * 3600 * SEC
    series = CvdSeries(spec)
    series.add_trades(*columns([(t0 + 60 * SEC, 10, 4, 1), (t0 + 1900 * SEC, 11, 1, 1)]))
    assert series.bars().start_ns.tolist() == [t0, t0 + 1800 * SEC]
    assert series.bars().cvd_close.tolist() == [4, 1]


def test_story_advance_to_resets_without_a_print():
    series = CvdSeries(CvdSpec(60))
    series.add_trades(*columns([(MIDNIGHT - SEC, 100, 5, 1)]))
    assert series.cvd_lots == 5
    assert not series.advance_to(MIDNIGHT - 1)
    assert series.advance_to(MIDNIGHT + SEC)
    assert series.cvd_lots == 0
    assert series.boundaries_ns == [MIDNIGHT]
    # A late print from yesterday now counts in today's session (sessions only move forward).
    series.add_trades(*columns([(MIDNIGHT - 1, 100, 2, -1)]))
    assert series.cvd_lots == -2
    assert series.bars().start_ns.tolist() == [MIDNIGHT - 60 * SEC, MIDNIGHT]


def test_story_size_filter_counts_only_large_prints():
    prints = [(MIDNIGHT + SEC, 100, 2, 1), (MIDNIGHT + 2 * SEC, 102, 10, -1), (MIDNIGHT + 3 * SEC, 99, 5, 1)]
    series = CvdSeries(CvdSpec(60, min_qty_lots=5))
    series.add_trades(*columns(prints))
    b = series.bars()
    assert (int(b.cvd_open[0]), int(b.cvd_high[0]), int(b.cvd_low[0]), int(b.cvd_close[0])) == (0, 0, -10, -5)
    assert (int(b.price_high[0]), int(b.price_low[0])) == (102, 99)  # price counts every print


trade_lists = st.lists(
    st.tuples(
        st.integers(0, 40),  # gap in seconds (0 = same instant)
        st.integers(90, 110),
        st.integers(1, 20),
        st.sampled_from([1, -1]),
        st.booleans(),  # late print (stamped 30 s early)
    ),
    min_size=1,
    max_size=120,
)


def build(raw, start=MIDNIGHT - 600 * SEC):
    out, t = [], start
    for gap, p, q, s, late in raw:
        t += gap * 20 * SEC  # crosses midnight, and several bars per step
        out.append((t - 30 * SEC if late else t, p, q, s))
    return out


@settings(max_examples=150, deadline=None)
@given(
    trade_lists,
    st.sampled_from([1, 60, 300]),
    st.sampled_from(
        [SessionSchedule.daily_utc(0, 0), SessionSchedule.daily_utc(0, 7), SessionSchedule.never()]
    ),
    st.integers(0, 12),
    st.lists(st.integers(1, 30), max_size=8),
)
def test_property_equals_reference_cumulative_delta_and_any_batch_split(raw, tf, sessions, min_qty, cuts):
    prints = build(raw)
    spec = CvdSpec(tf, sessions, min_qty)
    one = CvdSeries(spec)
    one.add_trades(*columns(prints))
    assert as_dicts(one) == reference(prints, spec)

    delta = CumulativeDelta(sessions, min_qty)
    ts, _, qs, ss = columns(prints)
    delta.add_trades(ts, qs, ss)
    assert int(one.bars().cvd_close[-1]) == delta.cvd_lots == one.cvd_lots

    split = CvdSeries(spec)
    i = 0
    for cut in [*cuts, len(prints)]:
        chunk = prints[i : i + cut]
        if chunk:
            split.add_trades(*columns(chunk))
        i += cut
    if i < len(prints):
        split.add_trades(*columns(prints[i:]))
    assert as_dicts(split) == as_dicts(one)
    assert split.boundaries_ns == one.boundaries_ns

    each = CvdSeries(spec)  # every print its own batch: every batch boundary is exercised
    for p in prints:
        each.add_trades(*columns([p]))
    assert as_dicts(each) == as_dicts(one)
    assert each.cvd_lots == one.cvd_lots


def test_bars_are_bounded_and_numbered():
    series = CvdSeries(CvdSpec(1), max_bars=8)
    prints = [(MIDNIGHT + i * SEC, 100 + i, 1, 1) for i in range(30)]
    for p in prints:
        series.add_trades(*columns([p]))
    assert len(series) <= 8
    assert series.dropped_count + len(series) == 30
    assert int(series.bars().price_close[-1]) == 129
    assert int(series.bars().cvd_close[-1]) == 30


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        CvdSpec(0)
    with pytest.raises(ValueError):
        CvdSeries().add_trades([1], [1], [1], [0])


# -- divergences ---------------------------------------------------------------------------------


def scripted(highs, lows, cvd_highs, cvd_lows, sid=None):
    n = len(highs)
    a = lambda v: np.array(v, np.int64)  # noqa: E731
    return CvdBars(
        a(range(n)),
        a(sid or [0] * n),
        a(lows),
        a(highs),
        a(lows),
        a(highs),
        a(cvd_lows),
        a(cvd_highs),
        a(cvd_lows),
        a(cvd_highs),
        a([1] * n),
        a([1] * n),
    )


#        swing high at 2 (110) and at 7 (115): price higher high
HIGHS = [100, 105, 110, 104, 102, 106, 111, 115, 108, 103]
LOWS = [h - 5 for h in HIGHS]


def test_story_bearish_divergence_is_found_and_agreement_is_not():
    weak_cvd = [0, 10, 50, 30, 20, 25, 35, 40, 30, 20]  # CVD high 40 < 50: lower high
    bars = scripted(HIGHS, LOWS, weak_cvd, [c - 5 for c in weak_cvd])
    divs = find_divergences(bars, lookback=20)
    bear = [d for d in divs if d.kind is DivergenceKind.BEARISH]
    assert [
        (d.prev_bar, d.bar, d.prev_price_ticks, d.price_ticks, d.prev_cvd_lots, d.cvd_lots) for d in bear
    ] == [(2, 7, 110, 115, 50, 40)]
    strong_cvd = [0, 10, 50, 30, 20, 25, 55, 60, 30, 20]  # CVD confirms the new high
    assert not find_divergences(scripted(HIGHS, LOWS, strong_cvd, [c - 5 for c in strong_cvd]), 20)
    # Beyond the lookback or across a session: not compared.
    assert not find_divergences(bars, lookback=4)
    assert not find_divergences(scripted(HIGHS, LOWS, weak_cvd, weak_cvd, sid=[0] * 5 + [1] * 5), 20)


def test_story_bullish_divergence_mirrors():
    lows = [200 - (h - 100) for h in HIGHS]  # swing lows at 2 (190) and 7 (185)
    cvd_lows = [0, -10, -50, -30, -20, -25, -35, -40, -30, -20]  # -40 > -50: higher low
    divs = find_divergences(scripted([v + 5 for v in lows], lows, cvd_lows, cvd_lows), 20)
    assert [(d.kind, d.prev_bar, d.bar) for d in divs] == [(DivergenceKind.BULLISH, 2, 7)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(-5, 5)), min_size=1, max_size=150), st.integers(1, 30)
)
def test_property_tracker_equals_full_recompute(steps, lookback):
    """Fed bar by bar (last bar still changing), the tracker agrees with a recompute from scratch."""
    series = CvdSeries(CvdSpec(1, SessionSchedule.never()), max_bars=64)
    tracker = DivergenceTracker(lookback)
    price, t = 1000, MIDNIGHT
    for gap, move in steps:
        t += gap * SEC // 2
        price += move
        series.add_trades([t], [price], [abs(move) + 1], [1 if move >= 0 else -1])
        got = tracker.update(series.bars(), series.dropped_count)
        full = find_divergences(series.bars(), lookback, bar_offset=series.dropped_count)
        seen = series.dropped_count + 2  # a swing needs 2 bars before it to be visible at all
        assert [d for d in got if d.prev_bar >= seen] == [d for d in full if d.prev_bar >= seen]


def test_tracker_reuses_its_answer_while_only_the_open_close_moves(monkeypatch):
    """Divergences read highs, lows and sessions: a print that moves only the open bar's close
    (inside its range, the CVD inside its range) changes none of them, so nothing is recomputed."""
    from app.core import cvd_series

    series = CvdSeries(CvdSpec(1, SessionSchedule.never()))
    tracker = DivergenceTracker(20)
    prices = [100, 105, 110, 104, 102, 106, 111, 115, 108, 103]
    deltas = [10, 20, 30, -20, -10, 5, 10, 5, -10, -10]
    for i, (p, d) in enumerate(zip(prices, deltas, strict=True)):
        series.add_trades([MIDNIGHT + i * SEC], [p], [abs(d)], [1 if d > 0 else -1])
    series.add_trades([MIDNIGHT + 9 * SEC + 1], [110], [4], [1])  # the open bar: high 110, CVD +4
    calls = []
    original = cvd_series.find_divergences

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cvd_series, "find_divergences", counting)
    first = tracker.update(series.bars(), series.dropped_count)
    assert [(d.kind, d.prev_bar, d.bar) for d in first] == [(DivergenceKind.BEARISH, 2, 7)]
    series.add_trades([MIDNIGHT + 9 * SEC + 2], [105], [2], [-1])  # close moves, extremes do not
    assert tracker.update(series.bars(), series.dropped_count) == first
    assert len(calls) == 1
    series.add_trades([MIDNIGHT + 9 * SEC + 3], [120], [1], [1])  # a new high in the open bar
    tracker.update(series.bars(), series.dropped_count)
    assert len(calls) == 2
