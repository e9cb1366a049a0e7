"""The score panel a drill ends on: the session's score, its numbers, and every attempt.

A child of the main window, centred over it (so the window's screenshot shows it), with a table
the trader can read through and the history one click away.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.drills.execution import ExecScore
from app.core.drills.reaction import TrialScore
from app.core.drills.summary import SessionSummary
from app.core.paper.actions import Action

PANEL_SIZE = QtCore.QSize(820, 520)
_STYLE = """
#drill_score { background: #111722; border: 2px solid #3d5a80; border-radius: 12px; }
#drill_score QLabel { color: #dfe6f2; }
#drill_score_value { font-size: 54px; font-weight: bold; color: #9fd3ff; }
#drill_score_title { font-size: 22px; font-weight: bold; }
QTableWidget { background: #0c1119; color: #dfe6f2; gridline-color: #223; }
"""


def execution_rows(results: Sequence[ExecScore]) -> tuple[list[str], list[list[str]]]:
    header = ["#", "Prompt", "Pressed", "Reaction", "Points"]
    rows = []
    for n, r in enumerate(results, 1):
        if r.timed_out:
            pressed, reaction = "— (time ran out)", f"> {r.limit_ms} ms"
        else:
            wrong = [w for w, ok in (("key", r.key_ok), ("side", r.side_ok), ("size", r.size_ok)) if not ok]
            why = f" (wrong {', '.join(wrong)})" if wrong else ""
            pressed = ("✓ " if r.ok else "✗ ") + _said(r.pressed) + why
            reaction = f"{r.reaction_ms:.0f} ms"
        rows.append([str(n), r.prompt, pressed, reaction, f"{r.points:.0f}"])
    return header, rows


def _said(action_id: str | None) -> str:
    """An action id in the words of the Trading menu ("sell_bid" -> "Sell bid")."""
    if action_id is None:
        return ""
    return Action(action_id).label.split(" (")[0]


def reaction_rows(results: Sequence[TrialScore], labels: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    header = ["#", "Signal", "Reaction", "From best", "P&L", "Errors", "Points"]
    rows = []
    for n, (r, label) in enumerate(zip(results, labels, strict=False), 1):
        reaction = "—" if r.reaction_ms is None else f"{r.reaction_ms:+.0f} ms"
        best = "—" if r.price_ticks_from_best is None else f"{r.price_ticks_from_best:+.1f} ticks"
        errors = ", ".join(e.value.replace("_", " ") for e in r.errors) or "✓"
        rows.append([str(n), label, reaction, best, f"{r.pnl_r:+.2f} R", errors, f"{r.points:.0f}"])
    return header, rows


def headline(summary: SessionSummary, read_react: bool) -> str:
    reaction = "—" if summary.mean_reaction_ms is None else f"{summary.mean_reaction_ms:.0f} ms"
    text = (
        f"{summary.correct} of {summary.attempts} right · mean reaction {reaction} · "
        f"best streak {summary.best_streak}"
    )
    if read_react:
        text += f" · {summary.pnl_r:+.2f} R · {summary.errors} error{'s' if summary.errors != 1 else ''}"
    return text


class ScorePanel(QtWidgets.QFrame):
    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        title: str,
        summary: SessionSummary,
        table: tuple[list[str], list[list[str]]],
        *,
        read_react: bool,
        note: str = "",
        on_history: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("drill_score")
        self.setStyleSheet(_STYLE)
        self._window = window
        self.summary = summary
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        top = QtWidgets.QHBoxLayout()
        name = QtWidgets.QLabel(title)
        name.setObjectName("drill_score_title")
        top.addWidget(name, 1)
        value = QtWidgets.QLabel(f"{summary.score:.0f} / 100")
        value.setObjectName("drill_score_value")
        top.addWidget(value)
        layout.addLayout(top)
        self.headline = QtWidgets.QLabel(headline(summary, read_react))
        layout.addWidget(self.headline)
        if note:
            layout.addWidget(QtWidgets.QLabel(note))
        header, rows = table
        self.table = QtWidgets.QTableWidget(len(rows), len(header))
        self.table.setHorizontalHeaderLabels(header)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # keys stay with the window
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.table.setItem(i, j, QtWidgets.QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        if on_history is not None:
            history = QtWidgets.QPushButton("History…")
            history.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
            history.clicked.connect(on_history)
            buttons.addWidget(history)
        close = QtWidgets.QPushButton("Close drill")
        close.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        close.clicked.connect(window.close)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(PANEL_SIZE)
        self.centre()
        self.show()
        self.raise_()

    def centre(self) -> None:
        area = self._window.rect()
        self.move(max(0, (area.width() - self.width()) // 2), max(0, (area.height() - self.height()) // 2))

    def rows(self) -> list[list[str]]:
        table = self.table
        return [
            [table.item(i, j).text() for j in range(table.columnCount())] for i in range(table.rowCount())
        ]

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self.centre()
