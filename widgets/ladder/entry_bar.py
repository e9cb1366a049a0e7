"""The order-entry bar above the DOM ladder: SIM badge, market buttons, flatten, sizes, bracket, position.

It shows `EntryState` and the account as the desk last sent them and asks for changes only with
intents (an `Action` or an `EntryIntent` on `intent`); it never keeps a selection of its own, so
after every `show_state` it says exactly what the next hotkey will send.

Nothing here takes keyboard focus (Qt.NoFocus): a click on a button must not steal the hotkeys
from the window. The one exception is the preset editor, a text field that exists only while the
user types a size into it.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Signal

from app.core.instrument import Instrument, OffGridError
from app.core.paper.actions import Action
from app.core.paper.entry import PRESET_COUNT, EditPreset, EntryState, SelectBracket, SelectSize
from app.core.paper.snapshot import PaperSnapshot
from widgets.base import palette
from widgets.base.fmt import avg_price_text, money_text

NO_BRACKET = "No bracket"
MESSAGE_MS = 6_000
_NO_FOCUS = QtCore.Qt.FocusPolicy.NoFocus


def _css(bg: QtGui.QColor, fg: QtGui.QColor, border: QtGui.QColor | None = None) -> str:
    b = (border or bg).name()
    box = f"border:1px solid {b}; border-radius:2px; padding:1px 6px;"
    return f"background:{bg.name()}; color:{fg.name()}; {box}"


def position_summary(paper: PaperSnapshot, instrument: Instrument | None) -> str:
    """E.g. "+0.010 @ 56812.35  +6.0 t": signed size, average price, open P&L per lot in ticks."""
    lots = paper.position_lots
    if not lots:
        return "Flat"
    if instrument is None:
        return f"{lots:+d} lots  {paper.unrealised_ticks:+.1f} t"
    sign = "+" if lots > 0 else "-"
    size = instrument.qty_str(abs(lots))
    return (
        f"{sign}{size} @ {avg_price_text(instrument, paper.avg_price_ticks)}  {paper.unrealised_ticks:+.1f} t"
    )


def money_summary(paper: PaperSnapshot, quote: str) -> str:
    return (
        f"Realised {money_text(paper.realised_quote, quote)}, "
        f"unrealised {money_text(paper.unrealised_quote, quote)}, "
        f"fees {money_text(-paper.fees_quote, quote)}: net {money_text(paper.net_quote, quote)} (simulated)"
    )


class PresetButton(QtWidgets.QPushButton):
    """A size preset: click selects it; double-click or right-click edits it."""

    edit_requested = Signal()

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.edit_requested.emit()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        self.edit_requested.emit()
        event.accept()


class PresetEditor(QtWidgets.QLineEdit):
    """The small text field that edits one preset (Enter applies, Escape or a click elsewhere cancels)."""

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() == QtCore.Qt.Key.Key_Escape:
            self.hide()
            event.accept()
            return
        super().keyPressEvent(event)


class EntryBar(QtWidgets.QWidget):
    """Three compact rows: actions and bracket, the five sizes, position and lock."""

    intent = Signal(object)  # Action | SelectSize | EditPreset | SelectBracket

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.instrument: Instrument | None = None
        self.entry = EntryState()
        self.paper = PaperSnapshot()
        self.last_message = ""
        # a narrow dock clips the bar rather than widening the ladder
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QtGui.QPalette.ColorRole.Window, palette.PANEL)
        self.setPalette(pal)
        font = QtGui.QFont()
        font.setPixelSize(11)
        self.setFont(font)

        self.sim = QtWidgets.QLabel("SIM")
        self.sim.setStyleSheet(
            _css(palette.PANEL, palette.HIGHLIGHT, palette.HIGHLIGHT) + "font-weight:bold;"
        )
        self.sim.setToolTip("Simulated (paper) trading: no real orders are sent")
        self.buy = self._button("BUY MKT", Action.BUY_MARKET, _css(palette.BUY, palette.BACKGROUND))
        self.sell = self._button("SELL MKT", Action.SELL_MARKET, _css(palette.SELL, palette.BACKGROUND))
        self.flat = self._button("FLAT", Action.FLATTEN, _css(palette.GRID, palette.TEXT_BRIGHT))
        self.bracket = QtWidgets.QComboBox()
        self.bracket.setFocusPolicy(_NO_FOCUS)
        self.bracket.setToolTip("Bracket (stop and target) attached to new entries when they fill")
        self.bracket.activated.connect(self._bracket_picked)
        self._bracket_names: tuple[str, ...] | None = None
        self._presets_shown: tuple[tuple[int, ...], Instrument | None] | None = None
        self.presets: list[PresetButton] = []
        for i in range(PRESET_COUNT):
            button = PresetButton("")
            button.setCheckable(True)
            button.setFocusPolicy(_NO_FOCUS)
            button.setToolTip(f"Size preset {i + 1}: click to use; double- or right-click to change")
            button.clicked.connect(lambda _checked=False, i=i: self._size_clicked(i))
            button.edit_requested.connect(lambda i=i: self.edit_preset(i))
            self.presets.append(button)
        self._style_presets()
        self.editor = PresetEditor(self)
        self.editor.setWindowFlags(QtCore.Qt.WindowType.Popup)
        self.editor.returnPressed.connect(self._editor_done)
        self._editing: int | None = None
        self.position = QtWidgets.QLabel("Flat")
        self.message = QtWidgets.QLabel("")
        self.message.setStyleSheet(f"color:{palette.HIGHLIGHT.name()};")
        self.lock = QtWidgets.QLabel("")
        self._message_timer = QtCore.QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self._set_message(""))

        rows = QtWidgets.QVBoxLayout(self)
        rows.setContentsMargins(4, 3, 4, 3)
        rows.setSpacing(3)
        top = QtWidgets.QHBoxLayout()
        for w in (self.sim, self.buy, self.sell, self.flat):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.bracket)
        sizes = QtWidgets.QHBoxLayout()
        sizes.setSpacing(2)
        for b in self.presets:
            sizes.addWidget(b)
        sizes.addStretch(1)
        status = QtWidgets.QHBoxLayout()
        status.addWidget(self.position)
        status.addStretch(1)
        status.addWidget(self.message)
        status.addWidget(self.lock)
        for layout in (top, sizes, status):
            rows.addLayout(layout)
        self._show_lock(None)
        self.show_state(self.paper, self.entry)

    def _button(self, text: str, action: Action, css: str) -> QtWidgets.QPushButton:
        button = QtWidgets.QPushButton(text)
        button.setFocusPolicy(_NO_FOCUS)
        button.setStyleSheet(f"QPushButton {{{css} font-weight:bold;}}")
        button.setToolTip(action.label)
        button.clicked.connect(lambda _checked=False: self.intent.emit(action))
        return button

    def _style_presets(self) -> None:
        idle = _css(palette.PANEL, palette.TEXT, palette.GRID)
        chosen = _css(palette.GRID, palette.TEXT_BRIGHT, palette.HIGHLIGHT) + "font-weight:bold;"
        for b in self.presets:
            b.setStyleSheet(f"QPushButton {{{idle}}} QPushButton:checked {{{chosen}}}")

    # -- state in ------------------------------------------------------------------------------

    def set_instrument(self, instrument: Instrument | None) -> None:
        self.instrument = instrument
        self.show_state(self.paper, self.entry)

    def show_state(self, paper: PaperSnapshot, entry: EntryState) -> None:
        """Show the desk's selection and the account; only what changed touches a widget."""
        self.paper, self.entry = paper, entry
        inst = self.instrument
        self.sim.setVisible(entry.sim)
        if (entry.presets_lots, inst) != self._presets_shown:
            self._presets_shown = (entry.presets_lots, inst)
            for button, lots in zip(self.presets, entry.presets_lots, strict=False):
                button.setText(inst.qty_str(lots) if inst is not None else f"{lots} lots")
        for i, button in enumerate(self.presets):
            button.setChecked(i == entry.size_index)
        names = entry.brackets
        if entry.bracket is not None and entry.bracket not in names:
            names = (*names, entry.bracket)
        if names != self._bracket_names:
            self.bracket.clear()
            self.bracket.addItem(NO_BRACKET, None)
            for name in names:
                self.bracket.addItem(name, name)
            self._bracket_names = names
        index = self.bracket.findData(entry.bracket) if entry.bracket is not None else 0
        if self.bracket.currentIndex() != index:
            self.bracket.setCurrentIndex(index)
        text = position_summary(paper, inst)
        if self.position.text() != text:
            self.position.setText(text)
            lots = paper.position_lots
            side = palette.TEXT if not lots else palette.BUY if lots > 0 else palette.SELL
            css = f"color:{side.name()}; font-weight:bold;"
            if self.position.styleSheet() != css:  # a re-polish costs more than the text
                self.position.setStyleSheet(css)
        quote = inst.quote_asset if inst is not None and inst.quote_asset else "quote"
        tip = money_summary(paper, quote)
        if self.position.toolTip() != tip:
            self.position.setToolTip(tip)
        self._show_lock(paper.risk.locked_reason)

    def _show_lock(self, reason: str | None) -> None:
        text = "" if reason is None else f"LOCKED — {reason}"
        if self.lock.text() == text and self.lock.isVisibleTo(self) == bool(text):
            return
        self.lock.setText(text)
        self.lock.setVisible(bool(text))
        self.lock.setStyleSheet(_css(palette.HIGHLIGHT, palette.BACKGROUND) + "font-weight:bold;")
        self.lock.setToolTip(
            "" if reason is None else "New risk is blocked until the next session; FLAT still works"
        )

    # -- user ----------------------------------------------------------------------------------

    def _size_clicked(self, index: int) -> None:
        for i, b in enumerate(self.presets):  # the desk's next show_state confirms (or undoes) this
            b.setChecked(i == self.entry.size_index)
        self.intent.emit(SelectSize(index))

    def _bracket_picked(self, index: int) -> None:
        self.intent.emit(SelectBracket(self.bracket.itemData(index)))

    def edit_preset(self, index: int) -> None:
        """Open the size editor under preset `index` (double-click or right-click on it)."""
        self._editing = index
        button = self.presets[index]
        lots = self.entry.presets_lots[index]
        self.editor.setText(self.instrument.qty_str(lots) if self.instrument is not None else str(lots))
        self.editor.selectAll()
        self.editor.setFixedWidth(max(80, button.width() + 20))
        self.editor.move(button.mapToGlobal(QtCore.QPoint(0, button.height())))
        self.editor.show()
        self.editor.setFocus()

    def _editor_done(self) -> None:
        index = self._editing
        text = self.editor.text()
        self.editor.hide()
        self._editing = None
        if index is not None:
            self.submit_preset(index, text)

    def submit_preset(self, index: int, text: str) -> bool:
        """Ask for preset `index` to hold `text` base units; a bad quantity is reported, changes nothing."""
        if self.instrument is None:
            self._set_message("No market: sizes cannot be changed yet")
            return False
        try:
            lots = self.instrument.lots(text.strip())
        except OffGridError as exc:
            self._set_message(f"Size {index + 1} not changed: {exc}")
            return False
        if lots <= 0:
            self._set_message(f"Size {index + 1} not changed: it must be more than 0")
            return False
        self._set_message("")
        self.intent.emit(EditPreset(index, lots))
        return True

    def _set_message(self, text: str) -> None:
        self.last_message = text
        self.message.setText(text)
        self.message.setToolTip(text)
        if text:
            self._message_timer.start(MESSAGE_MS)
