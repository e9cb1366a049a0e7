"""The ladder's settings: what the trader chose, its layout JSON, validation and menu choices."""

from __future__ import annotations

from dataclasses import dataclass

from widgets.base.settings import Flag, IntIn, OneOf, Setting, SettingsSpec

GROUPS = (1, 2, 5, 10, 25, 50, 100)
CENTERING = ("continuous", "static", "ticks")
RECENTER_TICKS = (2, 5, 10, 20, 50, 100)  # menu choices; any 1..10,000 is accepted from a file
RECENT_RESET_S = (1, 2, 5, 10, 15, 30, 60)  # menu choices; any 1..3,600 is accepted from a file
_CENTERING_LABELS = {
    "continuous": "Continuous (always centred)",
    "static": "Static until the edge",
    "ticks": "Re-centre after N ticks",
}


@dataclass(frozen=True, slots=True)
class LadderSettings:
    group_ticks: int = 1
    centering: str = "static"  # the calmest default: the ladder moves only when it must
    recenter_ticks: int = 10
    recent_reset_s: int = 5
    show_recent_volume: bool = True
    show_session_volume: bool = True
    show_pull_stack: bool = True


LADDER_SETTINGS = SettingsSpec(
    LadderSettings,
    (
        Setting("group_ticks", OneOf(GROUPS), "Price grouping", lambda g: f"{g} tick{'s' if g > 1 else ''}"),
        Setting("centering", OneOf(CENTERING), "Centring", _CENTERING_LABELS.__getitem__),
        Setting(
            "recenter_ticks", IntIn(1, 10_000), "Re-centre after", "{} ticks".format, RECENTER_TICKS, "sorted"
        ),
        Setting(
            "recent_reset_s",
            IntIn(1, 3_600),
            "Reset recent volume every",
            "{} s".format,
            RECENT_RESET_S,
            "sorted",
        ),
        Setting("show_recent_volume", Flag(), "Recent buys / sells"),
        Setting("show_session_volume", Flag(), "Session volume"),
        Setting("show_pull_stack", Flag(), "Pulling / stacking"),
    ),
    not_mapping="ladder settings: {!r} is not a mapping, using defaults",
)
