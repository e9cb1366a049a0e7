"""The footprint chart's one painting item: cells, candles, POC, value area, zones, statistics.

Everything is drawn in device pixels (after `resetTransform`) so text stays crisp and rects are
never negative in the y-up ViewBox. Closed bars never change, so they are drawn once into a
pixmap "layer" keyed by the view rectangle, and each frame only blits it and draws the open bar,
the zones and the open bar's statistics column on top. Cell backgrounds of a bar are one small
QImage (one pixel per price group) scaled onto the column: one draw call per bar at any zoom.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.footprint_view_model import BarAnalysis, intensity
from widgets.base import palette
from widgets.base.cache import BoundedCache
from widgets.footprint.cells_paint import CENTER, Geo, StaticTexts, paint_cell_texts, rows_in
from widgets.footprint.model import STATS_LABELS, FootprintModel
from widgets.footprint.open_column import (
    OpenColumn,
    RowState,
    candle_span,
    changed_groups,
    row_bands,
    row_state,
    zone_spans,
)
from widgets.footprint.zone_paint import ZoneOp, draw_zone_ops, zone_ops

_MIN_TEXT_ROW_PX = 11.0
_MIN_TEXT_COL_PX = {True: 84.0, False: 40.0}  # bid_ask needs two numbers side by side
_STATS_COL_MIN_PX = 34.0
_MIN_ZONE_BAR_PX = 12.0
_LABEL_W_PX = 64


def _edges(r: QtCore.QRectF) -> tuple[float, float, float, float]:
    return r.left(), r.top(), r.width(), r.height()


_TILE_PX = 256  # closed bars are cached in bands this tall, anchored to the price
_MAX_TILES = 48


class _Layer:
    """The closed bars as pixels, in bands of `_TILE_PX` rows anchored to the price, for one
    `key` (x range, zoom, size, bars in view, settings).

    Band i holds the rows that were device rows i·T .. (i+1)·T when the price-0 row sat at
    `dy`; once the chart has moved by whole pixels, the bands are the same pixels drawn that
    much lower or higher. A move (the chart following the price) then blits two or three bands
    and draws only bands it has never shown, and a price that swings back finds its bands drawn.
    """

    __slots__ = ("dy", "key", "stats", "tiles")

    def __init__(self, key: tuple[Any, ...], dy: float) -> None:
        self.key = key
        self.dy = dy
        self.tiles: BoundedCache[int, QtGui.QPixmap] = BoundedCache(_MAX_TILES)
        self.stats: QtGui.QPixmap | None = None  # the closed bars' statistics (fixed at the bottom)


def _argb(color: QtGui.QColor) -> tuple[int, int, int, int]:
    return color.alpha(), color.red(), color.green(), color.blue()


class FootprintItem(pg.GraphicsObject):  # type: ignore[misc]
    """Paints the model; `stats_height_px` is how much of the bottom the statistics panel takes."""

    def __init__(self, model: FootprintModel) -> None:
        super().__init__()
        self.model = model
        self._images: BoundedCache[tuple[int, str], QtGui.QImage] = BoundedCache(4 * model.series.max_bars)
        self._open_image: tuple[tuple[int, int, str], QtGui.QImage, npt.NDArray[np.uint32]] | None = None
        self._column = OpenColumn()
        self._layer: _Layer | None = None
        self._live_zones: tuple[tuple[Any, ...], list[ZoneOp]] | None = None
        self.font = QtGui.QFont()
        self.font.setPixelSize(11)
        self.bold = QtGui.QFont(self.font)
        self.bold.setBold(True)
        self._fm = QtGui.QFontMetricsF(self.font)
        self.row_px = math.ceil(self._fm.height()) + 2
        # the paint reads option.exposedRect: what Qt repaints, not the whole view
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._texts = StaticTexts(self.font, self.bold)

    def set_model(self, model: FootprintModel) -> None:
        self.model = model
        self._images.limit = 4 * model.series.max_bars
        self.invalidate()

    def invalidate(self) -> None:
        """Drop every cache (new model, or a style setting changed)."""
        self._images.clear()
        self._open_image = None
        self._layer = None
        self._live_zones = None
        self._column.invalidate()
        self.update()

    def update_live(self, whole: bool) -> None:
        """Mark what a frame's new prints can change: only the open bar's column and what lies to
        its right (its statistics, zones it starts or ends), unless a bar closed or opened (`whole`).

        Qt then repaints that column alone: the closed bars' pixels are not even blitted again.
        """
        vb = self.getViewBox()
        m = self.model
        if whole or vb is None or m.series.open_bar is None:
            self.update()
            return
        view = vb.viewRect()
        x0 = max(view.left(), m.last_index - 0.5)
        if x0 < view.right():
            self.update(QtCore.QRectF(x0, view.top(), view.right() - x0, view.height()))

    @property
    def stats_height_px(self) -> int:
        return self.row_px * 7 if self.model.settings.show_stats else 0

    # -- QGraphicsItem -------------------------------------------------------------------------

    def boundingRect(self) -> QtCore.QRectF:
        vb = self.getViewBox()
        return vb.viewRect() if vb is not None else QtCore.QRectF()

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()

    def paint(
        self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem | None = None, *_: Any
    ) -> None:
        """Draws what the exposed rect needs: on a frame that changed only the open bar, Qt repaints
        its column alone (`update_live`), and the closed bars' bands, the zones and the statistics
        outside it are neither blitted nor walked."""
        vb = self.getViewBox()
        if vb is None:
            return
        t = p.worldTransform()  # not deviceTransform: that adds the offset of a window grab twice
        geo = Geo(t.m11(), t.m31(), t.m22(), t.m32())
        area = t.mapRect(vb.viewRect()).normalized().toAlignedRect()
        ex = option.exposedRect if option is not None else None
        # device pixels the paint must cover (a pixel of margin for rounding); None: all
        exposed = None if ex is None or ex.isEmpty() else t.mapRect(ex).normalized().adjusted(-1, -1, 1, 1)
        p.save()
        p.resetTransform()
        m = self.model
        view = vb.viewRect()
        first = max(m.first_index, math.floor(view.left() - 0.5))
        last = min(m.last_index, math.ceil(view.right() + 0.5))
        open_index = m.last_index if m.series.open_bar is not None else None
        last_closed = last if open_index is None or last < open_index else open_index - 1
        cells_clip = QtCore.QRect(area.left(), area.top(), area.width(), area.height() - self.stats_height_px)

        key = (
            view.left(),
            view.width(),
            geo.sy,
            area.getRect(),
            first,
            last_closed,
            m.settings,
            id(m),
        )
        cells_h = cells_clip.height()
        layer = self._layer
        d = round(geo.dy - layer.dy) if layer is not None and layer.key == key else 0
        if layer is None or layer.key != key or abs(geo.dy - layer.dy - d) > 1e-3:
            layer = self._layer = _Layer(key, geo.dy)
            d = 0
        # the open bar's column, kept as pixels and redrawn where its rows changed (open_column.py)
        column = None
        if open_index is not None and first <= open_index <= last:
            left = max(cells_clip.left(), math.floor(geo.x(open_index - 1)))
            column = QtCore.QRect(left, cells_clip.top(), cells_clip.right() + 1 - left, cells_clip.height())
            if column.isEmpty() or (exposed is not None and exposed.right() < column.left()):
                column = None
        p.setClipRect(cells_clip)
        if column is None or exposed is None or exposed.left() < column.left():  # else it covers them
            self._blit_tiles(
                p,
                layer,
                d,
                geo,
                view=view,
                area=area,
                rows=(area.top(), area.top() + cells_h - 1),
                exposed=exposed,
                first=first,
                last=last_closed,
            )
        p.setClipping(False)
        stats_top = area.bottom() + 1 - self.stats_height_px
        in_stats = self.stats_height_px > 0 and (exposed is None or exposed.bottom() >= stats_top)
        if in_stats:
            if layer.stats is None:
                layer.stats = self._render_stats(geo, area, first, last_closed)
            p.drawPixmap(QtCore.QPoint(area.left(), stats_top), layer.stats)
        p.setClipRect(cells_clip)
        if column is None or exposed is None or exposed.left() < column.left():
            self._paint_zones(p, geo, view, area, final=False, exposed=exposed)
        if column is not None and open_index is not None:
            self._paint_open_column(
                p,
                column,
                geo,
                view=view,
                area=area,
                layer=layer,
                d=d,
                k=open_index,
                first=first,
                last=last_closed,
            )
            p.setClipping(False)
            if in_stats:
                self._paint_stats(p, geo, area, open_index, open_index, labels=False)
        p.restore()

    def _blit_tiles(
        self,
        p: QtGui.QPainter,
        layer: _Layer,
        d: int,
        geo: Geo,
        *,
        view: QtCore.QRectF,
        area: QtCore.QRect,
        rows: tuple[int, int],
        exposed: QtCore.QRectF | None,
        first: int,
        last: int,
    ) -> None:
        """The closed bars' bands over device rows rows[0]..rows[1] (only the exposed ones)."""
        top = rows[0] - d  # in the layer's rows
        bottom = rows[1] - d
        if exposed is not None:  # only the bands under the exposed rows
            top = max(top, math.floor(exposed.top()) - d)
            bottom = min(bottom, math.ceil(exposed.bottom()) - d)
        for i in range(math.floor(top / _TILE_PX), math.floor(bottom / _TILE_PX) + 1):
            tile = layer.tiles.get(i)
            if tile is None:
                tile = layer.tiles.put(
                    i, self._render_tile(i, layer.dy, geo, view=view, area=area, first=first, last=last)
                )
            p.drawPixmap(QtCore.QPoint(area.left(), i * _TILE_PX + d), tile)

    def _paint_open_column(
        self,
        p: QtGui.QPainter,
        column: QtCore.QRect,
        geo: Geo,
        *,
        view: QtCore.QRectF,
        area: QtCore.QRect,
        layer: _Layer,
        d: int,
        k: int,
        first: int,
        last: int,
    ) -> None:
        """Blit the open bar's column after bringing its pixels up to date: the bands, the live
        zones and the open bar, composed as the paint composes them, in the rects that changed."""
        a = self.model.analysis(k)
        if a is None or not a.price_ticks.size:
            self._paint_bar(p, geo, k, view)
            return
        self._image(a)
        assert self._open_image is not None
        state = row_state(a, self._open_image[2]) if not a.closed else None
        zs = self.model.zone_set()
        g = a.group_ticks
        # what the pixels depend on but the price the chart follows (geo.dy: a move scrolls them)
        key = (
            id(layer),
            geo.sx,
            geo.dx,
            geo.sy,
            area.getRect(),
            view.left(),
            view.width(),
            view.height(),
            self.model.settings,
            zs.version,
            k,
            id(self.model),
        )
        cx1 = geo.x(k + 0.46)
        x_left = geo.x(k - 0.46)
        candle_w = max(1.0, min(6.0, geo.sx * 0.06))

        def damage(old: RowState, new: RowState, own_changed: bool) -> list[QtCore.QRect]:
            keys = changed_groups(old, new, g)
            if keys is None:
                return [QtCore.QRect()]
            rows_px = round(8 * -geo.sy * g)  # cells this close are drawn in one pass
            rects = row_bands(keys, keys + g, geo.sy, geo.dy, column, merge_px=rows_px)
            span = candle_span(old.candle, new.candle)
            if span is not None:  # the candle, left of the cells
                c0 = max(column.left(), math.floor(x_left) - 1)
                strip = QtCore.QRect(c0, column.top(), math.ceil(x_left + candle_w) + 2 - c0, column.height())
                lo, hi = np.array([span[0]], dtype=np.int64), np.array([span[1]], dtype=np.int64)
                rects += row_bands(lo, hi, geo.sy, geo.dy, strip)
            if own_changed:  # the bar's own zones, right of its cells: where they were and are
                c0 = max(column.left(), math.floor(cx1) - 1)
                strip = QtCore.QRect(c0, column.top(), column.right() + 1 - c0, column.height())
                lo, hi = zone_spans([*self._column.own, *zs.own])
                rects += row_bands(lo, hi, geo.sy, geo.dy, strip)
            return [r for r in rects if not r.isEmpty()]

        def compose(cp: QtGui.QPainter, clip: QtCore.QRect) -> None:
            self._blit_tiles(
                cp,
                layer,
                d,
                geo,
                view=view,
                area=area,
                rows=(clip.top(), clip.bottom()),
                exposed=None,
                first=first,
                last=last,
            )
            self._paint_zones(cp, geo, view, area, final=False, exposed=QtCore.QRectF(clip))
            spill = g  # the row just outside the clip: its text may reach 2 px into it
            low = (clip.bottom() + 1 - geo.dy) / geo.sy - spill
            high = (clip.top() - geo.dy) / geo.sy + spill
            band = QtCore.QRectF(view.left(), low, view.width(), high - low)
            self._paint_bar(cp, geo, k, band, x_clip=(clip.left() - 1.0, clip.right() + 2.0))

        if state is None:
            self._paint_bar(p, geo, k, view)
            return
        self._column.update(key, column, state, dy=geo.dy, own=zs.own, damage=damage, compose=compose)
        assert self._column.pixmap is not None
        p.drawPixmap(column.topLeft(), self._column.pixmap)

    def _render_tile(
        self, i: int, dy: float, geo: Geo, *, view: QtCore.QRectF, area: QtCore.QRect, first: int, last: int
    ) -> QtGui.QPixmap:
        """Band i of the closed bars first..last, drawn as they were when price 0 sat at `dy`."""
        w = max(1, area.width())
        tile = QtGui.QPixmap(w, _TILE_PX)
        tile.fill(palette.BACKGROUND)  # opaque (the plot's own background): the blit is a copy
        top = i * _TILE_PX
        then = Geo(geo.sx, geo.dx, geo.sy, dy)
        lp = QtGui.QPainter(tile)
        lp.translate(-area.left(), -top)
        lp.setClipRect(QtCore.QRect(area.left(), top, w, _TILE_PX))
        # y up: the band's bottom row is its low price; a row beyond each edge is drawn too, for
        # the text and outlines that spill over a cell's edge into the band
        spill = 2 * self.model.settings.group_ticks
        low = (top + _TILE_PX - dy) / geo.sy - spill
        high = (top - dy) / geo.sy + spill
        band = QtCore.QRectF(view.left(), low, view.width(), high - low)
        self._paint_closed(lp, then, band, area, range(first, last + 1))
        lp.end()
        return tile

    def _render_stats(self, geo: Geo, area: QtCore.QRect, first: int, last: int) -> QtGui.QPixmap:
        stats = QtGui.QPixmap(max(1, area.width()), self.stats_height_px)
        stats.fill(palette.PANEL)
        sp = QtGui.QPainter(stats)
        sp.translate(-area.left(), -(area.bottom() + 1 - self.stats_height_px))
        self._paint_stats(sp, geo, area, first, last, labels=True)
        sp.end()
        return stats

    def _paint_closed(
        self, p: QtGui.QPainter, geo: Geo, view: QtCore.QRectF, area: QtCore.QRect, bars: range
    ) -> None:
        """Closed bars first..last and the zones that no longer change, inside `view` (price rows)."""
        for k in bars:
            self._paint_bar(p, geo, k, view)
        self._paint_zones(p, geo, view, area, final=True)

    # -- text --------------------------------------------------------------------------------

    # -- bars ----------------------------------------------------------------------------------

    def _image(self, a: BarAnalysis) -> QtGui.QImage:
        """Cell backgrounds of a bar: one pixel per group, low price at the bottom row."""
        mode = self.model.settings.color_by
        if a.closed:
            cached = self._images.get((a.index, mode))
            if cached is not None:
                return cached
        elif self._open_image is not None and self._open_image[0] == (a.index, self.model.version, mode):
            return self._open_image[1]
        g = a.group_ticks
        prices = a.price_ticks
        n = int((prices[-1] - prices[0]) // g) + 1 if prices.size else 1
        rows = (prices[-1] - prices) // g if prices.size else prices  # row 0 = top = highest price
        if mode == "delta":
            strength = intensity(a.delta_lots, a.max_abs_delta_lots)
            buy_side = a.delta_lots >= 0
        else:
            strength = intensity(a.volume_lots, a.max_volume_lots)
            buy_side = a.buy_lots >= a.sell_lots
        buf = np.zeros(n, dtype=np.uint32)
        for side_mask, color in ((buy_side, palette.BUY), (~buy_side, palette.SELL)):
            _, r, gr, b = _argb(color)
            alpha = (30 + 150 * strength[side_mask]).astype(np.uint32)  # premultiplied ARGB
            px = (alpha << 24) | ((r * alpha // 255) << 16) | ((gr * alpha // 255) << 8) | (b * alpha // 255)
            buf[rows[side_mask]] = px
        img = QtGui.QImage(buf.tobytes(), 1, n, 4, QtGui.QImage.Format.Format_ARGB32_Premultiplied).copy()
        if a.closed:
            self._images.put((a.index, mode), img)
        else:
            self._open_image = ((a.index, self.model.version, mode), img, buf)
        return img

    def _paint_bar(
        self,
        p: QtGui.QPainter,
        geo: Geo,
        k: int,
        view: QtCore.QRectF,
        x_clip: tuple[float, float] | None = None,
    ) -> None:
        """Bar k's rows inside `view`; `x_clip`: device x range the painter is clipped to (texts
        wholly outside it are not drawn)."""
        a = self.model.analysis(k)
        if a is None or not a.price_ticks.size:
            return
        s = self.model.settings
        g = a.group_ticks
        col_w = geo.sx
        candle_w = max(1.0, min(6.0, col_w * 0.06))
        x_left = geo.x(k - 0.46)
        cx0 = x_left + candle_w + max(1.0, col_w * 0.02)
        cx1 = geo.x(k + 0.46)
        cw = cx1 - cx0
        row_h = -geo.sy * g
        top_key = int(a.price_ticks[-1])
        bottom_key = int(a.price_ticks[0])
        # visible rows only (row 0 = top group)
        vis_hi = min(top_key, math.floor(view.bottom()))
        vis_lo = max(bottom_key, math.floor(view.top()))
        if vis_lo > vis_hi + g - 1:
            return
        if s.show_value_area:
            va_lo, va_hi = a.value_area
            p.fillRect(
                QtCore.QRectF(cx0, geo.y(va_hi + g), cw, (va_hi + g - va_lo) * -geo.sy).normalized(),
                palette.VALUE_AREA,
            )
            p.setPen(QtGui.QPen(palette.TEXT_DIM, 0))
            p.drawLine(QtCore.QPointF(cx1 + 1, geo.y(va_hi + g)), QtCore.QPointF(cx1 + 1, geo.y(va_lo)))
        y_top = geo.y(top_key + g)
        # the whole column (the clip cuts it): where its row edges round to pixels must not depend
        # on which rows are in view, or moving the cached pixels would not equal a redraw
        n_rows = (top_key - bottom_key) // g + 1
        target = QtCore.QRectF(cx0, y_top, cw, n_rows * row_h)
        p.drawImage(target, self._image(a), QtCore.QRectF(0, 0, 1, n_rows))
        # OHLC candle: wick over the traded range, body open..close, at the bar's left side
        up = a.close_ticks >= a.open_ticks
        color = palette.BUY if up else palette.SELL
        wick_x = x_left + candle_w / 2
        p.setPen(QtGui.QPen(color, 0))
        p.drawLine(
            QtCore.QPointF(wick_x, geo.y(a.low_ticks)), QtCore.QPointF(wick_x, geo.y(a.high_ticks + 1))
        )
        lo_b, hi_b = min(a.open_ticks, a.close_ticks), max(a.open_ticks, a.close_ticks)
        p.fillRect(QtCore.QRectF(x_left, geo.y(hi_b + 1), candle_w, (hi_b + 1 - lo_b) * -geo.sy), color)
        if row_h >= 3 and cw >= 4:
            self._paint_marks(p, a, geo, cx0=cx0, cx1=cx1, row_h=row_h, lo=vis_lo, hi=vis_hi)
        if row_h >= _MIN_TEXT_ROW_PX and cw >= _MIN_TEXT_COL_PX[s.cell_mode == "bid_ask"]:
            paint_cell_texts(
                p,
                a,
                self.model,
                self._texts,
                geo,
                cx0=cx0,
                cx1=cx1,
                row_h=row_h,
                lo=vis_lo,
                hi=vis_hi,
                x_clip=x_clip,
            )
        # POC outline last, over everything of the bar
        p.setPen(QtGui.QPen(palette.HIGHLIGHT, 0))
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        p.drawRect(QtCore.QRectF(cx0, geo.y(a.poc_ticks + g), cw - 1, max(1.0, row_h - 1)))

    def _paint_marks(
        self,
        p: QtGui.QPainter,
        a: BarAnalysis,
        geo: Geo,
        *,
        cx0: float,
        cx1: float,
        row_h: float,
        lo: int,
        hi: int,
    ) -> None:
        """Imbalances as strips on the side that was aggressive (sell: left, buy: right)."""
        g = a.group_ticks
        w = max(2.0, min(3.0, (cx1 - cx0) * 0.05))
        prices = a.price_ticks
        for i in rows_in(a, lo, hi):
            if a.sell_imbalance[i]:
                p.fillRect(QtCore.QRectF(cx0, geo.y(int(prices[i]) + g), w, row_h), palette.SELL_STRONG)
            if a.buy_imbalance[i]:
                p.fillRect(QtCore.QRectF(cx1 - w, geo.y(int(prices[i]) + g), w, row_h), palette.BUY_STRONG)

    def _paint_zones(
        self,
        p: QtGui.QPainter,
        geo: Geo,
        view: QtCore.QRectF,
        area: QtCore.QRect,
        *,
        final: bool,
        exposed: QtCore.QRectF | None = None,
    ) -> None:
        """Zones retested by a closed bar never change (`final`: drawn into the layer); the rest live.

        The live ones are laid out in device pixels once per (zones, geometry) and then only drawn:
        a frame that moved nothing but the open bar does not walk hundreds of naked zones again."""
        s = self.model.settings
        if not (s.show_stacked or s.show_naked_poc) or geo.sx < _MIN_ZONE_BAR_PX:
            return  # an overview of hundreds of bars: zone lines would hide the bars
        zs = self.model.zone_set()
        if final:
            ops = zone_ops(zs.final, s, geo, view, area)
        else:
            key = (zs.version, geo, area.getRect(), _edges(view), s)
            if self._live_zones is None or self._live_zones[0] != key:
                self._live_zones = (key, zone_ops(zs.naked, s, geo, view, area))
            ops = self._live_zones[1] + zone_ops(zs.own, s, geo, view, area)
        draw_zone_ops(p, ops, exposed)

    # -- statistics ----------------------------------------------------------------------------

    def _paint_stats(
        self, p: QtGui.QPainter, geo: Geo, area: QtCore.QRect, first: int, last: int, *, labels: bool
    ) -> None:
        if not self.model.settings.show_stats:
            return
        rh = self.row_px
        top = area.bottom() + 1 - self.stats_height_px
        if labels:
            p.fillRect(QtCore.QRect(area.left(), top, area.width(), self.stats_height_px), palette.PANEL)
            p.setPen(palette.GRID)
            p.drawLine(area.left(), top, area.right(), top)
        rows = self.model.stats_rows(first, last)
        col_w = geo.sx
        p.setFont(self.font)
        if not labels and rows and rows[0].bar_indexes:
            k = rows[0].bar_indexes[0]
            p.fillRect(QtCore.QRectF(geo.x(k - 0.5), top + 1, col_w, self.stats_height_px - 1), palette.PANEL)
        if col_w >= _STATS_COL_MIN_PX:
            for r, row in enumerate(rows):
                y = top + r * rh
                for k, value, text in zip(row.bar_indexes, row.values, row.texts, strict=True):
                    color = palette.TEXT
                    if r in (1, 2, 3, 4) and value:
                        color = palette.BUY if value > 0 else palette.SELL
                    p.setPen(color)
                    x0 = geo.x(k - 0.5)
                    if labels:  # closed bars: their texts never change, lay them out once
                        self._texts.draw(p, x0, x0 + col_w, y, text, h=rh, place=CENTER, bold=False)
                    else:  # the open bar's values change every frame: a cached layout would not be reused
                        p.drawText(QtCore.QRectF(x0, y, col_w, rh), QtCore.Qt.AlignmentFlag.AlignCenter, text)
        if labels:
            p.fillRect(QtCore.QRect(area.left(), top + 1, _LABEL_W_PX, self.stats_height_px), palette.PANEL)
            p.setPen(palette.TEXT_DIM)
            align = QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter
            for r, label in enumerate(STATS_LABELS):
                p.drawText(QtCore.QRectF(area.left() + 4, top + r * rh, _LABEL_W_PX - 4, rh), align, label)
