"""Practice → Drill history…: the score per day of each drill (pyqtgraph), and the last sessions.

One point per drill and day (the day's mean score), so months of practice stay a few hundred
points; the table under the plot lists the latest sessions with their numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from app.storage.drill_history import DayPoint, DrillHistory, SessionRecord

LAST_SESSIONS = 50
_COLOURS = ("#58a6ff", "#f0883e", "#3fb950", "#d2a8ff", "#ff7b72", "#e3b341", "#39c5cf")


def day_seconds(day: str) -> float:
    """Midnight UTC of a YYYY-MM-DD day, as the Unix seconds pyqtgraph's date axis reads."""
    date = dt.date.fromisoformat(day)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC).timestamp()


def series(points: Sequence[DayPoint]) -> dict[str, tuple[list[float], list[float]]]:
    """Per drill: (day seconds, mean score), in day order."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for p in points:
        xs, ys = out.setdefault(p.drill, ([], []))
        xs.append(day_seconds(p.day))
        ys.append(p.mean_score)
    return out


class HistoryDialog(QtWidgets.QDialog):
    def __init__(self, history: DrillHistory, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drill_history")
        self.setWindowTitle("Drill history")
        self.resize(900, 640)
        layout = QtWidgets.QVBoxLayout(self)
        if history.notice:
            layout.addWidget(QtWidgets.QLabel(history.notice))
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setLabel("left", "score (mean of the day)")
        self.plot.setYRange(0, 100)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLegend()
        self.curves: dict[str, pg.PlotDataItem] = {}
        for n, (drill, (xs, ys)) in enumerate(series(history.daily()).items()):
            colour = _COLOURS[n % len(_COLOURS)]
            self.curves[drill] = self.plot.plot(
                xs,
                ys,
                name=drill,
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolBrush=colour,
                symbolSize=8,
            )
        layout.addWidget(self.plot, 3)
        sessions = history.sessions()[-LAST_SESSIONS:]
        self.table = QtWidgets.QTableWidget(len(sessions), 7)
        self.table.setHorizontalHeaderLabels(["Day", "Drill", "Seed", "Right", "Score", "Reaction", "R"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        for i, s in enumerate(reversed(sessions)):
            for j, text in enumerate(_row(s)):
                self.table.setItem(i, j, QtWidgets.QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        if not sessions:
            layout.addWidget(
                QtWidgets.QLabel(
                    "No drill sessions yet. Start one: Practice → a drill, or scalpdesk drill exec-basic"
                )
            )
        layout.addWidget(self.table, 2)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)


def _row(s: SessionRecord) -> list[str]:
    m = s.summary
    reaction = "—" if m.mean_reaction_ms is None else f"{m.mean_reaction_ms:.0f} ms"
    return [
        s.day,
        s.drill,
        str(s.seed),
        f"{m.correct}/{m.attempts}",
        f"{m.score:.0f}",
        reaction,
        f"{m.pnl_r:+.2f}",
    ]
