import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.profile import VolumeProfile, point_of_control, to_fraction, value_area


def ref_value_area(vol_by_key, g, fraction):
    """The rule, enumerated plainly over an explicit grid of prices."""
    lo, hi = min(vol_by_key), max(vol_by_key)
    grid = list(range(lo, hi + 1, g))
    vol = {p: vol_by_key.get(p, 0) for p in grid}
    total = sum(vol.values())
    poc = min(p for p in grid if vol[p] == max(vol.values()))
    area = [poc]
    while sum(vol[p] for p in area) < fraction * total:
        above, below = max(area) + g, min(area) - g
        up = vol[above] if above <= hi else None
        down = vol[below] if below >= lo else None
        if down is None or (up is not None and up > down):
            area.append(above)
        elif up is None or down > up:
            area.append(below)
        else:
            area += [above, below]
    return min(area), max(area)


def ref_profile(trades, g):
    cells, stl, lots = {}, 0, 0
    for p, q, s in trades:
        key = (p // g) * g
        c = cells.setdefault(key, [0, 0, 0, 0])
        if s == 1:
            c[0] += q
            c[2] += 1
        else:
            c[1] += q
            c[3] += 1
        stl += p * q
        lots += q
    return cells, stl, lots


def cells_of(profile):
    lv = profile.levels()
    return {
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


def cols(trades):
    p, q, s = zip(*trades, strict=True)
    return np.array(p, np.int64), np.array(q, np.int64), np.array(s, np.int8)


# --- stories -------------------------------------------------------------------------------


def test_value_area_stops_exactly_at_seventy_percent():
    # total 100, POC 102 (50); below (20) beats above (15): 70 == 70 % of 100, stop
    assert value_area([100, 101, 102, 103, 104], [10, 20, 50, 15, 5], 0.7) == (101, 102)


def test_value_area_tie_adds_both_sides():
    assert value_area([100, 101, 102, 103, 104], [10, 20, 40, 20, 10]) == (101, 103)


def test_value_area_walks_through_empty_groups_and_off_the_end():
    # POC 102 (60 of 100); nothing above; the empty 101 is added (0) before 100 is reached
    assert value_area([100, 102], [40, 60], 0.7) == (100, 102)
    assert value_area([100, 102], [40, 60], 0.6) == (102, 102)
    assert value_area([110, 100, 105], [1, 8, 1], Fraction(9, 10), group_ticks=5) == (100, 105)


def test_value_area_rejects_bad_input():
    with pytest.raises(ValueError):
        value_area([], [])
    with pytest.raises(ValueError):
        value_area([100, 103], [1, 1], 0.7, group_ticks=2)
    with pytest.raises(ValueError):
        value_area([100], [1], 0.0)
    with pytest.raises(ValueError):
        value_area([100], [1], 1.5)
    with pytest.raises(ValueError):
        value_area([100, 101], [1, -1])


def test_point_of_control_takes_the_lower_price_on_a_tie():
    assert point_of_control([105, 103, 104], [7, 7, 1]) == 103
    assert point_of_control(np.array([9]), np.array([0])) == 9
    with pytest.raises(ValueError):
        point_of_control([], [])


def test_to_fraction_reads_floats_as_typed():
    assert to_fraction(0.7) == Fraction(7, 10)
    assert to_fraction(1.1) == Fraction(11, 10)
    assert to_fraction(Fraction(3, 2)) == Fraction(3, 2)
    assert to_fraction(3) == 3


def test_profile_story_grouping_vwap_and_poc():
    prof = VolumeProfile(group_ticks=5)
    prof.add_trades(*cols([(101, 3, 1), (104, 2, -1), (105, 10, -1), (99, 1, 1)]))
    prof.add_trade(-1, 4, 1)  # floor: -1 groups into -5
    assert cells_of(prof) == {-5: [4, 0, 1, 0], 95: [1, 0, 1, 0], 100: [3, 2, 1, 1], 105: [0, 10, 0, 1]}
    assert (prof.volume_lots, prof.buy_lots, prof.sell_lots, prof.delta_lots, prof.trades) == (
        20,
        8,
        12,
        -4,
        5,
    )
    assert prof.sum_ticks_lots == 101 * 3 + 104 * 2 + 105 * 10 + 99 - 4
    assert prof.vwap_ticks() == Fraction(1656, 20)
    assert prof.poc_ticks() == 105
    # total 20, 70 % = 14: 105 (10), below 100 (5) -> 15
    assert prof.value_area() == (100, 105)
    prof.clear()
    assert prof.poc_ticks() is None
    assert prof.value_area() is None
    assert prof.vwap_ticks() is None
    assert prof.levels().price_ticks.shape == (0,)


def test_profile_vwap_sum_does_not_overflow_int64():
    prof = VolumeProfile()
    n = 1000
    prof.add_trades(np.full(n, 10**12), np.full(n, 10**8), np.ones(n, np.int8))
    assert prof.sum_ticks_lots == 10**12 * 10**8 * n
    assert prof.vwap_ticks() == 10**12


def test_profile_rejects_bad_side():
    with pytest.raises(ValueError):
        VolumeProfile().add_trades([1], [1], [0])
    with pytest.raises(ValueError):
        VolumeProfile(group_ticks=0)


# --- properties ----------------------------------------------------------------------------

trades_st = st.lists(
    st.tuples(st.integers(-30, 30), st.integers(1, 40), st.sampled_from([1, -1])), min_size=1, max_size=60
)
fractions_st = st.one_of(
    st.sampled_from([0.7, 0.5, 0.68, 1.0]), st.fractions(min_value=Fraction(1, 100), max_value=1)
)


@settings(max_examples=200, deadline=None)
@given(
    trades=trades_st,
    g=st.sampled_from([1, 2, 3, 5, 10]),
    cuts=st.lists(st.integers(0, 60), max_size=4),
    single=st.booleans(),
)
def test_profile_matches_reference(trades, g, cuts, single):
    prof = VolumeProfile(g)
    bounds = sorted({0, len(trades), *(c for c in cuts if c < len(trades))})
    for lo, hi in itertools.pairwise(bounds):
        if single:
            for t in trades[lo:hi]:
                prof.add_trade(*t)
        else:
            prof.add_trades(*cols(trades[lo:hi]))
    cells, stl, lots = ref_profile(trades, g)
    assert cells_of(prof) == cells
    assert prof.sum_ticks_lots == stl
    assert prof.sum_lots == prof.volume_lots == lots
    assert prof.buy_lots == sum(c[0] for c in cells.values())
    assert prof.sell_lots == sum(c[1] for c in cells.values())
    assert prof.trades == len(trades)
    assert prof.vwap_ticks() == Fraction(stl, lots)
    top = max(c[0] + c[1] for c in cells.values())
    assert prof.poc_ticks() == min(p for p, c in cells.items() if c[0] + c[1] == top)
    assert prof.value_area() == ref_value_area({p: c[0] + c[1] for p, c in cells.items()}, g, Fraction(7, 10))


@settings(max_examples=200, deadline=None)
@given(
    levels=st.dictionaries(st.integers(-20, 20), st.integers(0, 50), min_size=1, max_size=25),
    g=st.sampled_from([1, 2, 5]),
    fraction=fractions_st,
)
def test_value_area_matches_reference(levels, g, fraction):
    by_key = {p * g: v for p, v in levels.items()}
    prices, vols = list(by_key), list(by_key.values())
    lo, hi = value_area(prices, vols, fraction, g)
    assert (lo, hi) == ref_value_area(by_key, g, to_fraction(fraction))
    # independent sanity: contains the POC and holds at least the fraction of the volume
    assert lo <= point_of_control(prices, vols) <= hi
    assert sum(v for p, v in by_key.items() if lo <= p <= hi) >= to_fraction(fraction) * sum(vols)


@settings(max_examples=60, deadline=None)
@given(
    trades=st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 40), st.sampled_from([1, -1])), min_size=49, max_size=300
    ),
    g=st.sampled_from([1, 2, 5]),
)
def test_vectorised_batches_agree_with_the_per_print_path(trades, g):
    """Batches above SMALL_BATCH take the numpy path, smaller ones the loop: same profile."""
    whole, one_by_one = VolumeProfile(g), VolumeProfile(g)

    whole.add_trades(*cols(trades))
    for t in trades:
        one_by_one.add_trades(*cols([t]))

    assert cells_of(whole) == cells_of(one_by_one)
    assert (whole.sum_ticks_lots, whole.sum_lots, whole.buy_lots, whole.sell_lots, whole.trades) == (
        one_by_one.sum_ticks_lots,
        one_by_one.sum_lots,
        one_by_one.buy_lots,
        one_by_one.sell_lots,
        one_by_one.trades,
    )
