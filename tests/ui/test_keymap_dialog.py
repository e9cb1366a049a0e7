"""The hotkey dialog: recording keys, conflicts blocking OK, reset, and rebinding what fires."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from pytestqt.qtbot import QtBot

from app.core.paper.actions import DEFAULT_KEYMAP, Action
from app.ui.hotkeys import HotkeyFilter
from app.ui.keymap_dialog import KeymapDialog
from widgets.base import palette

Key = QtCore.Qt.Key
Mod = QtCore.Qt.KeyboardModifier


def make_dialog(qtbot: QtBot, confirm: frozenset[Action] = frozenset()) -> KeymapDialog:
    dialog = KeymapDialog(DEFAULT_KEYMAP, confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def press_into(
    qtbot: QtBot, dialog: KeymapDialog, action: Action, key: Key, mods: Mod = Mod.NoModifier
) -> None:
    """Record a key the way a user does: click the field, press the key."""
    edit = dialog.edits[action]
    edit.clear()
    edit.setFocus()
    qtbot.keyClick(edit, key, mods)


def row_is_red(dialog: KeymapDialog, action: Action) -> bool:
    row = list(Action).index(action)
    item = dialog.table.item(row, 0)
    assert item is not None
    return item.foreground().color() == palette.PULL


def test_the_dialog_shows_the_given_keys_and_returns_them_unchanged(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, frozenset({Action.FLATTEN}))

    assert dialog.edits[Action.FLATTEN].keySequence().toString() == "Shift+Esc"
    assert dialog.result_keymap() == {a: DEFAULT_KEYMAP.get(a, "") for a in Action}
    assert dialog.result_confirm() == frozenset({Action.FLATTEN})
    assert dialog.ok_button.isEnabled() and dialog.conflicts() == []


def test_a_key_on_two_actions_is_red_with_a_message_and_blocks_ok_until_resolved(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)

    press_into(qtbot, dialog, Action.SELL_MARKET, Key.Key_W)  # W is buy market's

    assert not dialog.ok_button.isEnabled()
    assert row_is_red(dialog, Action.SELL_MARKET) and row_is_red(dialog, Action.BUY_MARKET)
    assert not row_is_red(dialog, Action.JOIN_BID)
    assert "W is bound twice: Buy market and Sell market" in dialog.message.text()
    dialog.grab().save("/tmp/keymap_dialog_conflict.png")

    press_into(qtbot, dialog, Action.BUY_MARKET, Key.Key_F2)

    assert dialog.ok_button.isEnabled()
    assert not row_is_red(dialog, Action.SELL_MARKET) and not dialog.message.isVisible()
    assert dialog.result_keymap()[Action.BUY_MARKET] == "F2"
    assert dialog.result_keymap()[Action.SELL_MARKET] == "W"


def test_a_key_the_window_uses_cannot_be_bound(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)

    press_into(qtbot, dialog, Action.REVERSE, Key.Key_F, Mod.ShiftModifier)  # follow latest CVD

    assert not dialog.ok_button.isEnabled()
    assert row_is_red(dialog, Action.REVERSE)
    assert "used by the window" in dialog.message.text()


def test_reset_to_defaults_restores_the_keys_and_keeps_confirmations(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, frozenset({Action.REVERSE}))
    press_into(qtbot, dialog, Action.SELL_MARKET, Key.Key_W)
    dialog.edits[Action.CANCEL_ALL].clear()

    qtbot.mouseClick(dialog.reset_button, QtCore.Qt.MouseButton.LeftButton)

    assert dialog.result_keymap() == {a: DEFAULT_KEYMAP.get(a, "") for a in Action}
    assert dialog.ok_button.isEnabled()
    assert dialog.result_confirm() == frozenset({Action.REVERSE})


def test_escape_and_shift_escape_are_recorded_as_keys_not_closing_the_dialog(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    dialog.edits[Action.CANCEL_ALL].clear()
    dialog.edits[Action.FLATTEN].clear()

    press_into(qtbot, dialog, Action.FLATTEN, Key.Key_Escape)
    press_into(qtbot, dialog, Action.CANCEL_ALL, Key.Key_Escape, Mod.ShiftModifier)

    assert dialog.isVisible()
    assert dialog.result_keymap()[Action.FLATTEN] == "Esc"
    assert dialog.result_keymap()[Action.CANCEL_ALL] == "Shift+Esc"


def test_rebinding_in_the_dialog_changes_what_the_hotkey_fires(qtbot: QtBot) -> None:
    window = QtWidgets.QMainWindow()
    ladder = QtWidgets.QWidget()
    ladder.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
    window.setCentralWidget(ladder)
    qtbot.addWidget(window)
    sent: list[Action] = []
    hotkeys = HotkeyFilter(window, DEFAULT_KEYMAP, (), sent.append)
    hotkeys.install()
    try:
        window.show()
        qtbot.waitExposed(window)
        dialog = KeymapDialog(DEFAULT_KEYMAP, (), window)
        dialog.show()
        qtbot.waitExposed(dialog)
        press_into(qtbot, dialog, Action.BUY_MARKET, Key.Key_G)  # typed in the dialog: nothing fires
        dialog.checks[Action.SELL_MARKET].click()
        qtbot.mouseClick(dialog.ok_button, QtCore.Qt.MouseButton.LeftButton)
        assert dialog.result() == QtWidgets.QDialog.DialogCode.Accepted
        assert sent == []

        hotkeys.set_keymap(dialog.result_keymap(), dialog.result_confirm())
        window.activateWindow()
        ladder.setFocus()
        qtbot.waitUntil(ladder.hasFocus)
        qtbot.keyClick(ladder, Key.Key_W)
        qtbot.keyClick(ladder, Key.Key_G)

        assert sent == [Action.BUY_MARKET]  # W is unbound now, G buys
        assert Action.SELL_MARKET in dialog.result_confirm()
    finally:
        hotkeys.uninstall()


def test_screenshot(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, frozenset({Action.FLATTEN, Action.REVERSE}))
    image = dialog.grab()
    assert not image.isNull()
    assert image.save("/tmp/keymap_dialog.png")
    assert QtGui.QImage("/tmp/keymap_dialog.png").width() > 300
