"""The closed round trips as a table model, newest first.

A day of scalping is thousands of trips: the view asks only for the rows on screen, and each
trip's texts are built once (trips are immutable) and cached by trip id. New trips arrive at the
top as inserted rows, so the selection and scroll position survive a new trade.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6 import QtCore, QtGui

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.snapshot import RoundTrip
from widgets.base import palette
from widgets.base.fmt import Tone
from widgets.base.info_panel import TONE_COLOURS
from widgets.trades.trip_rows import TRADE_COLUMNS, trip_texts, trip_tones

_RIGHT = (0, 2, 5, 6, 7, 8, 9, 10, 11)
_TONED = {8, 9, 10, 11}  # P&L columns drawn in the gain/loss colour (their text has the sign)


class TripsModel(QtCore.QAbstractTableModel):
    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._trips: tuple[RoundTrip, ...] = ()  # oldest first, as the snapshot has them
        self._texts: dict[int, tuple[tuple[str, ...], tuple[Tone, ...]]] = {}
        self.instrument: Instrument | None = None

    @property
    def trips(self) -> tuple[RoundTrip, ...]:
        return self._trips

    def set_instrument(self, instrument: Instrument | None) -> None:
        if instrument != self.instrument:
            self.beginResetModel()
            self.instrument = instrument
            self._texts.clear()
            self.endResetModel()

    def set_trips(self, trips: Sequence[RoundTrip]) -> bool:
        """True if the rows changed. Appended trips are inserted at the top; anything else resets.

        Closed trips never change, so the ends and the length tell (comparing 5,000 trips each
        account change would cost milliseconds for nothing).
        """
        new = tuple(trips)
        old = self._trips
        n_old, n_new = len(old), len(new)
        if new is old or (n_old == n_new and (n_new == 0 or (new[-1] == old[-1] and new[0] == old[0]))):
            self._trips = new
            return False
        if 0 < n_old < n_new and new[n_old - 1] == old[-1] and new[0] == old[0]:
            self.beginInsertRows(QtCore.QModelIndex(), 0, n_new - n_old - 1)
            self._trips = new
            self.endInsertRows()
            return True
        self.beginResetModel()
        self._trips = new
        self._texts.clear()
        self.endResetModel()
        return True

    def trip_at(self, row: int) -> RoundTrip:
        """Row 0 is the newest trip."""
        return self._trips[len(self._trips) - 1 - row]

    def row_texts(self, row: int) -> tuple[str, ...]:
        return self._cached(self.trip_at(row))[0]

    def _cached(self, trip: RoundTrip) -> tuple[tuple[str, ...], tuple[Tone, ...]]:
        entry = self._texts.get(trip.trip_id)
        if entry is None:
            entry = self._texts[trip.trip_id] = (trip_texts(trip, self.instrument), trip_tones(trip))
        return entry

    def rowCount(self, parent: Any = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._trips)

    def columnCount(self, parent: Any = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TRADE_COLUMNS)

    def data(self, index: Any, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return self._cached(self.trip_at(index.row()))[0][col]
        if role == QtCore.Qt.ItemDataRole.ForegroundRole:
            trip = self.trip_at(index.row())
            if col == 1:
                return QtGui.QBrush(palette.BUY if trip.side is Side.BUY else palette.SELL)
            if col in _TONED:
                tone = self._cached(trip)[1][col - 8]
                return QtGui.QBrush(TONE_COLOURS[tone])
            return QtGui.QBrush(palette.TEXT_DIM if col == 0 else palette.TEXT)
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole:
            if col in _RIGHT:
                return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
            return int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter)
        if role == QtCore.Qt.ItemDataRole.ToolTipRole and col in (3, 4):
            trip = self.trip_at(index.row())
            ns = trip.entry_ns if col == 3 else trip.exit_ns
            return _date_time(ns)
        return None

    def headerData(
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = QtCore.Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != QtCore.Qt.Orientation.Horizontal:
            return None
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return TRADE_COLUMNS[section]
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and section in _RIGHT:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None


def _date_time(ns: int) -> str:
    dt = QtCore.QDateTime.fromMSecsSinceEpoch(ns // 1_000_000, QtCore.QTimeZone.utc())
    return dt.toString("yyyy-MM-dd HH:mm:ss.zzz") + " UTC"
