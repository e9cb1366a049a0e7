"""Trading sessions for markets that never close.

Crypto perpetuals trade around the clock, so a "session" is only a convention: the daily moment
at which a scalper wants CVD, session profiles and footprint bars to start afresh (UTC midnight
by default, or e.g. the CME open for traders who follow it). A schedule may also never reset,
for those who read CVD as one unbroken line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.core.units import NS_PER_DAY, NS_PER_MIN

DAY_NS = NS_PER_DAY  # the name the session users import
NEVER_START_NS = -(2**63)
"""Start of the one and only session of a schedule that never resets (int64 minimum), so that
`session_start_ns(ts) <= ts` holds for every timestamp."""
NEVER_END_NS = 2**63
"""Past every int64 timestamp: the next boundary of a schedule that never resets."""

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SessionSchedule:
    """A daily session boundary `offset_ns` after UTC midnight; `None` means one endless session.

    Session ids count days since the epoch (shifted by the offset), so that two components that
    share a schedule agree on which session a timestamp belongs to without talking to each other.
    """

    offset_ns: int | None = 0

    def __post_init__(self) -> None:
        if self.offset_ns is not None and not 0 <= self.offset_ns < DAY_NS:
            raise ValueError(f"session offset must be in [0, 1 day), got {self.offset_ns} ns")

    @classmethod
    def never(cls) -> SessionSchedule:
        return cls(None)

    @classmethod
    def daily_utc(cls, hour: int = 0, minute: int = 0) -> SessionSchedule:
        """A session starting every day at hour:minute UTC (e.g. 13:30 for the US cash open)."""
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError(f"not a time of day: {hour:02d}:{minute:02d}")
        return cls((hour * 60 + minute) * NS_PER_MIN)

    @property
    def resets(self) -> bool:
        return self.offset_ns is not None

    def session_id(self, ts_ns: int) -> int:
        if self.offset_ns is None:
            return 0
        return (ts_ns - self.offset_ns) // DAY_NS

    def session_ids(self, ts_ns: npt.ArrayLike) -> I64:
        """Vectorised `session_id` (numpy floor division floors negatives like Python does)."""
        ts = np.asarray(ts_ns, dtype=np.int64)
        if self.offset_ns is None:
            return np.zeros(ts.shape, dtype=np.int64)
        return (ts - np.int64(self.offset_ns)) // np.int64(DAY_NS)

    def session_start_ns(self, ts_ns: int) -> int:
        if self.offset_ns is None:
            return NEVER_START_NS
        return self.session_id(ts_ns) * DAY_NS + self.offset_ns

    def next_session_start_ns(self, ts_ns: int) -> int:
        """First boundary strictly after `ts_ns`, or NEVER_END_NS.

        Aggregators compare each trade's time against this one cached number instead of
        recomputing a session id per trade.
        """
        if self.offset_ns is None:
            return NEVER_END_NS
        return self.session_start_ns(ts_ns) + DAY_NS
