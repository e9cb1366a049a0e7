"""Which ladder rows carry a recent signal, and how faded its marker is: plain data, no Qt.

A scalper's eye is on the ladder, not the charts: a signal at a price shows as a small marker at
the price cell's left edge on that row, in its kind's colour, and fades in steps as it ages
(`FADE_STEPS_S`), gone after the last step. Only the signals of the last minute of market time are
looked at (bisection in the shared list), and only when the list changed or a marker reaches its
next fade step: the rows that changed are repainted, nothing per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.signals.kinds import Signal
from app.core.signals.recent import RecentSignals
from app.core.units import NS_PER_S

FADE_STEPS_S = (10, 30, 60)  # full until 10 s old, then dimmer, dimmer, gone at 60 s
FADE_ALPHA = (255, 150, 80)


@dataclass(frozen=True, slots=True)
class RowSignal:
    """The newest signal on a row and its fade step (0 newest … len(FADE_STEPS_S) - 1)."""

    signal: Signal
    step: int
    count: int  # recent signals on the row (the tooltip lists them)

    @property
    def alpha(self) -> int:
        return FADE_ALPHA[self.step]


class LadderSignals:
    """The rows with a recent signal, kept up to date by `update`."""

    def __init__(self) -> None:
        self.rows: dict[int, RowSignal] = {}
        self._key: tuple[int, int, int] | None = None  # (list id, version, grouping) last looked at
        self._next_ns: int | None = None  # market time at which a marker fades a step

    def update(
        self, signals: RecentSignals | None, now_ns: int | None, group_ticks: int
    ) -> frozenset[int] | None:
        """Recompute if the list changed or a marker is due to fade; returns the row prices whose
        marker changed (empty: none), or None when nothing was recomputed."""
        key = (id(signals), signals.version if signals is not None else -1, group_ticks)
        due = self._next_ns is not None and now_ns is not None and now_ns >= self._next_ns
        if key == self._key and not due:
            return None
        self._key = key
        new = self._rows(signals, now_ns, group_ticks)
        old = self.rows
        self.rows = new
        return frozenset(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))

    def _rows(self, signals: RecentSignals | None, now_ns: int | None, g: int) -> dict[int, RowSignal]:
        self._next_ns = None
        if signals is None or now_ns is None or not len(signals):
            return {}
        horizon_ns = FADE_STEPS_S[-1] * NS_PER_S
        rows: dict[int, RowSignal] = {}
        for sig in signals.since(now_ns - horizon_ns + 1):
            age_ns = max(0, now_ns - sig.ts_ns)
            step = next(i for i, s in enumerate(FADE_STEPS_S) if age_ns < s * NS_PER_S)
            fade_at = sig.ts_ns + FADE_STEPS_S[step] * NS_PER_S
            self._next_ns = fade_at if self._next_ns is None else min(self._next_ns, fade_at)
            price = sig.price_ticks - sig.price_ticks % g
            before = rows.get(price)
            rows[price] = RowSignal(sig, step, 1 if before is None else before.count + 1)  # newest wins
        return rows
