"""Stacked imbalance zones: `min_levels` consecutive diagonal imbalances at `ratio` in one
footprint bar, a zone that holds until price trades back into it.

Read from the market's own footprint bars (`MarketState.bars`, `FootprintBar.stacked_imbalances`,
the definition the footprint view draws), when a bar closes: the engine adds no per-print work.
A buy zone (aggressive buyers overwhelmed the sellers one level below, level after level) is
support: it reads +1 and is retested by the first later order printing at or below its top; a
sell zone mirrors it. The zone's signal is emitted when its bar closes; its end is recorded when
it is retested (`zone_end_ns`). A cell counts only with ≥ `min_cell_multiple` × the typical
order size on its side: a 1-lot cell facing nothing is an "infinite" imbalance of no weight.
At most `max_open_zones` wait for a retest (the oldest go).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.footprint import FootprintBar
from app.core.instrument import Instrument
from app.core.signals.emit import BEFORE, Emitted, clamp01, price
from app.core.signals.flow import Orders
from app.core.signals.kinds import Signal, SignalKind


@dataclass(frozen=True, slots=True)
class StackedImbalanceSettings:
    ratio: float = 3.0  # 300 %: buy(p) ≥ 3 × sell(p − 1 group), and the reverse
    min_lots: int = 1  # a cell needs this much on its side to count …
    min_cell_multiple: float = 1.0  # … and this × the typical order size (0: off)
    min_levels: int = 3
    max_open_zones: int = 200


@dataclass(slots=True)
class _Zone:
    pos: int
    edge_ticks: int  # the price a retest reaches: a buy zone's top, a sell zone's bottom
    signal: Signal


class StackedImbalanceDetector:
    kind = SignalKind.STACKED_IMBALANCE

    def __init__(self, settings: StackedImbalanceSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument
        self.open: list[_Zone] = []
        self.zone_end_ns: dict[Signal, int] = {}

    def on_bar(self, bar: FootprintBar, pos: int, typical: float, out: Emitted) -> None:
        s = self.settings
        floor = s.min_lots
        if s.min_cell_multiple:
            if math.isnan(typical):  # warming up: no scale yet
                return
            floor = max(floor, int(s.min_cell_multiple * typical))
        g = bar.group_ticks
        inst = self.instrument
        for run in bar.stacked_imbalances(s.ratio, floor, s.min_levels):
            top = run.high_ticks + g - 1
            edge = top if run.side > 0 else run.low_ticks
            sig = Signal(
                SignalKind.STACKED_IMBALANCE,
                bar.end_ns,
                edge,
                run.side,
                clamp01(run.levels / (3.0 * s.min_levels)),
                None,
                f"{run.levels} {'buy' if run.side > 0 else 'sell'} imbalances ≥ {s.ratio:g}× "
                f"{price(inst, run.low_ticks)}–{price(inst, top)}",
            )
            out.append((pos, BEFORE, sig))
            self.open.append(_Zone(pos, edge, sig))
        if len(self.open) > s.max_open_zones:
            del self.open[: len(self.open) - s.max_open_zones]

    def on_orders(self, orders: Orders) -> None:
        """Retests: the first later order that trades into a zone ends it."""
        if not self.open or not orders.size:
            return
        low = min(orders.low_ticks)
        high = max(orders.high_ticks)
        keep: list[_Zone] = []
        for zone in self.open:
            up = zone.signal.side > 0
            if (up and low > zone.edge_ticks) or (not up and high < zone.edge_ticks):
                keep.append(zone)
                continue
            for i, pos in enumerate(orders.pos):
                if pos < zone.pos:
                    continue
                hit = (
                    orders.low_ticks[i] <= zone.edge_ticks if up else orders.high_ticks[i] >= zone.edge_ticks
                )
                if hit:
                    self.zone_end_ns[zone.signal] = orders.ts_ns[i]
                    break
            else:
                keep.append(zone)
        self.open = keep
