"""File → Open live market…: venue, symbol (completed from the venue's symbols as you type,
matching anywhere in the name) and the markets opened before, one click away."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from app.storage.recent_markets import Market
from app.venues import registry


class MarketPicker(QtWidgets.QDialog):
    def __init__(self, recent: list[Market], parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
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
        for market in recent:
            item = QtWidgets.QListWidgetItem(f"{market.symbol}  ·  {market.venue}")
            item.setData(QtCore.Qt.ItemDataRole.UserRole, market)
            self.recent.addItem(item)
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
        layout.addWidget(QtWidgets.QLabel("Recent"))
        layout.addWidget(self.recent)
        layout.addWidget(buttons)
        self.venue.currentTextChanged.connect(self._venue_changed)
        self._venue_changed(self.venue.currentText())

    def _venue_changed(self, venue: str) -> None:
        self._model.setStringList(registry.known_symbols(venue))

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
