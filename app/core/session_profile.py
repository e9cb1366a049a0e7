"""The session volume profile: a `VolumeProfile` that starts afresh at each session boundary.

`VolumeProfile` takes no timestamps (so one class serves session, range and composite profiles);
this owner cuts a chronological stream of prints at the schedule's boundaries and clears it there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from app.core.profile import VolumeProfile
from app.core.sessions import SessionSchedule


class SessionProfile:
    """Volume at price (grouped like the footprint) of the current session only."""

    def __init__(self, sessions: SessionSchedule | None = None, group_ticks: int = 1) -> None:
        self.sessions = sessions if sessions is not None else SessionSchedule()
        self.profile = VolumeProfile(group_ticks)
        self.session_id: int | None = None
        self.version = 0

    def add_trades(
        self,
        exchange_ns: npt.ArrayLike,
        price_ticks: npt.ArrayLike,
        qty_lots: npt.ArrayLike,
        side: npt.ArrayLike,
    ) -> None:
        ts = np.asarray(exchange_ns, dtype=np.int64)
        if ts.shape[0] == 0:
            return
        p = np.asarray(price_ticks, dtype=np.int64)
        q = np.asarray(qty_lots, dtype=np.int64)
        s = np.asarray(side, dtype=np.int64)
        sids = self.sessions.session_ids(ts)
        cut = (np.flatnonzero(sids[1:] != sids[:-1]) + 1).tolist()
        for a, b in zip([0, *cut], [*cut, ts.shape[0]], strict=True):
            sid = int(sids[a])
            if sid != self.session_id:
                self.profile.clear()
                self.session_id = sid
            self.profile.add_trades(p[a:b], q[a:b], s[a:b])
        self.version += 1

    def advance_to(self, now_ns: int) -> bool:
        """Clear the profile once the clock passes into a new session (a quiet market); True if so."""
        if self.session_id is None or not self.sessions.resets:
            return False
        sid = self.sessions.session_id(now_ns)
        if sid <= self.session_id:
            return False
        self.profile.clear()
        self.session_id = sid
        self.version += 1
        return True
