"""Pulled wall: large resting size near price removed without trading as price comes to it.

Every `scan_ns` (at the first book update of each period) the engine's mirror book is scanned
`window_ticks` either side of the last traded price; a level holding ≥ `wall_multiple` × the
median size of the nonzero levels scanned on its side (and ≥ `min_lots`) is tracked as a wall.
Every `check_ns` (the first update of each period) each tracked wall is checked: if its size
fell to ≤ (1 − `pull_fraction`) × its peak while trades at its price explain ≤
`max_traded_fraction` of the drop, and price is `min_distance_ticks`..`approach_ticks` from it
and nearer than when it was first seen, the wall was pulled. A pulled bid reads −1 (the support
left), a pulled ask +1. Price trading through a wall, or moving 2 × `window_ticks` away, stops
tracking it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

from app.core.instrument import Instrument
from app.core.signals.book_mirror import BookMirror
from app.core.signals.emit import BEFORE, Emitted, clamp01, price, qty
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_MS


@dataclass(frozen=True, slots=True)
class PulledWallSettings:
    window_ticks: int = 20
    wall_multiple: float = 8.0  # × the median nonzero level size scanned on that side
    min_lots: int = 1
    pull_fraction: float = 0.7  # the size fell by ≥ 70 % of its peak
    max_traded_fraction: float = 0.2  # trades there explain ≤ 20 % of the drop
    approach_ticks: int = 5
    min_distance_ticks: int = 1  # at the touch a drop is mostly trades reported late: not a pull
    scan_ns: int = 500 * NS_PER_MS  # how often the book near price is scanned for walls
    check_ns: int = 100 * NS_PER_MS  # how often tracked walls are checked


@dataclass(slots=True)
class _Wall:
    peak: int
    distance: int  # ticks from the last trade when first seen
    seen_ns: int
    traded: int = 0


Key = tuple[int, int]


class PulledWallDetector:
    kind = SignalKind.PULLED_WALL
    needs_book = True

    def __init__(self, settings: PulledWallSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument
        self.walls: dict[Key, _Wall] = {}
        self.next_scan_ns = -(2**62)  # the next book update at or after this is looked at
        self._next_wall_scan_ns = -(2**62)

    def traded(self, key: Key, lots: int) -> None:
        wall = self.walls.get(key)
        if wall is not None:
            wall.traded += lots

    def reset(self) -> None:
        self.walls.clear()

    def after_change(
        self, book: BookMirror, ts_ns: int, last_ticks: int | None, pos: int, out: Emitted
    ) -> None:
        if last_ticks is None:
            return
        s = self.settings
        self.next_scan_ns = (ts_ns // s.check_ns + 1) * s.check_ns
        if self.walls:
            self._check(book, ts_ns, last_ticks, pos, out)
        if ts_ns >= self._next_wall_scan_ns:
            self._next_wall_scan_ns = (ts_ns // s.scan_ns + 1) * s.scan_ns
            self._scan(book, ts_ns, last_ticks)

    def _scan(self, book: BookMirror, ts_ns: int, last: int) -> None:
        """The sizes are read with `map` over the window (no per-price Python frame), and a side
        whose largest size is under the floor is left at once: most scans find no new wall."""
        s = self.settings
        walls = self.walls
        for book_side in (1, -1):
            low = last - s.window_ticks if book_side > 0 else last
            sizes = list(map(book.side(book_side).get, range(low, low + s.window_ticks + 1), repeat(0)))
            nonzero = sorted(filter(None, sizes))
            if len(nonzero) < 3:
                continue
            floor = max(s.min_lots, s.wall_multiple * nonzero[len(nonzero) // 2])
            if nonzero[-1] < floor:
                continue
            for i, q in enumerate(sizes):
                if q >= floor and (book_side, low + i) not in walls:
                    walls[(book_side, low + i)] = _Wall(q, abs(last - low - i), ts_ns)

    def _check(self, book: BookMirror, ts_ns: int, last: int, pos: int, out: Emitted) -> None:
        s = self.settings
        for key, wall in list(self.walls.items()):
            book_side, at = key
            distance = last - at if book_side > 0 else at - last
            if distance < 0 or distance > 2 * s.window_ticks:
                del self.walls[key]
                continue
            now = book.side(book_side).get(at, 0)
            if now > wall.peak:
                wall.peak = now
                continue
            drop = wall.peak - now
            if now > (1.0 - s.pull_fraction) * wall.peak:
                continue
            del self.walls[key]
            if (
                wall.traded > s.max_traded_fraction * drop
                or not s.min_distance_ticks <= distance <= s.approach_ticks
            ):
                continue
            if distance >= wall.distance:
                continue  # price did not come closer
            inst = self.instrument
            secs = (ts_ns - wall.seen_ns) / 1e9
            sig = Signal(
                SignalKind.PULLED_WALL,
                ts_ns,
                at,
                -book_side,
                clamp01(drop / wall.peak),
                None,
                f"{'bid' if book_side > 0 else 'ask'} wall {qty(inst, wall.peak)} at {price(inst, at)} "
                "pulled "
                f"{distance} ticks from price after {secs:.1f} s ({qty(inst, wall.traded)} traded there)",
            )
            out.append((pos, BEFORE, sig))
