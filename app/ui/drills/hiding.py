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


def _ladder_price(ladder: QtWidgets.QWidget) -> QtCore.QRect | None:
    canvas = getattr(ladder, "canvas", None)
    columns = getattr(canvas, "columns", None) or []
    for column, x, width in columns:
        if column.key == "price":
            assert canvas is not None
            return QtCore.QRect(int(x), 0, int(width) + 1, canvas.height())
    return None


def _tape_span(tape: QtWidgets.QWidget, column: str, pad: int) -> QtCore.QRect | None:
    spans = tape.column_spans()  # type: ignore[attr-defined]
    if spans is None:
        return None  # not painted yet
    left, right = spans[column]
    height = tape.canvas.viewport().height()  # type: ignore[attr-defined]
    return QtCore.QRect(int(left), 0, int(right - left) + pad, height)


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

        if options.hide_clock:
            masks.append(
                ColumnMask(window, viewport, lambda: _tape_span(tape, "time", -4), "drill_mask_tape_time")
            )
        if options.hide_prices:
            masks.append(
                ColumnMask(window, viewport, lambda: _tape_span(tape, "price", 2), "drill_mask_tape_price")
            )
    if options.hide_prices and ladder is not None:
        canvas = ladder.canvas  # type: ignore[attr-defined]
        masks.append(ColumnMask(window, canvas, lambda: _ladder_price(ladder), "drill_mask_ladder_price"))
    return masks
