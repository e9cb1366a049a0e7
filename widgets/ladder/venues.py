"""The DOM ladder of an aggregated market: the summed book, or one venue's, and where the best
bid and ask are quoted.

The ladder is the usual one over the aggregate's book, which the aggregate rebuilds on the common
grid in base units (app/core/aggregate/book.py): every venue summed by default, or one venue's
book alone, picked in the bar above the ladder. The bar also names the venue that quotes the
best bid and the one that quotes the best ask (by the venues' exact prices, which one grid row
may not tell apart). On one venue's market the bar is hidden and this is the plain ladder.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from app.core.aggregate import AggregateMarket, aggregate_of
from app.core.market import Changed, MarketState
from widgets.base import palette
from widgets.ladder.view import LadderView

SUMMED = "All venues (summed)"


class VenueLadderView(LadderView):
    """A ladder with the book picker and the best venues on an aggregated market."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._aggregate: AggregateMarket | None = None
        self.venue_bar = QtWidgets.QWidget(self)
        self.venue_bar.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed
        )
        row = QtWidgets.QHBoxLayout(self.venue_bar)
        row.setContentsMargins(4, 2, 4, 2)
        self.book_choice = QtWidgets.QComboBox()
        self.book_choice.setObjectName("ladder_book")
        self.book_choice.setToolTip("Which book the ladder shows: every venue summed, or one venue's")
        self.book_choice.currentIndexChanged.connect(self._pick_book)
        self.best_label = QtWidgets.QLabel()
        self.best_label.setObjectName("ladder_best_venues")
        row.addWidget(self.book_choice)
        row.addWidget(self.best_label, 1)
        layout = self.layout()
        assert isinstance(layout, QtWidgets.QVBoxLayout)
        layout.insertWidget(0, self.venue_bar)
        self.venue_bar.setVisible(False)
        self._best_shown: tuple[int | None, int | None] | None = None

    def set_market(self, market: MarketState | None) -> None:
        self._aggregate = agg = aggregate_of(market)
        self.book_choice.blockSignals(True)
        self.book_choice.clear()
        if agg is not None:
            self.book_choice.addItems([SUMMED, *agg.agg.venues])
            self.book_choice.setCurrentIndex(0 if agg.book_venue is None else agg.book_venue + 1)
        self.book_choice.blockSignals(False)
        self.venue_bar.setVisible(agg is not None)
        self._best_shown = None
        super().set_market(market)
        self._show_best()

    def refresh(self, changed: int, now_ns: int) -> bool:
        drew = super().refresh(changed, now_ns)
        if changed & Changed.BOOK:
            self._show_best()
        return drew

    def show_book(self, venue: int | None) -> None:
        """The ladder shows this venue's book (index in the aggregate's legs), or the summed one."""
        self.book_choice.setCurrentIndex(0 if venue is None else venue + 1)

    def best_venues_text(self) -> str:
        return self.best_label.text()

    def _pick_book(self, index: int) -> None:
        agg = self._aggregate
        if agg is None or index < 0:
            return
        agg.show_book(None if index == 0 else index - 1)

    def _show_best(self) -> None:
        agg = self._aggregate
        if agg is None:
            return
        best = (agg.best.bid, agg.best.ask)
        if best == self._best_shown:
            return
        self._best_shown = best
        names = agg.agg.venues

        def name(leg: int | None) -> str:
            return "—" if leg is None else names[leg]

        bid, ask = palette.BUY_STRONG.name(), palette.SELL_STRONG.name()
        self.best_label.setText(
            f'best bid <span style="color:{bid}">{name(best[0])}</span> · '
            f'best ask <span style="color:{ask}">{name(best[1])}</span>'
        )
