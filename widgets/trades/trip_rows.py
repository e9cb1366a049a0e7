"""A closed round trip as the trades table shows it: one text and one tone per column.

Plain data (no Qt): trips are immutable, so their texts are built once and tests read them.
"""

from __future__ import annotations

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.snapshot import RoundTrip
from widgets.base.fmt import (
    Tone,
    avg_price_text,
    clock_text,
    hold_text,
    money_text,
    money_tone,
    qty_text,
    r_text,
    ticks_text,
    tone_of,
)

TRADE_COLUMNS = (
    "#",
    "Side",
    "Qty",
    "Entry (UTC)",
    "Exit (UTC)",
    "Hold",
    "Entry avg",
    "Exit avg",
    "P&L t",
    "Net",
    "Fees",
    "R",
)


def trip_texts(trip: RoundTrip, instrument: Instrument | None) -> tuple[str, ...]:
    def avg(ticks: float) -> str:
        return avg_price_text(instrument, ticks) if instrument is not None else f"{ticks:.1f}"

    return (
        str(trip.trip_id),
        "Long" if trip.side is Side.BUY else "Short",
        qty_text(instrument, trip.qty_lots),
        clock_text(trip.entry_ns),
        clock_text(trip.exit_ns),
        hold_text(trip.hold_ns),
        avg(trip.entry_price_ticks),
        avg(trip.exit_price_ticks),
        ticks_text(trip.pnl_ticks),
        money_text(trip.net_quote),
        money_text(-trip.fees_quote),
        r_text(trip.r_multiple),
    )


def trip_tones(trip: RoundTrip) -> tuple[Tone, ...]:
    return (
        tone_of(round(trip.pnl_ticks, 1)),
        money_tone(trip.net_quote),
        money_tone(-trip.fees_quote),
        tone_of(None if trip.r_multiple is None else round(trip.r_multiple, 2)),
    )
