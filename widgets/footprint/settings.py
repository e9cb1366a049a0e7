"""Footprint settings: what a bar is, how prices are grouped, what a cell shows.

Kept as one frozen value so that a settings change is a single comparison (rebuild the series
or only restyle) and the JSON round trip is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from app.core.footprint import BarSpec
from widgets.base.settings import Flag, IntIn, OneOf, Rule, Setting, SettingsSpec

BAR_KINDS = ("time", "ticks", "volume")
CELL_MODES = ("bid_ask", "delta", "volume")
COLOR_MODES = ("delta", "volume")
GROUPS = (1, 2, 5, 10, 25, 50, 100)
TIME_SIZES_S = (1, 5, 10, 15, 30, 60, 120, 300, 900, 1800, 3600)
TICK_SIZES = (100, 250, 500, 1000, 2000, 5000)
IMBALANCE_RATIOS_PCT = (150, 200, 250, 300, 400)
MAX_SIZE = 10**12


@dataclass(frozen=True, slots=True)
class FootprintSettings:
    bar_kind: str = "time"
    bar_size: int = 60  # seconds, trades or lots, by bar_kind
    group_ticks: int = 1
    cell_mode: str = "bid_ask"
    color_by: str = "delta"
    imbalance_ratio_pct: int = 300
    imbalance_min_lots: int = 0
    show_value_area: bool = True
    show_stats: bool = True
    show_naked_poc: bool = True
    show_stacked: bool = True
    show_session_profile: bool = True
    show_liquidations: bool = True
    liq_min_lots: int = 0

    def bar_spec(self) -> BarSpec:
        if self.bar_kind == "ticks":
            return BarSpec.ticks(self.bar_size, self.group_ticks)
        if self.bar_kind == "volume":
            return BarSpec.volume(self.bar_size, self.group_ticks)
        return BarSpec.time(self.bar_size, self.group_ticks)

    @property
    def imbalance_ratio(self) -> Fraction:
        return Fraction(self.imbalance_ratio_pct, 100)


_DEFAULT_BAR_SIZE = {"time": 60, "ticks": 500, "volume": 100_000}
_CELL_LABELS = {"bid_ask": "Bid × Ask", "delta": "Delta", "volume": "Volume"}
_COLOR_LABELS = {"delta": "Delta", "volume": "Volume"}


def _bar_size_rule(parsed: Mapping[str, Any]) -> tuple[Any, Rule]:
    """A bar's size is seconds (up to an hour), trades or lots: its default and range follow the kind."""
    kind = parsed["bar_kind"]
    return _DEFAULT_BAR_SIZE[kind], IntIn(1, 3600 if kind == "time" else MAX_SIZE)


# The bar, grouping and minimum volume menus name the instrument's tick and unit: the view builds them.
FOOTPRINT_SETTINGS = SettingsSpec(
    FootprintSettings,
    (
        Setting("bar_kind", OneOf(BAR_KINDS)),
        Setting("bar_size", IntIn(1, MAX_SIZE), depends=_bar_size_rule),
        Setting("group_ticks", OneOf(GROUPS)),
        Setting("cell_mode", OneOf(CELL_MODES), "Cell", _CELL_LABELS.__getitem__),
        Setting("color_by", OneOf(COLOR_MODES), "Colour by", _COLOR_LABELS.__getitem__),
        Setting(
            "imbalance_ratio_pct", IntIn(101, 10_000), "Imbalance ratio", "{} %".format, IMBALANCE_RATIOS_PCT
        ),
        Setting("imbalance_min_lots", IntIn(0, MAX_SIZE)),
        Setting("show_value_area", Flag(), "Value area (70 %)"),
        Setting("show_stats", Flag(), "Statistics rows"),
        Setting("show_naked_poc", Flag(), "Naked POC lines"),
        Setting("show_stacked", Flag(), "Stacked imbalance zones"),
        Setting("show_session_profile", Flag(), "Session volume profile"),
        Setting("show_liquidations", Flag(), "Liquidations"),
        Setting("liq_min_lots", IntIn(0, MAX_SIZE)),
    ),
    not_mapping="settings: {!r} is not an object, using defaults",
)
