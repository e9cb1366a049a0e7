"""The practice options that take things off the screen: the clock, and the price labels.

Hidden clock: the transport bar (the market clock and jump-to-time) is hidden, and the tape's time
column is masked. Hidden prices: the ladder's price column and the tape's price column are masked.
Either one also hides the footprint and CVD docks, whose axes are prices and times. The columns
stay where they are under their masks, so clicks on the ladder trade as usual.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from app.core.drills.options import DrillOptions
from app.ui.drills.overlay import ColumnMask
from app.ui.main_window import MainWindow

_SIDE_CHARS = 5  # the tape's side text and its gap, before the right-aligned price


def _ladder_price(ladder: QtWidgets.QWidget) -> QtCore.QRect | None:
    canvas = getattr(ladder, "canvas", None)
    columns = getattr(canvas, "columns", None) or []
    for column, x, width in columns:
        if column.key == "price":
            assert canvas is not None
            return QtCore.QRect(int(x), 0, int(width) + 1, canvas.height())
    return None


def _tape_columns(tape: QtWidgets.QWidget) -> tuple[QtWidgets.QWidget, object, float] | None:
    item = getattr(tape, "_item", None)
    cols = getattr(item, "_cols", None)
    canvas = getattr(tape, "canvas", None)
    if item is None or cols is None or canvas is None:
        return None  # not painted yet
    return canvas.viewport(), cols, float(getattr(item, "_char_w", 8.0))


def hide_for_practice(window: MainWindow, options: DrillOptions) -> list[ColumnMask]:
    masks: list[ColumnMask] = []
    if not (options.hide_clock or options.hide_prices):
        return masks
    for dock_id in ("footprint", "cvd"):
        dock = window.docks.get(dock_id)
        if dock is not None:
            dock.hide()
    ladder, tape = window.views.get("ladder"), window.views.get("tape")
    if options.hide_clock and window.transport is not None:
        window.transport.hide()
    if tape is not None:
        viewport = tape.canvas.viewport()  # type: ignore[attr-defined]

        def time_span() -> QtCore.QRect | None:
            found = _tape_columns(tape)
            if found is None:
                return None
            host, cols, _cw = found
            return QtCore.QRect(0, 0, int(cols.side_x) - 2, host.height())  # type: ignore[attr-defined]

        def price_span() -> QtCore.QRect | None:
            found = _tape_columns(tape)
            if found is None:
                return None
            host, cols, cw = found
            left = int(cols.side_x + cw * _SIDE_CHARS)  # type: ignore[attr-defined]
            return QtCore.QRect(left, 0, int(cols.price_right) - left + 2, host.height())  # type: ignore[attr-defined]

        if options.hide_clock:
            masks.append(ColumnMask(window, viewport, time_span, "drill_mask_tape_time"))
        if options.hide_prices:
            masks.append(ColumnMask(window, viewport, price_span, "drill_mask_tape_price"))
    if options.hide_prices and ladder is not None:
        canvas = ladder.canvas  # type: ignore[attr-defined]
        masks.append(ColumnMask(window, canvas, lambda: _ladder_price(ladder), "drill_mask_ladder_price"))
    return masks
