"""The painted info panel: what changed is what is repainted, and what is drawn is what it holds."""

from __future__ import annotations

from PySide6 import QtCore, QtGui

from widgets.base.info_panel import InfoLine, InfoPanel, InfoRow


class _Recording(InfoPanel):
    """An InfoPanel that remembers the areas it asked Qt to repaint."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[QtCore.QRect | None] = []

    def update(self, *args: object) -> None:  # type: ignore[override]
        self.asked.append(args[0] if args and isinstance(args[0], QtCore.QRect) else None)
        super().update(*args)  # type: ignore[arg-type]


def _rows(last: str, pnl: str = "+0.00") -> list[InfoRow]:
    return [
        InfoRow((InfoLine("position", "Position", "Flat"), InfoLine("last", "Last", last))),
        InfoRow((InfoLine("pnl", "Open P&L", pnl), InfoLine("fees", "Fees", "0.00"))),
    ]


def test_a_changed_value_repaints_only_its_cell(qtbot):
    panel = _Recording()
    qtbot.addWidget(panel)
    panel.resize(400, 120)
    panel.set_rows(_rows("61800.1"))
    panel.show()
    panel.asked.clear()

    assert panel.set_rows(_rows("61800.2"))

    (rect,) = panel.asked
    assert rect is not None and 0 < rect.width() < panel.width() / 2 + 1  # one cell, not the panel
    assert rect.left() >= panel.width() / 2 - 1  # the second cell of the first row: "Last"


def test_a_new_row_repaints_the_whole_panel(qtbot):
    panel = _Recording()
    qtbot.addWidget(panel)
    panel.resize(400, 120)
    panel.set_rows(_rows("61800.1"))
    panel.asked.clear()

    panel.set_rows([*_rows("61800.1"), InfoRow((InfoLine("risk", "Risk", "ok"),))])

    assert None in panel.asked


def test_after_a_partial_repaint_the_screen_equals_a_full_paint(qtbot):
    """What is on screen (the window's backing store, not a fresh render) shows the new value
    in its cell and keeps every other pixel."""
    panel = InfoPanel()
    qtbot.addWidget(panel)
    panel.resize(400, 120)
    panel.set_rows(_rows("61800.1", pnl="+1.00"))
    panel.show()
    qtbot.waitUntil(lambda: not panel.backingStore().paintDevice().isNull())  # painted once
    before = _on_screen(panel)

    panel.set_rows(_rows("61899.9", pnl="+1.00"))
    panel.repaint()  # only the pending region: the "Last" cell
    shown = _on_screen(panel)

    full = panel.grab().toImage().convertToFormat(shown.format())  # a full paint of the same rows
    assert shown != before
    assert shown == full


def _on_screen(panel: InfoPanel) -> QtGui.QImage:
    """The window's backing store: the pixels last painted, not a fresh render like grab()."""
    device = panel.backingStore().paintDevice()
    assert isinstance(device, QtGui.QImage)
    return device.copy(0, 0, panel.width(), panel.height())
