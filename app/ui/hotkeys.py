"""Trading hotkeys: one application-wide event filter that turns bound keys into actions.

Why a filter and not QActions with shortcuts: the rules below need to see the key event itself
(auto-repeat, which widget has focus), and a filter on the application sees every key before any
widget or shortcut does, so one place decides.

The rules:
- A key never fires while a text field has focus: it is typed into the field. Typing "0.05" into
  a size box must not buy.
- Auto-repeat never fires. Holding W sends one market order, not thirty; the repeats are swallowed
  so they do not reach the ladder either. Another order needs another press. On a real account a
  stuck key must never become a position; the same discipline is practised on paper.
- An action in the confirm set asks first ("Sell market 0.005 BTCUSDT?"); only Yes dispatches.
- A handled key is consumed: it neither reaches the focused widget nor triggers a shortcut.
- Only widgets of the main window (and its floating docks) take hotkeys; dialogs, menus and
  message boxes get their keys untouched.
- RESERVED_KEYS belong to the window (replay, views) and cannot be bound.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.paper.actions import Action

# Keys the window already uses: play/pause, speed, jump to live, replay log, ladder re-centre,
# footprint/CVD follow, tape live, mute the alert sounds. main_window should take its keys from here.
RESERVED_KEYS: tuple[str, ...] = ("Space", "]", "[", "Home", "Ctrl+J", "C", "F", "Shift+F", "T", "M")

_PORTABLE = QtGui.QKeySequence.SequenceFormat.PortableText
_IGNORED_MODIFIERS = QtCore.Qt.KeyboardModifier.KeypadModifier  # numpad digits work like the top row
_MODIFIER_KEYS = {
    QtCore.Qt.Key.Key_Shift,
    QtCore.Qt.Key.Key_Control,
    QtCore.Qt.Key.Key_Alt,
    QtCore.Qt.Key.Key_Meta,
    QtCore.Qt.Key.Key_AltGr,
}
_TEXT_WIDGETS = (
    QtWidgets.QLineEdit,
    QtWidgets.QAbstractSpinBox,
    QtWidgets.QTextEdit,
    QtWidgets.QPlainTextEdit,
    QtWidgets.QKeySequenceEdit,
)


def key_code(text: str) -> int | None:
    """The one chord in Qt key-sequence text as Qt's combined int; None if empty, invalid or two chords."""
    seq = QtGui.QKeySequence(text.strip())
    if seq.count() != 1:
        return None
    chord: QtCore.QKeyCombination = seq[0]  # type: ignore[index]
    return None if chord.key() == QtCore.Qt.Key.Key_unknown else int(chord.toCombined())


def key_text(text: str) -> str:
    """Qt's portable spelling of a key ("shift+escape" -> "Shift+Esc"), "" for no or bad keys."""
    return QtGui.QKeySequence(text.strip()).toString(_PORTABLE) if key_code(text) is not None else ""


RESERVED_CODES: frozenset[int] = frozenset(c for k in RESERVED_KEYS if (c := key_code(k)) is not None)


def is_reserved(text: str) -> bool:
    return key_code(text) in RESERVED_CODES


def event_code(event: QtGui.QKeyEvent) -> int:
    mods = event.modifiers() & ~_IGNORED_MODIFIERS
    return QtCore.QKeyCombination(mods, QtCore.Qt.Key(event.key())).toCombined()


def is_text_input(widget: QtWidgets.QWidget | None) -> bool:
    """Does this widget take typed text? Then keys belong to it, not to trading."""
    if widget is None:
        return False
    if isinstance(widget, _TEXT_WIDGETS):
        return True
    if isinstance(widget, QtWidgets.QComboBox):
        return widget.isEditable()
    return widget.testAttribute(QtCore.Qt.WidgetAttribute.WA_InputMethodEnabled) and bool(
        widget.inputMethodQuery(QtCore.Qt.InputMethodQuery.ImEnabled)
    )


class HotkeyFilter(QtCore.QObject):
    """Install with `QApplication.instance().installEventFilter(f)` (or `f.install()`).

    `dispatch(action)` is called on the GUI thread, synchronously inside the key event, so that
    what it sends can be drawn in the next frame. `latencies_ns` keeps the time from the filter
    receiving the key press to the call of `dispatch` for the last presses (confirmed actions
    excluded: a human answers in between).
    """

    def __init__(
        self,
        window: QtWidgets.QWidget,
        keymap: Mapping[Action, str],
        confirm: Iterable[Action],
        dispatch: Callable[[Action], None],
        *,
        describe: Callable[[Action], str] | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else window)
        self.window = window
        self.dispatch = dispatch
        self.describe = describe or (lambda action: f"{action.label}?")
        self.enabled = True
        self.problems: list[str] = []  # bindings set_keymap refused, for the log
        self.latencies_ns: deque[int] = deque(maxlen=1000)
        self._by_code: dict[int, Action] = {}
        self._confirm: frozenset[Action] = frozenset()
        self.set_keymap(keymap, confirm)

    def install(self) -> None:
        app = QtWidgets.QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def uninstall(self) -> None:
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def set_keymap(self, keymap: Mapping[Action, str], confirm: Iterable[Action] | None = None) -> None:
        """Replace the bindings; reserved, unparsable and doubled keys are skipped, listed in `problems`."""
        self.problems = []
        by_code: dict[int, Action] = {}
        for action, text in keymap.items():
            if not text.strip():
                continue
            code = key_code(text)
            if code is None:
                self.problems.append(f"{action.label}: {text!r} is not one key")
            elif code in RESERVED_CODES:
                self.problems.append(f"{action.label}: {text!r} belongs to the window")
            elif code in by_code:
                self.problems.append(f"{action.label}: {text!r} is already {by_code[code].label}")
            else:
                by_code[code] = action
        self._by_code = by_code
        if confirm is not None:
            self._confirm = frozenset(confirm)

    def action_for(self, text: str) -> Action | None:
        code = key_code(text)
        return None if code is None else self._by_code.get(code)

    # -- the filter ---------------------------------------------------------------------------

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind not in (QtCore.QEvent.Type.KeyPress, QtCore.QEvent.Type.ShortcutOverride):
            return False
        if not self.enabled or not isinstance(obj, QtWidgets.QWidget):
            return False
        start_ns = time.perf_counter_ns()
        assert isinstance(event, QtGui.QKeyEvent)
        if event.key() in _MODIFIER_KEYS:
            return False
        action = self._by_code.get(event_code(event))
        if action is None or not self._in_window(obj):
            return False
        # The receiver may be a parent the text field passed an ignored key to (Esc in a line edit).
        if is_text_input(obj) or is_text_input(QtWidgets.QApplication.focusWidget()):
            return False
        if kind == QtCore.QEvent.Type.ShortcutOverride:
            event.accept()  # claim the key: no window shortcut fires, the key press follows
            return True
        if event.isAutoRepeat():
            return True  # swallowed, see the module docstring
        if action in self._confirm:
            if self._confirmed(action):
                self.dispatch(action)
            return True
        self.latencies_ns.append(time.perf_counter_ns() - start_ns)
        self.dispatch(action)
        return True

    def _in_window(self, widget: QtWidgets.QWidget) -> bool:
        top = widget.window()
        if top is self.window:
            return True
        # A dock floated out of the main window (the ladder on a second screen) still trades.
        return isinstance(top, QtWidgets.QDockWidget) and top.parentWidget() is self.window

    def _confirmed(self, action: Action) -> bool:
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Question,
            "Confirm order",
            self.describe(action),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            self.window,
        )
        box.setObjectName("hotkey_confirm")
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Yes)
        box.setEscapeButton(QtWidgets.QMessageBox.StandardButton.No)
        return box.exec() == QtWidgets.QMessageBox.StandardButton.Yes
