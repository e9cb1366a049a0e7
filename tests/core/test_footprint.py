import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.footprint import (
    BarKind,
    BarSpec,
    FootprintSeries,
    Imbalance,
    StackedImbalance,
    stacked_runs,
)
from app.core.sessions import DAY_NS, SessionSchedule

SEC = 10**9
MIN = 60 * SEC
MIDNIGHT = 19676 * DAY_NS  # 2023-11-15 00:00 UTC


def cols(trades):
    t, p, q, s = zip(*trades, strict=True)
    return np.array(t, np.int64), np.array(p, np.int64), np.array(q, np.int64), np.array(s, np.int8)


# --- brute-force references ----------------------------------------------------------------


def ref_groups(trades, spec, offset):
    """Bucket time-ordered trades into bars by the rules, with plain loops."""

    def session(t):
        return 0 if offset is None else (t - offset) // DAY_NS

    groups = []
    if spec.kind is BarKind.TIME:
        for _, grp in itertools.groupby(trades, key=lambda tr: (session(tr[0]), tr[0] // spec.size)):
            groups.append(list(grp))
    else:
        for _, run_iter in itertools.groupby(trades, key=lambda tr: session(tr[0])):
            run = list(run_iter)
            if spec.kind is BarKind.TICKS:
                groups += [run[i : i + spec.size] for i in range(0, len(run), spec.size)]
            else:
                cur = []
                for tr in run:
                    cur.append(tr)
                    if sum(x[2] for x in cur) >= spec.size:
                        groups.append(cur)
                        cur = []
                if cur:
                    groups.append(cur)
    return groups


def ref_bar(grp, g, spec, offset):
    path = list(itertools.accumulate(q * s for _, _, q, s in grp))
    cells = {}
    for _, p, q, s in grp:
        c = cells.setdefault((p // g) * g, [0, 0, 0, 0])
        c[0 if s == 1 else 1] += q
        c[2 if s == 1 else 3] += 1
    t0 = grp[0][0]
    period = t0
    if spec.kind is BarKind.TIME:
        period = (t0 // spec.size) * spec.size
        if offset is not None:
            period = max(period, ((t0 - offset) // DAY_NS) * DAY_NS + offset)
    prices = [p for _, p, _, _ in grp]
    return {
        "start": t0,
        "end": grp[-1][0],
        "period": period,
        "ohlc": (prices[0], max(prices), min(prices), prices[-1]),
        "volume": sum(q for _, _, q, _ in grp),
        "buy": sum(q for _, _, q, s in grp if s == 1),
        "sell": sum(q for _, _, q, s in grp if s == -1),
        "delta": path[-1],
        "max_delta": max(path),
        "min_delta": min(path),
        "trades": len(grp),
        "cells": cells,
    }


def bar_dict(bar):
    lv = bar.levels()
    cells = {
        p: [b, s, bt, st_]
        for p, b, s, bt, st_ in zip(
            lv.price_ticks.tolist(),
            lv.buy_lots.tolist(),
            lv.sell_lots.tolist(),
            lv.buy_trades.tolist(),
            lv.sell_trades.tolist(),
            strict=True,
        )
    }
    return {
        "start": bar.start_ns,
        "end": bar.end_ns,
        "period": bar.period_start_ns,
        "ohlc": (bar.open_ticks, bar.high_ticks, bar.low_ticks, bar.close_ticks),
        "volume": bar.volume_lots,
        "buy": bar.buy_lots,
        "sell": bar.sell_lots,
        "delta": bar.delta_lots,
        "max_delta": bar.max_delta_lots,
        "min_delta": bar.min_delta_lots,
        "trades": bar.trades,
        "cells": cells,
    }


def ref_value_area(vol_by_key, g, fraction):
    lo, hi = min(vol_by_key), max(vol_by_key)
    vol = {p: vol_by_key.get(p, 0) for p in range(lo, hi + 1, g)}
    total = sum(vol.values())
    area = [min(p for p in vol if vol[p] == max(vol.values()))]
    while sum(vol[p] for p in area) < fraction * total:
        above, below = max(area) + g, min(area) - g
        up, down = vol.get(above), vol.get(below)
        if down is None or (up is not None and up > down):
            area.append(above)
        elif up is None or down > up:
            area.append(below)
        else:
            area += [above, below]
    return min(area), max(area)


def ref_imbalances(cells, g, ratio, min_lots):
    """Every ordered pair of price groups, checked against the definition."""
    out = []
    for p, c in cells.items():
        for side, mine in ((1, c[0]), (-1, c[1])):
            opposite = 0
            for p2, c2 in cells.items():
                if side == 1 and p2 == p - g:
                    opposite = c2[1]
                if side == -1 and p2 == p + g:
                    opposite = c2[0]
            if mine >= min_lots and mine > 0 and mine >= ratio * opposite:
                out.append((p, side, mine, opposite))
    return sorted(out)


def ref_stacked(imbalances, cells, g, min_levels):
    out = []
    for side in (1, -1):
        prices = {p for p, s, _, _ in imbalances if s == side}
        run = []
        for p in range(min(cells), max(cells) + 2 * g, g):
            if p in prices:
                run.append(p)
            else:
                if len(run) >= min_levels:
                    out.append((run[0], side, run[-1], len(run)))
                run = []
    return sorted(out)


# --- stories -------------------------------------------------------------------------------


def test_story_one_minute_bars():
    series = FootprintSeries(BarSpec.time(60))
    series.add_trades(
        *cols(
            [
                (MIDNIGHT + 10 * SEC, 100, 5, 1),
                (MIDNIGHT + 20 * SEC, 101, 3, -1),
                (MIDNIGHT + MIN - 1, 99, 4, -1),
                (MIDNIGHT + MIN, 100, 1, 1),
                (MIDNIGHT + 3 * MIN + 30 * SEC, 102, 2, -1),  # minutes 2 has no trades: no bar
            ]
        )
    )
    first, second, third = series.bars
    assert (first.open_ticks, first.high_ticks, first.low_ticks, first.close_ticks) == (100, 101, 99, 99)
    assert (first.volume_lots, first.delta_lots, first.buy_lots, first.sell_lots) == (12, -2, 5, 7)
    assert (first.max_delta_lots, first.min_delta_lots, first.trades) == (5, -2, 3)
    assert first.cells == {99: [0, 4, 0, 1], 100: [5, 0, 1, 0], 101: [0, 3, 0, 1]}
    assert (first.start_ns, first.end_ns, first.period_start_ns) == (
        MIDNIGHT + 10 * SEC,
        MIDNIGHT + MIN - 1,
        MIDNIGHT,
    )
    assert first.closed and second.closed and not third.closed
    assert second.period_start_ns == MIDNIGHT + MIN
    assert third.period_start_ns == MIDNIGHT + 3 * MIN
    assert series.open_bar is third
    assert series.closed_count == 2
    assert first.poc_ticks() == 100
    assert first.value_area() == (99, 100)  # 5, then 4 below beats 3 above: 9 of 12 >= 70 %
    assert first.duration_ns == MIN - 1 - 10 * SEC


def test_story_delta_extremes_count_the_first_trade():
    series = FootprintSeries(BarSpec.ticks(10))
    series.add_trades(*cols([(1, 100, 5, -1), (2, 100, 2, 1), (3, 100, 1, -1)]))
    bar = series.bars[0]
    assert (bar.delta_lots, bar.max_delta_lots, bar.min_delta_lots) == (-4, -3, -5)


def test_story_session_boundary_cuts_a_time_bar():
    series = FootprintSeries(BarSpec.time(3600), SessionSchedule.daily_utc(0, 30))
    series.add_trades(*cols([(MIDNIGHT + 10 * MIN, 100, 1, 1), (MIDNIGHT + 40 * MIN, 100, 1, 1)]))
    assert [b.period_start_ns for b in series.bars] == [MIDNIGHT, MIDNIGHT + 30 * MIN]
    assert [b.session_id for b in series.bars] == [19675, 19676]


def test_story_volume_bar_keeps_the_closing_trade_whole():
    series = FootprintSeries(BarSpec.volume(10))
    series.add_trades(*cols([(1, 100, 4, 1), (2, 101, 4, 1), (3, 102, 5, -1), (4, 102, 1, 1)]))
    assert [b.volume_lots for b in series.bars] == [13, 1]
    assert [b.closed for b in series.bars] == [True, False]
    assert series.closed_count == 1


def test_story_tick_bars_close_on_the_nth_trade():
    series = FootprintSeries(BarSpec.ticks(3))
    series.add_trades(*cols([(i, 100 + i, 1, 1) for i in range(6)]))
    assert [b.trades for b in series.bars] == [3, 3]
    assert all(b.closed for b in series.bars)
    assert series.open_bar is None
    series.add_trade(7, 90, 2, -1)
    assert [b.close_ticks for b in series.bars] == [102, 105, 90]


def test_story_imbalances():
    trades = [(100, 2, 1), (100, 10, -1), (101, 30, 1), (101, 5, -1), (102, 16, 1), (103, 9, 1), (103, 3, -1)]
    series = FootprintSeries(BarSpec.time(60))
    series.add_trades(*cols([(MIDNIGHT + i, p, q, s) for i, (p, q, s) in enumerate(trades)]))
    bar = series.bars[0]
    assert bar.diagonal_imbalances(3, min_lots=5) == [
        Imbalance(101, 1, 30, 10),  # exactly 300 % counts
        Imbalance(102, 1, 16, 5),
        Imbalance(103, 1, 9, 0),  # nothing to face: an imbalance
    ]
    assert bar.stacked_imbalances(3, min_lots=5) == [StackedImbalance(1, 101, 103, 3)]
    assert [i.price_ticks for i in bar.diagonal_imbalances(3.01, 5)] == [102, 103]
    assert bar.stacked_imbalances(3.01, 5) == []
    assert bar.stacked_imbalances(3.01, 5, min_levels=2) == [StackedImbalance(1, 102, 103, 2)]
    assert bar.diagonal_imbalances(Fraction(3), 0) == [
        Imbalance(100, 1, 2, 0),
        Imbalance(101, 1, 30, 10),
        Imbalance(102, 1, 16, 5),
        Imbalance(103, -1, 3, 0),
        Imbalance(103, 1, 9, 0),
    ]
    assert bar.stacked_imbalances(3, 0, 4) == [StackedImbalance(1, 100, 103, 4)]
    with pytest.raises(ValueError):
        bar.diagonal_imbalances(0, 1)
    # the runs can be found from imbalances computed once (a chart needs both)
    once = bar.diagonal_imbalances(3, min_lots=5)
    buys = [i.price_ticks for i in once if i.side > 0]
    assert stacked_runs([], buys, bar.group_ticks) == bar.stacked_imbalances(3, min_lots=5)
    assert stacked_runs([], buys, bar.group_ticks, min_levels=4) == []
    assert stacked_runs([7, 8, 9, 11], [], 1) == [StackedImbalance(-1, 7, 9, 3)]
    assert stacked_runs([8, 10, 12], [10, 12], 2, 2) == [
        StackedImbalance(-1, 8, 12, 3),
        StackedImbalance(1, 10, 12, 2),
    ]
    with pytest.raises(ValueError):
        stacked_runs([], buys, bar.group_ticks, min_levels=0)


def test_labels_and_spec_validation():
    assert [s.label for s in (BarSpec.time(1), BarSpec.time(30), BarSpec.time(60), BarSpec.time(300))] == [
        "1s",
        "30s",
        "1m",
        "5m",
    ]
    assert BarSpec.time(3600).label == "1h"
    assert BarSpec.time(90).label == "90s"
    assert BarSpec(BarKind.TIME, 250_000_000).label == "250ms"
    assert BarSpec.ticks(500).label == "500t"
    assert BarSpec.volume(100).label == "100 lots"
    assert BarSpec.time(60, group_ticks=5).with_group(10) == BarSpec(BarKind.TIME, 60 * SEC, 10)
    with pytest.raises(ValueError):
        BarSpec.ticks(0)
    with pytest.raises(ValueError):
        BarSpec.time(60, group_ticks=0)


def test_version_advance_to_and_max_bars():
    series = FootprintSeries(BarSpec.time(1), max_bars=3)
    assert series.version == 0
    series.add_trades(*cols([(MIDNIGHT + i * SEC, 100, 1, 1) for i in range(5)]))
    v = series.version
    assert v > 0
    assert len(series.bars) == 3
    assert (series.dropped_count, series.closed_count) == (2, 4)
    assert [b.start_ns for b in series.bars] == [MIDNIGHT + i * SEC for i in (2, 3, 4)]
    assert not series.advance_to(MIDNIGHT + 5 * SEC - 1)
    assert series.version == v
    assert series.advance_to(MIDNIGHT + 5 * SEC)
    assert series.version > v
    assert series.bars[-1].closed and series.open_bar is None
    assert series.closed_count == 5
    series.add_trade(MIDNIGHT + 5 * SEC, 100, 1, 1)
    assert len(series.bars) == 3 and series.bars[-1].start_ns == MIDNIGHT + 5 * SEC


def test_rejects_bad_input():
    series = FootprintSeries(BarSpec.time(60))
    with pytest.raises(ValueError):
        series.add_trades([1, 2], [1, 2], [1, 1], [1, 2])
    with pytest.raises(ValueError):
        series.add_trades([1, 2], [1], [1, 1], [1, 1])
    series.add_trades([], [], [], [])
    assert series.bars == []
    with pytest.raises(ValueError):
        FootprintSeries(BarSpec.time(60), max_bars=0)


# --- properties ----------------------------------------------------------------------------


def _walk(start_s, steps):
    t, p, out = MIDNIGHT + start_s * SEC, 1000, []
    for dt, dp, q, side in steps:
        t += dt
        p += dp
        out.append((t, p, q, side))
    return out


_step = st.tuples(
    st.sampled_from([0, 1, 999_999, SEC, 7 * SEC, 30 * SEC, 61 * SEC]),
    st.integers(-2, 2),
    st.integers(1, 20),
    st.sampled_from([1, -1]),
)
# lengths drawn first: plain st.lists stays at a handful of trades, too few to cross bars and sessions
streams = st.builds(
    _walk,
    st.integers(-120, 0),
    st.integers(1, 100).flatmap(lambda n: st.lists(_step, min_size=n, max_size=n)),
)


specs = st.one_of(
    st.builds(BarSpec.time, st.sampled_from([1, 5, 7, 60])),
    st.builds(BarSpec.ticks, st.sampled_from([1, 3, 10])),
    st.builds(BarSpec.volume, st.sampled_from([1, 15, 50])),
)
offsets = st.sampled_from([None, 0, 7 * SEC, 90 * SEC])
groups = st.sampled_from([1, 2, 3, 5])


def feed(series, trades, cuts, single):
    bounds = sorted({0, len(trades), *(c for c in cuts if c < len(trades))})
    for lo, hi in itertools.pairwise(bounds):
        if single:
            for tr in trades[lo:hi]:
                series.add_trade(*tr)
        else:
            series.add_trades(*cols(trades[lo:hi]))


@settings(max_examples=150, deadline=None)
@given(
    trades=streams,
    spec=specs,
    g=groups,
    offset=offsets,
    cuts=st.lists(st.integers(0, 120), max_size=5),
    single=st.booleans(),
)
def test_bars_match_reference(*, trades, spec, g, offset, cuts, single):
    spec = spec.with_group(g)
    series = FootprintSeries(spec, SessionSchedule(offset))
    feed(series, trades, cuts, single)
    want = [ref_bar(grp, g, spec, offset) for grp in ref_groups(trades, spec, offset)]
    assert [bar_dict(b) for b in series.bars] == want
    # totals over bars equal the totals of the stream
    assert sum(b.volume_lots for b in series.bars) == sum(q for _, _, q, _ in trades)
    assert sum(b.delta_lots for b in series.bars) == sum(q * s for _, _, q, s in trades)
    assert sum(b.trades for b in series.bars) == len(trades)
    for b in series.bars:
        assert b.min_delta_lots <= b.delta_lots <= b.max_delta_lots
        assert b.group_ticks == g
    # every bar but the last is closed; the last one only when its size is reached
    assert all(b.closed for b in series.bars[:-1])
    last = series.bars[-1]
    size_reached = (spec.kind is BarKind.TICKS and last.trades >= spec.size) or (
        spec.kind is BarKind.VOLUME and last.volume_lots >= spec.size
    )
    assert last.closed == size_reached
    assert series.closed_count == sum(b.closed for b in series.bars)


@settings(max_examples=80, deadline=None)
@given(
    trades=streams,
    spec=specs,
    g=groups,
    fraction=st.sampled_from([0.7, 0.5, Fraction(9, 10), 1.0]),
    ratio=st.sampled_from([1.5, 2, 3, Fraction(5, 4), 1]),
    min_lots=st.sampled_from([0, 1, 5, 15]),
    min_levels=st.sampled_from([1, 2, 3]),
)
def test_bar_poc_value_area_and_imbalances_match_reference(
    *, trades, spec, g, fraction, ratio, min_lots, min_levels
):
    series = FootprintSeries(spec.with_group(g))
    series.add_trades(*cols(trades))
    exact_ratio = Fraction(str(ratio)) if isinstance(ratio, float) else Fraction(ratio)
    exact_fraction = Fraction(str(fraction)) if isinstance(fraction, float) else fraction
    for bar in series.bars:
        cells = bar_dict(bar)["cells"]
        vol = {p: c[0] + c[1] for p, c in cells.items()}
        assert bar.poc_ticks() == min(p for p in vol if vol[p] == max(vol.values()))
        assert bar.value_area(fraction) == ref_value_area(vol, g, exact_fraction)
        imbs = ref_imbalances(cells, g, exact_ratio, min_lots)
        got = bar.diagonal_imbalances(ratio, min_lots)
        assert [(i.price_ticks, i.side, i.volume_lots, i.opposite_lots) for i in got] == imbs
        stacked = bar.stacked_imbalances(ratio, min_lots, min_levels)
        assert [(s.low_ticks, s.side, s.high_ticks, s.levels) for s in stacked] == ref_stacked(
            imbs, cells, g, min_levels
        )
        sells = [i.price_ticks for i in got if i.side < 0]
        buys = [i.price_ticks for i in got if i.side > 0]
        assert stacked_runs(sells, buys, bar.group_ticks, min_levels) == stacked


@settings(max_examples=80, deadline=None)
@given(trades=streams, spec=specs, g=groups, offset=offsets, max_bars=st.integers(1, 5))
def test_regroup_equals_building_with_the_group(trades, spec, g, offset, max_bars):
    arrays = cols(trades)
    fine = FootprintSeries(spec, SessionSchedule(offset), max_bars=max_bars)
    fine.add_trades(*arrays)
    regrouped = fine.regroup(g, *arrays)
    direct = FootprintSeries(spec.with_group(g), SessionSchedule(offset), max_bars=max_bars)
    direct.add_trades(*arrays)
    assert regrouped.spec == direct.spec == spec.with_group(g)
    assert [bar_dict(b) for b in regrouped.bars] == [bar_dict(b) for b in direct.bars]
    want = [ref_bar(grp, g, spec, offset) for grp in ref_groups(trades, spec, offset)]
    assert [bar_dict(b) for b in direct.bars] == want[-max_bars:]
    assert direct.dropped_count + len(direct.bars) == len(want)
