"""The session volume profile: a `VolumeProfile` that starts afresh at each session boundary.

`VolumeProfile` takes no timestamps (so one class serves session, range and composite profiles);
this owner cuts a chronological stream of prints at the schedule's boundaries and clears it there.

For a chart drawn every frame it also keeps the volumes on a dense price grid (one int64 per
group from the session's lowest to its highest), updated per batch, and the POC with it (volumes
only grow within a session, so only the groups a batch touched can become the POC): a frame then
reads the rows in view and the POC without sorting a day of price levels.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from app.core.profile import VolumeProfile, value_area
from app.core.sessions import SessionSchedule

I64 = npt.NDArray[np.int64]
_GROW = 256  # groups of headroom added on each side when the grid grows


class SessionProfile:
    """Volume at price (grouped like the footprint) of the current session only."""

    def __init__(self, sessions: SessionSchedule | None = None, group_ticks: int = 1) -> None:
        self.sessions = sessions if sessions is not None else SessionSchedule()
        self.profile = VolumeProfile(group_ticks)
        self.session_id: int | None = None
        self.version = 0
        self._clear_grid()

    def _clear_grid(self) -> None:
        self._base_key = 0  # group key of grid index 0
        self._grid: I64 = np.zeros(0, dtype=np.int64)
        self._lo = self._hi = -1  # traded index range in the grid (-1: none)
        self.poc_ticks: int | None = None
        self._poc_lots = 0

    def _clear(self) -> None:
        self.profile.clear()
        self._clear_grid()

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
                self._clear()
                self.session_id = sid
            self.profile.add_trades(p[a:b], q[a:b], s[a:b])
            self._add_to_grid(p[a:b], q[a:b])
        self.version += 1

    def _add_to_grid(self, p: I64, q: I64) -> None:
        g = self.profile.group_ticks
        keys = p - p % g
        k_lo, k_hi = int(keys.min()), int(keys.max())
        if not self._grid.shape[0]:
            self._base_key = k_lo - _GROW * g
            self._grid = np.zeros((k_hi - k_lo) // g + 2 * _GROW + 1, dtype=np.int64)
        if k_lo < self._base_key:
            extra = (self._base_key - k_lo) // g + _GROW
            self._grid = np.concatenate((np.zeros(extra, dtype=np.int64), self._grid))
            self._base_key -= extra * g
            self._lo, self._hi = self._lo + extra, self._hi + extra
        top = (k_hi - self._base_key) // g
        if top >= self._grid.shape[0]:
            self._grid = np.concatenate(
                (self._grid, np.zeros(top - self._grid.shape[0] + 1 + _GROW, np.int64))
            )
        idx = (keys - self._base_key) // g
        np.add.at(self._grid, idx, q)
        i_lo, i_hi = int(idx.min()), int(idx.max())
        self._lo = i_lo if self._lo < 0 else min(self._lo, i_lo)
        self._hi = max(self._hi, i_hi)
        touched = np.unique(idx)
        vols = self._grid[touched]
        best = int(vols.max())
        first = int(touched[vols == best][0])  # the lowest touched group with that volume
        key = self._base_key + first * g
        if best > self._poc_lots or (
            best == self._poc_lots and self.poc_ticks is not None and key < self.poc_ticks
        ):
            self._poc_lots, self.poc_ticks = best, key

    def rows(self, low_ticks: int, high_ticks: int) -> tuple[I64, I64]:
        """(group keys, volumes) of the traded range's groups between two prices, a view of the grid
        (groups without trades have volume 0)."""
        if self._lo < 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        g = self.profile.group_ticks
        i0 = max(self._lo, (low_ticks - self._base_key) // g)
        i1 = min(self._hi, (high_ticks - self._base_key) // g)
        if i1 < i0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        keys = self._base_key + np.arange(i0, i1 + 1, dtype=np.int64) * g
        return keys, self._grid[i0 : i1 + 1]

    def value_area(self, fraction: float = 0.7) -> tuple[int, int] | None:
        """(VAL, VAH) group keys by the project's rule (app/core/profile.py), over the grid."""
        if self._lo < 0:
            return None
        keys, vols = self.rows(self._base_key + self._lo * self.profile.group_ticks, 2**62)
        return value_area(keys, vols, fraction, self.profile.group_ticks)

    def advance_to(self, now_ns: int) -> bool:
        """Clear the profile once the clock passes into a new session (a quiet market); True if so."""
        if self.session_id is None or not self.sessions.resets:
            return False
        sid = self.sessions.session_id(now_ns)
        if sid <= self.session_id:
            return False
        self._clear()
        self.session_id = sid
        self.version += 1
        return True
