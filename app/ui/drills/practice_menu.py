"""The Practice menu: start a drill (in its own window and process) and open the drill history.

A drill runs in a process of its own (`scalpdesk drill NAME`): its market, its throwaway paper
account and its window never mix with the session the trader started it from.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.core.drills.catalogue import CATALOGUE
from app.storage.drill_history import DrillHistory
from app.ui.drills.history_view import HistoryDialog


def drill_command(name: str) -> tuple[str, list[str]]:
    """The program and arguments of `scalpdesk drill NAME` for this very install: the bundle's own
    executable when frozen (PyInstaller), else this Python running the `app` package."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["drill", name]
    return sys.executable, ["-m", "app", "drill", name]


def start_drill(name: str) -> bool:
    """Open `scalpdesk drill NAME` beside this window; False if it could not be started."""
    program, args = drill_command(name)
    ok, _pid = QtCore.QProcess.startDetached(program, args)
    return bool(ok)


def show_history(parent: QtWidgets.QWidget, path: Path | None = None) -> HistoryDialog:
    with DrillHistory(path) as history:
        dialog = HistoryDialog(history, parent)
    dialog.show()
    return dialog


def practice_menu(
    window: QtWidgets.QMainWindow, notice: Callable[[str], None] | None = None
) -> QtWidgets.QMenu:
    """The menu; `notice` hears when a drill could not be started (the status bar)."""
    menu = QtWidgets.QMenu("&Practice", window)

    def start(name: str) -> None:
        if not start_drill(name) and notice is not None:
            program, args = drill_command(name)
            notice(f"could not start the drill {name}: {program} {' '.join(args)}")

    for spec in CATALOGUE.values():
        item = menu.addAction(f"{spec.name} — {spec.title.title()}", lambda n=spec.name: start(n))
        item.setToolTip(spec.summary)
    menu.setToolTipsVisible(True)
    menu.addSeparator()
    menu.addAction("Drill history…", lambda: show_history(window))
    return menu
