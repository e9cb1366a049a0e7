"""Exhaustion: price pushes to a new extreme on shrinking delta — the aggressors are running out.

On the engine's short bars, a push is a bar that made a new high (low) of the move, the move
starting at the lowest low (highest high) of the last `lookback_bars` bars, so a spike before
it does not count; pauses and pullbacks may lie between pushes, as between the drives of a
"three drives" top. When a push's bar closes and it and the `pushes` − 1 pushes before it each
had delta on the side of the push, shrinking push after push, the last ≤ `fade_ratio` × the
first, the aggressors are running out. The read points against the push. A further push that
keeps fading is reported again: the read is still true, at a new extreme.
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
    pushes: int = 3  # bars extending the extreme, pauses between them allowed
    lookback_bars: int = 12  # the move's start is looked for among this many bars (one minute)
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
        recent = self._recent

        def extreme(b: Bar) -> int:
            return b.high_ticks if direction > 0 else -b.low_ticks

        if len(recent) < s.pushes + 1:
            return None

        def counter(b: Bar) -> int:  # the other end of the bar: where a move up starts
            return -b.low_ticks if direction > 0 else b.high_ticks

        # the move starts at the window's swing low (for pushes up): a spike before it is not
        # part of it; its pushes are the bars after it that made a new high of the move
        bars = list(recent)
        start = max(range(len(bars)), key=lambda i: (counter(bars[i]), i))
        pushes: list[Bar] = []
        running: int | None = None
        for b in bars[start + 1 :]:
            if running is None or extreme(b) > running:
                pushes.append(b)
                running = extreme(b)
        if len(pushes) < s.pushes or pushes[-1] is not last:
            return None
        deltas = [direction * b.delta_lots for b in pushes[-s.pushes :]]
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
