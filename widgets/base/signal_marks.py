"""Order-flow signals drawn on a chart (footprint, CVD price pane) where they happened.

The pattern of fill_marks.py: one item per chart covers its view and paints every mark in one
pass, in device pixels (fixed-size glyphs at any zoom). A mark is a small triangle in its kind's
colour whose tip touches the signal's price — ▲ under the price for an up read, ▼ over it for a
down read, ◆ on it for none — with the kind's letter beside it (widgets/base/signal_style.py).

Marks are placed (data x) only when the signal list's version moves or the chart's time axis does
(a rebuild, a new bar of a tick or volume chart); each paint draws the slice inside the view,
found by bisection, so the cost of a frame does not grow with the history. Hovering a mark shows
its tooltip (kind, price, time, strength, the detector's own line).
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.instrument import Instrument
from app.core.signals.kinds import Signal, SignalKind
from app.core.signals.recent import RecentSignals
from widgets.base import palette
from widgets.base.signal_style import KIND_STYLE, signal_tip
from widgets.base.view_covering import ViewCoveringItem

HALF_PX = 5.0
HEIGHT_PX = 8.0
HOVER_PX = 9.0  # how near the pointer must be to a mark for its tooltip
DEDUPE_PX = 4  # marks of one kind and side closer than this draw one glyph
MAX_LETTERS = 60  # more marks in view than this: glyphs only (the letters would overlap anyway)
_FONT = QtGui.QFont()
_FONT.setPixelSize(10)
_FONT.setBold(True)


@dataclass(frozen=True, slots=True)
class SignalMark:
    """One signal as drawn: x in the chart's own unit (bar number or seconds), y its price in ticks."""

    x: float
    signal: Signal

    @property
    def price_ticks(self) -> int:
        return self.signal.price_ticks


def signal_marks(signals: Sequence[Signal], x_of: Callable[[int], float | None]) -> list[SignalMark]:
    """Marks for the signals the chart can place (`x_of` None: before its first bar), by x."""
    out = []
    for sig in signals:
        x = x_of(sig.ts_ns)
        if x is not None:
            out.append(SignalMark(x, sig))
    out.sort(key=lambda m: m.x)
    return out


class SignalMarksItem(ViewCoveringItem):
    """Covers its view and draws the signals inside it (`y_offset`: see FillMarksItem)."""

    def __init__(
        self, y_offset: float = 0.0, bottom_px: Callable[[], int] | None = None, *, scale: float = 1.0
    ) -> None:
        """`scale`: of the glyphs (the CVD's price pane, zoomed out over hours, takes smaller ones)."""
        super().__init__()
        self.y_offset = y_offset
        self.scale = scale
        self._bottom_px = bottom_px
        self.instrument: Instrument | None = None
        self._marks: list[SignalMark] = []
        self._xs: list[float] = []
        self._placed: tuple[int, int] | None = None  # (id of the list, its version) the marks come from
        self._visible: tuple[tuple[float, ...], list[SignalMark]] | None = None
        self._drawing: _Drawing | None = None
        self._layer: tuple[_Drawing, QtGui.QPixmap, float] | None = None  # the drawing, rendered
        self.setZValue(31)  # over the bars and the fills
        self.setAcceptHoverEvents(True)
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def place(
        self, signals: RecentSignals | None, x_of: Callable[[int], float | None], *, moved: bool = False
    ) -> bool:
        """Marks for the list's signals; True if they changed. Costs nothing while the list's version
        and the chart's time axis (`moved`) stay put."""
        key = (id(signals), signals.version if signals is not None else -1)
        if not moved and key == self._placed:
            return False
        self._placed = key
        return self.set_marks(signal_marks(signals.items if signals is not None else [], x_of))

    def invalidate(self) -> None:
        """The chart's time axis changed: the next `place` recomputes every mark."""
        self._placed = None

    def set_marks(self, marks: Sequence[SignalMark]) -> bool:
        marks = list(marks)
        if marks == self._marks:
            return False
        self._marks = marks
        self._xs = [m.x for m in marks]
        self._visible = None
        self._drawing = None
        self._layer = None
        self.update()
        return True

    def all_marks(self) -> list[SignalMark]:
        return list(self._marks)

    def marks(self) -> list[SignalMark]:
        """The marks inside the view: what the paint draws."""
        return list(self._in_view()[1])

    def mark_near(self, x: float, y: float) -> SignalMark | None:
        """The mark whose glyph is nearest a point in data coordinates (within HOVER_PX), or None."""
        pw, ph = self.pixelWidth(), self.pixelHeight()
        if not pw or not ph:
            return None
        best: tuple[float, SignalMark] | None = None
        i0, i1 = bisect_left(self._xs, x - HOVER_PX * pw), bisect_right(self._xs, x + HOVER_PX * pw)
        for m in self._marks[i0:i1]:
            # the glyph's centre: half its height off the price, on the side it points from
            cy = m.price_ticks + self.y_offset - m.signal.side * (HEIGHT_PX * self.scale / 2) * ph
            d = ((m.x - x) / pw) ** 2 + ((cy - y) / ph) ** 2
            if d <= HOVER_PX**2 and (best is None or d < best[0]):
                best = (d, m)
        return None if best is None else best[1]

    # -- QGraphicsItem -------------------------------------------------------------------------

    def hoverEvent(self, ev: Any) -> None:
        """pyqtgraph's hover: the tooltip follows the mark under the pointer."""
        if ev.isExit():
            self.setToolTip("")
            return
        pos = ev.pos()
        mark = self.mark_near(pos.x(), pos.y())
        self.setToolTip("" if mark is None else signal_tip(mark.signal, self.instrument))

    def _in_view(self) -> tuple[tuple[float, ...], list[SignalMark]]:
        vb = self.getViewBox()
        if vb is None:
            return (), []
        view = vb.viewRect()
        key = (view.left(), view.top(), view.width(), view.height())
        if self._visible is not None and self._visible[0] == key:
            return self._visible
        lo, hi = view.top() - self.y_offset - 1, view.bottom() - self.y_offset + 1
        i0, i1 = bisect_left(self._xs, view.left()), bisect_right(self._xs, view.right())
        self._visible = (key, [m for m in self._marks[i0:i1] if lo <= m.price_ticks <= hi])
        return self._visible

    def paint(self, p: QtGui.QPainter, option: Any, *_: Any) -> None:
        key, marks = self._in_view()
        if not marks:
            return
        tr = p.transform()
        bottom = self._bottom_px() if self._bottom_px is not None else 0
        dkey = (key, tr.m11(), tr.m22(), tr.m31(), tr.m32(), bottom)
        drawing = self._drawing
        if drawing is None or drawing.key != dkey:
            vb = self.getViewBox()
            area = tr.mapRect(vb.viewRect() if vb is not None else QtCore.QRectF()).normalized()
            clip = QtCore.QRectF(area.left(), area.top(), area.width(), max(0.0, area.height() - bottom))
            drawing = self._drawing = _build_drawing(
                dkey, tr, clip, marks, y_offset=self.y_offset, scale=self.scale
            )
        exposed = option.exposedRect if option is not None else None
        region = drawing.clip
        if exposed is not None and not exposed.isEmpty():
            region = region.intersected(tr.mapRect(exposed).normalized().adjusted(-1, -1, 1, 1))
        if not region.intersects(drawing.bounds):
            return  # a live column with none of the marks in it
        layer = self._layer
        dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        if layer is None or layer[0] is not drawing or layer[2] != dpr:
            layer = self._layer = (drawing, _render_layer(drawing, dpr), dpr)
        area = region.intersected(drawing.bounds)
        source = area.translated(-drawing.bounds.topLeft())
        p.save()
        try:
            p.resetTransform()
            p.drawPixmap(
                area,
                layer[1],
                QtCore.QRectF(
                    source.left() * dpr, source.top() * dpr, source.width() * dpr, source.height() * dpr
                ),
            )
        finally:
            p.restore()


def _render_layer(drawing: _Drawing, dpr: float) -> QtGui.QPixmap:
    """Every glyph and letter of a drawing, once, into a transparent pixmap the paints blit from: a
    live frame repaints one column of a chart 60 times a second, the marks do not change with it."""
    b = drawing.bounds
    pixmap = QtGui.QPixmap(max(1, math.ceil(b.width() * dpr)), max(1, math.ceil(b.height() * dpr)))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(QtCore.Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pixmap)
    try:
        p.translate(-b.left(), -b.top())
        p.setClipRect(drawing.clip)
        p.setPen(QtGui.QPen(palette.BACKGROUND, 1))  # a dark rim: clear on cells of any colour
        for colour, path in drawing.glyphs:
            p.setBrush(colour)
            p.drawPath(path)
        p.setFont(_FONT)
        for pos, text, colour in drawing.letters:
            p.setPen(palette.BACKGROUND)  # a dark halo: the letter reads over any cell
            for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                p.drawStaticText(pos + QtCore.QPointF(dx, dy), text)
            p.setPen(colour)
            p.drawStaticText(pos, text)
    finally:
        p.end()
    return pixmap


@functools.lru_cache(maxsize=16)
def _letter(text: str) -> QtGui.QStaticText:
    st = QtGui.QStaticText(text)
    st.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    st.prepare(QtGui.QTransform(), _FONT)
    return st


@dataclass(frozen=True, slots=True)
class _Drawing:
    """Everything the paint draws, in device pixels, for one view and one item → device transform."""

    key: tuple[Any, ...]
    clip: QtCore.QRectF
    glyphs: list[tuple[QtGui.QColor, QtGui.QPainterPath]]  # one path per kind: one fill call each
    letters: list[tuple[QtCore.QPointF, QtGui.QStaticText, QtGui.QColor]]
    bounds: QtCore.QRectF


def _build_drawing(
    key: tuple[Any, ...],
    tr: QtGui.QTransform,
    clip: QtCore.QRectF,
    marks: list[SignalMark],
    *,
    y_offset: float,
    scale: float,
) -> _Drawing:
    paths: dict[SignalKind, QtGui.QPainterPath] = {}
    letters: list[tuple[QtCore.QPointF, QtGui.QStaticText, QtGui.QColor]] = []
    h, half, dedupe = HEIGHT_PX * scale, HALF_PX * scale, max(DEDUPE_PX, round(DEDUPE_PX / scale))
    drawn: set[tuple[SignalKind, int, int, int]] = set()
    for m in marks:
        sig = m.signal
        pt = tr.map(QtCore.QPointF(m.x, m.price_ticks + y_offset))
        x, y = round(pt.x()), round(pt.y())
        spot = (sig.kind, sig.side, x // dedupe, y // dedupe)
        if spot in drawn:  # zoomed out, a burst of one kind lands on one spot: one glyph says it
            continue
        drawn.add(spot)
        if sig.side > 0:  # ▲ under the price, its tip on it (device y grows downwards)
            poly = [QtCore.QPointF(x, y), QtCore.QPointF(x - half, y + h), QtCore.QPointF(x + half, y + h)]
            top = y + h / 2
        elif sig.side < 0:  # ▼ over the price
            poly = [QtCore.QPointF(x, y), QtCore.QPointF(x - half, y - h), QtCore.QPointF(x + half, y - h)]
            top = y - h / 2
        else:  # ◆ on it
            poly = [
                QtCore.QPointF(x, y - half),
                QtCore.QPointF(x + half, y),
                QtCore.QPointF(x, y + half),
                QtCore.QPointF(x - half, y),
            ]
            top = y
        path = paths.get(sig.kind)
        if path is None:
            path = paths[sig.kind] = QtGui.QPainterPath()
        path.addPolygon(QtGui.QPolygonF([*poly, poly[0]]))
        if len(marks) <= MAX_LETTERS:
            style = KIND_STYLE[sig.kind]
            st = _letter(style.letter)
            pos = QtCore.QPointF(x + half + 1, round(top - st.size().height() / 2))
            letters.append((pos, st, style.colour))
    glyphs = [(KIND_STYLE[k].colour, path) for k, path in paths.items()]
    bounds = QtCore.QRectF()
    for _colour, path in glyphs:
        bounds = bounds.united(path.boundingRect())
    for pos, st, _colour in letters:
        bounds = bounds.united(QtCore.QRectF(pos, st.size()))
    return _Drawing(key, clip, glyphs, letters, bounds.adjusted(-1, -1, 1, 1).intersected(clip))
