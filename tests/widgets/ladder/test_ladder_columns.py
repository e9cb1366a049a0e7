"""Which ladder columns show and how they share a width: plain arithmetic, no Qt."""

from __future__ import annotations

from dataclasses import replace

from widgets.ladder.columns import (
    ALL_COLUMNS,
    PAD_PX,
    TIGHT_PAD_PX,
    Column,
    enabled_columns,
    fit_columns,
    rows_for_height,
)
from widgets.ladder.settings import LadderSettings


def ten_px_plus_pads(column: Column, pad_px: int) -> float:
    return 10.0 + 2 * pad_px


def keys(cols) -> list[str]:
    return [c.key for c in cols]


def test_settings_hide_their_columns() -> None:
    s = replace(LadderSettings(), show_pull_stack=False, show_session_volume=False)

    assert keys(enabled_columns(s)) == ["orders", "bid", "sell", "price", "buy", "ask", "position"]


def test_wide_enough_keeps_every_column_and_shares_the_spare_width() -> None:
    layout = fit_columns(list(ALL_COLUMNS), 1000.0, ten_px_plus_pads)

    assert layout.pad_px == PAD_PX and layout.dropped == ()
    assert [c.key for c, _, _ in layout.columns] == keys(ALL_COLUMNS)
    assert sum(w for _, _, w in layout.columns) == 1000.0


def test_a_few_pixels_short_tightens_the_padding_first() -> None:
    layout = fit_columns(list(ALL_COLUMNS), 10 * 18.0 - 1, ten_px_plus_pads)

    assert layout.pad_px == TIGHT_PAD_PX and layout.dropped == ()


def test_narrow_drops_session_volume_then_pull_stack() -> None:
    layout = fit_columns(list(ALL_COLUMNS), 7 * 14.0, ten_px_plus_pads)

    assert layout.dropped == ("session", "ps_bid", "ps_ask")
    assert "bid" in [c.key for c, _, _ in layout.columns]


def test_rows_for_height_never_below_one() -> None:
    assert rows_for_height(0) == 1
    assert rows_for_height(18 + 18 + 17 * 10) == 10
