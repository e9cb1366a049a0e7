from fractions import Fraction

import numpy as np

from app.core.footprint import BarSpec, FootprintSeries
from app.core.footprint_view_model import analyse_bar, extend_until_retested, intensity

SEC = 10**9


def series(trades, spec):
    s = FootprintSeries(spec)
    for t, p, q, side in trades:
        s.add_trade(t, p, q, side)
    return s


def test_analysis_follows_the_bar_rules():
    # 1 s bars; bar 0 has buys stacked over thin sells, bar 1 sells only.
    trades = [
        (0, 100, 1, -1),
        (1, 101, 10, 1),
        (2, 102, 12, 1),
        (3, 103, 15, 1),
        (4, 100, 2, 1),
        (SEC, 99, 5, -1),
        (SEC + 1, 98, 3, -1),
    ]
    s = series(trades, BarSpec.time(1))
    b0, b1 = s.bars
    a0 = analyse_bar(b0, 0, None, imbalance_ratio=Fraction(3), imbalance_min_lots=0)
    assert a0.price_ticks.tolist() == [100, 101, 102, 103]
    assert a0.buy_lots.tolist() == [2, 10, 12, 15]
    assert a0.sell_lots.tolist() == [1, 0, 0, 0]
    assert a0.poc_ticks == b0.poc_ticks() == 103
    assert a0.value_area == b0.value_area(0.7)
    expected = {(im.price_ticks, im.side) for im in b0.diagonal_imbalances(3)}
    got = {(int(p), 1) for p in a0.price_ticks[a0.buy_imbalance]} | {
        (int(p), -1) for p in a0.price_ticks[a0.sell_imbalance]
    }
    assert got == expected
    assert a0.stacks == tuple(b0.stacked_imbalances(3))
    assert a0.stacks[0].levels == 4
    assert a0.stats.delta_change_lots is None
    assert a0.stats.volume_lots == 40 and a0.stats.delta_lots == 38
    a1 = analyse_bar(b1, 1, b0, imbalance_ratio=Fraction(3), imbalance_min_lots=0)
    assert a1.stats.delta_change_lots == -8 - 38
    assert a1.stats.duration_ns == 1
    assert a1.max_abs_delta_lots == 5 and a1.max_volume_lots == 5


def test_min_lots_filter_removes_small_imbalances():
    s = series([(0, 100, 1, -1), (1, 101, 4, 1)], BarSpec.ticks(10))
    bar = s.bars[0]
    assert analyse_bar(
        bar, 0, None, imbalance_ratio=Fraction(3), imbalance_min_lots=0
    ).buy_imbalance.tolist() == [False, True]
    assert analyse_bar(
        bar, 0, None, imbalance_ratio=Fraction(3), imbalance_min_lots=5
    ).buy_imbalance.tolist() == [False, False]


def test_zones_extend_until_a_later_bar_trades_inside():
    lows = [100, 110, 95, 90]
    highs = [105, 120, 99, 101]
    # bar 10 forms the first zone; bar 11 (110..120) misses it, bar 12 (95..99) too; bar 13 (90..101) hits.
    # The POC at 115 (bar 11) is never revisited; the sell stack at 96..97 (bar 12) is hit by bar 13.
    zones = extend_until_retested([(1, 100, 102, 10), (0, 115, 115, 11), (-1, 96, 97, 12)], 10, lows, highs)
    assert [z.end_index for z in zones] == [13, None, 13]


def test_intensity_is_bounded_and_monotonic():
    v = intensity([0, -1, 4, 16, 32], 16)
    assert v.tolist() == [0.0, 0.25, 0.5, 1.0, 1.0]
    assert np.all(intensity([3, 4], 0) == 0)


def test_tracker_equals_the_batch_reference():
    from app.core.footprint_view_model import ZoneTracker

    rng = np.random.default_rng(7)
    lows = rng.integers(90, 110, 60)
    highs = lows + rng.integers(0, 6, 60)
    born = [
        (int(rng.integers(-1, 2)), int(lo), int(lo) + int(rng.integers(0, 3)), k) for k, lo in enumerate(lows)
    ]
    tracker = ZoneTracker()
    for k in range(59):  # bar 59 stays open
        tracker.close_bar(k, int(lows[k]), int(highs[k]), [(s, lo, hi) for s, lo, hi, b in born if b == k])
    got = tracker.zones(59, int(lows[59]), int(highs[59]))
    want = extend_until_retested([z for z in born if z[3] < 59], 0, lows, highs)
    key = lambda z: (z.start_index, z.side, z.low_ticks)  # noqa: E731
    assert sorted(got, key=key) == sorted(want, key=key)


def test_analysis_equals_the_bar_rules_on_random_bars():
    """One pass over the levels and the imbalances gives exactly what the bar's own methods give."""
    rng = np.random.default_rng(11)
    seen_stacks = seen_imbalances = 0
    for g in (1, 2, 5):
        n = 400
        t = np.arange(n, dtype=np.int64) * (SEC // 20)
        prices = 1000 + np.cumsum(rng.integers(-3, 4, n))
        s = FootprintSeries(BarSpec.time(2, g))
        s.add_trades(t, prices, rng.integers(1, 30, n), rng.choice([-1, 1], n))
        assert len(s.bars) >= 5
        for k, bar in enumerate(s.bars):
            a = analyse_bar(bar, k, None, imbalance_ratio=Fraction(3, 2), imbalance_min_lots=3)
            lv = bar.levels()
            assert a.price_ticks.tolist() == lv.price_ticks.tolist()
            assert a.poc_ticks == bar.poc_ticks()
            assert a.value_area == bar.value_area(Fraction(7, 10))
            want = {(im.price_ticks, im.side) for im in bar.diagonal_imbalances(Fraction(3, 2), 3)}
            got = {(int(p), 1) for p in a.price_ticks[a.buy_imbalance]} | {
                (int(p), -1) for p in a.price_ticks[a.sell_imbalance]
            }
            assert got == want
            assert a.stacks == tuple(bar.stacked_imbalances(Fraction(3, 2), 3))
            seen_stacks += len(a.stacks)
            seen_imbalances += len(want)
    assert seen_stacks > 0 and seen_imbalances > 0  # the comparison was not vacuous


def test_imbalance_masks_match_the_bar_rule_at_edges_and_huge_sizes():
    from app.core.footprint_view_model import diagonal_imbalance_masks

    prices = np.array([100, 102, 106, 108], dtype=np.int64)  # group 2: 104 has no trades
    buys = np.array([3, 9, 4, 0], dtype=np.int64)
    sells = np.array([3, 3, 0, 6], dtype=np.int64)
    buy, sell = diagonal_imbalance_masks(prices, buys, sells, 2, ratio=Fraction(3))
    # 102: 9 vs 3×3 below (exactly 300 %); 106: nothing traded at 104, so 4 faces 0; 100: 3 faces none
    assert buy.tolist() == [True, True, True, False]
    # 100: 3 < 3×9 above; 102: 3 faces the untraded 104; 106: no sells; 108: 6 faces nothing above
    assert sell.tolist() == [False, True, False, True]
    assert diagonal_imbalance_masks(prices, buys, sells, 2, ratio=Fraction(3), min_lots=5)[0].tolist() == [
        False,
        True,
        False,
        False,
    ]
    big = 2**58  # sizes fit int64, their products with the ratio do not
    hb, hs = diagonal_imbalance_masks(prices, buys * big, sells * big, 2, ratio=Fraction(301, 100))
    assert hb.tolist() == [True, False, True, False]  # exact even past int64 products
    assert hs.tolist() == [False, True, False, True]


def test_open_bar_levels_patched_per_batch_equal_a_rebuild():
    """Fed in small batches (new groups, repeat groups, bar closes), the patched columns of the open
    bar equal `FootprintBar.levels()` after every batch, and only new groups or a new bar rebuild."""
    from app.core.footprint_view_model import OpenBarLevels

    rng = np.random.default_rng(5)
    for g in (1, 5):
        n = 3000
        t = np.arange(n, dtype=np.int64) * (SEC // 200)  # 200 prints a second: 2 s bars of 400
        prices = 5000 + np.cumsum(rng.integers(-2, 3, n))
        qty, side = rng.integers(1, 40, n), rng.choice([-1, 1], n)
        s = FootprintSeries(BarSpec.time(2, g))
        cache = OpenBarLevels()
        patched = rebuilt = 0
        at = 0
        while at < n:
            step = int(rng.integers(1, 9))
            s.add_trades(t[at : at + step], prices[at : at + step], qty[at : at + step], side[at : at + step])
            cache.traded(prices[at : at + step], g)
            at += step
            bar = s.open_bar
            assert bar is not None
            before = cache._levels
            got = cache.levels(bar)
            want = bar.levels()
            assert all(a.tolist() == b.tolist() for a, b in zip(got, want, strict=True))
            if before is not None and got.price_ticks is before.price_ticks:
                patched += 1
                assert all(a is not b for a, b in zip(got[1:], before[1:], strict=True))  # not written over
            else:
                rebuilt += 1
        assert patched > rebuilt > 5  # most batches only touch groups the bar already has
