"""The calm bar scale of the DOM ladder: bars that do not rescale every time a big order flickers."""

from __future__ import annotations

from app.core.units import NS_PER_S

SCALE_GROW_NS = 1 * NS_PER_S  # market time a size must exceed the bar scale before it grows
SCALE_SHRINK_NS = 5 * NS_PER_S  # ... or stay under 40 % of it before it shrinks


class CalmScale:
    """The size that fills a bar: a round number near the largest visible size, changed only when the
    largest size has been out of range for a while (bars over it are clamped meanwhile).

    A big order flickering in and out of the book would otherwise rescale, and repaint, every bar
    several times a second; a calm scale also reads better.
    """

    __slots__ = ("_off_since_ns", "lots")

    def __init__(self) -> None:
        self.lots = 0
        self._off_since_ns: int | None = None

    def update(self, max_lots: int, now_ns: int) -> bool:
        """Follow `max_lots` at market time `now_ns`; True if the scale changed."""
        if max_lots <= 0 or (max_lots <= self.lots and max_lots * 5 > self.lots * 2):
            self._off_since_ns = None  # in range: bars between 40 % and 100 % of the column
            return False
        if self.lots and self._off_since_ns is None:
            self._off_since_ns = now_ns
        wait_ns = SCALE_GROW_NS if max_lots > self.lots else SCALE_SHRINK_NS
        if self.lots and now_ns - (self._off_since_ns or now_ns) < wait_ns:
            return False
        self.lots = nice_ceiling(max_lots)
        self._off_since_ns = None
        return True


def nice_ceiling(lots: int) -> int:
    """The smallest of 1, 1.5, 2, 3, 5, 7.5 × 10^k lots at or above `lots`."""
    magnitude = 1
    while True:
        for step in (10, 15, 20, 30, 50, 75):
            value = step * magnitude // 10
            if value >= lots:
                return value
        magnitude *= 10
