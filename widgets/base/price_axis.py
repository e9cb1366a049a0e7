"""The price axis of the charts: values in ticks, labelled with the instrument's own price text."""

from __future__ import annotations

import math
from typing import Any

from app.core.instrument import Instrument
from widgets.base.painted_axis import PaintedAxis

_MIN_LABEL_GAP_PX = 22
_GROUP_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 100_000)


class PriceAxis(PaintedAxis):
    """Right axis in ticks; a price reads as in every other view (the instrument's price text).

    With `group_ticks` set (the footprint), a label sits at the centre of a price group's row and
    names the group's low price, every so many groups; without it (the CVD price pane), pyqtgraph
    picks round values.
    """

    def __init__(
        self, instrument: Instrument | None = None, group_ticks: int | None = None, **kw: Any
    ) -> None:
        super().__init__("right", **kw)
        self.instrument = instrument
        self.group_ticks = group_ticks

    def show_prices(self, instrument: Instrument | None, group_ticks: int | None = None) -> None:
        """Label for another instrument or grouping (drops the drawn labels)."""
        if (instrument, group_ticks) != (self.instrument, self.group_ticks):
            self.instrument, self.group_ticks = instrument, group_ticks
            self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N803
        g = self.group_ticks
        if g is None:
            return super().tickValues(minVal, maxVal, size)  # type: ignore[no-any-return]
        if size <= 0 or maxVal <= minVal:
            return []
        px_per_tick = size / (maxVal - minVal)
        step = g
        for mult in _GROUP_STEPS:
            step = g * mult
            if step * px_per_tick >= _MIN_LABEL_GAP_PX:
                break
        first = math.floor(minVal / step) * step
        values = [first + i * step + g / 2 for i in range(int((maxVal - first) / step) + 2)]
        return [(float(step), [v for v in values if minVal <= v <= maxVal])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        inst = self.instrument
        if inst is None:
            return ["" for _ in values]
        half = (self.group_ticks or 0) / 2
        return [inst.price_str(round(v - half)) for v in values]
