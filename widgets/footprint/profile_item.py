"""The session volume profile beside the footprint: a narrow histogram at the chart's right edge.

Volume at price since the session start (app/core/session_profile.py), grouped like the
footprint's cells, with the POC row in the highlight colour and the value area's high and low
(VAH, VAL) as labelled lines: where today's auction accepted price, next to the bars that are
forming now. Painted in device pixels (a fixed width at any zoom) and cached as one pixmap per
(profile version, zoom, size); a frame with new prints repaints only the strip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from app.core.session_profile import SessionProfile
from app.core.sessions import SessionSchedule
from app.core.tape import TradeColumns
from widgets.base import palette
from widgets.base.view_covering import ViewCoveringItem

I64 = npt.NDArray[np.int64]
STRIP_PX = 72  # the histogram's width
LABEL_FONT_PX = 10
VALUE_AREA_FRACTION = 0.7
VA_REFRESH_DIVISOR = 500  # the value area is found again once volume grew by 1/500 (0.2 %)
_IN_AREA = QtGui.QColor(125, 133, 144, 170)
_OUT_AREA = QtGui.QColor(125, 133, 144, 80)
_BACKDROP = QtGui.QColor(18, 20, 24, 225)


@dataclass(frozen=True, slots=True)
class ProfileShape:
    """What the strip shows, as values: the session's POC and value area (group keys), and the
    profile whose rows it draws (`rows(low, high)`: group keys and volumes)."""

    profile: SessionProfile
    poc_ticks: int | None
    val_ticks: int | None
    vah_ticks: int | None
    group_ticks: int

    def rows(self, low_ticks: int = -(2**62), high_ticks: int = 2**62) -> tuple[I64, I64]:
        return self.profile.rows(low_ticks, high_ticks)


class SessionProfileItem(ViewCoveringItem):
    """Covers the view; paints the strip at its right edge, above the statistics rows."""

    def __init__(self, bottom_px: Any) -> None:
        super().__init__()
        self._bottom_px = bottom_px  # () -> int: the statistics rows' height, kept clear
        self.shape_value: ProfileShape | None = None
        self._version = 0
        self._cache: tuple[tuple[Any, ...], QtGui.QPixmap] | None = None
        self.font = QtGui.QFont()
        self.font.setPixelSize(LABEL_FONT_PX)

    def set_shape(self, shape: ProfileShape | None) -> None:
        self.shape_value = shape
        self._version += 1
        self._cache = None
        vb = self.getViewBox()
        if vb is None:
            return
        r = vb.viewRect()
        w = STRIP_PX * abs(self.pixelWidth() or 0.0)
        self.update(QtCore.QRectF(r.right() - w, r.top(), w, r.height()))

    def strip_rect(self, area: QtCore.QRect) -> QtCore.QRect:
        """The strip in device pixels, given the view's device rect."""
        bottom = int(self._bottom_px())
        return QtCore.QRect(area.right() + 1 - STRIP_PX, area.top(), STRIP_PX, max(0, area.height() - bottom))

    def paint(self, p: QtGui.QPainter, *_: Any) -> None:
        vb = self.getViewBox()
        shape = self.shape_value
        if vb is None or shape is None or shape.poc_ticks is None:
            return
        t = p.worldTransform()
        area = t.mapRect(vb.viewRect()).normalized().toAlignedRect()
        strip = self.strip_rect(area)
        if strip.height() <= 0:
            return
        key = (self._version, t.m22(), t.m32(), strip.getRect())
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._render(shape, t.m22(), t.m32() - strip.top(), strip))
        p.save()
        p.resetTransform()
        p.drawPixmap(strip.topLeft(), self._cache[1])
        p.restore()

    def _render(self, shape: ProfileShape, sy: float, dy: float, strip: QtCore.QRect) -> QtGui.QPixmap:
        """The strip's pixels: y(price) = sy·price + dy inside the pixmap (sy < 0: y up)."""
        pix = QtGui.QPixmap(strip.width(), strip.height())
        pix.fill(_BACKDROP)
        p = QtGui.QPainter(pix)
        g = shape.group_ticks
        h = strip.height()
        # the visible rows only: y(top of key + g) < h and y(key) > 0
        keys, vols = shape.rows(math.floor((h - dy) / sy) - g, math.ceil(-dy / sy) + g)
        # scaled to the rows in view: at one-tick grouping a session spans hundreds of rows, and
        # against the POC far off screen the rows beside the bars would be a pixel wide
        top_vol = int(vols.max()) if vols.size else 0
        width = strip.width() - 2
        va_lo = shape.val_ticks if shape.val_ticks is not None else 0
        va_hi = shape.vah_ticks if shape.vah_ticks is not None else -1
        for key, vol in zip(keys.tolist(), vols.tolist(), strict=True):
            if vol <= 0 or top_vol <= 0:
                continue
            y0, y1 = sy * (key + g) + dy, sy * key + dy
            bar_h = max(1.0, y1 - y0 - (1.0 if y1 - y0 >= 4 else 0.0))
            bar_w = max(1.0, width * vol / top_vol)
            if key == shape.poc_ticks:
                colour = palette.HIGHLIGHT
            else:
                colour = _IN_AREA if va_lo <= key <= va_hi else _OUT_AREA
            p.fillRect(QtCore.QRectF(strip.width() - 1 - bar_w, y0, bar_w, bar_h), colour)
        p.setFont(self.font)
        lines = (("VAH", shape.vah_ticks, g), ("VAL", shape.val_ticks, 0), ("POC", shape.poc_ticks, None))
        for label, price, edge in lines:
            if price is None:
                continue
            y = sy * (price + (g / 2 if edge is None else edge)) + dy
            if not -LABEL_FONT_PX <= y <= h + LABEL_FONT_PX:
                continue
            if edge is not None:
                pen = QtGui.QPen(palette.TEXT, 0)
                pen.setStyle(QtCore.Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(QtCore.QPointF(0, y), QtCore.QPointF(strip.width(), y))
            p.setPen(palette.BACKGROUND if edge is None else palette.TEXT)  # POC: dark on its yellow row
            text_y = y + LABEL_FONT_PX / 2 - 1 if edge is None else y - 2 if edge == g else y + LABEL_FONT_PX
            p.drawText(QtCore.QPointF(2, text_y), label)
        p.setPen(palette.GRID)
        p.drawLine(0, 0, 0, h)
        p.end()
        return pix


class FootprintSessionProfile:
    """The footprint's session profile: fed from the chart's prints, shown by its item."""

    def __init__(self, vb: pg.ViewBox, bottom_px: Any) -> None:
        self.item = SessionProfileItem(bottom_px)
        self.item.setZValue(5)  # over the bars (the chart keeps its newest bar clear of the strip)
        vb.addItem(self.item, ignoreBounds=True)
        self._profile = SessionProfile()
        self._drawn_version = -1
        self._va: tuple[int, int] | None = None
        self._va_at: tuple[int, int | None, int] = (-1, None, 0)  # (session, POC, volume) it was found at
        self.visible = True

    def reset(self, group_ticks: int, sessions: SessionSchedule, prints: TradeColumns) -> None:
        self._profile = SessionProfile(sessions, group_ticks)
        self._drawn_version = -1
        self._va_at = (-1, None, 0)
        self.feed(prints)
        self.draw()

    def feed(self, prints: TradeColumns) -> None:
        if prints.size:
            self._profile.add_trades(prints.exchange_ns, prints.price_ticks, prints.qty_lots, prints.side)

    def advance_to(self, now_ns: int) -> None:
        if now_ns > 0:
            self._profile.advance_to(now_ns)

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        self.item.setVisible(visible)

    def margin_bars(self, bars_in_view: float, view_px: float) -> float:
        """How many bars wide the strip is, for the chart to keep its newest bar clear of it."""
        if not self.visible or view_px <= 0:
            return 0.0
        return STRIP_PX * bars_in_view / view_px

    def draw(self) -> bool:
        """Give the item the profile's shape if the profile changed; True if it did."""
        sp = self._profile
        if sp.version == self._drawn_version:
            return False
        self._drawn_version = sp.version
        va = self._value_area()
        val, vah = (None, None) if va is None else va
        self.item.set_shape(ProfileShape(sp, sp.poc_ticks, val, vah, sp.profile.group_ticks))
        return True

    def _value_area(self) -> tuple[int, int] | None:
        """The value area, found again only when the POC moved, the session changed or the volume
        grew by VA_REFRESH_FRACTION since: the walk costs milliseconds on a day of one-tick rows,
        and a value area moves by a row only after a good share of new volume."""
        sp = self._profile
        session, poc, volume = self._va_at
        now = sp.profile.volume_lots
        fresh = session == sp.session_id and poc == sp.poc_ticks and (now - volume) * VA_REFRESH_DIVISOR < now
        if not fresh:
            self._va = sp.value_area(VALUE_AREA_FRACTION)
            self._va_at = (sp.session_id if sp.session_id is not None else -1, sp.poc_ticks, now)
        return self._va
