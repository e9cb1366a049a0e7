"""The footprint's cells as text: the data → device mapping, pixel rounding, laid-out texts
and the loop that writes a bar's cell values (widgets/footprint/item.py paints with them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore, QtGui

from app.core.footprint_view_model import BarAnalysis
from widgets.base import palette
from widgets.base.cache import BoundedCache
from widgets.footprint.model import FootprintModel

_STATIC_TEXT_LIMIT = 20_000

# horizontal placement of a text in its cell
RIGHT, CENTER, LEFT = -1, 0, 1


@dataclass(frozen=True, slots=True)
class Geo:
    """Data → device mapping of the current paint (x = bar number, y = price ticks)."""

    sx: float
    dx: float
    sy: float  # negative: y up
    dy: float

    def x(self, v: float) -> float:
        return self.sx * v + self.dx

    def y(self, v: float) -> float:
        return self.sy * v + self.dy


def px(v: float) -> int:
    """The whole pixel for `v`, halves rounded up on purpose: device positions carry float noise
    (price 0 sits ~10⁷ px away), and `round` would send a text placed on exactly half a pixel
    up or down by that noise, so a cached band and a redraw would differ by a pixel."""
    return math.floor(v + 0.5 + 1e-6)


def rows_in(a: BarAnalysis, vis_lo: int, vis_hi: int) -> range:
    """The indexes of `a`'s groups that overlap the prices vis_lo..vis_hi."""
    g = a.group_ticks
    lo = int(np.searchsorted(a.price_ticks, vis_lo - g + 1))
    hi = int(np.searchsorted(a.price_ticks, vis_hi, side="right"))
    return range(lo, hi)


class StaticTexts:
    """Texts laid out once per string in the regular or bold cell font.

    QStaticText keyed by the string: cell values repeat a lot and a laid-out text draws at
    about half the cost of drawText(rect, align) (docs/ARCHITECTURE.md, "Qt and qasync facts");
    the painter's font must be the one it was prepared with, or Qt lays it out again.
    """

    def __init__(self, font: QtGui.QFont, bold: QtGui.QFont) -> None:
        self.font = font
        self.bold = bold
        self._cache: BoundedCache[tuple[str, bool], tuple[QtGui.QStaticText, float, float]] = BoundedCache(
            _STATIC_TEXT_LIMIT
        )

    def laid_out(self, text: str, bold: bool) -> tuple[QtGui.QStaticText, float, float]:
        """`text` laid out once: (static text, width, height)."""
        entry = self._cache.get((text, bold))
        if entry is None:
            st = QtGui.QStaticText(text)
            st.setTextFormat(QtCore.Qt.TextFormat.PlainText)
            st.prepare(QtGui.QTransform(), self.bold if bold else self.font)
            size = st.size()
            entry = self._cache.put((text, bold), (st, size.width(), size.height()))
        return entry

    def draw(
        self,
        p: QtGui.QPainter,
        x0: float,
        x1: float,
        y: float,
        text: str,
        *,
        h: float,
        place: int,
        bold: bool,
    ) -> None:
        """`text` in the cell x0..x1 × y..y+h, vertically centred."""
        if not text:
            return
        st, w, th = self.laid_out(text, bold)
        if place == RIGHT:
            x = x1 - w
        elif place == LEFT:
            x = x0
        else:
            x = (x0 + x1 - w) / 2
        p.drawStaticText(QtCore.QPointF(px(x), px(y + (h - th) / 2)), st)


def paint_cell_texts(
    p: QtGui.QPainter,
    a: BarAnalysis,
    model: FootprintModel,
    texts: StaticTexts,
    geo: Geo,
    *,
    cx0: float,
    cx1: float,
    row_h: float,
    lo: int,
    hi: int,
    x_clip: tuple[float, float] | None = None,
) -> None:
    """The cell texts of the rows in view, in the order `StaticTexts.draw` calls would draw them.

    One tight loop over the visible rows only (the open bar is drawn every frame, a volatile
    minute holds hundreds of groups): the same positions as `StaticTexts.draw` computes, inlined."""
    rows = rows_in(a, lo, hi)
    if not rows:
        return
    m = model
    g = a.group_ticks
    two = m.settings.cell_mode == "bid_ask"
    mid = (cx0 + cx1) / 2
    pad = 4.0
    r0, r1 = rows.start, rows.stop
    prices = a.price_ticks[r0:r1].tolist()
    buys = a.buy_lots[r0:r1].tolist()
    sells = a.sell_lots[r0:r1].tolist()
    buy_imb = a.buy_imbalance[r0:r1].tolist()
    sell_imb = a.sell_imbalance[r0:r1].tolist()
    sy, dy = geo.sy, geo.dy
    ys = [sy * (price + g) + dy for price in prices]  # = geo.y(price + g)
    cell_text = m.cell_text
    laid_out = texts.laid_out
    draw = p.drawStaticText
    point = QtCore.QPointF
    floor = math.floor
    strong: list[tuple[float, float, float, str, int, QtGui.QColor]] = []
    clip_lo, clip_hi = x_clip if x_clip is not None else (-math.inf, math.inf)
    p.setFont(texts.font)
    p.setPen(palette.TEXT)
    for j, y in enumerate(ys):
        left, right = cell_text(buys[j], sells[j])
        if two:
            if sell_imb[j]:
                strong.append((cx0, mid - pad, y, left, RIGHT, palette.SELL_STRONG))
            elif left:  # right-aligned at mid − pad
                st, w, th = laid_out(left, False)
                tx = floor(mid - pad - w + 0.5 + 1e-6)
                if clip_lo <= tx + w and tx <= clip_hi:
                    draw(point(tx, floor(y + (row_h - th) / 2 + 0.5 + 1e-6)), st)
            if buy_imb[j]:
                strong.append((mid + pad, cx1, y, right, LEFT, palette.BUY_STRONG))
            elif right:  # left-aligned at mid + pad
                st, w, th = laid_out(right, False)
                tx = floor(mid + pad + 0.5 + 1e-6)
                if clip_lo <= tx + w and tx <= clip_hi:
                    draw(point(tx, floor(y + (row_h - th) / 2 + 0.5 + 1e-6)), st)
        elif buy_imb[j] or sell_imb[j]:
            color = palette.BUY_STRONG if buy_imb[j] else palette.SELL_STRONG
            strong.append((cx0, cx1, y, right, CENTER, color))
        elif right:
            st, w, th = laid_out(right, False)
            tx = floor((cx0 + cx1 - w) / 2 + 0.5 + 1e-6)
            if clip_lo <= tx + w and tx <= clip_hi:
                draw(point(tx, floor(y + (row_h - th) / 2 + 0.5 + 1e-6)), st)
    if two:
        p.setPen(palette.TEXT_DIM)
        st, w, th = laid_out("×", False)
        x = floor((mid - pad + (mid + pad) - w) / 2 + 0.5 + 1e-6)
        if clip_lo <= x + w and x <= clip_hi:
            for y in ys:
                draw(point(x, floor(y + (row_h - th) / 2 + 0.5 + 1e-6)), st)
    if strong:  # as `StaticTexts.draw` would place them, in the bold font
        p.setFont(texts.bold)
        pen = None
        for x0, x1, y, label, place, color in strong:
            if not label:
                continue
            st, w, th = laid_out(label, True)
            x = x1 - w if place == RIGHT else x0 if place == LEFT else (x0 + x1 - w) / 2
            tx = floor(x + 0.5 + 1e-6)
            if clip_lo <= tx + w and tx <= clip_hi:
                if color is not pen:
                    p.setPen(color)
                    pen = color
                draw(point(tx, floor(y + (row_h - th) / 2 + 0.5 + 1e-6)), st)
