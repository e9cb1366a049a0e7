"""The aggregate of several venues' prints by brute force, with Fractions, straight from the rules.

Nothing here calls app.core.aggregate: units, grid keys, merge order, sessions, bars and CVD are
recomputed from the definitions in app/core/aggregate (docs in its modules) with exact rationals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from app.core.instrument import ContractKind, Instrument

DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class Print:
    leg: int
    exchange_ns: int
    price_ticks: int
    qty_lots: int
    side: int


def common_grid(legs: Sequence[Instrument]) -> Fraction:
    """The smallest price every leg's tick divides (by trying multiples of the coarsest)."""
    coarsest = max(Fraction(leg.tick_size) for leg in legs)
    k = 1
    while not all((coarsest * k / Fraction(leg.tick_size)).denominator == 1 for leg in legs):
        k += 1
    return coarsest * k


def common_unit(legs: Sequence[Instrument]) -> Fraction:
    """The largest quantity dividing every linear leg's base lot (and 1e-8 with an inverse leg)."""
    lots = [
        Fraction(1, 10**8)
        if leg.kind is ContractKind.INVERSE
        else Fraction(leg.lot_size) * Fraction(leg.contract_multiplier)
        for leg in legs
    ]
    den = 1
    for lot in lots:
        den = den * lot.denominator // _gcd(den, lot.denominator)
    ints = [int(lot * den) for lot in lots]
    g = ints[0]
    for v in ints[1:]:
        g = _gcd(g, v)
    return Fraction(g, den)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def units_of(leg: Instrument, unit: Fraction, p: Print) -> int:
    base = Fraction(p.qty_lots) * Fraction(leg.lot_size) * Fraction(leg.contract_multiplier)
    if leg.kind is ContractKind.INVERSE:
        base /= p.price_ticks * Fraction(leg.tick_size)
    value = base / unit
    rounded = round(value)  # Fraction rounds half to even
    assert leg.kind is ContractKind.INVERSE or rounded == value
    return rounded


def grid_of(leg: Instrument, grid: Fraction, price_ticks: int) -> int:
    return (price_ticks * Fraction(leg.tick_size) / grid).__floor__()


def _pair() -> list[int]:
    return [0, 0]


@dataclass
class Reference:
    cvd: int = 0
    venue_cvd: list[int] = field(default_factory=list)
    trades: int = 0
    cells: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    venue_cells: dict[tuple[int, int, int], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    buy: list[int] = field(default_factory=list)
    sell: list[int] = field(default_factory=list)
    value: Fraction = Fraction(0)  # Σ exact price × units
    high: Fraction | None = None
    low: Fraction | None = None


def aggregate(
    updates: Sequence[Sequence[Print]],
    legs: Sequence[Instrument],
    bar_ns: int = 60 * 10**9,
    daily_sessions: bool = True,
    group: int = 1,
) -> Reference:
    """Each update is merged by exchange time (stable, in the order given), then the prints go by
    one by one: the session and bar follow the newest time seen (late prints join the open bar)."""
    grid, unit = common_grid(legs), common_unit(legs)
    ref = Reference(venue_cvd=[0] * len(legs), buy=[0] * len(legs), sell=[0] * len(legs))
    newest: int | None = None
    session: int | None = None
    for update in updates:
        for p in sorted(update, key=lambda x: x.exchange_ns):
            leg = legs[p.leg]
            newest = p.exchange_ns if newest is None else max(newest, p.exchange_ns)
            sid = newest // DAY_NS if daily_sessions else 0
            if session is None or sid > session:
                session = sid
                ref.cvd = 0
                ref.venue_cvd = [0] * len(legs)
            units = units_of(leg, unit, p)
            signed = units if p.side > 0 else -units
            ref.cvd += signed
            ref.venue_cvd[p.leg] += signed
            ref.trades += 1
            period = newest - newest % bar_ns
            if daily_sessions:
                period = max(period, sid * DAY_NS)
            g = grid_of(leg, grid, p.price_ticks)
            key = g - g % group
            col = 0 if p.side > 0 else 1
            ref.cells[(period, key)][col] += units
            ref.venue_cells[(period, key, p.leg)][col] += units
            (ref.buy if p.side > 0 else ref.sell)[p.leg] += units
            price = p.price_ticks * Fraction(leg.tick_size)
            ref.value += price * units
            ref.high = price if ref.high is None else max(ref.high, price)
            ref.low = price if ref.low is None else min(ref.low, price)
    return ref


def decimal_str(value: Fraction, places: int) -> str:
    """`value` rounded half-even to `places` decimals, as plain text."""
    return f"{Decimal(round(value * 10**places)).scaleb(-places):f}"
