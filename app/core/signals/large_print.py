"""Large print: one aggressor order far above the typical order size.

Judged per aggressor order (prints with one time and side summed, `print_groups.py`), because a
venue reports one print per level and a 50 BTC market order that took three levels is one large
order, not three medium prints. "Typical" is the engine's rolling quantile of order sizes
(`flow.SizeScale`), so the threshold follows the instrument and the hour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.instrument import Instrument
from app.core.signals.emit import AT, Emitted, clamp01, price, qty
from app.core.signals.flow import Orders
from app.core.signals.kinds import Signal, SignalKind


@dataclass(frozen=True, slots=True)
class LargePrintSettings:
    ratio: float = 10.0  # × the typical (90th percentile) order size
    min_lots: int = 1  # and never below this many lots


class LargePrintDetector:
    kind = SignalKind.LARGE_PRINT

    def __init__(self, settings: LargePrintSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument

    def on_orders(self, orders: Orders, out: Emitted) -> None:
        ratio = self.settings.ratio
        floor = self.settings.min_lots
        inst = self.instrument
        for i, (q, typ) in enumerate(zip(orders.qty_lots, orders.typical, strict=True)):
            if q < floor or not q >= ratio * typ:  # nan typical (warming up): never
                continue
            times = q / typ
            side = orders.side[i]
            at = orders.first_ticks[i]
            sig = Signal(
                SignalKind.LARGE_PRINT,
                orders.ts_ns[i],
                at,
                side,
                clamp01(math.log(times / ratio) / math.log(10.0) + 0.25),
                None,
                f"{'buy' if side > 0 else 'sell'} {qty(inst, q)} at {price(inst, at)}, {times:.0f}× typical",
            )
            out.append((orders.pos[i], AT, sig))
