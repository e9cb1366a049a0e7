"""Time and sales: every aggressor order (or every print), newest on top, pausing while scrolled back.

The view pulls only the prints added since its last refresh, groups them with
`app.core.print_groups` (a group cut by a batch boundary is merged, so the rows never depend on
frame timing) and keeps a bounded history of rows. One QGraphicsObject paints the visible rows;
`visible_rows()` returns exactly what it paints.

Scrolling down the list (wheel, scrollbar, PageDown) reads history and pauses the auto-follow:
the rows stay where the user put them while new prints keep arriving, and a yellow "PAUSED — N
new" bar says how many. Scrolling back to the top, Home, clicking the bar or `resume_live()`
follows the feed again (flowsurface's behaviour; a tape that jumps while you read it is useless).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.market import Changed, MarketState
from widgets.base import palette
from widgets.base.menus import add_choice_menu, add_setting
from widgets.base.view import MarketView
from widgets.tape.liquidations import LiquidationRows
from widgets.tape.model import HISTORY_ROWS, TapeModel, TapeRow
from widgets.tape.paint import TapeFrame, TapeItem
from widgets.tape.row_shift import row_shift
from widgets.tape.settings import TAPE_SETTINGS, TapeSettings

WHEEL_ROWS = 3  # rows per wheel notch, like a text view
BAR_EVERY_FRAMES = 15  # scrollbar follows the stream ~4× a second at 60 Hz
# Size thresholds offered in the context menu, in units of the instrument's quantity (BTC, ETH …).
SIZE_STEPS = ("0.01", "0.05", "0.1", "0.25", "0.5", "1", "2", "5", "10", "25", "50", "100")


class _Canvas(pg.GraphicsView):
    """The pyqtgraph view hosting the item; forwards wheel, clicks and resizes to the tape view."""

    def __init__(self, owner: TapeView) -> None:
        self._owner: TapeView | None = None  # pyqtgraph resizes during its own __init__
        super().__init__(background=palette.BACKGROUND)
        self._owner = owner
        self.enableMouse(False)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def resizeEvent(self, ev: QtGui.QResizeEvent | None) -> None:
        super().resizeEvent(ev)
        if self._owner is not None:
            self._owner._on_resize()

    def wheelEvent(self, ev: QtGui.QWheelEvent) -> None:
        notches = ev.angleDelta().y() / 120
        if notches and self._owner is not None:
            self._owner.scroll_rows(-round(notches * WHEEL_ROWS) or (-1 if notches > 0 else 1))
        ev.accept()

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:
        owner = self._owner
        if (
            owner is not None
            and ev.button() == QtCore.Qt.MouseButton.LeftButton
            and owner.paused
            and owner._item.banner_rect().contains(ev.position())
        ):
            owner.resume_live()
            ev.accept()
            return
        super().mousePressEvent(ev)


class TapeView(MarketView):
    """Time and sales, aggregated per aggressor order by default."""

    view_id = "tape"
    title = "Time & Sales"
    watches = Changed.TAPE | Changed.LIQUIDATIONS

    def __init__(self, parent: QtWidgets.QWidget | None = None, history_rows: int = HISTORY_ROWS) -> None:
        super().__init__(parent)
        self.model = TapeModel(history_rows)
        self._liquidations = LiquidationRows()
        self.model.liquidations = self._liquidations
        self._frames_since_bar = 0
        self._shown: tuple[list[TapeRow], tuple[object, ...]] = ([], ())  # rows and header last marked
        self._made: tuple[tuple[object, ...], TapeFrame] | None = None  # see _frame
        self._item = TapeItem(self._frame)
        self.canvas = _Canvas(self)
        self.canvas.scene().addItem(self._item)
        self.canvas.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._show_context_menu)
        self.scrollbar = QtWidgets.QScrollBar(QtCore.Qt.Orientation.Vertical)
        self.scrollbar.valueChanged.connect(self._on_scrollbar)
        self.scrollbar.installEventFilter(self)  # exact range the moment the user reaches for it
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas)
        layout.addWidget(self.scrollbar)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(200)
        self._sync_scrollbar()

    # -- frame clock contract --------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        self.model.reset(market.instrument if market else None, market.tape if market else None)
        self.model.liquidations = self._liquidations  # a subclass may have put in its own model
        self._liquidations.attach(market.liquidations if market else None)
        self._changed()

    def refresh(self, changed: int, now_ns: int) -> bool:
        if self.market is None:
            return False
        new_liq = bool(changed & Changed.LIQUIDATIONS) and self._liquidations.poll()
        if not changed & Changed.TAPE or not self.model.pull(self.market.tape):
            if new_liq:
                self._repaint_all()
            return new_liq
        # the new prints go on screen this frame (before, nothing marked the rows dirty: they
        # showed only when the scrollbar's catch-up below repainted the view, ~4 times a second)
        self._mark_rows()
        # Moving the scrollbar repaints it (~0.8 ms, more than the rows cost), so while prints
        # stream it follows a few times a second, not every frame; scrolling syncs it at once.
        self._frames_since_bar += 1
        if self._frames_since_bar >= BAR_EVERY_FRAMES or self.scrollbar.maximum() == 0:
            self._sync_scrollbar()
        return True

    def _repaint_all(self) -> None:
        """Repaint every row (a scroll, a setting, a liquidation row): the next frame's rows are
        then compared with these, not with rows the screen no longer shows."""
        self._shown = ([], ())
        self._made = None
        self.canvas.viewport().update()

    def _mark_rows(self) -> None:
        """Queue the repaint of what the new prints changed: the rows on screen move down by the
        new ones (the pixels are scrolled, a blit), and only the new and changed rows are painted;
        anything else (the columns or the header changed, a scroll, a filter) repaints it all."""
        frame = self._frame()
        item = self._item
        header = (frame.paused, frame.new_while_paused, frame.mode_text, frame.status_text)
        old_rows, old_header = self._shown
        self._shown = (frame.rows, header)
        viewport = self.canvas.viewport()
        shift = row_shift(old_rows, frame.rows)
        scale = self.canvas.transform()
        if (
            shift is None
            or header != old_header
            or item.columns_for(frame) != item.painted_columns
            or not scale.isIdentity()
        ):
            viewport.update()  # and `_shown` now holds what that repaint shows
            return
        if not shift.rows and not shift.dirty:
            return
        origin = self.canvas.mapFromScene(QtCore.QPointF(0, item.header_h))
        row_h = int(item.row_h)
        width = viewport.width()
        if shift.rows:
            area = QtCore.QRect(0, origin.y(), width, len(frame.rows) * row_h)
            viewport.scroll(0, shift.rows * row_h, area)
        for i in shift.dirty:
            viewport.update(0, origin.y() + i * row_h, width, row_h)

    # -- what is on screen -----------------------------------------------------------------

    def column_spans(self) -> dict[str, tuple[float, float]] | None:
        """x ranges of the time and price columns in the canvas viewport (see TapeItem)."""
        return self._item.column_spans()

    def visible_rows(self) -> list[TapeRow]:
        """The rows painted right now, top first."""
        return self.model.visible_rows()

    @property
    def paused(self) -> bool:
        return self.model.paused

    def new_while_paused(self) -> int:
        return self.model.new_while_paused()

    def _frame(self) -> TapeFrame:
        """What the item paints; made once a frame (the refresh marks rows from it, the paint that
        follows draws it: building the rows twice was half of a frame's tape time)."""
        src = self._liquidations.source
        key = (id(self.market), self.model.rows_key(), len(src) if src else 0, id(src[-1]) if src else 0)
        made = self._made
        if made is not None and made[0] == key:
            return made[1]
        frame = self._make_frame()
        self._made = (key, frame)
        return frame

    def _make_frame(self) -> TapeFrame:
        s = self.model.settings
        rows = self.visible_rows()
        if self.market is None:
            status = "No market"
        elif self.model.log.total == 0:
            status = "Waiting for prints…"
        else:
            status = "No prints at or above the size filter"
        mode = "per order" if s.mode == "aggregated" else "raw prints"
        if s.min_size_lots > 0 and self.market is not None:
            mode += f" ≥ {self.market.instrument.qty_str(s.min_size_lots)}"
        return TapeFrame(
            rows=rows,
            show_millis=s.show_millis,
            paused=self.model.paused,
            new_while_paused=self.model.new_while_paused(),
            status_text=status,
            mode_text=mode,
        )

    # -- scrolling -------------------------------------------------------------------------

    def scroll_rows(self, rows: int) -> None:
        """Positive: further back in history (pauses); negative: towards the newest."""
        self.model.scroll_by(rows)
        self._sync_scrollbar()
        self._repaint_all()

    def resume_live(self) -> None:
        """Follow the feed again: the newest row on top."""
        self.model.resume_live()
        self._sync_scrollbar()
        self._repaint_all()

    def _on_scrollbar(self, value: int) -> None:
        self.model.scroll_to(value)
        self._repaint_all()

    def _sync_scrollbar(self) -> None:
        self._frames_since_bar = 0
        bar = self.scrollbar
        bar.blockSignals(True)
        bar.setRange(0, self.model.max_offset())
        bar.setPageStep(max(1, self.model.page_rows))
        bar.setSingleStep(WHEEL_ROWS)
        bar.setValue(self.model.offset())
        bar.blockSignals(False)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is getattr(self, "scrollbar", None) and event.type() in (  # None while tearing down
            QtCore.QEvent.Type.Enter,
            QtCore.QEvent.Type.MouseButtonPress,
            QtCore.QEvent.Type.Wheel,
        ):
            self._sync_scrollbar()
        return super().eventFilter(watched, event)

    def _on_resize(self) -> None:
        self._shown = ([], ())  # Qt repaints it all at the new size
        viewport = self.canvas.viewport()
        self._item.set_size(viewport.width(), viewport.height())
        self.model.page_rows = self._item.rows_that_fit()
        self._sync_scrollbar()

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        page = max(1, self.model.page_rows - 1)
        if key == QtCore.Qt.Key.Key_Home:
            self.resume_live()
        elif key == QtCore.Qt.Key.Key_PageDown:
            self.scroll_rows(page)
        elif key == QtCore.Qt.Key.Key_PageUp:
            self.scroll_rows(-page)
        elif key == QtCore.Qt.Key.Key_Down:
            self.scroll_rows(1)
        elif key == QtCore.Qt.Key.Key_Up:
            self.scroll_rows(-1)
        else:
            super().keyPressEvent(event)

    # -- settings --------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return TAPE_SETTINGS.to_dict(self.model.settings)

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        new, problems = TAPE_SETTINGS.from_dict(data)
        self._set(new, emit=False)
        return problems

    def _set(self, new: TapeSettings, emit: bool = True) -> None:
        if new == self.model.settings:
            return
        self.model.apply(new, self.market.tape if self.market else None)
        self._changed()
        if emit:
            self.settings_changed.emit()

    def _set_from_ui(self, **changes: Any) -> None:
        self._set(replace(self.model.settings, **changes))

    def _changed(self) -> None:
        self._sync_scrollbar()
        self._repaint_all()

    # -- context menu ----------------------------------------------------------------------

    def build_context_menu(self) -> QtWidgets.QMenu:
        """The right-click menu: every setting of the view (public so tests can drive it)."""
        s = self.model.settings
        menu = QtWidgets.QMenu(self)
        add_setting(menu, TAPE_SETTINGS, "mode", s, self._set_from_ui)
        add_choice_menu(
            menu,
            "Minimum size",
            [("Show all", 0), *self._size_options(s.min_size_lots)],
            s.min_size_lots,
            lambda lots: self._set(replace(s, min_size_lots=lots)),
        )
        add_choice_menu(
            menu,
            "Large print highlight",
            [("Off", 0), *self._size_options(s.large_size_lots)],
            s.large_size_lots,
            lambda lots: self._set(replace(s, large_size_lots=lots)),
        )
        add_setting(menu, TAPE_SETTINGS, "show_millis", s, self._set_from_ui)
        add_setting(menu, TAPE_SETTINGS, "show_liquidations", s, self._set_from_ui)
        add_choice_menu(
            menu,
            "Liquidations min size",
            [("Show all", 0), *self._size_options(s.liq_min_lots)],
            s.liq_min_lots,
            lambda lots: self._set(replace(s, liq_min_lots=lots)),
        )
        menu.addSeparator()
        resume = menu.addAction("Resume live (Home)")
        resume.setEnabled(self.model.paused)
        resume.triggered.connect(self.resume_live)
        return menu

    def _size_options(self, current: int) -> list[tuple[str, int]]:
        """Menu sizes as quantities of the instrument (in lots underneath), plus the current one."""
        instrument = self.market.instrument if self.market else None
        options: list[tuple[str, int]] = []
        for step in SIZE_STEPS:
            if instrument is None or Decimal(step) % instrument.lot_size:
                continue  # not a whole number of lots on this instrument
            lots = instrument.lots(Decimal(step))
            if lots > 0:
                options.append((f"≥ {instrument.qty_str(lots)} {instrument.quantity_unit}".rstrip(), lots))
        if current > 0 and all(lots != current for _, lots in options):
            label = instrument.qty_str(current) if instrument else f"{current} lots"
            options.append((f"≥ {label} (custom)", current))
        return options

    def _show_context_menu(self, pos: QtCore.QPoint) -> None:
        self.build_context_menu().exec(self.canvas.mapToGlobal(pos))
