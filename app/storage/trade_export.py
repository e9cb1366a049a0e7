"""Round trips to CSV, for spreadsheets and journaling tools.

Numbers are plain decimal text (never scientific notation), times ISO-8601 UTC with milliseconds,
quantities and prices in the instrument's own units. Average prices get three more decimals
than the tick because they are averages of several fills. The file is written to a temporary
name and renamed into place, so an export interrupted half-way never leaves a half file.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.snapshot import RoundTrip
from app.core.units import NS_PER_US

AVERAGE_EXTRA_DECIMALS = 3
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso_utc_ms(ts_ns: int) -> str:
    """2024-05-01T12:00:00.123Z (truncated to the millisecond, like exchange timestamps)."""
    moment = _EPOCH + timedelta(microseconds=ts_ns // NS_PER_US)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1_000:03d}Z"


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _fixed(value: float, decimals: int) -> str:
    """`value` rounded half-even to `decimals` places, as plain text ("" for inf/NaN)."""
    if not math.isfinite(value):
        return ""
    text = f"{Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN):f}"
    return "0" + text[2:] if text.startswith("-0") and not text.strip("-0.") else text


def _average_price(instrument: Instrument, price_ticks: float, decimals: int) -> str:
    return _fixed(float(Decimal(repr(price_ticks)) * instrument.tick_size), decimals)


def header(instrument: Instrument) -> list[str]:
    quote = (instrument.quote_asset or "quote").lower()
    unit = (instrument.quantity_unit or instrument.base_asset or "qty").lower()
    return [
        "trip",
        "side",
        f"qty_{unit}",
        "entry_time_utc",
        "exit_time_utc",
        "hold_s",
        "entry_avg",
        "exit_avg",
        "pnl_ticks",
        f"gross_{quote}",
        f"fees_{quote}",
        f"net_{quote}",
        "r",
    ]


def trip_row(trip: RoundTrip, instrument: Instrument) -> list[str]:
    price_decimals = _decimals(instrument.tick_size) + AVERAGE_EXTRA_DECIMALS
    r = trip.r_multiple
    return [
        str(trip.trip_id),
        "Long" if trip.side is Side.BUY else "Short",
        instrument.qty_str(trip.qty_lots),
        iso_utc_ms(trip.entry_ns),
        iso_utc_ms(trip.exit_ns),
        _fixed(trip.hold_ns / 1e9, 3),
        _average_price(instrument, trip.entry_price_ticks, price_decimals),
        _average_price(instrument, trip.exit_price_ticks, price_decimals),
        _fixed(trip.pnl_ticks, 2),  # per lot, what a scalper calls "+6 ticks"
        _fixed(trip.gross_quote, 8),
        _fixed(trip.fees_quote, 8),
        _fixed(trip.net_quote, 8),
        "" if r is None else _fixed(r, 3),
    ]


def write_trades_csv(path: Path, trips: Sequence[RoundTrip], instrument: Instrument) -> int:
    """Header plus one row per trip; returns the number of trip rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header(instrument))
            writer.writerows(trip_row(trip, instrument) for trip in trips)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(trips)
