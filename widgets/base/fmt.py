"""Text for prices, sizes and times as the views show them (exact: ticks/lots → decimal text)."""

from __future__ import annotations

import time

from app.core.instrument import Instrument

_NS_PER_S = 1_000_000_000


def clock_text(ns: int, millis: bool = True) -> str:
    """UTC wall time of an exchange/receive timestamp: HH:MM:SS(.mmm)."""
    seconds, rest = divmod(ns, _NS_PER_S)
    text = time.strftime("%H:%M:%S", time.gmtime(seconds))
    return f"{text}.{rest // 1_000_000:03d}" if millis else text


def compact_qty(instrument: Instrument, lots: int) -> str:
    """A size short enough for a ladder or footprint cell: 0.012, 1.25, 37.4, 1.2K, 3.4M.

    Exact below 1,000 base units with at most 3 decimals (trailing zeros dropped), rounded above.
    """
    value = float(instrument.qty(abs(lots)))
    sign = "-" if lots < 0 else ""
    if value >= 1_000_000:
        return f"{sign}{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{sign}{value / 1_000:.0f}K"
    if value >= 1_000:
        return f"{sign}{value / 1_000:.1f}K"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return sign + (text or "0")
