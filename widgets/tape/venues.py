"""Time and sales of an aggregated market: the venue of every row, and a venue filter.

The aggregate's tape is an ordinary tape (one base unit, one grid), so the rows are the usual
ones; the venue comes from the aggregate's venue column, which is aligned print for print with
the tape (app/core/aggregate/venue_column.py). An aggressor order never spans two venues, so a
change of venue cuts a group even at the same time and side. On one venue's market this view is
the plain tape.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, fields, replace
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import QPointF

from app.core.aggregate import AggregateMarket, aggregate_of
from app.core.instrument import Instrument
from app.core.market import MarketState
from app.core.print_groups import GroupColumns, PrintGroupLog
from app.core.tape import Tape, TradeColumns
from widgets.base import palette
from widgets.tape.model import HISTORY_ROWS, TapeModel, TapeRow
from widgets.tape.paint import TapeFrame, TapeItem, _Columns
from widgets.tape.view import TapeView

I8 = npt.NDArray[np.int8]


class VenuePrintLog(PrintGroupLog):
    """Print groups that also remember their venue; groups of two venues never merge."""

    __slots__ = ("_run_venue", "_venue_ring")

    def __init__(self, capacity: int = 20_000, raw: bool = False) -> None:
        super().__init__(capacity, raw)
        self._venue_ring = np.zeros(capacity, np.int8)
        self._run_venue = 0

    def extend_venues(self, batch: TradeColumns, venues: I8) -> None:
        """A chronological batch and the venue of each print."""
        n = batch.size
        if n == 0:
            return
        cuts = np.flatnonzero(venues[1:] != venues[:-1]) + 1
        bounds = [0, *cuts.tolist(), n]
        for a, b in itertools.pairwise(bounds):
            self._run_venue = int(venues[a])
            before = self.total
            self.extend(TradeColumns(*(col[a:b] for col in batch)))
            for gid in range(max(before, self.total - self.capacity), self.total):
                self._venue_ring[gid % self.capacity] = self._run_venue

    def _continues(self, groups: GroupColumns) -> bool:
        return super()._continues(groups) and self.venue_of(self.total - 1) == self._run_venue

    def venue_of(self, group_id: int) -> int:
        return int(self._venue_ring[group_id % self.capacity])


@dataclass(frozen=True, slots=True)
class VenueTapeRow(TapeRow):
    venue: int = 0
    venue_text: str = ""


class VenueTapeModel(TapeModel):
    """The tape's rows with their venues, over the venues shown (all by default)."""

    def __init__(self, history_rows: int = HISTORY_ROWS) -> None:
        self.aggregate: AggregateMarket | None = None
        self.shown: frozenset[int] | None = None  # None: every venue
        self._venue_texts: tuple[AggregateMarket | None, tuple[str, ...]] = (None, ())
        super().__init__(history_rows)

    def rows_key(self) -> tuple[object, ...]:
        return (*super().rows_key(), self.shown, id(self.aggregate))

    def reset(self, instrument: Instrument | None, tape: Tape | None) -> None:
        super().reset(instrument, None)
        if self.aggregate is not None:
            self.log = VenuePrintLog(self.history_rows, raw=self.settings.mode == "raw")
        if tape is not None:
            self.pull(tape)

    def pull(self, tape: Tape) -> bool:
        log = self.log
        if self.aggregate is None or not isinstance(log, VenuePrintLog):
            return super().pull(tape)
        if self.cursor.seen_total and self.cursor.restarts(tape):
            self.reset(self.instrument, None)
            log = self.log
            assert isinstance(log, VenuePrintLog)
        batch = self.cursor.take(tape)
        if batch.size == 0:
            return False
        venues = self.aggregate.venues.last(batch.size)
        if self.shown is not None:
            keep = np.isin(venues, list(self.shown))
            batch = TradeColumns(*(col[keep] for col in batch))
            venues = venues[keep]
        log.extend_venues(batch, venues)
        return True

    def _row(self, row_id: int, cols: GroupColumns, k: int) -> TapeRow:
        row = super()._row(row_id, cols, k)
        log = self.log
        if self.aggregate is None or not isinstance(log, VenuePrintLog):
            return row
        venue = log.venue_of(row_id)
        return VenueTapeRow(
            *[getattr(row, name) for name in _ROW_FIELDS], venue=venue, venue_text=self._venue_text(venue)
        )

    def _venue_text(self, venue: int) -> str:
        agg = self.aggregate
        assert agg is not None
        if self._venue_texts[0] is not agg:  # (once per aggregate, not per row)
            self._venue_texts = (agg, tuple(short_venue(name) for name in agg.agg.venues))
        return self._venue_texts[1][venue]


_ROW_FIELDS = tuple(f.name for f in fields(TapeRow))  # in their order: a row's values positionally


SHORT_NAMES = {
    "binance-usdm": "BIN",
    "binance-coinm": "BIN-C",
    "bybit-linear": "BYB",
    "okx-swap": "OKX",
    "hyperliquid": "HL",
}


def short_venue(name: str) -> str:
    """A venue as the tape's narrow column writes it (`okx-swap:BTC-USD-SWAP` -> `OKX:BTC-USD-SWAP`)."""
    venue, sep, symbol = name.partition(":")
    return SHORT_NAMES.get(venue, venue[:4].upper()) + sep + symbol


class VenueTapeItem(TapeItem):
    """The tape's grid with a venue column after the time, in the venue's colour."""

    _venue_left = 0.0

    def _venue_x(self, cols: _Columns) -> float:
        return self._venue_left

    def _columns(self, frame: TapeFrame) -> _Columns:
        cols = super()._columns(frame)
        venues = [r.venue_text for r in frame.rows if isinstance(r, VenueTapeRow)]
        if not venues:
            return cols
        shift = self._char_w * (max(len("Venue"), *(len(v) for v in venues)) + 1)
        self._venue_left = cols.side_x
        return _Columns(
            cols.time_x,
            cols.side_x + shift,
            cols.price_right + shift,
            cols.size_right + shift,
            cols.prints_x + shift,
            cols.sweep_x + shift,
        )

    def _paint_header(self, painter: QtGui.QPainter, frame: TapeFrame, cols: _Columns, width: float) -> None:
        super()._paint_header(painter, frame, cols, width)
        if not frame.paused and any(isinstance(r, VenueTapeRow) for r in frame.rows[:1]):
            painter.setPen(palette.TEXT_DIM)
            painter.drawText(QPointF(self._venue_x(cols), self._baseline(0, self.header_h)), "Venue")

    def _paint_row(
        self, painter: QtGui.QPainter, row: TapeRow, cols: _Columns, y: float, width: float
    ) -> None:
        super()._paint_row(painter, row, cols, y, width)
        if isinstance(row, VenueTapeRow):
            painter.setPen(palette.venue_colour(row.venue))
            painter.drawText(QPointF(self._venue_x(cols), self._baseline(y, self.row_h - 1)), row.venue_text)


class VenueTapeView(TapeView):
    """Time and sales that, on an aggregated market, names each row's venue and can filter them."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, history_rows: int = HISTORY_ROWS) -> None:
        super().__init__(parent, history_rows)
        self.model = VenueTapeModel(history_rows)
        scene = self.canvas.scene()
        scene.removeItem(self._item)
        self._item = VenueTapeItem(self._frame)
        scene.addItem(self._item)

    def set_market(self, market: MarketState | None) -> None:
        agg = aggregate_of(market)
        assert isinstance(self.model, VenueTapeModel)
        self.model.aggregate = agg
        self.model.shown = None
        if agg is not None and market is not None and self.model.settings.large_size_lots == 1_000:
            # the default threshold is Binance's 1 BTC in its lots; the aggregate counts finer units
            one = market.instrument.lots(Decimal(1))
            self.model.settings = replace(self.model.settings, large_size_lots=one)
        super().set_market(market)

    def show_venues(self, venues: frozenset[int] | None) -> None:
        """Show only these venues' prints (None: all of them); the rows are rebuilt from the tape."""
        assert isinstance(self.model, VenueTapeModel)
        self.model.shown = venues
        self.model.reset(self.model.instrument, self.market.tape if self.market else None)
        self._item._row_pixmaps = {}
        self._changed()

    def build_context_menu(self) -> QtWidgets.QMenu:
        menu = super().build_context_menu()
        assert isinstance(self.model, VenueTapeModel)
        agg = self.model.aggregate
        if agg is None:
            return menu
        menu.addSeparator()
        sub = menu.addMenu("Venues")
        names = agg.agg.venues
        shown = self.model.shown
        every = sub.addAction("All venues")
        every.setCheckable(True)
        every.setChecked(shown is None)
        every.triggered.connect(lambda: self.show_venues(None))
        for i, name in enumerate(names):
            action = sub.addAction(f"Only {name}")
            action.setCheckable(True)
            action.setChecked(shown == frozenset({i}))
            action.triggered.connect(lambda _=False, i=i: self.show_venues(frozenset({i})))
        return menu
