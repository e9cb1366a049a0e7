"""Liquidation cascade: forced orders clustering in time and in one direction.

A cluster is the run of liquidations with no gap longer than `window_ns`. It fires once, at the
liquidation that brings the last `window_ns` to ≥ `min_orders` forced orders of one side making
≥ `min_share` of the forced orders there (and ≥ `min_lots` in total, off by default): longs
liquidated (SELL orders) pushing price down read -1, shorts squeezed read +1.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from app.core.events import Liquidation
from app.core.instrument import Instrument
from app.core.signals.emit import BEFORE, Emitted, clamp01, price, qty
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_S


@dataclass(frozen=True, slots=True)
class LiquidationCascadeSettings:
    window_ns: int = 10 * NS_PER_S
    min_orders: int = 5
    min_share: float = 0.8  # of the window's forced orders on the cascade's side
    min_lots: int = 0


class LiquidationCascadeDetector:
    kind = SignalKind.LIQUIDATION_CASCADE

    def __init__(self, settings: LiquidationCascadeSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument
        self._window: deque[Liquidation] = deque()
        self._fired = {1: False, -1: False}

    def on_liquidation(self, liq: Liquidation, pos: int, out: Emitted) -> None:
        s = self.settings
        window = self._window
        ts = liq.exchange_ns
        if window and ts - window[-1].exchange_ns > s.window_ns:
            self._fired = {1: False, -1: False}  # the cluster ended
        window.append(liq)
        while window[0].exchange_ns < ts - s.window_ns:
            window.popleft()
        side = 1 if liq.side > 0 else -1
        if self._fired[side]:
            return
        mine = [x for x in window if (x.side > 0) == (side > 0)]
        lots = sum(x.qty_lots for x in mine)
        if len(mine) < s.min_orders or len(mine) < s.min_share * len(window) or lots < s.min_lots:
            return
        self._fired[side] = True
        inst = self.instrument
        secs = (ts - mine[0].exchange_ns) / NS_PER_S
        who = "longs" if side < 0 else "shorts"
        sig = Signal(
            SignalKind.LIQUIDATION_CASCADE,
            ts,
            liq.price_ticks,
            side,
            clamp01(len(mine) / (3.0 * s.min_orders)),
            None,
            f"{len(mine)} {who} liquidated in {secs:.1f} s, {qty(inst, lots)}, "
            f"last at {price(inst, liq.price_ticks)}",
        )
        out.append((pos, BEFORE, sig))
