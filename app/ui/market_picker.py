"""File → Open live market…: venue, symbol (completed as you type, matching anywhere in the
name, from the bundled symbols and then the venue's own list), and the markets opened before —
favourites pinned first — one click away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from PySide6 import QtCore, QtWidgets

from app.storage.recent_markets import Market
from app.venues import registry

ListSymbols = Callable[[str], Awaitable[list[str]]]
Pin = Callable[[Market, bool], list[Market]]


class MarketPicker(QtWidgets.QDialog):
    def __init__(
        self,
        recent: list[Market],
        parent: QtWidgets.QWidget | None = None,
        *,
        list_symbols: ListSymbols | None = None,
        pin: Pin | None = None,
    ) -> None:
        super().__init__(parent)
        self._list_symbols = list_symbols
        self._pin = pin
        self._fetch: asyncio.Future[list[str]] | None = None
        self.setObjectName("market_picker")
        self.setWindowTitle("Open live market")
        self.venue = QtWidgets.QComboBox()
        self.venue.addItems(list(registry.venues()))
        self.symbol = QtWidgets.QLineEdit()
        self.symbol.setPlaceholderText("symbol, e.g. BTCUSDT, BTC-USDT-SWAP, BTC")
        self._model = QtCore.QStringListModel()
        completer = QtWidgets.QCompleter(self._model, self)
        completer.setCaseSensitivity(QtCore.Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(QtCore.Qt.MatchFlag.MatchContains)
        self.symbol.setCompleter(completer)
        self.recent = QtWidgets.QListWidget()
        self._show_recent(recent)
        self.pin_button = QtWidgets.QPushButton("★ Pin / unpin")
        self.pin_button.setEnabled(pin is not None)
        self.pin_button.clicked.connect(self._toggle_pin)
        self.source_note = QtWidgets.QLabel("")
        self.recent.itemClicked.connect(self._take_recent)
        self.recent.itemDoubleClicked.connect(lambda item: (self._take_recent(item), self.accept()))
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Open | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        form = QtWidgets.QFormLayout()
        form.addRow("Venue", self.venue)
        form.addRow("Symbol", self.symbol)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.source_note)
        layout.addWidget(QtWidgets.QLabel("Favourites and recent"))
        layout.addWidget(self.recent)
        layout.addWidget(self.pin_button)
        layout.addWidget(buttons)
        self.venue.currentTextChanged.connect(self._venue_changed)
        self._venue_changed(self.venue.currentText())

    def _show_recent(self, markets: list[Market]) -> None:
        self.recent.clear()
        for market in markets:
            star = "★ " if market.pinned else ""
            item = QtWidgets.QListWidgetItem(f"{star}{market.symbol}  ·  {market.venue}")
            item.setData(QtCore.Qt.ItemDataRole.UserRole, market)
            self.recent.addItem(item)

    def _toggle_pin(self) -> None:
        item = self.recent.currentItem()
        if item is None or self._pin is None:
            return
        market: Market = item.data(QtCore.Qt.ItemDataRole.UserRole)
        self._show_recent(self._pin(market, not market.pinned))

    def _venue_changed(self, venue: str) -> None:
        self._model.setStringList(registry.known_symbols(venue))
        if self._fetch is not None:
            self._fetch.cancel()
        if self._list_symbols is None:
            return
        self.source_note.setText(f"looking up {venue}'s instruments…")
        self._fetch = asyncio.ensure_future(self._list_symbols(venue))
        self._fetch.add_done_callback(lambda done, v=venue: self._fetched(v, done))

    def _fetched(self, venue: str, done: asyncio.Future[list[str]]) -> None:
        if done.cancelled() or venue != self.venue.currentText():
            return
        with contextlib.suppress(RuntimeError):  # the dialog may be gone
            error = done.exception()
            if error is not None:
                self.source_note.setText(
                    f"{venue}'s list not reachable ({type(error).__name__}): bundled symbols only"
                )
                return
            symbols = sorted(set(registry.known_symbols(venue)) | set(done.result()))
            self._model.setStringList(symbols)
            self.source_note.setText(f"{len(symbols)} instruments on {venue}")

    def _take_recent(self, item: QtWidgets.QListWidgetItem) -> None:
        market: Market = item.data(QtCore.Qt.ItemDataRole.UserRole)
        self.venue.setCurrentText(market.venue)
        self.symbol.setText(market.symbol)

    def _accept_if_complete(self) -> None:
        if self.symbol.text().strip():
            self.accept()

    def choice(self) -> Market | None:
        symbol = self.symbol.text().strip()
        return Market(self.venue.currentText(), symbol) if symbol else None
