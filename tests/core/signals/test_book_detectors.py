"""Detectors that read the book as it was among the prints: sweep into a void, iceberg, pulled wall;
and the ones fed by bars and liquidations: stacked imbalance zones, liquidation cascade."""

from __future__ import annotations

from app.core.signals.engine import SignalSettings
from app.core.signals.iceberg import IcebergSettings
from app.core.signals.kinds import SignalKind
from app.core.signals.stacked_imbalance import StackedImbalanceSettings
from app.core.signals.sweep import SweepSettings

from .conftest import MS, T0, S, Script

SWEEP = frozenset({SignalKind.SWEEP})
FIVE_LEVELS = SignalSettings(sweep=SweepSettings(min_levels=5))


def _sweep(beyond_lots: int, levels: int = 5) -> Script:
    asks = [(p, 10) for p in range(1000, 1005)] + [(p, beyond_lots) for p in range(1005, 1015)]
    script = Script(SWEEP, FIVE_LEVELS).snapshot(T0, [(999, 10)], asks)
    for p in range(1000, 1000 + levels):  # one buy order (one timestamp) through the levels
        script.trade(T0 + MS, p, 10, 1)
    return script.trade(T0 + S, 1004, 1, -1)


def test_a_buy_through_five_levels_into_a_thin_book_is_a_sweep() -> None:
    found = _sweep(beyond_lots=1).run()

    assert [(s.kind, s.price_ticks, s.side, s.ts_ns) for s in found] == [(SignalKind.SWEEP, 1004, 1, T0 + MS)]
    assert "through 5 levels" in found[0].detail and "void" in found[0].detail


def test_a_sweep_into_a_thick_book_or_through_too_few_levels_is_not() -> None:
    assert _sweep(beyond_lots=100).run() == []
    assert _sweep(beyond_lots=1, levels=4).run() == []


ICEBERG = SignalSettings(iceberg=IcebergSettings(min_exec_multiple=0.0))


def _refills(cycles: int, refill_to: int) -> Script:
    script = Script(frozenset({SignalKind.ICEBERG}), ICEBERG).snapshot(T0, [(1000, 10)], [(1010, 10)])
    for i in range(cycles):
        t = T0 + (i + 1) * S
        script.trade(t, 1010, 10, 1)  # buyers take the 10 shown …
        script.diff(t + MS, [], [(1010, refill_to)])  # … and the level shows 10 again
    return script.trade(T0 + 60 * S, 1009, 1, -1)


def test_an_ask_that_keeps_refilling_after_being_taken_is_an_iceberg() -> None:
    found = _refills(cycles=3, refill_to=10).run()

    assert [(s.kind, s.price_ticks, s.side) for s in found] == [(SignalKind.ICEBERG, 1010, -1)]
    assert found[0].ts_ns == T0 + 3 * S + MS
    assert "3 refills" in found[0].detail


def test_a_level_that_is_taken_and_not_refilled_is_not() -> None:
    assert _refills(cycles=2, refill_to=10).run() == []  # two refills: three needed
    assert _refills(cycles=3, refill_to=0).run() == []  # emptied each time


def _refill_named_late(other_updates: int) -> Script:
    """Three take-and-refill cycles at ask 1010; before the last refill shows, `other_updates`
    updates change only bids (the depth stream lagging the trades)."""
    script = Script(frozenset({SignalKind.ICEBERG}), ICEBERG).snapshot(T0, [(1000, 10)], [(1010, 10)])
    for i in range(3):
        t = T0 + (i + 1) * S
        script.trade(t, 1010, 10, 1)
        for k in range(other_updates if i == 2 else 0):
            script.diff(t + (k + 1) * MS, [(990 - k, 5)], [])
        script.diff(t + 100 * MS, [], [(1010, 10)])
    return script.trade(T0 + 60 * S, 1009, 1, -1)


def test_trades_wait_eight_updates_for_the_one_that_names_their_level_and_no_more() -> None:
    assert [s.kind for s in _refill_named_late(other_updates=8).run()] == [SignalKind.ICEBERG]
    assert _refill_named_late(other_updates=9).run() == []  # the third take was dropped: two refills


WALL = frozenset({SignalKind.PULLED_WALL})


def _wall(final_trade: int, pulled_at_ms: int = 300) -> Script:
    bids = [(p, 10) for p in range(980, 1000)]
    bids[10] = (990, 500)  # the wall, 10 ticks under price
    script = Script(WALL).snapshot(T0, bids, [(1001, 10)])
    script.trade(T0, 1000, 1, -1).diff(T0 + MS, [(999, 11)], [])  # scanned: wall at 990
    script.trade(T0 + 100 * MS, 997, 1, -1).diff(T0 + 150 * MS, [(998, 12)], [])
    script.trade(T0 + 200 * MS, final_trade, 1, -1)
    script.diff(T0 + pulled_at_ms * MS, [(990, 0)], [])  # the wall goes, nothing traded there
    return script.trade(T0 + S, final_trade, 1, 1)


def test_a_bid_wall_pulled_as_price_comes_near_is_a_pulled_wall() -> None:
    found = _wall(final_trade=994).run()

    assert [(s.kind, s.price_ticks, s.side, s.ts_ns) for s in found] == [
        (SignalKind.PULLED_WALL, 990, -1, T0 + 300 * MS)
    ]


def test_a_wall_removed_while_price_is_still_far_is_not() -> None:
    assert _wall(final_trade=998).run() == []  # 8 ticks away: approach is 5


STACKED = frozenset({SignalKind.STACKED_IMBALANCE})
ANY_CELL = SignalSettings(stacked_imbalance=StackedImbalanceSettings(min_cell_multiple=0.0))


def _stack(levels: int) -> Script:
    script = Script(STACKED, ANY_CELL)
    for i in range(levels):
        script.trade(T0 + i * S, 1001 + i, 10, 1)  # buys, nobody selling one level under
    script.trade(T0 + 61 * S, 1010, 1, 1)  # the next minute's bar: the first closes
    return script


def test_three_stacked_buy_imbalances_make_a_zone_until_retested() -> None:
    script = _stack(levels=3)
    script.trade(T0 + 70 * S, 1003, 1, -1).trade(T0 + 80 * S, 1008, 1, 1)  # back into the zone

    found = script.run()

    assert [(s.kind, s.price_ticks, s.side) for s in found] == [(SignalKind.STACKED_IMBALANCE, 1003, 1)]
    assert script.engine.zone_end_ns(found[0]) == T0 + 70 * S


def test_two_imbalances_are_not_a_stack() -> None:
    assert _stack(levels=2).run() == []


def test_cells_far_smaller_than_the_typical_order_are_not_a_stack() -> None:
    script = Script(STACKED).warm(qty=100)  # typical order 100 lots, the cells hold 10
    for i in range(3):
        script.trade(T0 + i * S, 1001 + i, 10, 1)
    script.trade(T0 + 61 * S, 1010, 1, 1)

    assert script.run() == []


CASCADE = frozenset({SignalKind.LIQUIDATION_CASCADE})


def test_five_long_liquidations_in_seconds_are_a_cascade() -> None:
    script = Script(CASCADE)
    for i in range(6):
        script.liquidation(T0 + i * 800 * MS, -1)

    found = script.run()

    assert [(s.kind, s.side, s.ts_ns) for s in found] == [
        (SignalKind.LIQUIDATION_CASCADE, -1, T0 + 3200 * MS)
    ]
    assert "longs liquidated" in found[0].detail


def test_too_few_or_two_sided_liquidations_are_not() -> None:
    few = Script(CASCADE)
    for i in range(4):
        few.liquidation(T0 + i * S, -1)
    mixed = Script(CASCADE)
    for i in range(8):
        mixed.liquidation(T0 + i * 500 * MS, -1 if i < 5 else 1)
    spread = Script(CASCADE)
    for i in range(5):
        spread.liquidation(T0 + i * 20 * S, -1)  # one every 20 s: no cluster

    assert few.run() == []
    assert [s.side for s in mixed.run()] == [-1]  # fired at the fifth, before the shorts came
    assert spread.run() == []
