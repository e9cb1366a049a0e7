"""Where the CVD chart's view goes: plain arithmetic, no Qt."""

from __future__ import annotations

from widgets.cvd.range import fit_y_range, follow_x_range


def test_few_bars_fit_with_room_and_a_minimum_width() -> None:
    x0, x1 = follow_x_range(0.0, 120.0, 60.0, follow_bars=100, margin_bars=5)

    assert x1 > 120.0
    assert x1 - x0 >= 30 * 60.0


def test_many_bars_slide_with_the_newest() -> None:
    x0, x1 = follow_x_range(0.0, 6000.0 * 60, 60.0, follow_bars=100, margin_bars=5)

    assert x1 - x0 == (100 + 5) * 60.0


def test_y_range_holds_while_the_data_fits_it_well() -> None:
    assert fit_y_range(10.0, 20.0, (8.0, 22.0), 300.0, pad_top_px=10, pad_bottom_px=10) is None


def test_y_range_refits_when_data_leaves_it() -> None:
    new = fit_y_range(10.0, 50.0, (0.0, 30.0), 300.0, pad_top_px=10, pad_bottom_px=10)

    assert new is not None and new[0] < 10.0 and new[1] > 50.0
