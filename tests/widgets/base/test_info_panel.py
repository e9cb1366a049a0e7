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


class _Counting(_Recording):
    """Also counts how often the panel is laid out from scratch."""

    def __init__(self) -> None:
        super().__init__()
        self.layouts = 0

    def _lay_out(self, width: int):  # type: ignore[no-untyped-def]
        self.layouts += 1
        return super()._lay_out(width)


def test_values_within_their_widest_reuse_the_layout_and_a_wider_one_lays_out_again(qtbot):
    panel = _Counting()
    qtbot.addWidget(panel)
    panel.resize(400, 120)
    panel.set_rows(_rows("61800.1"))
    panel.show()
    panel.set_rows(_rows("61800.2"))
    before = panel.layouts
    panel.asked.clear()

    assert panel.set_rows(_rows("61800.3", pnl="+1.00"))  # two values, no wider than they were

    assert panel.layouts == before  # the boxes were not computed again
    assert len(panel.asked) == 2 and None not in panel.asked  # just the two cells
    assert [c.value for r in panel.rows for c in r.cells] == ["Flat", "61800.3", "+1.00", "0.00"]

    panel.asked.clear()
    assert panel.set_rows(_rows("61800.3", pnl="+1,234,567.00"))  # wider than the cell has been

    assert panel.layouts > before  # measured and laid out again: it may wrap
    assert panel.asked
