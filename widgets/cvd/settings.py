"""The CVD chart's settings: what the trader chose, its JSON form and its validation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.core.cvd_series import CvdSpec
from app.core.footprint import BarSpec
from app.core.sessions import SessionSchedule
from widgets.base.settings import Flag, IntIn, Matches, OneOf, Setting, SettingsSpec

TIMEFRAMES_S = (1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600)
SESSION_CHOICES = ("00:00", "08:00", "13:30", "14:30", "never")
LOOKBACKS = (10, 20, 30, 50, 100)
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def _valid_session(value: Any) -> bool:
    return value == "never" or (isinstance(value, str) and _HHMM.fullmatch(value) is not None)


def schedule_for(session_reset: str) -> SessionSchedule:
    if session_reset == "never":
        return SessionSchedule.never()
    hh, mm = session_reset.split(":")
    return SessionSchedule.daily_utc(int(hh), int(mm))


@dataclass(frozen=True, slots=True)
class CvdSettings:
    timeframe_s: int = 60
    session_reset: str = "00:00"
    min_size_lots: int = 0
    price_style: str = "candles"
    cvd_style: str = "line"
    divergence_lookback: int = 20
    show_vwap: bool = True
    show_liquidations: bool = True
    liq_min_lots: int = 0
    show_open_interest: bool = False

    def spec(self) -> CvdSpec:
        return CvdSpec(self.timeframe_s, schedule_for(self.session_reset), self.min_size_lots)


_STYLE_LABELS = {"candles": "Candles", "line": "Line"}

# The minimum size menu is in quantities of the instrument: the view builds it.
CVD_SETTINGS = SettingsSpec(
    CvdSettings,
    (
        Setting("timeframe_s", OneOf(TIMEFRAMES_S), "Bar timeframe", lambda v: BarSpec.time(v).label),
        Setting(
            "session_reset",
            Matches(_valid_session),
            "Session reset (UTC)",
            lambda v: "never" if v == "never" else f"daily {v}",
            SESSION_CHOICES,
            "first",
        ),
        Setting("min_size_lots", IntIn(0, 10**15)),
        Setting("price_style", OneOf(("candles", "line")), "Price pane", _STYLE_LABELS.__getitem__),
        Setting("cvd_style", OneOf(("line", "candles")), "CVD pane", _STYLE_LABELS.__getitem__),
        Setting(
            "divergence_lookback", IntIn(3, 500), "Divergence lookback", "{} bars".format, LOOKBACKS, "sorted"
        ),
        Setting("show_vwap", Flag(), "Session VWAP ±1σ/2σ"),
        Setting("show_liquidations", Flag(), "Liquidations"),
        Setting("liq_min_lots", IntIn(0, 10**15)),
        Setting("show_open_interest", Flag(), "Open interest pane"),
    ),
    not_mapping="settings: {!r} is not a mapping, using defaults",
)
