"""Cumulative volume delta (CVD): the running sum of aggressive buy minus sell lots.

CVD is read against price (divergences, absorption), so it must be exact and must restart
where the trader's session restarts; a size filter lets the trader watch only the larger
participants, as the incumbent tools do.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from app.core.sessions import SessionSchedule
from app.core.trade_arrays import TIME_QTY_SIDE, trade_arrays

I64 = npt.NDArray[np.int64]


SMALL_BATCH = 48  # below this many prints, per-print Python beats numpy's per-call overhead


class CumulativeDelta:
    """Running CVD in lots that restarts at every session boundary of `sessions`.

    Rules (the project's definition):
    - Sessions only move forward: a late trade stamped in an earlier session than one already
      seen is counted in the current session, so a slightly out-of-order multi-venue stream
      cannot bounce the CVD back to an old value.
    - Every trade advances the session clock, but trades smaller than `min_qty_lots` add
      nothing; so the value reported for a filtered trade just after a boundary is already 0.
    - Before the first trade there is no session: `session_id` is None.
    """

    __slots__ = ("_buy_lots", "_cvd_lots", "_sell_lots", "_session_id", "min_qty_lots", "sessions")

    def __init__(self, sessions: SessionSchedule | None = None, min_qty_lots: int = 0) -> None:
        if min_qty_lots < 0:
            raise ValueError("min_qty_lots must be >= 0")
        self.sessions = sessions if sessions is not None else SessionSchedule()
        self.min_qty_lots = min_qty_lots
        self._session_id: int | None = None
        self._cvd_lots = 0
        self._buy_lots = 0
        self._sell_lots = 0

    @property
    def cvd_lots(self) -> int:
        return self._cvd_lots

    @property
    def session_buy_lots(self) -> int:
        return self._buy_lots

    @property
    def session_sell_lots(self) -> int:
        return self._sell_lots

    @property
    def session_id(self) -> int | None:
        return self._session_id

    def reset(self) -> None:
        """Forget everything (e.g. after the user changes the schedule or the size filter)."""
        self._session_id = None
        self._cvd_lots = self._buy_lots = self._sell_lots = 0

    def advance_to(self, now_ns: int) -> bool:
        """Move the session clock without a trade, so a quiet market still shows the reset.

        Returns True when a new session started (the CVD went to 0).
        """
        sid = self.sessions.session_id(now_ns)
        if self._session_id is not None and sid <= self._session_id:
            return False
        started = self._session_id is not None
        self._session_id = sid
        self._cvd_lots = self._buy_lots = self._sell_lots = 0
        return started

    def add_trade(self, exchange_ns: int, qty_lots: int, side: int) -> int:
        """Add one trade; returns the CVD after it."""
        sid = self.sessions.session_id(exchange_ns)
        if self._session_id is None or sid > self._session_id:
            self._session_id = sid
            self._cvd_lots = self._buy_lots = self._sell_lots = 0
        if qty_lots >= self.min_qty_lots:
            if side > 0:
                self._buy_lots += qty_lots
                self._cvd_lots += qty_lots
            else:
                self._sell_lots += qty_lots
                self._cvd_lots -= qty_lots
        return self._cvd_lots

    def add_trades(self, exchange_ns: npt.ArrayLike, qty_lots: npt.ArrayLike, side: npt.ArrayLike) -> I64:
        """Add a batch; returns the CVD after each trade.

        Vectorised: one cumulative sum over the batch, then each session run inside the batch is
        re-based on the cumulative sum just before its first trade; the run that continues the
        current session is re-based on the CVD carried in.
        """
        ts, qty, sides = trade_arrays(TIME_QTY_SIDE, exchange_ns, qty_lots, side)
        n = ts.shape[0]
        if n == 0:
            return np.empty(0, dtype=np.int64)
        if n <= SMALL_BATCH:
            # A live feed delivers a handful of prints per wake-up: a plain loop beats a dozen
            # numpy calls' fixed cost there.
            add = self.add_trade
            return np.array(
                [add(t, q, s) for t, q, s in zip(ts.tolist(), qty.tolist(), sides.tolist(), strict=True)],
                dtype=np.int64,
            )

        ids = self.sessions.session_ids(ts)
        if self._session_id is not None:
            ids[0] = max(int(ids[0]), self._session_id)
        ids = np.maximum.accumulate(ids)

        counted = qty >= self.min_qty_lots
        buys = np.where(counted & (sides > 0), qty, 0)
        sells = np.where(counted & (sides < 0), qty, 0)
        signed = buys - sells
        csum = np.cumsum(signed)

        new_run = np.empty(n, dtype=np.bool_)
        new_run[0] = self._session_id is None or int(ids[0]) != self._session_id
        np.not_equal(ids[1:], ids[:-1], out=new_run[1:])
        starts = np.flatnonzero(new_run)
        if starts.shape[0] == 0:
            out = csum + self._cvd_lots
            self._buy_lots += int(buys.sum())
            self._sell_lots += int(sells.sum())
        else:
            # Value of csum just before each run's first trade; -cvd for the carried-in run.
            run_base = np.concatenate(([-self._cvd_lots], (csum - signed)[starts]))
            run_of = np.cumsum(new_run)  # 0 = carried-in run, k = k-th new run
            out = csum - run_base[run_of]
            last = int(starts[-1])
            self._buy_lots = int(buys[last:].sum())
            self._sell_lots = int(sells[last:].sum())
        self._session_id = int(ids[-1])
        self._cvd_lots = int(out[-1])
        return out
