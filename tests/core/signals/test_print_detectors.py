"""Detectors that read aggressor orders only: large print, absorption, exhaustion, CVD divergence."""

from __future__ import annotations

from app.core.signals.absorption import AbsorptionSettings
from app.core.signals.cvd_divergence import CvdDivergenceSettings
from app.core.signals.engine import SignalSettings
from app.core.signals.kinds import SignalKind
from app.core.signals.large_print import LargePrintSettings

from .conftest import MS, T0, S, Script

LARGE = frozenset({SignalKind.LARGE_PRINT})
RATIO_5 = SignalSettings(large_print=LargePrintSettings(ratio=5.0))


def test_an_order_far_above_the_typical_size_is_a_large_print() -> None:
    script = Script(LARGE, RATIO_5).warm(qty=10)  # typical order: 10 lots
    script.trade(T0, 1000, 30, 1).trade(T0, 1001, 30, 1)  # one buy order of 60 lots over two levels
    script.trade(T0 + S, 1001, 5, -1)

    found = script.run()

    assert [(s.kind, s.ts_ns, s.price_ticks, s.side) for s in found] == [
        (SignalKind.LARGE_PRINT, T0, 1000, 1)
    ]
    assert "60×" not in found[0].detail and "6×" in found[0].detail


def test_an_order_below_the_ratio_or_before_warm_up_is_not() -> None:
    cold = Script(LARGE, RATIO_5)
    cold.trade(T0, 1000, 1000, 1).trade(T0 + S, 1000, 1, -1)
    near = Script(LARGE, RATIO_5).warm(qty=10)
    near.trade(T0, 1000, 49, 1).trade(T0 + S, 1000, 1, -1)  # 4.9× typical: ratio is 5

    assert cold.run() == []
    assert near.run() == []


ABSORB = SignalSettings(absorption=AbsorptionSettings(min_multiple=5.0, min_orders=5, hold_ticks=2))


def test_sells_that_keep_hitting_a_level_that_holds_are_absorbed() -> None:
    script = Script(frozenset({SignalKind.ABSORPTION}), ABSORB).warm(qty=10)
    for i, price in enumerate((2000, 2000, 1999, 2001, 2000, 2000)):
        script.trade(T0 + i * 500 * MS, price, 10, -1)

    found = script.run()

    assert len(found) == 1
    sig = found[0]
    assert (sig.kind, sig.price_ticks, sig.side, sig.ts_ns) == (
        SignalKind.ABSORPTION,
        2000,
        1,
        T0 + 2000 * MS,
    )
    assert "sold into 200.0" in sig.detail


def test_selling_that_breaks_the_level_is_not_absorption() -> None:
    script = Script(frozenset({SignalKind.ABSORPTION}), ABSORB).warm(qty=10)
    for i, price in enumerate((2000, 2000, 1996, 2001, 2000, 2000)):  # 1996: 4 ticks through
        script.trade(T0 + i * 500 * MS, price, 10, -1)

    assert script.run() == []


def _pushes(last_qty: int) -> Script:
    script = Script(frozenset({SignalKind.EXHAUSTION}))
    for bar, (price, qty) in enumerate(((1000, 10), (1005, 100), (1008, 60), (1010, last_qty))):
        script.trade(T0 + bar * 5 * S, price, qty, 1)
    script.trade(T0 + 4 * 5 * S, 1009, 5, -1)  # the next bar closes the last push
    return script


def test_new_highs_on_shrinking_buying_are_exhaustion() -> None:
    found = _pushes(last_qty=30).run()

    assert [(s.kind, s.price_ticks, s.side, s.ts_ns) for s in found] == [
        (SignalKind.EXHAUSTION, 1010, -1, T0 + 20 * S)
    ]


def test_new_highs_on_growing_or_barely_fading_buying_are_not() -> None:
    assert _pushes(last_qty=70).run() == []  # 100 → 60 → 70: not shrinking
    assert _pushes(last_qty=55).run() == []  # shrinking, but 55 > 0.5 × 100


DIVERGENCE = SignalSettings(cvd_divergence=CvdDivergenceSettings(min_cvd_multiple=0.0))


def _two_highs(second_qty: int) -> Script:
    script = Script(frozenset({SignalKind.CVD_DIVERGENCE}), DIVERGENCE)
    bars = [(1000, 10, 1), (1002, 10, 1), (1010, 100, 1), (1003, 50, -1), (1001, 50, -1), (1004, 10, 1),
            (1012, second_qty, 1), (1005, 10, -1), (1004, 10, -1), (1003, 10, -1)]  # fmt: skip
    for bar, (price, qty, side) in enumerate(bars):
        script.trade(T0 + bar * 10 * S, price, qty, side)
    return script


def test_a_higher_high_on_lower_cvd_is_a_bearish_divergence() -> None:
    found = _two_highs(second_qty=20).run()

    assert [(s.kind, s.price_ticks, s.side, s.ts_ns) for s in found] == [
        (SignalKind.CVD_DIVERGENCE, 1012, -1, T0 + 90 * S)
    ]


def test_a_higher_high_on_higher_cvd_is_not() -> None:
    assert _two_highs(second_qty=200).run() == []
