"""A painted grid of labelled values (the account summary, the trade statistics strip).

All text of the panel is drawn in one paintEvent (no label widget per value); the rows it draws
are the same `InfoLine` values the views return to tests, so what a test reads is what is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from widgets.base import palette
from widgets.base.fmt import Tone

_PAD_X = 8
_PAD_Y = 3


@dataclass(frozen=True, slots=True)
class InfoLine:
    """One labelled value: `key` is stable for code and tests, `label`/`value` are what is drawn."""

    key: str
    label: str
    value: str
    tone: Tone = Tone.NORMAL


@dataclass(frozen=True, slots=True)
class InfoRow:
    """A row of cells; a `banner` row is one framed line across the panel (SIM label, risk lock)."""

    cells: tuple[InfoLine, ...]
    big: bool = False
    banner: bool = False


TONE_COLOURS = {
    Tone.NORMAL: palette.TEXT,
    Tone.DIM: palette.TEXT_DIM,
    Tone.GAIN: palette.BUY,
    Tone.LOSS: palette.SELL,
    Tone.ALERT: palette.HIGHLIGHT,
}


class InfoPanel(QtWidgets.QWidget):
    """Paints `InfoRow`s: label small and dim above its value; cells share a row's width."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, min_cell_px: int = 92) -> None:
        super().__init__(parent)
        self._rows: tuple[InfoRow, ...] = ()
        self._min_cell_px = min_cell_px
        self.label_font = QtGui.QFont()
        self.label_font.setPixelSize(10)
        self.value_font = QtGui.QFont()
        self.value_font.setPixelSize(13)
        self.big_font = QtGui.QFont()
        self.big_font.setPixelSize(17)
        self.big_font.setBold(True)
        self.banner_font = QtGui.QFont()
        self.banner_font.setPixelSize(13)
        self.banner_font.setBold(True)
        self._fm: dict[str, QtGui.QFontMetrics] = {}
        self._widest: dict[str, int] = {}  # per cell key, the widest its text has been (px)
        # (width, layout, the rows it was made for)
        self._layout_cache: (
            tuple[int, list[tuple[tuple[int, int, int], list[QtCore.QRect]]], object] | None
        ) = None
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)

    @property
    def rows(self) -> tuple[InfoRow, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[InfoRow]) -> bool:
        """Repaint only if something drawn changed, and only the cells that did; True if any did.

        The account panel changes one or two values a frame (last price, open P&L) out of a
        dozen: repainting the whole panel cost ~0.9 ms a frame, a cell ~0.1 ms (issue 11).
        """
        rows = tuple(rows)
        if rows == self._rows:
            return False
        width = self.width()
        cells = self._changed_cells(rows, width)
        if cells is not None:  # same shape, no value wider than before: the boxes stay where they are
            assert self._layout_cache is not None
            self._layout_cache = (width, self._layout_cache[1], rows)
            self._rows = rows
            for box in cells:
                self.update(box)
            return True
        old_rows, old_layout = self._rows, self._layout(width)
        old_h = self._height_for(width)
        self._rows = rows
        h = self._height_for(width)
        if h != old_h:
            self.updateGeometry()
            parent = self.parentWidget()
            layout = parent.layout() if parent is not None else None
            if layout is not None:
                layout.activate()  # now, not at the next event-loop turn: this frame shows the new row
        new_layout = self._layout(width)
        if h != old_h or [r for r, _ in new_layout] != [r for r, _ in old_layout]:
            self.update()
            return True
        for old, new, (_, rects) in zip(old_rows, rows, new_layout, strict=True):
            if old == new:
                continue
            if new.banner or old.banner or len(old.cells) != len(new.cells):
                self.update(QtCore.QRect(0, rects[0].top(), width, rects[-1].bottom() - rects[0].top() + 1))
                continue
            for before, after, rect in zip(old.cells, new.cells, rects, strict=True):
                if before != after:
                    self.update(rect)
        return True

    def _changed_cells(self, rows: tuple[InfoRow, ...], width: int) -> list[QtCore.QRect] | None:
        """The boxes of the cells that differ from what is drawn, when nothing else can move: the
        same rows, banners and labels, each new value no wider than its cell has been (the layout
        depends on those widths only). None: lay out again. Measuring one or two changed values
        instead of laying the panel out twice was most of an account refresh (issue 11)."""
        cached = self._layout_cache
        old_rows = self._rows
        if cached is None or cached[0] != width or cached[2] is not old_rows or len(rows) != len(old_rows):
            return None
        boxes = []
        seen = self._widest
        for old, new, (_, rects) in zip(old_rows, rows, cached[1], strict=True):
            if old == new:
                continue
            if old.banner or new.banner or old.big != new.big or len(old.cells) != len(new.cells):
                return None
            fm = self._metrics(self.big_font if new.big else self.value_font)
            for before, after, box in zip(old.cells, new.cells, rects, strict=False):
                if before == after:
                    continue
                if before.key != after.key or before.label != after.label:
                    return None
                if fm.horizontalAdvance(after.value) > seen.get(after.key, 0):
                    return None
                boxes.append(box)
        return boxes

    def _layout(self, width: int) -> list[tuple[tuple[int, int, int], list[QtCore.QRect]]]:
        """Per row: its shape (top, height, cells per line) and the box of each cell (a banner: one);
        kept until the rows' shape or a cell's widest value changes (see `_changed_cells`)."""
        cached = self._layout_cache
        if cached is not None and cached[0] == width and cached[2] is self._rows:
            return cached[1]
        out = self._lay_out(width)
        self._layout_cache = (width, out, self._rows)
        return out

    def _lay_out(self, width: int) -> list[tuple[tuple[int, int, int], list[QtCore.QRect]]]:
        out: list[tuple[tuple[int, int, int], list[QtCore.QRect]]] = []
        y = 1
        for row in self._rows:
            if row.banner:
                rh = self._banner_rect(row, width).height() + 2 * _PAD_Y + 6
                out.append(((y, rh, 0), [QtCore.QRect(0, y, width, rh)]))
                y += rh
                continue
            rh = self._line_height(row)
            per_line = self._per_line(row, width)
            cell_w = width / per_line
            rects = []
            for i in range(len(row.cells)):
                line, col = divmod(i, per_line)
                x = int(col * cell_w)
                rects.append(QtCore.QRect(x, y + line * rh, int((col + 1) * cell_w) - x, rh))
            lines = -(-len(row.cells) // per_line)
            out.append(((y, lines * rh, per_line), rects or [QtCore.QRect(0, y, width, lines * rh)]))
            y += lines * rh
        return out

    def _per_line(self, row: InfoRow, width: int) -> int:
        """Cells per line: a narrow dock wraps a row onto more lines instead of clipping its values."""
        value_font = self.big_font if row.big else self.value_font
        fm = self._metrics(value_font)
        lm = self._metrics(self.label_font)
        # the widest each value has been, not is: a P&L growing a digit and shrinking back must
        # not re-wrap the panel (a relayout of the whole dock, up to 35 ms: issue 11)
        seen = self._widest
        widest = 0
        for c in row.cells:
            w = max(fm.horizontalAdvance(c.value), lm.horizontalAdvance(c.label), seen.get(c.key, 0))
            seen[c.key] = w
            widest = max(widest, w)
        cell = max(self._min_cell_px, widest + 2 * _PAD_X + 6)
        return max(1, min(len(row.cells), width // cell))

    def _banner_text(self, row: InfoRow) -> str:
        return "   ".join(f"{c.label} {c.value}".strip() for c in row.cells)

    def _banner_rect(self, row: InfoRow, width: int) -> QtCore.QRect:
        """The banner's text box (word-wrapped: a lock reason is never cut off)."""
        fm = self._metrics(self.banner_font)
        flags = int(_LEFT_V | QtCore.Qt.TextFlag.TextWordWrap)
        return fm.boundingRect(
            QtCore.QRect(0, 0, max(40, width - 8 - 2 * _PAD_X), 10_000), flags, self._banner_text(row)
        )

    def _line_height(self, row: InfoRow) -> int:
        value = self.big_font if row.big else self.value_font
        return self._metrics(self.label_font).height() + self._metrics(value).height() + 2 * _PAD_Y

    def _height_for(self, width: int) -> int:
        h = 0
        for row in self._rows:
            if row.banner:
                h += self._banner_rect(row, width).height() + 2 * _PAD_Y + 6
            else:
                h += -(-len(row.cells) // self._per_line(row, width)) * self._line_height(row)
        return h + 2

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._height_for(width)

    def sizeHint(self) -> QtCore.QSize:
        width = self.width() if self.width() > 100 else 420
        return QtCore.QSize(420, self._height_for(width))

    def minimumSizeHint(self) -> QtCore.QSize:
        return self.sizeHint()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._height_for(self.width()) != self.height():
            self.updateGeometry()  # a new width wraps the cells onto a different number of lines

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        region = event.region()
        p = QtGui.QPainter(self)
        p.fillRect(event.rect(), palette.PANEL)
        width = self.width()
        label_h = self._metrics(self.label_font).height()
        for row, ((y, rows_h, _), rects) in zip(self._rows, self._layout(width), strict=True):
            if not region.intersects(QtCore.QRect(0, y, width, rows_h)):
                continue  # a row the repaint does not touch (the banner's wrapped text is costly)
            if row.banner:
                self._paint_banner(p, row, QtCore.QRect(4, y + 3, width - 8, rows_h - 6))
                continue
            value_font = self.big_font if row.big else self.value_font
            for cell, box in zip(row.cells, rects, strict=False):
                if not region.intersects(box):
                    continue
                x = box.left() + _PAD_X
                top = box.top() + _PAD_Y
                w = box.width() - 2 * _PAD_X
                p.setFont(self.label_font)
                p.setPen(palette.TEXT_DIM)
                p.drawText(QtCore.QRect(x, top, w, label_h), _LEFT_V, cell.label)
                p.setFont(value_font)
                p.setPen(TONE_COLOURS[cell.tone])
                p.drawText(
                    QtCore.QRect(x, top + label_h, w, box.height() - label_h - 2 * _PAD_Y),
                    _LEFT_V,
                    cell.value,
                )
            p.setPen(palette.GRID)
            p.drawLine(0, y + rows_h - 1, width, y + rows_h - 1)
        p.end()

    def _metrics(self, font: QtGui.QFont) -> QtGui.QFontMetrics:
        key = font.key()
        fm = self._fm.get(key)
        if fm is None:
            fm = self._fm[key] = QtGui.QFontMetrics(font)
        return fm

    def _paint_banner(self, p: QtGui.QPainter, row: InfoRow, rect: QtCore.QRect) -> None:
        colour = TONE_COLOURS[row.cells[0].tone] if row.cells else palette.TEXT
        fill = QtGui.QColor(colour)
        fill.setAlpha(36)
        p.fillRect(rect, fill)
        p.setPen(colour)
        p.drawRect(rect.adjusted(0, 0, -1, -1))
        p.setFont(self.banner_font)
        flags = int(_LEFT_V | QtCore.Qt.TextFlag.TextWordWrap)
        p.drawText(rect.adjusted(_PAD_X, 0, -_PAD_X, 0), flags, self._banner_text(row))


_LEFT_V = QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter


class KeepColourDelegate(QtWidgets.QStyledItemDelegate):
    """A selected row keeps its text colours (gain/loss, buy/sell) instead of one highlight colour."""

    def initStyleOption(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        super().initStyleOption(option, index)
        text = option.palette.brush(QtGui.QPalette.ColorRole.Text)
        option.palette.setBrush(QtGui.QPalette.ColorRole.HighlightedText, text)


def style_table(table: QtWidgets.QTableView) -> None:
    """Dark, compact, read-only rows that never take the keyboard (the trading hotkeys keep it)."""
    table.setItemDelegate(KeepColourDelegate(table))
    table.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
    table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(20)
    table.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
    table.setHorizontalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
    pal = table.palette()
    roles = QtGui.QPalette.ColorRole
    for role, colour in (
        (roles.Base, palette.BACKGROUND),
        (roles.AlternateBase, palette.ROW_ALT),
        (roles.Text, palette.TEXT),
        (roles.Window, palette.PANEL),
        (roles.WindowText, palette.TEXT_DIM),
        (roles.Button, palette.PANEL),
        (roles.ButtonText, palette.TEXT_DIM),
        (roles.Highlight, palette.GRID),
        (roles.HighlightedText, palette.TEXT_BRIGHT),
    ):
        pal.setColor(role, colour)
    table.setPalette(pal)
    table.setStyleSheet(
        f"QTableView {{ background: {palette.BACKGROUND.name()}; alternate-background-color:"
        f" {palette.ROW_ALT.name()}; color: {palette.TEXT.name()}; border: none;"
        f" selection-background-color: {palette.GRID.name()}; }}"
        f" QTableView::item {{ padding: 0 4px; }}"
        f" QHeaderView {{ background: {palette.PANEL.name()}; border: none; }}"
        f" QHeaderView::section {{ background: {palette.PANEL.name()}; color: {palette.TEXT_DIM.name()};"
        f" border: none; border-bottom: 1px solid {palette.GRID.name()}; padding: 2px 6px; }}"
        f" QScrollBar {{ background: {palette.PANEL.name()}; border: none; width: 10px; height: 10px; }}"
        f" QScrollBar::handle {{ background: {palette.GRID.name()}; border-radius: 4px; min-height: 20px;"
        f" min-width: 20px; }}"
        f" QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}"
        f" QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}"
        f" QTableCornerButton::section {{ background: {palette.PANEL.name()}; border: none; }}"
    )


def style_button(button: QtWidgets.QAbstractButton, accent: QtGui.QColor | None = None) -> None:
    """A flat dark button that never takes focus (a focused button would eat Space/Enter)."""
    button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
    border = (accent or palette.GRID).name()
    text = (accent or palette.TEXT).name()
    button.setStyleSheet(
        f"QPushButton {{ background: {palette.PANEL.name()}; color: {text}; border: 1px solid {border};"
        f" border-radius: 3px; padding: 3px 10px; }}"
        f" QPushButton:hover {{ background: {palette.ROW_ALT.name()}; }}"
        f" QPushButton:pressed {{ background: {palette.GRID.name()}; }}"
    )
