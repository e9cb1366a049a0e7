"""The welcome: what a new user needs in the first five minutes, on one page.

Shown once, on the first interactive start (app/storage/first_run.py remembers it), and any time
from Help → Welcome…. Everything in it comes from the running app rather than from a second copy
that could drift: the views are the window's own docks, the keys the window's actions and the
default trading key map (app/core/paper/actions.py, the table docs/HOTKEYS.md is checked
against), the venues the registry's, the folders the storage layer's own helpers.

It is a non-modal dialog (`show()`, never `exec()`): the replay plays behind it, and no headless
run or test can hang on it. Scripted runs (`--exit-after`, `--screenshot`) do not show it at all,
so a smoke test or a docs screenshot does not use up the user's first start (app/ui/run_app.py).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.core.paper.actions import DEFAULT_KEYMAP
from app.storage.journal import data_dir, default_journal_path
from app.storage.logs import log_dir
from app.venues.registry import venues

# What each view is for, by view id (the dock titles come from the views themselves).
VIEW_NOTES = {
    "ladder": "the order book by price: bid and ask sizes, recent prints at each price, pulling and "
    "stacking, your orders; click Bid/Ask to place, drag to move",
    "footprint": "bars split by price: bid × ask volume in each cell, imbalances, POC, value area",
    "tape": "time and sales, newest first: every print with side, price and size; large ones highlighted",
    "cvd": "price over cumulative volume delta (aggressive buys − sells), with divergence marks",
    "account": "the simulated (SIM) account: position, P&L, fees, risk lock, open orders",
    "trades": "every SIM round trip with its P&L and the session's statistics; Export CSV",
}


@dataclass(frozen=True)
class Folders:
    """Where the app keeps the user's things (real paths of this session)."""

    config: Path  # settings.json, layouts.json, markets.json, recordings.json
    journal: Path
    logs: Path
    recordings: Path
    crash_reports: Path

    @classmethod
    def of_this_session(cls, config: Path) -> Folders:
        return cls(
            config=config,
            journal=default_journal_path(),
            logs=log_dir(),
            recordings=data_dir() / "recordings",
            crash_reports=data_dir() / "crash-reports",
        )


def _table(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td><b>{html.escape(a)}</b></td><td>&nbsp;&nbsp;{html.escape(b)}</td></tr>" for a, b in rows
    )
    return f"<table>{cells}</table>"


def welcome_html(
    views: Sequence[tuple[str, str]], window_keys: Sequence[tuple[str, str]], folders: Folders
) -> str:
    """The page: `views` as (view id, title), `window_keys` as (action, key)."""
    view_rows = [(title, VIEW_NOTES.get(view_id, "")) for view_id, title in views]
    trading = [(key, action.label) for action, key in DEFAULT_KEYMAP.items()]
    keys = [(key, action) for action, key in window_keys if key]
    live = ", ".join(venues())
    where = [
        ("Settings and layouts", str(folders.config)),
        ("Trade journal (SIM)", str(folders.journal)),
        ("Logs", str(folders.logs)),
        ("Recordings", str(folders.recordings)),
        ("Crash reports", str(folders.crash_reports)),
    ]
    return (
        "<h2>Welcome to Scalpdesk</h2>"
        "<p>Started with no options, the window plays a real recording (Binance BTCUSDT, 2024-08-08), "
        "so everything works offline. Everything you trade here is <b>SIM</b>: a simulated account, "
        "no real orders.</p>"
        f"<h3>The views</h3>{_table(view_rows)}"
        "<p>Docks can be dragged, floated and tabbed; right-click a view for its settings; "
        "Layout saves arrangements.</p>"
        f"<h3>Trading keys (SIM, default)</h3>{_table(trading)}"
        "<p>Re-bind them in Trading → Key map…; a key never fires while a text field has focus.</p>"
        f"<h3>Window keys</h3>{_table(keys)}"
        "<h3>Going live</h3>"
        "<p>File → Open live market… (Ctrl+O) picks a venue and a symbol, or start with "
        "<code>scalpdesk --venue bybit --symbol BTCUSDT</code>. "
        f"Venues: {html.escape(live)}. A live window records what it receives (unless "
        "<code>--no-record</code>). File → Open recording… replays your own files.</p>"
        f"<h3>Where your things are</h3>{_table(where)}"
        "<p>This page is in Help → Welcome…; Help → Keys… lists the keys as bound now.</p>"
    )


class WelcomeDialog(QtWidgets.QDialog):
    def __init__(self, page: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome_dialog")
        self.setWindowTitle("Welcome to Scalpdesk")
        self.setModal(False)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.text = QtWidgets.QTextBrowser(self)
        self.text.setObjectName("welcome_text")
        self.text.setOpenLinks(False)
        self.text.setHtml(page)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(760, 820)
