"""Python's cyclic garbage collector, run between frames instead of inside them.

The collector runs whenever enough objects were allocated, which on the UI thread means in the
middle of whatever is running: a parse, or a frame's paint. Measured during a 10× replay: a
collection of the young generations every ~0.1 s, up to 0.8 ms (gen 0) and 1.5 ms (gen 1), and
a 15 ms full collection, each landing in a frame when it happened to (docs/BENCHMARKS.md,
issue 11). While a window runs, automatic collection is off and the frame clock calls `step()`
after each frame, which does what the automatic collector would have done by then (the same
thresholds, the same choice of generation), in the slack before the next frame. Everything built
at start-up (Qt wrappers, modules, the loaded instruments) is frozen first, so a full collection
no longer walks it.

It is process-wide, as the collector is: windows `start()` and `stop()` it, and automatic
collection comes back when the last one stops.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field


@dataclass
class IdleCollector:
    """Counts what it collected, for the stats report; `pause_ms_max` per generation."""

    collections: list[int] = field(default_factory=lambda: [0, 0, 0])
    pause_ms_max: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    _users: int = 0
    _thresholds: tuple[int, int, int] = (700, 10, 10)

    @property
    def active(self) -> bool:
        return self._users > 0

    def start(self) -> None:
        if self._users == 0:
            t0, t1, t2 = gc.get_threshold()
            self._thresholds = (max(1, t0), max(1, t1), max(1, t2))
            gc.collect()
            gc.freeze()  # what start-up built is never traversed again
            gc.disable()
        self._users += 1

    def stop(self) -> None:
        if self._users == 0:
            return
        self._users -= 1
        if self._users == 0:
            gc.enable()

    def step(self) -> int | None:
        """Collect now if the automatic collector would have by now; the generation, or None."""
        if self._users == 0:
            return None
        young, gen0_runs, gen1_runs = gc.get_count()
        t0, t1, t2 = self._thresholds
        if young < t0:
            return None
        generation = 2 if gen1_runs >= t2 and gen0_runs >= t1 else 1 if gen0_runs >= t1 else 0
        start = time.perf_counter()
        gc.collect(generation)
        pause_ms = (time.perf_counter() - start) * 1000
        self.collections[generation] += 1
        self.pause_ms_max[generation] = max(self.pause_ms_max[generation], pause_ms)
        return generation


IDLE_GC = IdleCollector()
"""The one collector of the process (the garbage collector is one too)."""
