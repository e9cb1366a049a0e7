"""Settings of the paper exchange: fill model, bracket templates, risk limits.

All are plain frozen values with a tolerant `from_dict` (bad or missing values fall back to the
default and are reported, unknown keys ignored) so that a settings file written by an older or a
hand-edited version can never stop the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Any, TypeVar

from app.core.units import NS_PER_MS

T = TypeVar("T")


class CancelAhead(Enum):
    """How cancellations of orders queued in front of ours move us up.

    Exchanges do not say where in the queue a cancelled order sat. PESSIMISTIC assumes all of it
    was behind us (only trades advance us); PROPORTIONAL assumes cancels are spread evenly through
    the queue, so a cancelled share of the level equal to our share ahead moves us up.
    """

    PESSIMISTIC = "pessimistic"
    PROPORTIONAL = "proportional"


@dataclass(frozen=True, slots=True)
class FillConfig:
    latency_ms: int = 50  # keyboard -> exchange, in market (receive) time; 0..5000
    maker_fee_bps: float = 2.0  # Binance USD-M default tier: 0.02 %
    taker_fee_bps: float = 5.0  # 0.05 %
    cancel_ahead: CancelAhead = CancelAhead.PESSIMISTIC
    # Fill a resting limit in full, as maker, when a depth update shows the other side at or
    # through its price, even without a print there (what queue-position backtesters do).
    # Optimistic, so off by default: docs/PAPER_TRADING.md, "Optional: fill on a crossing book".
    fill_on_book_cross: bool = False

    @property
    def latency_ns(self) -> int:
        return self.latency_ms * NS_PER_MS


@dataclass(frozen=True, slots=True)
class BracketTemplate:
    """Stop and target in ticks from the entry fill, attached as OCO; None leaves that leg out.

    Break-even: once price has moved `breakeven_trigger_ticks` in favour, the stop moves to entry
    + `breakeven_offset_ticks`. Trailing: once `trail_trigger_ticks` in favour, the stop follows
    the best price at `trail_distance_ticks`, moving in steps of at least `trail_step_ticks`.
    """

    name: str
    stop_ticks: int | None = None
    target_ticks: int | None = None
    breakeven_trigger_ticks: int | None = None
    breakeven_offset_ticks: int = 0
    trail_trigger_ticks: int | None = None
    trail_distance_ticks: int = 0
    trail_step_ticks: int = 1


DEFAULT_BRACKETS: tuple[BracketTemplate, ...] = (
    BracketTemplate(
        "Scalp", stop_ticks=40, target_ticks=80, breakeven_trigger_ticks=40, breakeven_offset_ticks=2
    ),
    BracketTemplate("Tight", stop_ticks=20, target_ticks=20),
    BracketTemplate(
        "Runner",
        stop_ticks=60,
        target_ticks=300,
        trail_trigger_ticks=60,
        trail_distance_ticks=40,
        trail_step_ticks=5,
    ),
)


@dataclass(frozen=True, slots=True)
class RiskLimits:
    """Each limit None = off. Money limits in the quote currency, net of fees, for one session."""

    max_position_lots: int | None = None  # |position + same-side working orders| after the order
    daily_loss_quote: float | None = 1000.0  # realised + unrealised loss since the session start
    max_drawdown_quote: float | None = None  # from the session's equity peak
    max_trades: int | None = None  # round trips closed this session
    max_losing_streak: int | None = None  # consecutive losing round trips


# -- tolerant parsing ------------------------------------------------------------------------------


def _coerce(value: Any, default: Any, annotation: str) -> Any:
    """`value` as the field's type, or raise ValueError/TypeError."""
    optional = annotation.endswith("| None")
    if value is None:
        if optional:
            return None
        raise ValueError("must be set")
    base = annotation.removesuffix("| None").strip()
    if base == "bool":
        if not isinstance(value, bool):
            raise TypeError("must be true or false")
        return value
    if base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("must be a whole number")
        if value < 0:
            raise ValueError("must not be negative")
        return value
    if base == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("must be a number")
        return float(value)
    if base == "str":
        if not isinstance(value, str) or not value.strip():
            raise TypeError("must be a non-empty text")
        return value.strip()
    if base == "CancelAhead":
        return CancelAhead(value)
    raise TypeError(f"unsupported field type {annotation}")  # pragma: no cover - programming error


def from_dict(cls: type[T], data: object, default: T, where: str) -> tuple[T, list[str]]:
    """Build `cls` from a JSON mapping; every bad value is replaced by `default`'s and reported."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return default, [f"{where}: not an object, using defaults"]
    changes: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        try:
            changes[f.name] = _coerce(data[f.name], getattr(default, f.name), str(f.type))
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}.{f.name}: {data[f.name]!r} {exc}, using {getattr(default, f.name)!r}")
    return replace(default, **changes), problems  # type: ignore[type-var]


def to_dict(value: object) -> dict[str, Any]:
    return {
        f.name: (v.value if isinstance(v := getattr(value, f.name), Enum) else v)
        for f in fields(value)  # type: ignore[arg-type]
    }
