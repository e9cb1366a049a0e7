"""Text for prices, sizes, times and the paper account as the views show them.

Exact: ticks/lots become decimal text through the instrument, never through a float format.
Money and P&L always carry their sign in the text, so a gain and a loss differ in the words too,
never in colour alone (colour-blind traders, screenshots in grey). `Tone` names the palette role a
value is drawn in; the views map it to a colour, tests read it as a word.
"""

from __future__ import annotations

import functools
import time
from decimal import Decimal
from enum import Enum

from app.core.instrument import Instrument
from app.core.units import NS_PER_MS, NS_PER_S

AVERAGE_EXTRA_DECIMALS = 3  # an average price shows up to this many decimals beyond the tick (as the CSV)
DASH = "—"


class Tone(Enum):
    NORMAL = "normal"
    DIM = "dim"
    GAIN = "gain"  # drawn in the buy colour
    LOSS = "loss"  # drawn in the sell colour
    ALERT = "alert"  # the risk lock, the SIM label: HIGHLIGHT


def tone_of(value: float | None) -> Tone:
    if value is None or abs(value) < 1e-12:
        return Tone.NORMAL
    return Tone.GAIN if value > 0 else Tone.LOSS


def money_decimals(value: float) -> int:
    """Cents from one unit up; below it four decimals (a tick on a 0.001 BTC lot is 0.0001 USDT, and
    a practice account trading the smallest size must not read +0.00 on a winning trade)."""
    return 2 if abs(value) >= 0.995 else 4


def money_text(value: float | None, unit: str = "", signed: bool = True) -> str:
    """+12.34 USDT / -5.00 USDT / +0.0030 USDT; `signed` False for amounts that are not P&L."""
    if value is None:
        return DASH
    d = money_decimals(value)
    v = round(value, d)
    if v == 0:
        v = 0.0  # never "-0.00"
    text = f"{v:+,.{d}f}" if signed else f"{v:,.{d}f}"
    return f"{text} {unit}".rstrip()


def money_tone(value: float | None) -> Tone:
    """The tone of a money value as its text shows it (a value that rounds to zero is neutral)."""
    if value is None:
        return Tone.NORMAL
    return tone_of(round(value, money_decimals(value)))


def ticks_text(value: float | None) -> str:
    """P&L per lot in ticks: +6 t, -2.5 t (a fractional average shows its decimal)."""
    if value is None:
        return DASH
    v = round(value, 1)
    if v == 0:
        return "0 t"
    return f"{v:+.0f} t" if v == int(v) else f"{v:+.1f} t"


def r_text(value: float | None) -> str:
    return DASH if value is None else f"{value:+.2f} R"


def pct_text(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f} %"


def ratio_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def hold_text(ns: float | None) -> str:
    """0.8s, 12.3s, 4m05s, 1h02m."""
    if ns is None:
        return DASH
    s = max(0.0, ns / NS_PER_S)
    if s < 60:
        return f"{s:.1f}s"
    m, sec = divmod(int(s), 60)
    return f"{m}m{sec:02d}s" if m < 60 else f"{m // 60}h{m % 60:02d}m"


def tick_decimals(instrument: Instrument) -> int:
    exponent = instrument.tick_size.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 2


@functools.lru_cache(maxsize=256)  # the ladder's summary asks again on every mark price
def avg_price_text(
    instrument: Instrument, price_ticks: float | None, extra_decimals: int = AVERAGE_EXTRA_DECIMALS
) -> str:
    """An average price (fractional ticks): the tick's decimals, plus up to `extra_decimals` more
    where it falls between ticks (60000.0, 60000.15, 60000.125 on a 0.1 tick)."""
    if price_ticks is None:
        return DASH
    decimals = tick_decimals(instrument) + extra_decimals
    value = Decimal(repr(float(price_ticks))) * instrument.tick_size
    text = f"{value:.{decimals}f}"
    # trailing zeros of the extra decimals only: 60000.100 → 60000.1, 60000.000 → 60000.0
    keep = len(text) - extra_decimals
    return (text[:keep] + text[keep:].rstrip("0")).rstrip(".") if "." in text else text


def qty_text(instrument: Instrument | None, lots: int, signed: bool = False) -> str:
    if instrument is None:
        text = str(abs(lots) if signed else lots)
    else:
        text = instrument.qty_str(abs(lots) if signed else lots)
    if signed:
        return ("+" if lots > 0 else "-" if lots < 0 else "") + text
    return text


def clock_text(ns: int, millis: bool = True) -> str:
    """UTC wall time of an exchange/receive timestamp: HH:MM:SS(.mmm)."""
    seconds, rest = divmod(ns, NS_PER_S)
    text = time.strftime("%H:%M:%S", time.gmtime(seconds))
    return f"{text}.{rest // NS_PER_MS:03d}" if millis else text


def compact_qty(instrument: Instrument, lots: int) -> str:
    """A size short enough for a ladder or footprint cell: 0.012, 1.25, 37.4, 1.2K, 3.4M.

    Exact below 1,000 base units with at most 3 decimals (trailing zeros dropped), rounded above.
    """
    sign = "-" if lots < 0 else ""
    decimals = _lot_decimals(instrument.lot_size)
    if decimals is not None:  # lots of 1, 0.1, 0.01 or 0.001: thousandths are whole, no Decimal needed
        thousandths = abs(lots) * 10 ** (3 - decimals)
        if thousandths < 1_000_000:
            whole, frac = divmod(thousandths, 1000)
            text = f"{whole}.{frac:03d}".rstrip("0").rstrip(".")
            return sign + (text or "0")
        value = abs(lots) / 10**decimals  # correctly rounded, as float(Decimal) is
    else:
        value = float(instrument.qty(abs(lots)))
    if value >= 1_000_000:
        return f"{sign}{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{sign}{value / 1_000:.0f}K"
    if value >= 1_000:
        return f"{sign}{value / 1_000:.1f}K"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return sign + (text or "0")


_LOT_DECIMALS: dict[Decimal, int | None] = {}


def _lot_decimals(lot_size: Decimal) -> int | None:
    """k when the lot is 10^-k with 0 <= k <= 3 (then `compact_qty` is integer arithmetic), else None."""
    try:
        return _LOT_DECIMALS[lot_size]
    except KeyError:
        pass
    found = next((k for k in range(4) if lot_size == Decimal(1).scaleb(-k)), None)
    _LOT_DECIMALS[lot_size] = found
    return found
