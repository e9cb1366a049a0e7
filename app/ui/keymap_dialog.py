"""The hotkey dialog: one row per action with its key and whether it asks first.

Conflicts are shown while editing, not after OK: a key on two actions, or a key the window
already uses, turns the rows red, says why, and keeps OK disabled until it is resolved, so a
saved key map is always one the hotkey filter can use whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.paper.actions import ACTION_LABELS, DEFAULT_KEYMAP, Action
from app.ui.hotkeys import RESERVED_CODES, RESERVED_KEYS, key_code
from widgets.base import palette

_PORTABLE = QtGui.QKeySequence.SequenceFormat.PortableText
ACTION_COL, KEY_COL, CONFIRM_COL = 0, 1, 2


class KeymapDialog(QtWidgets.QDialog):
    def __init__(
        self,
        keymap: Mapping[Action, str],
        confirm: Iterable[Action] = (),
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trading hotkeys")
        self.setObjectName("keymap_dialog")
        confirm = frozenset(confirm)

        intro = QtWidgets.QLabel(
            "Click a key field and press the key (Tab leaves the field, the × clears it). "
            "Keys never fire while you type in a text field, and holding a key sends one order. "
            "Tick Confirm to be asked before an action is sent."
        )
        intro.setWordWrap(True)

        self.table = QtWidgets.QTableWidget(len(Action), 3, self)
        self.table.setObjectName("keymap_table")
        self.table.setHorizontalHeaderLabels(["Action", "Key", "Confirm"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.edits: dict[Action, QtWidgets.QKeySequenceEdit] = {}
        self.checks: dict[Action, QtWidgets.QCheckBox] = {}
        for row, action in enumerate(Action):
            item = QtWidgets.QTableWidgetItem(ACTION_LABELS[action])
            item.setFlags(QtCore.Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, ACTION_COL, item)
            edit = QtWidgets.QKeySequenceEdit(QtGui.QKeySequence(keymap.get(action, "")))
            edit.setObjectName(f"key_{action.value}")
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            edit.keySequenceChanged.connect(self._validate)
            self.table.setCellWidget(row, KEY_COL, edit)
            self.edits[action] = edit
            check = QtWidgets.QCheckBox()
            check_palette = check.palette()  # the theme's box is near invisible on the table: lift it
            check_palette.setColor(QtGui.QPalette.ColorRole.Base, palette.GRID)
            check.setPalette(check_palette)
            check.setObjectName(f"confirm_{action.value}")
            check.setChecked(action in confirm)
            check.setToolTip("Ask before sending")
            holder = QtWidgets.QWidget()
            box = QtWidgets.QHBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
            box.addWidget(check)
            self.table.setCellWidget(row, CONFIRM_COL, holder)
            self.checks[action] = check
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ACTION_COL, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(KEY_COL, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CONFIRM_COL, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)

        self.message = QtWidgets.QLabel()
        self.message.setObjectName("keymap_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {palette.PULL.name()};")
        reserved = QtWidgets.QLabel("Used by the window, not bindable: " + "  ".join(RESERVED_KEYS))
        reserved.setStyleSheet(f"color: {palette.TEXT_DIM.name()};")

        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
            | QtWidgets.QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.ok_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.reset_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.RestoreDefaults)
        self.reset_button.setText("Reset to defaults")
        self.reset_button.clicked.connect(self.reset_to_defaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(reserved)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.table.setMinimumHeight(
            self.table.verticalHeader().length()
            + self.table.horizontalHeader().sizeHint().height()
            + 2 * self.table.frameWidth()
            + 8
        )
        self.resize(600, self.sizeHint().height())
        self._validate()

    # -- results ------------------------------------------------------------------------------

    def result_keymap(self) -> dict[Action, str]:
        """Action -> Qt portable key text, "" for unbound; every action present."""
        return {a: e.keySequence().toString(_PORTABLE) for a, e in self.edits.items()}

    def result_confirm(self) -> frozenset[Action]:
        return frozenset(a for a, c in self.checks.items() if c.isChecked())

    def conflicts(self) -> list[str]:
        return self._validate()

    # -- editing ------------------------------------------------------------------------------

    def reset_to_defaults(self) -> None:
        """Default keys; confirmations are left as they are (they are a choice, not a layout)."""
        for action, edit in self.edits.items():
            edit.blockSignals(True)
            edit.setKeySequence(QtGui.QKeySequence(DEFAULT_KEYMAP.get(action, "")))
            edit.blockSignals(False)
        self._validate()

    def _validate(self) -> list[str]:
        by_code: dict[int, list[Action]] = {}
        for action, edit in self.edits.items():
            text = edit.keySequence().toString(_PORTABLE)
            code = key_code(text) if text else None
            if code is not None:
                by_code.setdefault(code, []).append(action)
        messages: list[str] = []
        bad: set[Action] = set()
        for code, actions in by_code.items():
            key = QtGui.QKeySequence(code).toString(QtGui.QKeySequence.SequenceFormat.NativeText)
            if code in RESERVED_CODES:
                bad.update(actions)
                messages.append(f"{key} is used by the window: {', '.join(a.label for a in actions)}")
            elif len(actions) > 1:
                bad.update(actions)
                messages.append(f"{key} is bound twice: {' and '.join(a.label for a in actions)}")
        for row, (action, edit) in enumerate(self.edits.items()):
            red = action in bad
            item = self.table.item(row, ACTION_COL)
            assert item is not None
            item.setForeground(palette.PULL if red else palette.TEXT)
            edit.setStyleSheet(
                f"QLineEdit {{ color: {palette.PULL.name()}; border: 1px solid {palette.PULL.name()}; }}"
                if red
                else ""
            )
        self.message.setText("\n".join(messages))
        self.message.setVisible(bool(messages))
        self.ok_button.setEnabled(not messages)
        return messages
