"""The CVD chart's settings: what the trader chose, its JSON form and its validation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.cvd_series import CvdSpec
from app.core.sessions import SessionSchedule
from widgets.view import int_in, one_of, pick

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

    def spec(self) -> CvdSpec:
        return CvdSpec(self.timeframe_s, schedule_for(self.session_reset), self.min_size_lots)

    def to_json(self) -> dict[str, Any]:
        return {
            "timeframe_s": self.timeframe_s,
            "session_reset": self.session_reset,
            "min_size_lots": self.min_size_lots,
            "price_style": self.price_style,
            "cvd_style": self.cvd_style,
            "divergence_lookback": self.divergence_lookback,
        }

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> tuple[CvdSettings, list[str]]:
        """Valid values from `data`, defaults for the rest, and one problem line per replaced value."""
        problems: list[str] = []
        raw: object = data  # a hand-edited layout may hold anything here
        if not isinstance(raw, Mapping):
            problems.append(f"settings: {raw!r} is not a mapping, using defaults")
            data = {}
        d = CvdSettings()
        new = CvdSettings(
            timeframe_s=pick(data, "timeframe_s", d.timeframe_s, one_of(TIMEFRAMES_S), problems),
            session_reset=pick(data, "session_reset", d.session_reset, _valid_session, problems),
            min_size_lots=pick(data, "min_size_lots", d.min_size_lots, int_in(0, 10**15), problems),
            price_style=pick(data, "price_style", d.price_style, one_of(("candles", "line")), problems),
            cvd_style=pick(data, "cvd_style", d.cvd_style, one_of(("line", "candles")), problems),
            divergence_lookback=pick(
                data, "divergence_lookback", d.divergence_lookback, int_in(3, 500), problems
            ),
        )
        return new, problems
