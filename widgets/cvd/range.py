"""Where the CVD chart's view goes: the x window that follows the newest bar, and a calm y fit.

Every range change makes pyqtgraph re-lay out and re-render its axes and the whole pane
(~2-5 ms), so the x window only moves when a bar opens, and the y range only changes when the
bars leave it or use much less than it: most frames then repaint just the open bar.
"""

from __future__ import annotations

FIT_SLACK = 0.15  # a re-fit leaves this fraction of the data span free on each side...
MIN_FILL = 0.5  # ...and holds until the data (with its pads) fills less than this of the range


def follow_x_range(
    first_x_s: float,
    last_x_s: float,
    bar_s: float,
    follow_bars: int,
    margin_bars: int,
    *,
    min_bars: int = 30,
) -> tuple[float, float]:
    """The x window (seconds) that follows the newest bar centred at `last_x_s`.

    With fewer bars than `follow_bars` the window fits the bars that exist (half a bar of room
    on the left, a little room on the right for the next bar) and grows with them until it
    holds `follow_bars`, then slides: a fresh replay is not a couple of bars squeezed at the
    right edge of two empty hours. It is never narrower than `min_bars`, so that three bars are
    not three candles a third of the screen wide: bar width stays what a chart reader expects.
    """
    held_bars = (last_x_s - first_x_s) / bar_s + 1
    margin = min(float(margin_bars), max(1.0, held_bars / 4))
    x1 = last_x_s + margin * bar_s
    slid_x0 = x1 - (follow_bars + margin) * bar_s
    fit_x0 = min(first_x_s - bar_s, x1 - min_bars * bar_s)
    return max(slid_x0, fit_x0), x1


def fit_y_range(
    lo: float,
    hi: float,
    current: tuple[float, float],
    height_px: float,
    *,
    pad_top_px: float,
    pad_bottom_px: float,
) -> tuple[float, float] | None:
    """A new y range for data in [lo, hi], or None when `current` still shows it well.

    The range keeps fixed pixel room above (header, bearish marks) and below (bullish marks).
    It is kept while the data and its room fit inside it and fill at least MIN_FILL of it; a
    re-fit leaves FIT_SLACK of slack each side so that the next few ticks do not move it again.
    """
    span = max(hi - lo, 1.0)
    h_px = max(height_px, 2.0 * (pad_top_px + pad_bottom_px))
    per_px = span / (h_px - pad_top_px - pad_bottom_px)
    need_lo, need_hi = lo - pad_bottom_px * per_px, hi + pad_top_px * per_px
    c0, c1 = current
    if c0 <= need_lo and need_hi <= c1 and (need_hi - need_lo) >= MIN_FILL * (c1 - c0):
        return None
    slack = FIT_SLACK * span
    return need_lo - slack, need_hi + slack
