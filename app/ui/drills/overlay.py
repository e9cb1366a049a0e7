"""What a drill puts over the window: the prompt in big letters over the ladder, and masks that hide
the clock and the price labels.

Both are child widgets of the main window that take neither focus nor the mouse, so every key
still reaches the hotkey filter and every click the ladder under them; `window.grab()` (the
screenshot) includes them. They follow the ladder's dock on a light timer, not per frame.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

FOLLOW_MS = 200
_BACK = QtGui.QColor(10, 14, 22, 215)
_MASK = QtGui.QColor("#151a24")


def _passive(widget: QtWidgets.QWidget) -> None:
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    widget.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)


class PromptOverlay(QtWidgets.QWidget):
    """A banner over the upper third of `anchor` (the ladder): a big line and a small one."""

    def __init__(self, window: QtWidgets.QMainWindow, anchor: QtWidgets.QWidget) -> None:
        super().__init__(window)
        self.setObjectName("drill_prompt")
        _passive(self)
        self._window = window
        self._anchor = anchor
        self.big = ""
        self.small = ""
        self.colour = QtGui.QColor("#f0f4ff")
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(FOLLOW_MS)
        self._timer.timeout.connect(self.follow)
        self._timer.start()
        self.hide()

    def say(self, big: str, small: str = "", colour: str = "#f0f4ff") -> None:
        self.big, self.small, self.colour = big, small, QtGui.QColor(colour)
        self.follow()
        self.show()
        self.raise_()
        self.repaint()  # now, not at the next event-loop turn: the reaction clock starts after this

    def follow(self) -> None:
        anchor = self._anchor
        if not anchor.isVisible():
            return
        top_left = anchor.mapTo(self._window, QtCore.QPoint(0, 0))
        width = max(anchor.width(), 420)
        x = top_left.x() + (anchor.width() - width) // 2
        self.setGeometry(max(0, x), top_left.y() + anchor.height() // 5, width, 170)
        if self.isVisible():
            self.raise_()  # above the masks, which may have (re)appeared since

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(_BACK)
        p.drawRoundedRect(self.rect().adjusted(4, 4, -4, -4), 12, 12)
        big = QtGui.QFont(self.font())
        big.setBold(True)
        big.setPixelSize(52 if len(self.big) <= 14 else 34)
        p.setFont(big)
        p.setPen(self.colour)
        p.drawText(self.rect().adjusted(10, 10, -10, -60), QtCore.Qt.AlignmentFlag.AlignCenter, self.big)
        small = QtGui.QFont(self.font())
        small.setPixelSize(17)
        p.setFont(small)
        p.setPen(QtGui.QColor("#aab4c8"))
        flags = QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop
        wrap = int(flags) | int(QtCore.Qt.TextFlag.TextWordWrap)
        p.drawText(self.rect().adjusted(10, 112, -10, -8), wrap, self.small)
        p.end()


class ColumnMask(QtWidgets.QWidget):
    """A solid strip over one column of a view (the ladder's prices, the tape's times): the
    column is still there for clicks underneath, only its text is not shown. `span()` gives the
    column in the host's coordinates (None: nothing to hide yet); it is asked again on every
    follow, so the mask keeps up with resized docks and columns that change width."""

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        host: QtWidgets.QWidget,
        span: Callable[[], QtCore.QRect | None],
        name: str = "drill_mask",
    ) -> None:
        super().__init__(window)
        self.setObjectName(name)
        _passive(self)
        self._window = window
        self.host = host
        self.span = span
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(FOLLOW_MS)
        self._timer.timeout.connect(self.follow)
        self._timer.start()
        self.follow()

    def follow(self) -> None:
        span = self.span() if self.host.isVisible() else None
        if span is None or span.isEmpty():
            self.hide()
            return
        origin = self.host.mapTo(self._window, QtCore.QPoint(0, 0))
        self.setGeometry(span.translated(origin))
        if not self.isVisible():
            self.show()
            self.raise_()  # over its view once; the prompt and the score panel raise themselves above it

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        p.fillRect(self.rect(), _MASK)
        p.end()
