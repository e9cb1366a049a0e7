"""The footprint of an aggregated market: the summed cells, and who traded in each one.

The chart is the usual one over the aggregate's tape (every venue's prints in base units on the
common grid). Beside its own bar series the view keeps a `CellBreakdown` of the same bars,
filled from the aggregate's venue column as the prints are fed (cost per new print), so
hovering a cell shows each venue's buy × sell there. On one venue's market this is the plain
footprint.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtWidgets

from app.core.aggregate import AggregateMarket, aggregate_of
from app.core.aggregate.breakdown import CellBreakdown, bar_numbers_of_last
from app.core.market import MarketState
from app.core.tape import TradeColumns
from widgets.footprint.view import FootprintView


class VenueFootprintView(FootprintView):
    """Footprint whose cell tooltip breaks each cell down by venue on an aggregated market."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self._aggregate: AggregateMarket | None = None
        self.breakdown: CellBreakdown | None = None
        self._pruned_at = 0
        super().__init__(parent)
        self.plot.scene().sigMouseMoved.connect(self._hover)

    def set_market(self, market: MarketState | None) -> None:
        self._aggregate = aggregate_of(market)
        super().set_market(market)

    def _rebuild(self) -> None:
        super()._rebuild()
        agg = self._aggregate
        self.breakdown = None
        if agg is None or self.market is None or self.model is None:
            return
        self.breakdown = CellBreakdown(len(agg.legs))
        tape = self.market.tape
        self._add(tape.all(), agg.venues.last(len(tape)))

    def refresh(self, changed: int, now_ns: int) -> bool:
        agg = self._aggregate
        if agg is None or self.market is None or self.model is None:
            return super().refresh(changed, now_ns)
        tape = self.market.tape
        new = tape.total - self._cursor.seen_total if not self._cursor.restarts(tape) else len(tape)
        drew = super().refresh(changed, now_ns)
        if new > 0:
            self._add(tape.last(new), agg.venues.last(new))
        return drew

    def _add(self, prints: TradeColumns, venues: np.ndarray) -> None:
        model, breakdown = self.model, self.breakdown
        if model is None or breakdown is None or prints.size == 0:
            return
        g = self.settings_value.group_ticks
        keys = prints.price_ticks - prints.price_ticks % g
        numbers = bar_numbers_of_last(model.series, prints.size)
        breakdown.add(numbers, keys, venues, prints.qty_lots, prints.side)
        if model.first_index != self._pruned_at:  # bars dropped: forget theirs (not every frame)
            self._pruned_at = model.first_index
            breakdown.prune(model.first_index)

    def cell_venues(self, bar_index: int, key: int) -> list[tuple[str, int, int]]:
        """(venue, buy units, sell units) of every venue that traded in a cell."""
        agg, breakdown = self._aggregate, self.breakdown
        if agg is None or breakdown is None:
            return []
        rows = zip(agg.agg.venues, breakdown.cell(bar_index, key), strict=True)
        return [(name, buy, sell) for name, (buy, sell) in rows if buy or sell]

    def cell_tooltip(self, bar_index: int, key: int) -> str:
        """The hover text of one cell: its price and each venue's sell × buy there."""
        venues = self.cell_venues(bar_index, key)
        if not venues or self.market is None:
            return ""
        inst = self.market.instrument
        lines = [f"{inst.price_str(key)} · sell × buy by venue ({inst.quantity_unit})"]
        lines += [f"{name}: {inst.qty_str(sell)} × {inst.qty_str(buy)}" for name, buy, sell in venues]
        return "\n".join(lines)

    def cell_at(self, scene_pos: QtCore.QPointF) -> tuple[int, int]:
        """(bar index, group key) under a point of the chart's scene."""
        point = self.vb.mapSceneToView(scene_pos)
        g = self.settings_value.group_ticks
        y = math.floor(point.y())
        return round(point.x()), y - y % g

    def _hover(self, scene_pos: QtCore.QPointF) -> None:
        if self._aggregate is None:
            return
        text = self.cell_tooltip(*self.cell_at(scene_pos))
        if text:
            view = self.plot
            QtWidgets.QToolTip.showText(view.mapToGlobal(view.mapFromScene(scene_pos)), text, view)
        else:
            QtWidgets.QToolTip.hideText()
