"""CVD divergence: price makes a higher swing high while CVD makes a lower one (bearish), or a
lower swing low on a higher CVD low (bullish) — the new extreme was not bought (sold) as hard.

Swings are pivots on the engine's short bars: a bar whose high is above the `pivot_bars` bars
before it and not exceeded by the `pivot_bars` after (confirmed when the last of those closes).
Each new swing high is compared with the previous one if it is at most `max_apart_bars` bars
older; CVD at a swing is the highest (lowest)
CVD reached inside that bar. CVD here is the engine's own running sum from its start (only
differences between swings matter, so a session reset changes nothing).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from dataclasses import dataclass

from app.core.instrument import Instrument
from app.core.signals.bars import Bar, BarBuilder
from app.core.signals.emit import BEFORE, Emitted, clamp01, price, qty
from app.core.signals.flow import Orders
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_S


@dataclass(frozen=True, slots=True)
class CvdDivergenceSettings:
    bar_ns: int = 10 * NS_PER_S
    pivot_bars: int = 2  # a swing is the extreme of 2 bars either side
    max_apart_bars: int = 30  # swings further apart (5 min) are not compared
    min_price_ticks: int = 1  # the new swing must exceed the old by this much
    min_cvd_multiple: float = 2.0  # CVD must fall short by ≥ this × the typical order size


class CvdDivergenceDetector:
    kind = SignalKind.CVD_DIVERGENCE

    def __init__(self, settings: CvdDivergenceSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument
        self._bars = BarBuilder(settings.bar_ns)
        self._window: deque[Bar] = deque(maxlen=2 * settings.pivot_bars + 1)
        self._count = 0  # bars closed
        self._swings: dict[int, tuple[int, int, int] | None] = {1: None, -1: None}  # (bar no, price, cvd)

    def on_orders(self, orders: Orders, out: Emitted) -> None:
        closed = self._bars.on_orders(orders)
        if not closed:
            return
        for pos, bar in closed:
            typical = orders.typical[bisect_left(orders.pos, pos)]  # as of the closing order
            self._window.append(bar)
            self._count += 1
            if len(self._window) < self._window.maxlen:  # type: ignore[operator]
                continue
            for direction in (1, -1):
                sig = self._pivot(direction, typical)
                if sig is not None:
                    out.append((pos, BEFORE, sig))

    def _pivot(self, direction: int, typical: float) -> Signal | None:
        s = self.settings
        k = s.pivot_bars
        bars = list(self._window)
        mid = bars[k]

        def ext(b: Bar) -> int:
            return b.high_ticks if direction > 0 else -b.low_ticks

        # above the bars before it, and not exceeded by those after: price coming back to the
        # high and failing there (a double top) keeps it the swing; only a new high breaks it
        if not all(ext(mid) > ext(b) for b in bars[:k]) or not all(ext(mid) >= ext(b) for b in bars[k + 1 :]):
            return None
        number = self._count - 1 - k
        at = mid.high_ticks if direction > 0 else mid.low_ticks
        cvd = mid.cvd_high_lots if direction > 0 else mid.cvd_low_lots
        previous = self._swings[direction]
        self._swings[direction] = (number, at, cvd)
        if previous is None or number - previous[0] > s.max_apart_bars:
            return None
        _, old_at, old_cvd = previous
        if direction * (at - old_at) < s.min_price_ticks:
            return None
        shortfall = direction * (old_cvd - cvd)
        need = s.min_cvd_multiple * typical if s.min_cvd_multiple else 0.0
        if not shortfall >= need or shortfall <= 0:  # nan typical: never (warming up)
            return None
        inst = self.instrument
        word = "higher high" if direction > 0 else "lower low"
        return Signal(
            SignalKind.CVD_DIVERGENCE,
            bars[-1].start_ns + s.bar_ns,
            at,
            -direction,
            clamp01(shortfall / (5.0 * need)) if need else 1.0,
            None,
            f"{word} {price(inst, old_at)} → {price(inst, at)}, CVD {qty(inst, shortfall)} "
            f"{'lower' if direction > 0 else 'higher'}",
        )
