"""Footprint settings: what a bar is, how prices are grouped, what a cell shows.

Kept as one frozen value so that a settings change is a single comparison (rebuild the series
or only restyle) and the JSON round trip is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from app.core.footprint import BarSpec
from widgets.view import int_in, one_of, pick

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

    def bar_spec(self) -> BarSpec:
        if self.bar_kind == "ticks":
            return BarSpec.ticks(self.bar_size, self.group_ticks)
        if self.bar_kind == "volume":
            return BarSpec.volume(self.bar_size, self.group_ticks)
        return BarSpec.time(self.bar_size, self.group_ticks)

    @property
    def imbalance_ratio(self) -> Fraction:
        return Fraction(self.imbalance_ratio_pct, 100)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> tuple[FootprintSettings, list[str]]:
        """Valid values from `data`, defaults for the rest, and one problem line per bad value."""
        d = cls()
        problems: list[str] = []
        if not isinstance(data, Mapping):
            return d, [f"settings: {data!r} is not an object, using defaults"]
        kind = pick(data, "bar_kind", d.bar_kind, one_of(BAR_KINDS), problems)
        size_ok = int_in(1, 3600 if kind == "time" else MAX_SIZE)
        default_size = {"time": 60, "ticks": 500, "volume": 100_000}[kind]
        size = pick(data, "bar_size", default_size, size_ok, problems)
        out = cls(
            bar_kind=kind,
            bar_size=size,
            group_ticks=pick(data, "group_ticks", d.group_ticks, one_of(GROUPS), problems),
            cell_mode=pick(data, "cell_mode", d.cell_mode, one_of(CELL_MODES), problems),
            color_by=pick(data, "color_by", d.color_by, one_of(COLOR_MODES), problems),
            imbalance_ratio_pct=pick(
                data, "imbalance_ratio_pct", d.imbalance_ratio_pct, int_in(101, 10_000), problems
            ),
            imbalance_min_lots=pick(
                data, "imbalance_min_lots", d.imbalance_min_lots, int_in(0, MAX_SIZE), problems
            ),
            show_value_area=pick(data, "show_value_area", d.show_value_area, _is_bool, problems),
            show_stats=pick(data, "show_stats", d.show_stats, _is_bool, problems),
            show_naked_poc=pick(data, "show_naked_poc", d.show_naked_poc, _is_bool, problems),
            show_stacked=pick(data, "show_stacked", d.show_stacked, _is_bool, problems),
        )
        return out, problems


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)
