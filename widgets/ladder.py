"""The DOM ladder view: price rows with bid/ask size, recent and session traded volume, pulling/stacking.

One `LadderCanvas` widget paints the whole grid (only the rows that changed each frame);
`LadderModel` decides which rows are on screen and what they say. The window binds
a key to `recenter()`. While the mouse is over the ladder its prices never move by themselves
(mis-click protection for the click trading to come); the wheel scrolls by rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.market import Changed, MarketState
from widgets.ladder_model import (
    CENTERING,
    GROUPS,
    RECENT_RESET_S,
    RECENTER_TICKS,
    LadderModel,
    LadderRow,
    LadderSettings,
    LadderTotals,
)
from widgets.ladder_paint import LadderCanvas, rows_for_height
from widgets.view import MarketView, add_choice_menu, add_toggle, int_in, one_of, pick

_WHEEL_STEP = 120  # angleDelta units of one wheel notch
_ROWS_PER_NOTCH = 3
_CENTERING_LABELS = (
    ("Continuous (always centred)", "continuous"),
    ("Static until the edge", "static"),
    ("Re-centre after N ticks", "ticks"),
)


class LadderView(MarketView):
    """Settings keys: group_ticks, centering, recenter_ticks, recent_reset_s, show_recent_volume,
    show_session_volume, show_pull_stack (see LadderSettings for the defaults)."""

    view_id = "ladder"
    title = "DOM ladder"
    watches = Changed.BOOK | Changed.TAPE

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LadderModel()
        self.canvas = LadderCanvas(self.model)
        self.canvas.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.canvas.installEventFilter(self)
        self.setMinimumWidth(200)
        self._now_ns = 0

    # -- what is on screen (for tests and the window) -------------------------------------------

    def rows(self) -> tuple[LadderRow, ...]:
        """The visible rows, top (highest price) first, exactly as painted."""
        return self.model.rows

    def totals(self) -> LadderTotals:
        return self.model.totals

    def sizeHint(self) -> QtCore.QSize:
        """The width that shows every enabled column without clipping (the window sizes the dock to it)."""
        return self.canvas.sizeHint()

    # -- the contract ---------------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        self.model.set_market(market)
        self._now_ns = 0 if market is None or market.last_trade_ns is None else market.last_trade_ns
        self._show_now()

    def refresh(self, changed: int, now_ns: int) -> bool:
        self._now_ns = now_ns
        self._sync_size()
        if self.model.update(changed, now_ns):
            self.canvas.mark_changed()
            return True
        return False

    # -- user actions ---------------------------------------------------------------------------

    def recenter(self) -> None:
        """Centre the inside market now (the window's re-centre hotkey)."""
        self.model.recenter()
        self._show_now()

    def clear_recent(self) -> None:
        """Restart recent traded volume and pulling/stacking from now."""
        self.model.clear_recent()
        self._show_now()

    def scroll_rows(self, rows: int) -> None:
        """Scroll up by `rows` (toward higher prices; negative: down); hold there until recenter()."""
        self.model.scroll(rows)
        self._show_now()

    def set_hovered(self, hovered: bool) -> None:
        self.model.set_hovered(hovered)
        self._show_now()

    def _show_now(self) -> None:
        """Rebuild the rows for a user action without waiting for the next market change."""
        self._sync_size()
        if self.model.market is not None:
            self.model.update(Changed.NONE, self._now_ns)
        self.canvas.mark_changed()

    def _sync_size(self) -> None:
        self.model.set_row_count(rows_for_height(self.canvas.height()))

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind == QtCore.QEvent.Type.Enter:
            self.set_hovered(True)
        elif kind == QtCore.QEvent.Type.Leave:
            self.set_hovered(False)
        elif kind == QtCore.QEvent.Type.Wheel:
            assert isinstance(event, QtGui.QWheelEvent)
            notches = event.angleDelta().y() / _WHEEL_STEP
            self.scroll_rows(round(notches * _ROWS_PER_NOTCH))
            return True
        elif kind == QtCore.QEvent.Type.ContextMenu:
            assert isinstance(event, QtGui.QContextMenuEvent)
            self.build_menu().exec(event.globalPos())
            return True
        elif kind == QtCore.QEvent.Type.Resize:
            self._show_now()
        return super().eventFilter(watched, event)

    # -- settings -------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return asdict(self.model.settings)

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        problems: list[str] = []
        if not isinstance(data, Mapping):  # a hand-edited layout file can hold anything
            problems.append(f"ladder settings: {data!r} is not a mapping, using defaults")  # type: ignore[unreachable]
            data = {}
        d = LadderSettings()
        new = LadderSettings(
            group_ticks=pick(data, "group_ticks", d.group_ticks, one_of(GROUPS), problems),
            centering=pick(data, "centering", d.centering, one_of(CENTERING), problems),
            recenter_ticks=pick(data, "recenter_ticks", d.recenter_ticks, int_in(1, 10_000), problems),
            recent_reset_s=pick(data, "recent_reset_s", d.recent_reset_s, int_in(1, 3_600), problems),
            show_recent_volume=pick(data, "show_recent_volume", d.show_recent_volume, _is_bool, problems),
            show_session_volume=pick(data, "show_session_volume", d.show_session_volume, _is_bool, problems),
            show_pull_stack=pick(data, "show_pull_stack", d.show_pull_stack, _is_bool, problems),
        )
        self._use(new)
        return problems

    def _use(self, new: LadderSettings) -> None:
        self.model.set_settings(new)
        self.canvas.relayout()
        self.updateGeometry()
        self._show_now()

    def _set_from_ui(self, **changes: Any) -> None:
        self._use(replace(self.model.settings, **changes))
        self.settings_changed.emit()

    def build_menu(self) -> QtWidgets.QMenu:
        """The context menu: every setting, plus re-centre and clear."""
        s = self.model.settings
        menu = QtWidgets.QMenu(self)
        menu.addAction("Re-centre", self.recenter)
        menu.addAction("Clear recent volume and P/S", self.clear_recent)
        menu.addSeparator()
        add_choice_menu(
            menu,
            "Price grouping",
            [(f"{g} tick{'s' if g > 1 else ''}", g) for g in GROUPS],
            s.group_ticks,
            lambda g: self._set_from_ui(group_ticks=g),
        )
        add_choice_menu(
            menu, "Centring", _CENTERING_LABELS, s.centering, lambda m: self._set_from_ui(centering=m)
        )
        ticks = sorted({*RECENTER_TICKS, s.recenter_ticks})
        add_choice_menu(
            menu,
            "Re-centre after",
            [(f"{n} ticks", n) for n in ticks],
            s.recenter_ticks,
            lambda n: self._set_from_ui(recenter_ticks=n),
        )
        seconds = sorted({*RECENT_RESET_S, s.recent_reset_s})
        add_choice_menu(
            menu,
            "Reset recent volume every",
            [(f"{n} s", n) for n in seconds],
            s.recent_reset_s,
            lambda n: self._set_from_ui(recent_reset_s=n),
        )
        menu.addSeparator()
        toggles = (
            ("Recent buys / sells", "show_recent_volume"),
            ("Session volume", "show_session_volume"),
            ("Pulling / stacking", "show_pull_stack"),
        )
        for label, key in toggles:
            add_toggle(menu, label, getattr(s, key), lambda on, k=key: self._set_from_ui(**{k: on}))
        return menu


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)
