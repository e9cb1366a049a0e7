"""The tape's settings: rows per order or per print, size filter, highlight and clock precision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from widgets.base.settings import Flag, IntIn, OneOf, Setting, SettingsSpec

Mode = Literal["aggregated", "raw"]
MODES: tuple[Mode, ...] = ("aggregated", "raw")
DEFAULT_LARGE_LOTS = 1_000  # 1 BTC at Binance's 0.001 lot
MAX_LOTS = 10**15
_MODE_LABELS = {"aggregated": "One row per aggressor order", "raw": "Every print (raw)"}


@dataclass(frozen=True, slots=True)
class TapeSettings:
    mode: Mode = "aggregated"
    min_size_lots: int = 0
    large_size_lots: int = DEFAULT_LARGE_LOTS  # 0 turns highlighting off
    show_millis: bool = True
    show_liquidations: bool = True  # forced orders as their own rows
    liq_min_lots: int = 0  # the smallest liquidation shown


# The size menus are quantities of the instrument: the view builds them.
TAPE_SETTINGS = SettingsSpec(
    TapeSettings,
    (
        Setting("mode", OneOf(MODES), "Rows", _MODE_LABELS.__getitem__),
        Setting("min_size_lots", IntIn(0, MAX_LOTS)),
        Setting("large_size_lots", IntIn(0, MAX_LOTS)),
        Setting("show_millis", Flag(), "Show milliseconds"),
        Setting("show_liquidations", Flag(), "Liquidation rows"),
        Setting("liq_min_lots", IntIn(0, MAX_LOTS)),
    ),
    not_mapping="settings: {!r} is not a mapping, using defaults",
)
