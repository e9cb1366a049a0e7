"""What the time and sales view shows: formatted rows, filtering, and the pause-on-scroll state.

Kept apart from drawing so tests can read exactly what the user sees and the paint draws nothing
else. No Qt here: the model is plain Python over `PrintGroupLog`.

Scroll position is an offset in (filtered) rows below the newest one. Live, the offset is 0 and the
top row is always the newest. Once the user scrolls into history the model pins the top row by its
absolute id (`anchor`), so prints arriving meanwhile add rows above the screen instead of pushing
the rows the user is reading away; the "paused — N new" notice counts them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from app.core.instrument import Instrument
from app.core.print_groups import GroupColumns, PrintGroupLog
from app.core.tape import Tape, TapeCursor
from widgets.base.cache import BoundedCache
from widgets.base.fmt import clock_text
from widgets.tape.settings import DEFAULT_LARGE_LOTS, TapeSettings

HISTORY_ROWS = 20_000  # bounded: ~1.2 MB of columns, flat all day


@dataclass(frozen=True, slots=True)
class TapeRow:
    """One row as shown. `side` is +1 (aggressive buy) / −1 (sell); `side_text` says it in words so
    the row never relies on colour alone. `intensity` (0–1) grows with size relative to the
    large-print threshold and sets the background alpha."""

    row_id: int
    time_text: str
    side: int
    side_text: str
    price_text: str
    size_text: str
    prints: int
    prints_text: str
    sweep_ticks: int  # worst price − first price, in ticks (signed): how far the order swept
    sweep_text: str
    qty_lots: int
    highlighted: bool
    intensity: float
    liquidation: bool = False  # a forced order's own row (widgets/tape/liquidations.py), not a print


class RowsMerger(Protocol):
    """Rows of another kind merged in among the print rows by time (widgets/tape/liquidations.py)."""

    def active(self) -> bool: ...

    def merge(
        self,
        rows: list[TapeRow],
        times_ns: list[int],
        *,
        live: bool,
        count: int,
        instrument: Instrument,
        settings: TapeSettings,
    ) -> list[TapeRow]: ...


class TapeModel:
    """Rows of one market's tape under the current settings, and where the user has scrolled to."""

    def __init__(self, history_rows: int = HISTORY_ROWS) -> None:
        self.history_rows = history_rows
        self.settings = TapeSettings()
        self.instrument: Instrument | None = None
        self.log = PrintGroupLog(history_rows)
        self.cursor = TapeCursor()
        self.page_rows = 30  # rows that fit on screen (the view sets it on resize)
        self._anchor: int | None = None  # absolute id of the top row while paused
        self._paused_at = 0  # log.total when the pause began
        self._ids: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        self._ids_key: tuple[int, int, int, int] | None = None
        # Formatted rows by (id, size, prints, worst price): a row only changes while its order is
        # still arriving, and Decimal/strftime formatting is most of what building a row costs.
        self._row_cache: BoundedCache[tuple[int, int, int, int], TapeRow] = BoundedCache(400)
        # the market's forced orders, merged in by time (the view attaches them)
        self.liquidations: RowsMerger | None = None

    # -- feeding ---------------------------------------------------------------------------

    def reset(self, instrument: Instrument | None, tape: Tape | None) -> None:
        """A new market (or mode): rebuild every row from what the tape holds, live again."""
        self.instrument = instrument
        self.log = PrintGroupLog(self.history_rows, raw=self.settings.mode == "raw")
        self.cursor.reset()
        self._anchor = None
        self._ids_key = None
        self._row_cache.clear()
        if tape is not None:
            self.pull(tape)

    def pull(self, tape: Tape) -> bool:
        """Take the prints added since the last pull; True if there were any."""
        if self.cursor.seen_total and self.cursor.restarts(tape):  # another tape: start over
            self.reset(self.instrument, None)
        batch = self.cursor.take(tape)
        if batch.size == 0:
            return False
        self.log.extend(batch)
        return True

    def apply(self, settings: TapeSettings, tape: Tape | None) -> None:
        """New settings; a change of mode regroups the prints the tape still holds."""
        regroup = settings.mode != self.settings.mode
        self.settings = settings
        self._ids_key = None
        self._row_cache.clear()
        if regroup:
            self.reset(self.instrument, tape)

    # -- scroll state ----------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._anchor is not None

    def filtered_ids(self) -> npt.NDArray[np.int64]:
        """Absolute ids of the rows passing the size filter, oldest first (cached per change)."""
        key = (self.log.total, self.log.first_id, self.log.revision, self.settings.min_size_lots)
        if key != self._ids_key:
            self._ids = self.log.ids_at_least(self.settings.min_size_lots)
            self._ids_key = key
        return self._ids

    def rows_key(self) -> tuple[object, ...]:
        """What `visible_rows` depends on (besides the merged liquidations): equal keys, equal rows."""
        log = self.log
        return (id(log), log.total, log.first_id, log.revision, self._anchor, self.page_rows, self.settings)

    def offset(self) -> int:
        """Filtered rows above the top of the screen (0 when live)."""
        if self._anchor is None:
            return 0
        ids = self.filtered_ids()
        if ids.size == 0:
            return 0
        index = max(0, int(np.searchsorted(ids, self._anchor, side="right")) - 1)
        return int(ids.size) - 1 - index

    def max_offset(self) -> int:
        return max(0, int(self.filtered_ids().size) - self.page_rows)

    def new_while_paused(self) -> int:
        """Rows (passing the filter) that arrived since the user paused the tape."""
        if self._anchor is None:
            return 0
        ids = self.filtered_ids()
        return int(ids.size - np.searchsorted(ids, self._paused_at, side="left"))

    def scroll_to(self, offset: int) -> None:
        """Put the row `offset` rows below the newest at the top; 0 resumes following the feed."""
        offset = min(max(0, offset), self.max_offset())
        if offset == 0:
            self._anchor = None
            return
        if self._anchor is None:
            self._paused_at = self.log.total
        ids = self.filtered_ids()
        self._anchor = int(ids[ids.size - 1 - offset])

    def scroll_by(self, rows: int) -> None:
        """Positive rows go back in history (down the list), negative towards the newest."""
        self.scroll_to(self.offset() + rows)

    def resume_live(self) -> None:
        self._anchor = None

    # -- what is on screen -----------------------------------------------------------------

    def visible_rows(self, count: int | None = None) -> list[TapeRow]:
        """The rows on screen, top (newest shown) first."""
        count = self.page_rows if count is None else count
        ids = self.filtered_ids()
        if ids.size == 0 or count <= 0 or self.instrument is None:
            return []
        top = ids.size - 1 - self.offset()
        shown = ids[max(0, top - count + 1) : top + 1][::-1]
        lo, hi = int(shown.min()), int(shown.max()) + 1
        cols = self.log.columns(lo, hi)
        qty = cols.qty_lots.tolist()
        prints = cols.prints.tolist()
        worst = cols.worst_ticks.tolist()
        cache = self._row_cache
        cache.limit = 4 * max(count, 100)  # a few screens of rows
        rows = []
        for row_id in shown.tolist():
            k = row_id - lo
            key = (row_id, qty[k], prints[k], worst[k])
            row = cache.get(key)
            if row is None:
                row = cache.put(key, self._row(row_id, cols, k))
            rows.append(row)
        if self.liquidations is not None and self.liquidations.active():
            times = cols.exchange_ns[shown - lo].tolist()
            live = self._anchor is None
            return self.liquidations.merge(
                rows, times, live=live, count=count, instrument=self.instrument, settings=self.settings
            )
        return rows

    def _row(self, row_id: int, cols: GroupColumns, k: int) -> TapeRow:
        assert self.instrument is not None
        s = self.settings
        side = int(cols.side[k])
        qty = int(cols.qty_lots[k])
        prints = int(cols.prints[k])
        first = int(cols.first_ticks[k])
        worst = int(cols.worst_ticks[k])
        sweep = worst - first
        large = s.large_size_lots
        # Square root: a print a quarter of the threshold is already half as strong, so mid-size
        # prints stand out from the retail noise before they reach the highlight.
        scale = large if large > 0 else DEFAULT_LARGE_LOTS
        intensity = min(1.0, math.sqrt(qty / scale))
        return TapeRow(
            row_id=row_id,
            time_text=clock_text(int(cols.exchange_ns[k]), s.show_millis),
            side=side,
            side_text="BUY" if side > 0 else "SELL",
            price_text=self.instrument.price_str(worst),
            size_text=self.instrument.qty_str(qty),
            prints=prints,
            prints_text=f"×{prints}" if prints > 1 else "",
            sweep_ticks=sweep,
            sweep_text=f"{'↑' if sweep > 0 else '↓'}{abs(sweep)}t" if sweep else "",
            qty_lots=qty,
            highlighted=0 < large <= qty,
            intensity=intensity,
        )
