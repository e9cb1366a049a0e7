"""The Trading menu and the hotkeys: the window's side of the trading desk.

Order actions are listed in the menu with their keys for discoverability, but the keys are
handled by the HotkeyFilter (never QAction shortcuts), so that the text-field and auto-repeat
rules hold and no key fires twice.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6 import QtGui, QtWidgets

from app.core.paper.actions import Action
from app.storage.settings import TradingSettings
from app.ui.hotkeys import HotkeyFilter
from app.ui.keymap_dialog import KeymapDialog
from app.ui.trading_desk import TradingDesk
from app.ui.trading_settings_dialog import TradingSettingsDialog

log = logging.getLogger(__name__)


class TradingMenu:
    def __init__(self, window: QtWidgets.QMainWindow, desk: TradingDesk) -> None:
        self.window = window
        self.desk = desk
        settings = desk.settings
        self.hotkeys = HotkeyFilter(
            window, settings.keymap, settings.confirm, desk.act, describe=desk.describe
        )
        for problem in self.hotkeys.problems:
            log.warning("hotkey: %s", problem)
        self.hotkeys.install()
        self.menu = QtWidgets.QMenu("&Trading (SIM)", window)
        self._action_items: dict[Action, QtGui.QAction] = {}
        for action in Action:
            item = self.menu.addAction("", lambda a=action: desk.act(a))
            self._action_items[action] = item
            if action in (Action.SELL_BID, Action.CANCEL_ALL, Action.REVERSE, Action.SIZE_5):
                self.menu.addSeparator()
        self.menu.addSeparator()
        self.menu.addAction("Key map…", self.edit_keymap)
        self.menu.addAction("Trading settings…", self.edit_settings)
        self.menu.addAction("Export trades (CSV)…", self.export_trades)
        self._label_actions()
        trades = next((v for v in desk.views if v.view_id == "trades"), None)
        if trades is not None and hasattr(trades, "export_requested"):
            trades.export_requested.connect(desk.export_trades)

    def _label_actions(self) -> None:
        keymap = self.desk.settings.keymap
        for action, item in self._action_items.items():
            key = keymap.get(action, "")
            item.setText(f"{action.label}\t{key}" if key else action.label)

    def key_rows(self) -> list[tuple[str, str]]:
        """(action, key) for the Help → Keys table."""
        keymap = self.desk.settings.keymap
        return [(f"SIM: {a.label}", keymap.get(a, "")) for a in Action if keymap.get(a)]

    def edit_keymap(self) -> None:
        settings = self.desk.settings
        dialog = KeymapDialog(settings.keymap, settings.confirm, self.window)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        self.apply(replace(settings, keymap=dialog.result_keymap(), confirm=dialog.result_confirm()))

    def edit_settings(self) -> None:
        dialog = TradingSettingsDialog(self.desk.settings, self.desk.instrument, self.window)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        self.apply(dialog.result())

    def apply(self, settings: TradingSettings) -> None:
        self.desk.apply_settings(settings)
        self.hotkeys.set_keymap(self.desk.settings.keymap, self.desk.settings.confirm)
        self._label_actions()

    def export_trades(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Export trades", "scalpdesk-trades.csv", "CSV files (*.csv)"
        )
        if path:
            self.desk.export_trades(path)
