"""Exhaustion: price pushes to a new extreme on shrinking delta — the aggressors are running out.

On the engine's short bars: the last `pushes` closed bars each made a higher high (a lower low),
the last one the extreme of the last `lookback_bars` bars, every one of them with delta on the
side of the push, shrinking bar after bar, the last ≤ `fade_ratio` × the first. The read points
against the push. True when the last push's bar closes.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import pairwise

from app.core.instrument import Instrument
from app.core.signals.bars import Bar, BarBuilder
from app.core.signals.emit import BEFORE, Emitted, clamp01, price, qty
from app.core.signals.flow import Orders
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_S


@dataclass(frozen=True, slots=True)
class ExhaustionSettings:
    bar_ns: int = 5 * NS_PER_S
    pushes: int = 3  # consecutive bars extending the extreme
    lookback_bars: int = 12  # the last push is the extreme of this many bars (one minute)
    fade_ratio: float = 0.5  # last push's delta ≤ this × the first push's


class ExhaustionDetector:
    kind = SignalKind.EXHAUSTION

    def __init__(self, settings: ExhaustionSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument
        self._bars = BarBuilder(settings.bar_ns)
        self._recent: deque[Bar] = deque(maxlen=max(settings.lookback_bars, settings.pushes + 1))

    def on_orders(self, orders: Orders, out: Emitted) -> None:
        for pos, bar in self._bars.on_orders(orders):
            self._recent.append(bar)
            for direction in (1, -1):
                sig = self._judge(direction, bar)
                if sig is not None:
                    out.append((pos, BEFORE, sig))

    def _judge(self, direction: int, last: Bar) -> Signal | None:
        s = self.settings
        recent = list(self._recent)
        if len(recent) < s.pushes + 1:
            return None
        run = recent[-s.pushes - 1 :]  # the bar before the pushes, then the pushes

        def extreme(b: Bar) -> int:
            return b.high_ticks if direction > 0 else -b.low_ticks

        for before, bar in pairwise(run):
            if extreme(bar) <= extreme(before):
                return None
        if any(extreme(b) > extreme(last) for b in recent[:-1]):
            return None
        deltas = [direction * b.delta_lots for b in run[1:]]
        if deltas[0] <= 0 or deltas[-1] <= 0:
            return None
        if any(b >= a for a, b in pairwise(deltas)):
            return None
        if deltas[-1] > s.fade_ratio * deltas[0]:
            return None
        at = last.high_ticks if direction > 0 else last.low_ticks
        inst = self.instrument
        word = "high" if direction > 0 else "low"
        return Signal(
            SignalKind.EXHAUSTION,
            last.start_ns + s.bar_ns,
            at,
            -direction,
            clamp01(1.0 - deltas[-1] / deltas[0]),
            None,
            f"new {word} {price(inst, at)} on delta " + " → ".join(qty(inst, direction * d) for d in deltas),
        )
