"""Instruments and the exact conversion between exchange decimal strings and integer ticks/lots.

Every price in the core is an integer number of ticks and every quantity an integer number of
lots, so that sums are exact and comparisons never depend on float rounding. Conversion happens
once at the edge (venue parsing) and back to decimal strings only for display and export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction

MAX_STEPS = 2**62  # ticks and lots live in int64 arrays, with headroom for sums
_MAX_PLAIN_CHARS = 40  # longer digit strings take the general path, which bounds their size
_MAX_EXPONENT = 40  # |value| beyond 1e40 (or below 1e-40) is not a price or a size
_DECIMAL_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class ContractKind(Enum):
    """How a contract's quantity relates to value.

    LINEAR: quantity is in the base asset (Binance USD-M, Bybit linear), or in contracts worth a
    fixed amount of base (OKX linear SWAP: base = contracts × multiplier).
    INVERSE: quantity is in contracts worth a fixed amount of quote currency (Binance COIN-M,
    OKX inverse SWAP): base value = contracts × multiplier / price.
    """

    LINEAR = "linear"
    INVERSE = "inverse"


class OffGridError(ValueError):
    """A price or quantity that is not a whole multiple of the instrument's step."""


GRID_CACHE_LIMIT = 250_000  # strings per step size


class _GridCache(dict[str, int]):
    """str -> integer steps, computed exactly on first sight and then served by a C-level lookup.

    Exchange feeds repeat the same few thousand price and size strings millions of times, so a
    dict hit (~30 ns) replaces a Decimal division (~1 µs). The cache is cleared when it grows past
    `limit` so a day of drifting prices cannot grow it without bound.
    """

    __slots__ = ("_den", "_num", "limit", "step")

    def __init__(self, step: Decimal, limit: int = GRID_CACHE_LIMIT) -> None:
        super().__init__()
        self.step = step
        self.limit = limit
        ratio: tuple[int, int] = step.as_integer_ratio()
        self._num, self._den = ratio

    def __missing__(self, text: str) -> int:
        # A plain "123.4500" (all that exchanges send) is converted with integer arithmetic,
        # three times faster than Decimal; anything else (exponents, signs, junk) takes the
        # general path, which also produces the error message. Feed prices and sizes are
        # never negative, so the cache refuses a sign.
        whole, dot, frac = text.partition(".")
        if (
            len(text) <= _MAX_PLAIN_CHARS
            and text.isascii()
            and whole.isdigit()
            and (frac.isdigit() or not dot)
        ):
            scale: int = 10 ** len(frac)
            steps, remainder = divmod(int(whole + frac) * self._den, scale * self._num)
            if remainder:
                raise OffGridError(f"{text} is not a multiple of {self.step}")
            if steps > MAX_STEPS:
                raise OffGridError(f"out of range: {text!r}")
            value = steps
        else:
            value = decimal_to_steps(text, self.step)
            if value < 0:
                raise OffGridError(f"negative where a price or size is expected: {text!r}")
        if len(self) >= self.limit:
            self.clear()
        self[text] = value
        return value


_GRID_CACHES: dict[Decimal, _GridCache] = {}


def grid_cache(step: Decimal) -> _GridCache:
    """The one cache of a step size, shared by every instrument with that step.

    A string's number of steps depends on the step alone, and a replay builds a new instrument
    at every pass, restart and backward seek: with a cache per instrument each of those started
    cold, paying the exact parse again for every size string of the recording (~40 % of the
    strings of a pass; docs/BENCHMARKS.md, issue 11).
    """
    cache = _GRID_CACHES.get(step)
    if cache is None:
        cache = _GRID_CACHES[step] = _GridCache(step)
    return cache


def decimal_to_steps(text: str, step: Decimal) -> int:
    """Exact number of `step`s in the decimal string `text`; raises OffGridError if not whole."""
    if not isinstance(text, str) or not _DECIMAL_TEXT.fullmatch(text):
        raise OffGridError(f"not a decimal number: {text!r}")
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError) as exc:
        raise OffGridError(f"not a decimal number: {text!r}") from exc
    if not value.is_finite():
        raise OffGridError(f"not a finite number: {text!r}")
    if value and not -_MAX_EXPONENT <= value.adjusted() <= _MAX_EXPONENT:
        raise OffGridError(f"out of range: {text!r}")
    # Exact rational arithmetic: Decimal division would round beyond 28 digits.
    value_num, value_den = value.as_integer_ratio()
    step_num, step_den = step.as_integer_ratio()
    steps: int
    steps, remainder = divmod(value_num * step_den, value_den * step_num)
    if remainder:
        raise OffGridError(f"{text} is not a multiple of {step}")
    if abs(steps) > MAX_STEPS:
        raise OffGridError(f"out of range: {text!r}")
    return steps


def steps_to_decimal(steps: int, step: Decimal) -> Decimal:
    """`steps` × `step` as an exact Decimal with the step's number of decimals."""
    exponent = step.as_tuple().exponent
    assert isinstance(exponent, int)
    return (Decimal(steps) * step).quantize(Decimal(1).scaleb(min(exponent, 0)))


def format_decimal(value: Decimal) -> str:
    """Plain (never scientific) text for a Decimal, keeping its exponent's decimals."""
    return f"{value:f}"


@dataclass(frozen=True, slots=True)
class Instrument:
    """A tradable contract: where it trades, its price and quantity grid, and its contract size.

    `quantity_unit` names what one unit of quantity is (the base asset for USD-M, "contracts" for
    COIN-M) so that exports and the UI can say which unit a volume is in.
    """

    venue: str
    symbol: str
    tick_size: Decimal
    lot_size: Decimal
    kind: ContractKind = ContractKind.LINEAR
    contract_multiplier: Decimal = Decimal(1)
    base_asset: str = ""
    quote_asset: str = ""
    quantity_unit: str = ""
    _price_cache: _GridCache = field(init=False, repr=False, compare=False, hash=False)
    _qty_cache: _GridCache = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.tick_size <= 0 or self.lot_size <= 0:
            raise ValueError(f"{self.symbol}: tick and lot size must be positive")
        object.__setattr__(self, "_price_cache", grid_cache(self.tick_size))
        object.__setattr__(self, "_qty_cache", grid_cache(self.lot_size))

    @property
    def price_ticks(self) -> dict[str, int]:
        """Mapping decimal price string -> ticks (cached; raises OffGridError off the grid)."""
        return self._price_cache

    @property
    def qty_lots(self) -> dict[str, int]:
        """Mapping decimal quantity string -> lots (cached; raises OffGridError off the grid)."""
        return self._qty_cache

    def ticks(self, price: str | Decimal) -> int:
        if isinstance(price, Decimal):
            return decimal_to_steps(str(price), self.tick_size)
        return self._price_cache[price]

    def lots(self, qty: str | Decimal) -> int:
        if isinstance(qty, Decimal):
            return decimal_to_steps(str(qty), self.lot_size)
        return self._qty_cache[qty]

    def price(self, ticks: int) -> Decimal:
        return steps_to_decimal(ticks, self.tick_size)

    def qty(self, lots: int) -> Decimal:
        return steps_to_decimal(lots, self.lot_size)

    def price_str(self, ticks: int) -> str:
        return format_decimal(self.price(ticks))

    def qty_str(self, lots: int) -> str:
        return format_decimal(self.qty(lots))

    def price_from_ratio(self, tick_lots: int, lots: int, decimals: int) -> str:
        """An average price (Σ ticks·lots / Σ lots) rounded half-even to `decimals` places, exactly."""
        if lots == 0:
            return ""
        exact = Fraction(tick_lots) * Fraction(self.tick_size) * 10**decimals / lots
        return format_decimal(Decimal(round(exact)).scaleb(-decimals))
