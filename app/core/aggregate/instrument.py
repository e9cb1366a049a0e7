"""One base asset across venues: the common price grid and the common base unit of its legs.

Each venue counts in its own units: Binance USD-M and Bybit in the base asset, OKX in contracts
of `ctVal` base (linear) or of `ctVal` USD (inverse), Binance COIN-M in contracts of USD, each on
its own tick. Summing a footprint or a CVD across them needs one unit for each:

- **Grid (price).** The least common multiple of the legs' ticks, in quote currency: the finest
  grid every leg's prices fall on whole (the coarsest tick when, as usual, the others divide it;
  0.1 and 0.25 give 0.5). A chosen grouping may replace it. Quote currencies (USDT, USDC, USD)
  are taken at par: the aggregate is about flow, not basis. A leg's price maps to the grid by
  floor for prints and bids and by ceiling for asks (a grouped row never shows a better price).
- **Base unit (quantity).** The greatest common divisor of the legs' base lots (lot × contract
  multiplier for linear legs), so that every linear print is a whole number of units, exactly.
  An inverse contract's base value (lots × lot × multiplier / price) is not a finite decimal in
  general; with an inverse leg the unit also divides `INVERSE_UNIT` (1e-8 base, a satoshi for
  BTC) and each inverse print is converted at its own price, rounded half-even to the unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from app.core.instrument import ContractKind, Instrument

I64 = npt.NDArray[np.int64]

INVERSE_UNIT = Decimal("0.00000001")
AGGREGATE_VENUE = "aggregate"
_SAFE = 2**62  # |products| below this stay exact in int64


class AggregateError(ValueError):
    """Legs that cannot be one aggregate (no legs, two base assets, a bad grid): one line."""


def _frac(value: Decimal) -> Fraction:
    return Fraction(value)


def _lcm(a: Fraction, b: Fraction) -> Fraction:
    return Fraction(math.lcm(a.numerator, b.numerator), math.gcd(a.denominator, b.denominator))


def _gcd(a: Fraction, b: Fraction) -> Fraction:
    return Fraction(math.gcd(a.numerator, b.numerator), math.lcm(a.denominator, b.denominator))


def _decimal(value: Fraction) -> Decimal:
    """A Fraction whose denominator is 2^a 5^b, as the exact Decimal."""
    out = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(out) != value:
        raise AggregateError(f"{value} is not a finite decimal")
    return out.normalize()


def base_lot(instrument: Instrument) -> Fraction:
    """Base asset in one lot of a linear leg (lot × contract multiplier)."""
    return _frac(instrument.lot_size) * _frac(instrument.contract_multiplier)


@dataclass(frozen=True, slots=True)
class LegScale:
    """How one leg's ticks and lots become grid ticks and base units (integers throughout).

    price: grid = floor(ticks × price_num / price_den). Linear quantity: units = lots × qty_factor.
    Inverse quantity: units = round_half_even(lots × inv_num / (ticks × inv_den)).
    """

    instrument: Instrument
    price_num: int
    price_den: int
    qty_factor: int  # linear legs; 0 for inverse ones
    inv_num: int = 0
    inv_den: int = 1

    @property
    def inverse(self) -> bool:
        return self.qty_factor == 0

    def grid_floor(self, price_ticks: I64) -> I64:
        return (price_ticks * self.price_num) // self.price_den

    def grid_ceil(self, price_ticks: I64) -> I64:
        return -((-price_ticks * self.price_num) // self.price_den)

    def base_units(self, qty_lots: I64, price_ticks: I64) -> I64:
        """Quantities in base units; inverse legs at each quantity's own price."""
        if not self.inverse:
            return qty_lots * self.qty_factor
        if qty_lots.shape[0] == 0:
            return qty_lots.copy()
        if int(qty_lots.max()) < _SAFE // self.inv_num and int(price_ticks.max()) < _SAFE // self.inv_den:
            num = qty_lots * self.inv_num
            den = price_ticks * self.inv_den
            q, r = np.divmod(num, den)
            up = (2 * r > den) | ((2 * r == den) & (q % 2 == 1))
            out: I64 = q + up.astype(np.int64)
            return out
        return np.array(
            [self.base_units_one(q, t) for q, t in zip(qty_lots.tolist(), price_ticks.tolist(), strict=True)],
            dtype=np.int64,
        )

    def base_units_one(self, qty_lots: int, price_ticks: int) -> int:
        if not self.inverse:
            return qty_lots * self.qty_factor
        den = price_ticks * self.inv_den
        q, r = divmod(qty_lots * self.inv_num, den)
        return q + (1 if 2 * r > den or (2 * r == den and q % 2 == 1) else 0)


@dataclass(frozen=True, slots=True)
class UnitInstrument(Instrument):
    """The aggregate as an `Instrument`, whose sizes in base units (1e-8 BTC) are formatted often.

    `Instrument.qty` and `price` quantize to the step's exponent; for a step of at most 1 (its
    exponent is then at most 0) the product of the whole count and the step already has that
    exponent, exactly (under 10^18 steps, far inside the context's 28 digits), so the same
    Decimal costs a fifth: a ladder of the summed book formats a few dozen new sizes every
    frame, all in base units, and the tape a price and a size a new row."""

    def qty(self, lots: int) -> Decimal:
        if -(10**18) < lots < 10**18 and self.lot_size <= 1:
            return Decimal(lots) * self.lot_size
        return Instrument.qty(self, lots)

    def price(self, ticks: int) -> Decimal:
        if -(10**18) < ticks < 10**18 and self.tick_size <= 1:
            return Decimal(ticks) * self.tick_size
        return Instrument.price(self, ticks)


@dataclass(frozen=True, slots=True)
class AggregateInstrument:
    """A base asset on several venues: the legs (venue instruments), the grid and the base unit.

    `instrument` is the aggregate as an ordinary `Instrument` (tick = grid, lot = base unit), so
    every view that formats prices and sizes reads the aggregate like one venue. Leg i is venue
    id i in the merged tape's venue column.
    """

    base: str
    legs: tuple[Instrument, ...]
    grid: Decimal
    unit: Decimal
    scales: tuple[LegScale, ...] = field(repr=False)
    instrument: Instrument = field(repr=False)

    @classmethod
    def of(cls, legs: Sequence[Instrument], grid: Decimal | None = None) -> AggregateInstrument:
        """The aggregate of `legs` on the common grid (or `grid`, a chosen grouping)."""
        if not legs:
            raise AggregateError("an aggregate needs at least one venue")
        bases = sorted({leg.base_asset.upper() for leg in legs})
        if len(bases) != 1 or not bases[0]:
            raise AggregateError(
                f"an aggregate is one base asset; these legs have {', '.join(bases) or 'none'}"
            )
        keys = [f"{leg.venue}:{leg.symbol}" for leg in legs]
        if len(set(keys)) != len(keys):
            raise AggregateError(f"a market given twice among {', '.join(keys)}")
        ticks = [_frac(leg.tick_size) for leg in legs]
        common = ticks[0]
        for tick in ticks[1:]:
            common = _lcm(common, tick)
        if grid is not None:
            if grid <= 0:
                raise AggregateError(f"grid must be positive, got {grid}")
            common = _frac(grid)
        unit: Fraction | None = None
        for leg in legs:
            lot = _frac(INVERSE_UNIT) if leg.kind is ContractKind.INVERSE else base_lot(leg)
            unit = lot if unit is None else _gcd(unit, lot)
        assert unit is not None
        scales = tuple(_scale(leg, tick, common, unit) for leg, tick in zip(legs, ticks, strict=True))
        grid_dec, unit_dec = _decimal(common), _decimal(unit)
        view = UnitInstrument(
            venue=AGGREGATE_VENUE,
            symbol=f"{bases[0]} ({len(legs)} venues)" if len(legs) > 1 else f"{bases[0]} ({legs[0].venue})",
            tick_size=grid_dec,
            lot_size=unit_dec,
            base_asset=bases[0],
            quote_asset=legs[0].quote_asset,
            quantity_unit=bases[0],
        )
        return cls(bases[0], tuple(legs), grid_dec, unit_dec, scales, view)

    @property
    def venues(self) -> tuple[str, ...]:
        """Leg names as the venue column and the summary name them (`venue`, or `venue:symbol`
        where one venue has two legs)."""
        names = [leg.venue for leg in self.legs]
        return tuple(
            name if names.count(name) == 1 else f"{name}:{leg.symbol}"
            for name, leg in zip(names, self.legs, strict=True)
        )

    def leg_price(self, leg: int, price_ticks: int) -> Fraction:
        """A leg's price, exactly, in quote currency."""
        return price_ticks * _frac(self.legs[leg].tick_size)


def _scale(leg: Instrument, tick: Fraction, grid: Fraction, unit: Fraction) -> LegScale:
    ratio = tick / grid
    if leg.kind is ContractKind.INVERSE:
        value = _frac(leg.lot_size) * _frac(leg.contract_multiplier) / (tick * unit)
        return LegScale(leg, ratio.numerator, ratio.denominator, 0, value.numerator, value.denominator)
    factor = base_lot(leg) / unit
    assert factor.denominator == 1  # the unit divides every linear leg's base lot
    return LegScale(leg, ratio.numerator, ratio.denominator, int(factor))
