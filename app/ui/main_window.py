"""The workstation window: docked views, replay transport, layouts, status bar, frame clock.

The window owns no market logic: the source (a qasync task, wired to the window in
app/ui/compose.py) fills the market state; the frame clock repaints the views; menus and keys
only send commands to the source or to a view. It sees the source through the `MarketSource`
protocol only, and shows a transport bar only when the source is a `Transport` (a replay).
Docks carry stable object names (`dock_<view id>`) so saved layouts find them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.feeds.source import MarketBinding, MarketSource, Recordable, Transport
from app.storage.journal import data_dir
from app.storage.layouts import LayoutStore
from app.storage.recent_markets import Market, RecentMarkets
from app.ui.drills.practice_menu import practice_menu
from app.ui.feed_health import FeedHealth
from app.ui.frame_clock import DEFAULT_HZ, FrameClock
from app.ui.layout_control import LayoutControl
from app.ui.market_picker import ListSymbols, MarketPicker
from app.ui.open_recording import RecordingMenu, RecordingOpening, ScanProgress
from app.ui.status import StatusLine
from app.ui.trading_desk import TradingDesk
from app.ui.trading_menu import TradingMenu
from app.ui.transport import TransportBar
from app.ui.welcome_dialog import Folders, WelcomeDialog, welcome_html
from app.versions import versions
from widgets.base import MarketView

log = logging.getLogger(__name__)

STATUS_INTERVAL_MS = 500
DEFAULT_SIZE = QtCore.QSize(1920, 1080)

# View commands bound to window keys: (menu text, key, view id, method name).
VIEW_COMMANDS = (
    ("Re-center ladder", "C", "ladder", "recenter"),
    ("Follow latest bars", "F", "footprint", "follow_latest"),
    ("Follow latest CVD", "Shift+F", "cvd", "follow_latest"),
    ("Tape back to live", "T", "tape", "resume_live"),
)


class MainWindow(QtWidgets.QMainWindow):
    def __init__(
        self,
        source: MarketSource,
        views: Sequence[MarketView],
        store: LayoutStore,
        *,
        hz: int = DEFAULT_HZ,
        on_close: Callable[[], None] | None = None,
        screenshot: Path | None = None,
        desk: TradingDesk | None = None,
        on_open_market: Callable[[Market], object] | None = None,
        recent: RecentMarkets | None = None,
        list_symbols: ListSymbols | None = None,
        recordings: RecordingOpening | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.source = source
        self._on_open_market = on_open_market
        self._recent = recent
        self._list_symbols = list_symbols
        self._recordings = recordings
        self.recordings: RecordingMenu | None = None
        self.views = {v.view_id: v for v in views}
        self._on_close = on_close
        self.screenshot_path = screenshot
        sim = " — SIM paper account" if desk is not None else ""
        self.setWindowTitle(f"Scalpdesk — {source.title}{sim}")
        self.desk = desk
        self.setDockOptions(
            QtWidgets.QMainWindow.DockOption.AnimatedDocks
            | QtWidgets.QMainWindow.DockOption.AllowNestedDocks
            | QtWidgets.QMainWindow.DockOption.AllowTabbedDocks
            | QtWidgets.QMainWindow.DockOption.GroupedDragging
        )
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        for view in views:
            dock = QtWidgets.QDockWidget(view.title.replace("&", "&&"), self)  # "&" is a mnemonic
            dock.setObjectName(f"dock_{view.view_id}")
            dock.setWidget(view)
            self.docks[view.view_id] = dock
        self.transport: TransportBar | None = None
        if isinstance(source, Transport):
            self.transport = TransportBar(source, self)
            self.addToolBar(QtCore.Qt.ToolBarArea.TopToolBarArea, self.transport)

        self.frames = FrameClock(views, source, hz, parent=self)
        self.status = StatusLine(self.statusBar(), source, self.frames)
        self.scan = ScanProgress(self.statusBar(), source) if isinstance(source, Transport) else None
        self.layouts = LayoutControl(self, views, store, self.default_layout, self.status.show_notice)
        self.trading: TradingMenu | None = None
        self.extra_key_rows: list[Callable[[], list[tuple[str, str]]]] = []  # keys of added menus (Signals)
        if desk is not None:
            desk.notice.connect(self.status.show_notice)
            self.trading = TradingMenu(self, desk)
        for view in views:
            view.set_trading(desk is not None)
        self._build_menus()
        self._arrange_default()
        self.resize(DEFAULT_SIZE)
        self.layouts.restore_last()
        self._sized = store.last is not None

        self.health = FeedHealth(list(views), desk, self.status.show_notice)
        self._status_timer = QtCore.QTimer(self)
        self._status_timer.setInterval(STATUS_INTERVAL_MS)
        self._status_timer.timeout.connect(self._update_status)
        self._status_timer.start()
        self.frames.set_market(source.binding.market)
        self.frames.start()

    # -- source side --------------------------------------------------------------------------

    def on_session(self, binding: MarketBinding) -> None:
        """The source started a session (first play, restart, backward seek, loop): rebind views."""
        self.frames.set_market(binding.market)

    def _update_status(self) -> None:
        self.status.update()
        self.health.update(self.source.status())
        if self.transport is not None:
            self.transport.sync()
        if self.scan is not None:
            self.scan.update()

    # -- docks and layouts --------------------------------------------------------------------

    def _arrange_default(self) -> None:
        """Ladder | footprint over CVD | tape: the flow reads left to right, price in the middle."""
        docks = self.docks
        order = [docks[k] for k in ("ladder", "footprint", "tape", "cvd") if k in docks]
        order += [d for k, d in docks.items() if d not in order]
        for dock in order:
            dock.setFloating(False)
            dock.show()
            self.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        horizontal, vertical = QtCore.Qt.Orientation.Horizontal, QtCore.Qt.Orientation.Vertical
        if "ladder" in docks and "footprint" in docks:
            self.splitDockWidget(docks["ladder"], docks["footprint"], horizontal)
        if "footprint" in docks and "tape" in docks:
            self.splitDockWidget(docks["footprint"], docks["tape"], horizontal)
        if "footprint" in docks and "cvd" in docks:
            self.splitDockWidget(docks["footprint"], docks["cvd"], vertical)
            if "alerts" in docks:  # the signal log beside the CVD, under the footprint
                self.splitDockWidget(docks["cvd"], docks["alerts"], horizontal)
        if "tape" in docks and "account" in docks:
            self.splitDockWidget(docks["tape"], docks["account"], vertical)
            if "trades" in docks:
                self.tabifyDockWidget(docks["account"], docks["trades"])
                docks["account"].raise_()

    def _size_default(self) -> None:
        """Dock sizes (only effective once shown, docs/ARCHITECTURE.md)."""
        docks = self.docks
        width = self.width()
        ladder = self.views.get("ladder")
        # + separators and dock frame: resizeDocks sizes the dock, the view needs its hint inside.
        ladder_w = max(380, ladder.sizeHint().width() + 8) if ladder is not None else 0
        widths = (("ladder", ladder_w), ("footprint", width - ladder_w - 330), ("tape", 330))
        cols = [(k, w) for k, w in widths if k in docks]
        self.resizeDocks([docks[k] for k, _ in cols], [w for _, w in cols], QtCore.Qt.Orientation.Horizontal)
        height = self.height()
        if "footprint" in docks and "cvd" in docks:
            self.resizeDocks(
                [docks["footprint"], docks["cvd"]],
                [int(height * 0.62), int(height * 0.30)],
                QtCore.Qt.Orientation.Vertical,
            )
        if "cvd" in docks and "alerts" in docks:  # under the footprint: the CVD keeps most of it
            alerts_w = 400
            self.resizeDocks(
                [docks["cvd"], docks["alerts"]],
                [max(300, width - ladder_w - 330 - alerts_w), alerts_w],
                QtCore.Qt.Orientation.Horizontal,
            )
        if "tape" in docks and "account" in docks:
            self.resizeDocks(
                [docks["tape"], docks["account"]],
                [int(height * 0.55), int(height * 0.37)],
                QtCore.Qt.Orientation.Vertical,
            )

    def default_layout(self) -> None:
        """Reset to default: docks back in place, every view on its default settings."""
        for view in self.views.values():
            view.apply_settings({})
        self._arrange_default()
        self._size_default()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            QtCore.QTimer.singleShot(0, self._size_default)

    # -- menus --------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        if self._on_open_market is not None:
            opener = file_menu.addAction("Open live market…", self.pick_market)
            opener.setShortcut(QtGui.QKeySequence("Ctrl+O"))
        if self._recordings is not None:
            self.recordings = RecordingMenu(self, file_menu, self._recordings, self.status.show_notice)
        if self._on_open_market is not None or self._recordings is not None:
            file_menu.addSeparator()
        self.quit_action = file_menu.addAction("Quit", self.close)  # the window registry widens it
        self.quit_action.setObjectName("quit")
        self.quit_action.setShortcut(QtGui.QKeySequence("Ctrl+Q"))

        if self.transport is not None:
            replay = bar.addMenu("&Replay")
            for action in self.transport.actions_by_name.values():
                replay.addAction(action)
                self.addAction(action)  # keys work even with the toolbar hidden

        if isinstance(self.source, Recordable):
            feed_menu = bar.addMenu("F&eed")
            self.record_action = feed_menu.addAction("Record this feed")
            self.record_action.setCheckable(True)
            self.record_action.setChecked(self.source.recording is not None)
            self.record_action.toggled.connect(self._toggle_recording)

        view_menu = bar.addMenu("&View")
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        if self.transport is not None:
            view_menu.addAction(self.transport.toggleViewAction())
        view_menu.addSeparator()
        self.view_actions: dict[str, QtGui.QAction] = {}
        for text, key, view_id, method in VIEW_COMMANDS:
            view = self.views.get(view_id)
            slot = getattr(view, method, None) if view is not None else None
            if slot is None:
                continue
            action = view_menu.addAction(text, self._logged(text, slot))
            action.setShortcut(QtGui.QKeySequence(key))
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
            self.view_actions[method if method not in self.view_actions else f"{view_id}.{method}"] = action

        if self.trading is not None:
            bar.addMenu(self.trading.menu)
        bar.addMenu(practice_menu(self, self.status.show_notice))  # drills and their history (docs/DRILLS.md)
        bar.addMenu(self.layouts.menu)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction("Welcome…", self.show_welcome)
        help_menu.addAction("Keys…", self._show_keys)
        help_menu.addAction("Notices…", self.show_notices)
        help_menu.addAction("About Scalpdesk…", self.show_about)

    def pick_market(self) -> MarketPicker:
        """File → Open live market…: the chosen market replaces this window's source."""
        recent = self._recent.load() if self._recent is not None else []
        if self._recent is not None and self._recent.notice:
            self.status.show_notice(self._recent.notice)
        pin = self._recent.pin if self._recent is not None else None
        picker = MarketPicker(recent, self, list_symbols=self._list_symbols, pin=pin)

        def chosen() -> None:
            market = picker.choice()
            if market is not None and self._on_open_market is not None:
                log.info("opening %s", market.key)
                self.status.show_notice(f"opening {market.key}…")
                self._on_open_market(market)

        picker.accepted.connect(chosen)
        picker.open()
        return picker

    def _toggle_recording(self, on: bool) -> None:
        source = self.source
        assert isinstance(source, Recordable)
        if on:
            path = source.start_recording(data_dir() / "recordings")
            self.status.show_notice(f"recording to {path}")
        else:
            source.stop_recording()
            self.status.show_notice("recording stopped")

    @staticmethod
    def _logged(text: str, slot: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            log.info("%s", text.lower())
            slot()

        return run

    def window_key_rows(self) -> list[tuple[str, str]]:
        """(action, key) of the window's own keys: replay transport and view commands."""
        transport = self.transport.actions_by_name.values() if self.transport is not None else ()
        actions = [*transport, *self.view_actions.values()]
        rows = [(a.text().replace("&", ""), a.shortcut().toString()) for a in actions]
        return rows + [row for more in self.extra_key_rows for row in more()]

    def key_table(self) -> list[tuple[str, str]]:
        rows = self.window_key_rows()
        if self.trading is not None:
            rows += self.trading.key_rows()
        return rows

    def about_text(self) -> str:
        """Versions of the build and the stack, and where the bundled data comes from."""
        rows = "".join(f"<tr><td>{k}</td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in versions().items())
        provenance = (
            "The bundled recording is real Binance USD-M BTCUSDT traffic of 2024-08-08 "
            "(hftbacktest's example data, MIT); see resources/README.md."
        )
        return (
            f"<b>Scalpdesk</b> — order-flow scalping workstation<br><table>{rows}</table><p>{provenance}</p>"
        )

    def notices_text(self) -> str:
        rows = self.status.notices
        if not rows:
            return "No notices this session."
        return "\n".join(f"{when}  {text}" for when, text in reversed(rows))

    def show_notices(self) -> None:
        QtWidgets.QMessageBox.information(self, "Notices", self.notices_text())

    def show_about(self) -> None:
        QtWidgets.QMessageBox.about(self, "About Scalpdesk", self.about_text())

    def show_welcome(self) -> WelcomeDialog:
        """Help → Welcome… (and the first start): non-modal, the replay plays on behind it."""
        views = [(view_id, view.title) for view_id, view in self.views.items()]
        folders = Folders.of_this_session(self.layouts.store.path.parent)
        dialog = WelcomeDialog(welcome_html(views, self.window_key_rows(), folders), self)
        dialog.show()
        return dialog

    def _show_keys(self) -> None:
        rows = "".join(f"<tr><td>{k}</td><td>&nbsp;&nbsp;{t}</td></tr>" for t, k in self.key_table())
        QtWidgets.QMessageBox.information(self, "Keys", f"<table>{rows}</table>")

    # -- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.screenshot_path is not None:
            self.save_screenshot(self.screenshot_path)
        self.frames.stop()
        self._status_timer.stop()
        if self.trading is not None:
            self.trading.hotkeys.uninstall()
        self.layouts.remember_last()
        super().closeEvent(event)
        if self._on_close is not None:
            self._on_close()

    def save_screenshot(self, path: Path) -> bool:
        """The window as shown (docks included), as PNG. False (and a notice) if it cannot be written."""
        path.parent.mkdir(parents=True, exist_ok=True)
        ok = self.grab().save(str(path), "PNG")
        if not ok:
            self.status.show_notice(f"could not write the screenshot {path}")
        return bool(ok)
