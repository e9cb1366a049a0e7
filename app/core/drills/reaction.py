"""Scoring a read-and-react trial: how fast after the signal, how good the price, the P&L in R, errors.

The inputs are plain facts the runner collected from the paper exchange and the market; every time
is exchange time (`_ns`), so a trial scores the same at any replay speed:

- reaction: from the signal (a synthetic scenario's labelled peak, or a detection on a recording)
  to the trader's order. Negative when the trader read it before it completed.
- price quality: the fill against the best price reachable within the drill's window after the
  signal — the lowest ask for a buy, the highest bid for a sell. 0 is the best there was; each
  tick worse is one more.
- P&L in R: realised ticks × lots over the trial (bracket legs and the runner's closing flatten
  included) divided by the risk, the drill's stop × the lots asked for.
- errors: no order, wrong side, wrong size, late (after the window), late cancel (an order of the
  trader's still working when the window closed: a fade that did not fill must be pulled).

Points (0–100): 0 for no order or the wrong side; else 40 × speed (1 at or before the signal, 0 at
the window's end) + 30 × price (1 at the best, 0 a full stop away) + 30 × P&L (0 at −1 R, 1 at
+1 R or better), minus 10 per other error, never below 0.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.units import NS_PER_MS, NS_PER_S


class TrialError(enum.Enum):
    NO_ORDER = "no_order"
    WRONG_SIDE = "wrong_side"
    WRONG_SIZE = "wrong_size"
    LATE = "late"
    LATE_CANCEL = "late_cancel"


@dataclass(frozen=True, slots=True)
class Quote:
    ts_ns: int
    bid_ticks: int | None
    ask_ticks: int | None


@dataclass(frozen=True, slots=True)
class TrialFacts:
    signal_ns: int
    expected_side: int  # +1 buy, -1 sell: the order the read asks for (for an exit, the closing side)
    size_lots: int  # what the drill asked for
    stop_ticks: int  # 1 R
    window_ns: int
    order_ns: int | None  # the trader's first order of the trial; None: none
    order_side: int = 0
    order_lots: int = 0
    fill_ticks: float | None = None  # average fill price of that order (None: it never filled)
    realised_tick_lots: int = 0  # over the whole trial, flattened at its end
    working_at_window_end: bool = False  # an order of the trader's still working then


@dataclass(frozen=True, slots=True)
class TrialScore:
    reaction_ms: float | None
    best_ticks: int | None  # the best price reachable within the window, for the expected side
    fill_ticks: float | None
    price_ticks_from_best: float | None  # ≥ 0 is worse than the best by that much
    pnl_r: float
    errors: tuple[TrialError, ...]
    points: float

    @property
    def ok(self) -> bool:
        return not self.errors


def best_reachable(quotes: Sequence[Quote], side: int, from_ns: int, to_ns: int) -> int | None:
    """The lowest ask (side +1) or highest bid (side -1) quoted in [from_ns, to_ns]."""
    if side > 0:
        asks = [q.ask_ticks for q in quotes if from_ns <= q.ts_ns <= to_ns and q.ask_ticks is not None]
        return min(asks) if asks else None
    bids = [q.bid_ticks for q in quotes if from_ns <= q.ts_ns <= to_ns and q.bid_ticks is not None]
    return max(bids) if bids else None


def score_trial(facts: TrialFacts, quotes: Sequence[Quote]) -> TrialScore:
    risk = facts.stop_ticks * max(1, facts.size_lots)
    pnl_r = facts.realised_tick_lots / risk if risk else 0.0
    window_end = facts.signal_ns + facts.window_ns
    best = best_reachable(quotes, facts.expected_side, facts.signal_ns, window_end)
    if facts.order_ns is None:
        return TrialScore(None, best, None, None, pnl_r, (TrialError.NO_ORDER,), 0.0)
    reaction_ms = (facts.order_ns - facts.signal_ns) / NS_PER_MS
    errors: list[TrialError] = []
    if facts.order_side != facts.expected_side:
        errors.append(TrialError.WRONG_SIDE)
    if facts.order_lots != facts.size_lots:
        errors.append(TrialError.WRONG_SIZE)
    if facts.order_ns > window_end:
        errors.append(TrialError.LATE)
    if facts.working_at_window_end:
        errors.append(TrialError.LATE_CANCEL)
    from_best = None
    if facts.fill_ticks is not None and best is not None:
        from_best = (facts.fill_ticks - best) * facts.expected_side
    if TrialError.WRONG_SIDE in errors:
        return TrialScore(reaction_ms, best, facts.fill_ticks, from_best, pnl_r, tuple(errors), 0.0)
    window_ms = facts.window_ns / NS_PER_MS
    speed = _clamp(1.0 - max(0.0, reaction_ms) / window_ms) if window_ms > 0 else 0.0
    price = 0.0 if from_best is None else _clamp(1.0 - max(0.0, from_best) / facts.stop_ticks)
    pnl = _clamp((pnl_r + 1.0) / 2.0)
    points = max(0.0, 40.0 * speed + 30.0 * price + 30.0 * pnl - 10.0 * len(errors))
    return TrialScore(reaction_ms, best, facts.fill_ticks, from_best, pnl_r, tuple(errors), points)


def window_ns(seconds: float) -> int:
    return int(seconds * NS_PER_S)


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def wall_side(bids: Sequence[tuple[int, int]], asks: Sequence[tuple[int, int]]) -> int:
    """The side of the largest resting level among (price, lots) levels: +1 bid, -1 ask, 0 none.

    Used to put the trader in "leaning on the wall" for an exit drill: long above a bid wall, short
    under an ask wall. Ties go to neither side (no wall stands out).
    """
    top_bid = max((lots for _, lots in bids), default=0)
    top_ask = max((lots for _, lots in asks), default=0)
    return 1 if top_bid > top_ask else -1 if top_ask > top_bid else 0
