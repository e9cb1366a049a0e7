"""A bounded memo for the views' formatted texts, laid-out strings and images.

The views cache what is costly to make per row or per cell (Decimal formatting, text layout,
bar images) by a key that recurs frame after frame. Those keys drift with the market, so every
cache must stay bounded; forgetting everything when full costs one frame of rebuilding and
nothing per hit (an LRU would pay a bookkeeping step on every look-up, thousands a frame).
A plain `dict.get` stays the look-up: only inserting goes through `put`.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(dict[K, V], Generic[K, V]):
    """A dict that is cleared before an insert once it holds more than `limit` entries."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        """Store and return `value` (clearing the whole cache first if it is over its limit)."""
        if len(self) > self.limit:
            self.clear()
        self[key] = value
        return value
