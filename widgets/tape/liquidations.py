"""Liquidations as their own rows on the tape, between the prints by time.

A forced order is context a scalper wants in the flow it belongs to (a cascade shows as LIQ rows
among the sweeps it caused), so the rows are merged into the print rows by exchange time rather
than listed apart. They are few (a handful a minute, even in a cascade), so each visible slice
is found by bisection in the market's list and formatted on the spot, cached per liquidation.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from app.core.events import Liquidation
from app.core.instrument import Instrument
from widgets.base.cache import BoundedCache
from widgets.base.fmt import clock_text
from widgets.tape.model import TapeRow
from widgets.tape.settings import TapeSettings

LIQ_TEXT = "LIQ"


def _ts(liq: Liquidation) -> int:
    return liq.exchange_ns


def liquidation_row(liq: Liquidation, instrument: Instrument, show_millis: bool) -> TapeRow:
    """One forced order as a tape row: its side, price and size, marked LIQ and whose position it
    closed (a SELL liquidation closes a long), so it never relies on its colour."""
    buy = liq.side > 0
    return TapeRow(
        row_id=-1 - liq.exchange_ns,  # negative: never a print row's id (the paint caches by id)
        time_text=clock_text(liq.exchange_ns, show_millis),
        side=1 if buy else -1,
        side_text="BUY" if buy else "SELL",
        price_text=instrument.price_str(liq.price_ticks),
        size_text=instrument.qty_str(liq.qty_lots),
        prints=0,
        prints_text=LIQ_TEXT,
        sweep_ticks=0,
        sweep_text="short" if buy else "long",
        qty_lots=liq.qty_lots,
        highlighted=False,
        intensity=1.0,
        liquidation=True,
    )


class LiquidationRows:
    """The market's liquidations (its own list, read in place) as rows for the tape's screen."""

    def __init__(self) -> None:
        self.source: list[Liquidation] | None = None
        self._seen: tuple[int, Liquidation | None] = (0, None)
        self._rows: BoundedCache[tuple[Liquidation, bool], TapeRow] = BoundedCache(400)

    def attach(self, source: list[Liquidation] | None) -> None:
        self.source = source
        self._seen = (0, None)
        self._rows.clear()

    def active(self) -> bool:
        return bool(self.source)

    def poll(self) -> bool:
        """True if liquidations arrived since the last poll (their list grows, or was trimmed)."""
        src = self.source
        seen = (0, None) if not src else (len(src), src[-1])
        if seen[0] == self._seen[0] and seen[1] is self._seen[1]:
            return False
        self._seen = seen
        return True

    def merge(
        self,
        rows: list[TapeRow],
        times_ns: list[int],
        *,
        live: bool,
        count: int,
        instrument: Instrument,
        settings: TapeSettings,
    ) -> list[TapeRow]:
        """The print rows (newest first, with their times) with the liquidations among them.

        Live, liquidations newer than the newest print go on top; scrolled back, only those
        between the rows on screen. At equal times the LIQ row sits above the prints it caused.
        """
        src = self.source
        if not src or not settings.show_liquidations:
            return rows
        if rows:
            lo = bisect_left(src, times_ns[-1], key=_ts)
            hi = len(src) if live else bisect_right(src, times_ns[0], key=_ts)
        elif live:
            lo, hi = 0, len(src)
        else:
            return rows
        lo = max(lo, hi - count)
        wanted = [liq for liq in src[lo:hi] if liq.qty_lots >= settings.liq_min_lots]
        if not wanted:
            return rows
        out: list[TapeRow] = []
        k = len(wanted) - 1
        for row, t in zip(rows, times_ns, strict=True):
            while k >= 0 and wanted[k].exchange_ns >= t:
                out.append(self._row(wanted[k], instrument, settings.show_millis))
                k -= 1
            out.append(row)
        while k >= 0:
            out.append(self._row(wanted[k], instrument, settings.show_millis))
            k -= 1
        return out[:count]

    def _row(self, liq: Liquidation, instrument: Instrument, show_millis: bool) -> TapeRow:
        key = (liq, show_millis)
        row = self._rows.get(key)
        if row is None:
            row = self._rows.put(key, liquidation_row(liq, instrument, show_millis))
        return row
