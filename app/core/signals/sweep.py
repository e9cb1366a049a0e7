"""Sweep into a void: one aggressor order that prints through several price levels, judged on
the book it left behind — thin resting size just beyond where it stopped.

"In a short time" is one matching instant: the prints of one taker order share an exchange
time. The void is measured on the engine's mirror book just before the depth change that follows
the sweep, over the `void_ticks` prices beyond the order's worst price on the side it was eating:
what a follow-through would have to get through.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.instrument import Instrument
from app.core.signals.book_mirror import BookMirror
from app.core.signals.emit import AT, Emitted, clamp01, price, qty
from app.core.signals.flow import Orders
from app.core.signals.kinds import Signal, SignalKind


@dataclass(frozen=True, slots=True)
class SweepSettings:
    min_levels: int = 10  # distinct prices one order printed at
    void_ticks: int = 10  # how far beyond the sweep's end the book is measured
    void_ratio: float = 0.5  # "void": resting there ≤ this × the lots the sweep took
    require_void: bool = True  # report only sweeps into a void (False: every sweep, void or not)


class SweepDetector:
    kind = SignalKind.SWEEP
    needs_book = True

    def __init__(self, settings: SweepSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument

    def candidates(self, orders: Orders) -> list[int]:
        """Indices of the orders that printed at enough levels (judged later, on the book)."""
        n = self.settings.min_levels
        return [i for i, lv in enumerate(orders.levels) if lv >= n]

    def judge(self, orders: Orders, i: int, book: BookMirror, out: Emitted) -> None:
        s = self.settings
        side = orders.side[i]
        worst = orders.worst_ticks[i]
        q = orders.qty_lots[i]
        if side > 0:  # a buy ate the asks: what rests above
            beyond = book.lots_between(-1, worst + 1, worst + s.void_ticks)
        else:
            beyond = book.lots_between(1, worst - s.void_ticks, worst - 1)
        void = beyond <= s.void_ratio * q
        if s.require_void and not void:
            return
        levels = orders.levels[i]
        inst = self.instrument
        thin = 1.0 - beyond / (q * s.void_ratio) if void and q else 0.0
        strength = clamp01(0.5 * min(1.0, levels / (3 * s.min_levels)) + 0.5 * thin)
        what = f"void: {qty(inst, beyond)} in the next {s.void_ticks} ticks" if void else "no void"
        sig = Signal(
            SignalKind.SWEEP,
            orders.ts_ns[i],
            worst,
            side,
            strength,
            None,
            f"{'buy' if side > 0 else 'sell'} {qty(inst, q)} through {levels} levels "
            f"{price(inst, orders.first_ticks[i])} → {price(inst, worst)}; {what}",
        )
        out.append((orders.pos[i], AT, sig))
