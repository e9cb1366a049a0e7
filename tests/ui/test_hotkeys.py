"""Trading hotkeys on a real window: text fields keep their keys, no auto-repeat, confirmation, consuming."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from pytestqt.qtbot import QtBot

from app.core.paper.actions import DEFAULT_KEYMAP, Action
from app.ui.hotkeys import RESERVED_KEYS, HotkeyFilter, is_reserved, key_text

Key = QtCore.Qt.Key
Mod = QtCore.Qt.KeyboardModifier


class Desk(QtWidgets.QMainWindow):
    """A main window with a size field, a focusable 'ladder', a spin box and a window shortcut on W."""

    def __init__(self) -> None:
        super().__init__()
        central = QtWidgets.QWidget()
        self.field = QtWidgets.QLineEdit()
        self.ladder = QtWidgets.QWidget()
        self.ladder.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.ladder.setMinimumSize(100, 100)
        self.spin = QtWidgets.QDoubleSpinBox()
        layout = QtWidgets.QVBoxLayout(central)
        for w in (self.field, self.ladder, self.spin):
            layout.addWidget(w)
        self.setCentralWidget(central)
        self.shortcut_hits = 0
        action = QtGui.QAction("window W", self)
        action.setShortcut(QtGui.QKeySequence("W"))
        action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(self._hit)
        self.addAction(action)

    def _hit(self) -> None:
        self.shortcut_hits += 1


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[tuple[Desk, HotkeyFilter, list[Action]]]:
    window = Desk()
    qtbot.addWidget(window)
    sent: list[Action] = []
    hotkeys = HotkeyFilter(
        window, DEFAULT_KEYMAP, (), sent.append, describe=lambda a: f"{a.label} 0.005 BTCUSDT?"
    )
    hotkeys.install()
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    yield window, hotkeys, sent
    hotkeys.uninstall()


def focus(qtbot: QtBot, widget: QtWidgets.QWidget) -> None:
    widget.window().activateWindow()
    qtbot.waitUntil(widget.window().isActiveWindow)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_a_key_in_a_text_field_types_and_the_same_key_elsewhere_dispatches_once(qtbot: QtBot, desk) -> None:
    window, _hotkeys, sent = desk
    focus(qtbot, window.field)

    qtbot.keyClicks(window.field, "wse")

    assert sent == []
    assert window.field.text() == "wse"

    focus(qtbot, window.ladder)
    qtbot.keyClick(window.ladder, Key.Key_W)

    assert sent == [Action.BUY_MARKET]
    assert window.shortcut_hits == 0  # consumed: the window's own W shortcut did not fire too
    assert window.field.text() == "wse"


def test_spin_boxes_keep_their_keys_including_escape(qtbot: QtBot, desk) -> None:
    window, _hotkeys, sent = desk
    focus(qtbot, window.spin)

    qtbot.keyClick(window.spin, Key.Key_3)
    qtbot.keyClick(window.spin, Key.Key_Escape)  # ignored by the spin box, passed to its parents
    qtbot.keyClick(window.spin, Key.Key_Escape, Mod.ShiftModifier)

    assert sent == []
    assert window.spin.text().startswith("3")


def test_modified_keys_and_unbound_keys(qtbot: QtBot, desk) -> None:
    window, _hotkeys, sent = desk
    focus(qtbot, window.ladder)

    qtbot.keyClick(window.ladder, Key.Key_Escape, Mod.ShiftModifier)
    qtbot.keyClick(window.ladder, Key.Key_Escape)
    qtbot.keyClick(window.ladder, Key.Key_3, Mod.KeypadModifier)  # numpad 3 = top-row 3
    qtbot.keyClick(window.ladder, Key.Key_K)  # unbound
    qtbot.keyClick(window.ladder, Key.Key_W, Mod.ControlModifier)  # Ctrl+W is not W

    assert sent == [Action.FLATTEN, Action.CANCEL_ALL, Action.SIZE_3]


def send_key(widget: QtWidgets.QWidget, key: Key, *, autorepeat: bool) -> None:
    for kind in (QtCore.QEvent.Type.KeyPress, QtCore.QEvent.Type.KeyRelease):
        event = QtGui.QKeyEvent(kind, key, Mod.NoModifier, "w", autorepeat)
        QtWidgets.QApplication.sendEvent(widget, event)


def test_holding_a_key_sends_one_order_not_one_per_auto_repeat(qtbot: QtBot, desk) -> None:
    window, _hotkeys, sent = desk
    focus(qtbot, window.ladder)

    send_key(window.ladder, Key.Key_W, autorepeat=False)  # the press
    for _ in range(30):  # the keyboard's repeats while the key is held
        send_key(window.ladder, Key.Key_W, autorepeat=True)

    assert sent == [Action.BUY_MARKET]
    assert window.shortcut_hits == 0


def answer_when_shown(button: QtWidgets.QMessageBox.StandardButton, seen: list[str]) -> None:
    """Click `button` of the confirmation box as soon as it is up (it runs its own event loop)."""

    def attempt() -> None:
        box = QtWidgets.QApplication.activeModalWidget()
        if isinstance(box, QtWidgets.QMessageBox) and box.isVisible():
            seen.append(box.text())
            box.button(button).click()
        else:
            QtCore.QTimer.singleShot(10, attempt)

    QtCore.QTimer.singleShot(0, attempt)


@pytest.mark.parametrize(("answer", "expected"), [("Yes", [Action.SELL_MARKET]), ("No", [])])
def test_a_confirmed_action_asks_first_and_only_yes_sends(qtbot: QtBot, desk, answer: str, expected) -> None:
    window, hotkeys, sent = desk
    hotkeys.set_keymap(DEFAULT_KEYMAP, {Action.SELL_MARKET})
    focus(qtbot, window.ladder)
    seen: list[str] = []

    answer_when_shown(getattr(QtWidgets.QMessageBox.StandardButton, answer), seen)
    qtbot.keyClick(window.ladder, Key.Key_S)

    assert seen == ["Sell market 0.005 BTCUSDT?"]
    assert sent == expected
    qtbot.keyClick(window.ladder, Key.Key_W)  # not in the confirm set: straight through
    assert sent == [*expected, Action.BUY_MARKET]


def test_dialogs_and_disabled_filter_get_their_keys_untouched(qtbot: QtBot, desk) -> None:
    window, hotkeys, sent = desk
    dialog = QtWidgets.QDialog(window)
    button = QtWidgets.QPushButton("x", dialog)
    dialog.show()
    focus(qtbot, button)

    qtbot.keyClick(button, Key.Key_W)
    dialog.close()
    hotkeys.enabled = False
    focus(qtbot, window.ladder)
    qtbot.keyClick(window.ladder, Key.Key_W)

    assert sent == []
    assert window.shortcut_hits == 1  # with the filter off the window's own shortcut gets W again


def test_a_floating_dock_of_the_window_still_trades(qtbot: QtBot, desk) -> None:
    window, _hotkeys, sent = desk
    dock = QtWidgets.QDockWidget("Ladder", window)
    inner = QtWidgets.QWidget()
    inner.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
    dock.setWidget(inner)
    window.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.setFloating(True)
    dock.show()
    focus(qtbot, inner)

    qtbot.keyClick(inner, Key.Key_Q)

    assert sent == [Action.JOIN_BID]


def test_reserved_keys_cannot_be_bound(qtbot: QtBot, desk) -> None:
    window, hotkeys, sent = desk
    hotkeys.set_keymap({Action.BUY_MARKET: "Space", Action.SELL_MARKET: "shift+f", Action.REVERSE: "R"})

    assert len(hotkeys.problems) == 2
    assert hotkeys.action_for("Space") is None and hotkeys.action_for("R") is Action.REVERSE
    assert all(is_reserved(k) for k in RESERVED_KEYS) and not is_reserved("W")
    assert key_text("shift+escape") == "Shift+Esc" and key_text("Q, W") == ""
    focus(qtbot, window.ladder)
    qtbot.keyClick(window.ladder, Key.Key_Space)
    assert sent == []


def test_hotkey_to_dispatch_latency(
    qtbot: QtBot, desk, record_property: Callable[[str, object], None]
) -> None:
    """Key event sent -> dispatch called: must be a tiny part of one 16.7 ms frame."""
    window, hotkeys, _sent = desk
    focus(qtbot, window.ladder)
    stamps: list[int] = []
    hotkeys.dispatch = lambda _a: stamps.append(time.perf_counter_ns())
    total_ns: list[int] = []
    for _ in range(500):
        start = time.perf_counter_ns()
        qtbot.keyClick(window.ladder, Key.Key_W)
        total_ns.append(stamps[-1] - start)

    p50, p99 = statistics.median(total_ns), statistics.quantiles(total_ns, n=100)[98]
    inside = statistics.median(hotkeys.latencies_ns)
    record_property(
        "hotkey_dispatch_us", f"p50 {p50 / 1e3:.1f} p99 {p99 / 1e3:.1f} filter {inside / 1e3:.1f}"
    )
    print(
        f"\nkey -> dispatch: p50 {p50 / 1e3:.1f} µs, p99 {p99 / 1e3:.1f} µs; in filter {inside / 1e3:.1f} µs"
    )
    assert len(stamps) == 500
    # The median, not p99: this machine is shared and a stray 3 ms pause is not the filter's doing.
    assert p50 < 1_000_000  # 1 ms: a sixteenth of a 60 Hz frame
