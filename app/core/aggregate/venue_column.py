"""The merged tape's venue column: which leg each print came from, beside the tape's own columns.

`Tape` keeps six fixed columns for every market; only an aggregate needs a seventh. A ring of
the same capacity, written with the same batches, gives print i of the tape its venue at the
same place, one byte a print.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I8 = npt.NDArray[np.int8]


class VenueColumn:
    """Venue ids (int8, leg order) of the newest `capacity` prints; `total` counts all of them."""

    __slots__ = ("_data", "_head", "capacity", "total")

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._data = np.zeros(capacity, np.int8)
        self._head = 0
        self.total = 0

    def __len__(self) -> int:
        return min(self.total, self.capacity)

    def extend(self, venues: I8) -> None:
        n = int(venues.shape[0])
        if n == 0:
            return
        if n > self.capacity:
            venues = venues[-self.capacity :]
            self.total += n - self.capacity
            n = self.capacity
        start = self._head
        first = min(n, self.capacity - start)
        self._data[start : start + first] = venues[:first]
        if first < n:
            self._data[: n - first] = venues[first:]
        self._head = (start + n) % self.capacity
        self.total += n

    def last(self, n: int) -> I8:
        """The newest `n` venue ids, oldest first (a copy)."""
        n = min(n, len(self))
        start = (self._head - n) % self.capacity
        if start + n <= self.capacity:
            return self._data[start : start + n].copy()
        return np.concatenate((self._data[start:], self._data[: self._head]))

    def since(self, total_before: int) -> I8:
        return self.last(max(0, self.total - total_before))
