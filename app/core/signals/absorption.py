"""Absorption: heavy aggression into one price level while price holds.

An episode is the run of one side's aggressor orders that all print within `hold_ticks` of the
price where the run began (its anchor). It fires once, when the volume of its orders inside the
last `window_ns` reaches `min_multiple` × the typical order size with at least `min_orders`
orders, and `pace_multiple` × what that side usually trades in a window (its volume over the last
`pace_window_ns`, scaled): that much selling (buying) met a passive buyer (seller) who did not
give way. The pace matters as much as the size: in a market where price sits still, the side's
ordinary flow for ten seconds prints within a couple of ticks too, and is no absorption. An order
beyond the band ends the episode (price did not hold) and starts the next one where it printed.
Orders of the other side do not end it. The read points against the aggressor: sells absorbed at
the bid point up.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from app.core.instrument import Instrument
from app.core.signals.emit import AT, Emitted, clamp01, price, qty
from app.core.signals.flow import Orders
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_S


@dataclass(frozen=True, slots=True)
class AbsorptionSettings:
    window_ns: int = 10 * NS_PER_S
    hold_ticks: int = 2  # the band around the anchor that counts as "the level held"
    min_multiple: float = 20.0  # volume in the window ≥ this × the typical order size
    min_orders: int = 5  # several orders, not one large print
    pace_multiple: float = 2.0  # … and ≥ this × what that side usually trades in a window (0: off)
    pace_window_ns: int = 300 * NS_PER_S  # "usually": the side's volume over the last 5 minutes


@dataclass(slots=True)
class _Episode:
    anchor: int = 0
    start_ns: int = 0
    lots: int = 0
    fired: bool = True  # no episode yet
    orders: deque[tuple[int, int]] = field(default_factory=deque)  # (ts_ns, lots) in the window


class AbsorptionDetector:
    kind = SignalKind.ABSORPTION

    def __init__(self, settings: AbsorptionSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument
        self._episodes = {1: _Episode(), -1: _Episode()}
        self._flow: dict[int, deque[tuple[int, int]]] = {1: deque(), -1: deque()}  # (ts_ns, lots)
        self._flow_lots = {1: 0, -1: 0}
        self._first_ns: int | None = None

    def on_orders(self, orders: Orders, out: Emitted) -> None:
        s = self.settings
        hold = s.hold_ticks
        window = s.window_ns
        episodes = self._episodes
        pace_ns = s.pace_window_ns
        flows, flow_lots = self._flow, self._flow_lots
        if self._first_ns is None and orders.size:
            self._first_ns = orders.ts_ns[0]
        for i, side in enumerate(orders.side):
            ep = episodes[side]
            ts = orders.ts_ns[i]
            lo = orders.low_ticks[i]
            hi = orders.high_ticks[i]
            q = orders.qty_lots[i]
            flow = flows[side]
            flow.append((ts, q))
            flow_lots[side] += q
            while flow[0][0] < ts - pace_ns:
                flow_lots[side] -= flow.popleft()[1]
            if ep.orders and ep.anchor - hold <= lo and hi <= ep.anchor + hold:
                ep.orders.append((ts, q))
                ep.lots += q
                while ep.orders[0][0] < ts - window:
                    ep.lots -= ep.orders.popleft()[1]
            else:  # a new episode at this order's price
                ep.anchor = orders.worst_ticks[i]
                ep.start_ns = ts
                ep.orders.clear()
                ep.orders.append((ts, q))
                ep.lots = q
                ep.fired = False
            if ep.fired:
                continue
            need = s.min_multiple * orders.typical[i]
            if ep.lots >= need and len(ep.orders) >= s.min_orders:  # nan need: never
                if s.pace_multiple:  # the side's usual flow per window, the episode left out
                    span = min(pace_ns, ts - (self._first_ns or ts))
                    if span < 3 * window:  # too little history for a pace yet: warming up
                        continue
                    if ep.lots < s.pace_multiple * (flow_lots[side] - ep.lots) * window / (span - window):
                        continue
                ep.fired = True
                inst = self.instrument
                secs = (ts - ep.orders[0][0]) / NS_PER_S
                sig = Signal(
                    SignalKind.ABSORPTION,
                    ts,
                    ep.anchor,
                    -side,
                    clamp01(ep.lots / (3.0 * need)),
                    None,
                    f"{qty(inst, ep.lots)} {'bought' if side > 0 else 'sold'} into "
                    f"{price(inst, ep.anchor)} in {secs:.1f} s, {len(ep.orders)} orders, held ±{hold} ticks",
                )
                out.append((orders.pos[i], AT, sig))
