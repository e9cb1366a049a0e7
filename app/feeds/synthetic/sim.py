"""The simulated exchange: one order book and the order flow that moves it, in ticks, lots and ns.

A zero-intelligence book in the manner of Cont, Stoikov and Talreja (2010), with clustered
aggression (docs/SYNTHETIC.md has the parameters and why):

- limit orders arrive per side as a Poisson process, at k ≥ 1 ticks from the *opposite* best with
  k geometric (most at the touch, fewer with distance): a bid at k = 1 joins the best bid when the
  spread is one tick and closes the gap when it is wider, which keeps the spread mostly 1 tick;
- cancels remove order-sized chunks from levels chosen in proportion to their size, at a rate per
  resting lot, so depth is stationary instead of a random walk;
- market orders come from two Hawkes processes (buy, sell): each order raises its own side's
  intensity a lot and the other's a little, decaying exponentially, so aggression comes in bursts;
  a latent value (a slow mean-reverting random walk) tilts the base rates, so price trends and
  turns instead of only jittering;
- a market order takes the best levels until filled (one print per level, one exchange time), and
  the arrivals refill the gap it leaves.

Events are drawn one at a time (Gillespie, with thinning for the decaying Hawkes intensity) on
the simulation's own clock: nothing here reads a wall clock, so (seed, parameters) fix the output.
Depth is published as diffs every `diff_interval_ns` (absolute sizes of the levels that changed,
like Binance's 100 ms depth stream) with a BBO ticker when the top changed, prints at once.
Scenarios (scenarios.py) act through the small public surface below: `at`, `market`, `place`,
`pull`, `thin`, `iceberg`, `guard`, `scale_flow`, `nudge_value`.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from app.core.events import BookTicker, DepthDiff, DepthSnapshot, Level
from app.core.units import NS_PER_MS, NS_PER_S

BUY = 1
SELL = -1
_BLOCK = 4096


@dataclass(frozen=True)
class FlowParams:
    """The background market. Sizes are in lots, prices in ticks, rates per second."""

    start_price_ticks: int = 600_000  # 60,000.0 at tick 0.1
    limit_rate_hz: float = 60.0  # limit orders per side
    limit_decay_ticks: float = 15.0  # mean extra distance of the others beyond the first tick
    touch_share: float = 0.25  # of limit orders placed at one tick from the opposite best
    max_distance_ticks: int = 120
    min_levels: int = 40  # deep liquidity: a side never has fewer levels (a sweep cannot empty it)
    limit_median_lots: int = 40  # 0.04 BTC
    limit_sigma: float = 1.0  # log-normal spread of limit sizes
    cancel_rate_hz: float = 0.6  # per resting order-sized chunk
    market_base_hz: float = 3.0  # per side, before excitation and the value tilt
    hawkes_self_hz: float = 1.4  # jump of a side's intensity after one of its orders
    hawkes_cross_hz: float = 0.3  # jump of the other side's intensity
    hawkes_decay_hz: float = 2.5  # branching ratio (self + cross) / decay = 0.68 < 1: stationary
    market_median_lots: int = 30  # 0.03 BTC
    market_sigma: float = 1.3
    market_max_lots: int = 4_000  # the background never prints a "large print" by itself
    value_vol_ticks: float = 6.0  # latent value: ticks per √s
    value_reversion_hz: float = 0.05  # pull of the value towards the mid
    value_tilt_ticks: float = 10.0  # value − mid at which the tilt reaches tanh(1)
    liquidation_hz: float = 1 / 90  # isolated small forced orders (negatives for the detectors)
    diff_interval_ns: int = 100 * NS_PER_MS
    warmup_ns: int = 20 * NS_PER_S  # simulated before the first snapshot, so the book is mature


class Prints(NamedTuple):
    """One aggressor order's prints: (price_ticks, qty_lots, trade_id) per level taken."""

    exchange_ns: int
    side: int
    fills: list[tuple[int, int, int]]


class Forced(NamedTuple):
    """A forced (liquidation) order as the venue announces it; its prints come as `Prints`."""

    exchange_ns: int
    side: int
    price_ticks: int  # the order's limit (worst) price
    qty_lots: int
    tick_lots: int  # Σ price × lots of its fills: the average price, exactly
    filled_lots: int


Out = Prints | Forced | DepthDiff | DepthSnapshot | BookTicker
"""What the simulation publishes, in exchange-time order (receive_ns is stamped by the stream)."""


class _Draws:
    """Random numbers drawn in blocks: one numpy call per 4096 values instead of one per value."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._u: list[float] = []
        self._n: list[float] = []
        self._e: list[float] = []

    def uniform(self) -> float:
        if not self._u:
            self._u = self._rng.random(_BLOCK).tolist()
        return self._u.pop()

    def normal(self) -> float:
        if not self._n:
            self._n = self._rng.standard_normal(_BLOCK).tolist()
        return self._n.pop()

    def exponential(self) -> float:
        if not self._e:
            self._e = self._rng.standard_exponential(_BLOCK).tolist()
        return self._e.pop()


class Iceberg:
    """Hidden size behind a level: after each hit the shown part is topped up from `hidden`."""

    __slots__ = ("display_lots", "hidden_lots", "shown_lots", "traded_lots")

    def __init__(self, display_lots: int, hidden_lots: int) -> None:
        self.display_lots = display_lots
        self.shown_lots = display_lots
        self.hidden_lots = hidden_lots
        self.traded_lots = 0


Guard = Callable[[int, int], object]
"""`guard(side, reach_ticks)`: called before a market order with the farthest price it will take."""


class Sim:
    """The book, the flow and the simulation clock; `advance_to` runs it and fills `out`."""

    def __init__(self, params: FlowParams, rng: np.random.Generator, start_ns: int) -> None:
        self.p = params
        self._draw = _Draws(rng)
        self.now_ns = start_ns - params.warmup_ns
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.best_bid = params.start_price_ticks - 1
        self.best_ask = params.start_price_ticks
        self._resting = {BUY: 0, SELL: 0}
        self.update_id = 0
        self._published_id = 0
        self.trade_id = 0
        self.out: list[Out] = []
        self._changed: dict[int, dict[int, int]] = {BUY: {}, SELL: {}}
        self._last_top: tuple[int, int, int, int] | None = None
        self._next_publish_ns = start_ns
        self._timers: list[tuple[int, int, Callable[[], object]]] = []
        self._order = itertools.count()
        self._excite = {BUY: 0.0, SELL: 0.0}
        self._decayed_ns = self.now_ns
        self.market_scale = {BUY: 1.0, SELL: 1.0}
        self.limit_scale = {BUY: 1.0, SELL: 1.0}
        self.value_ticks = float(params.start_price_ticks)
        self.icebergs: dict[tuple[int, int], Iceberg] = {}
        self._protected: dict[tuple[int, int], int] = {}  # scenario size the background never cancels
        self._protected_lots = {BUY: 0, SELL: 0}
        self._guards: list[Guard] = []
        self._publishing = False
        self._seed_book()
        self.advance_to(start_ns)  # the warm-up: nothing published before the first snapshot
        self.out.clear()
        self._changed = {BUY: {}, SELL: {}}
        self._last_top = None
        self._publishing = True

    # -- what scenarios read -----------------------------------------------------------------

    def book(self, side: int) -> dict[int, int]:
        return self.bids if side == BUY else self.asks

    def best(self, side: int) -> int:
        return self.best_bid if side == BUY else self.best_ask

    @property
    def mid_ticks(self) -> float:
        return (self.best_bid + self.best_ask) / 2

    def depth_lots(self, side: int, levels: int) -> list[Level]:
        """The first `levels` prices of a side from the best outward, with their sizes (0 if empty)."""
        book = self.book(side)
        step = -1 if side == BUY else 1
        start = self.best(side)
        return [(start + i * step, book.get(start + i * step, 0)) for i in range(levels)]

    def uniform(self) -> float:
        """A uniform draw in [0, 1) from the simulation's stream (scenarios jitter their sizes)."""
        return self._draw.uniform()

    # -- what scenarios do -------------------------------------------------------------------

    def at(self, t_ns: int, fn: Callable[[], object]) -> None:
        """Run `fn` when the simulation clock reaches `t_ns` (at once if it has already)."""
        heapq.heappush(self._timers, (max(t_ns, self.now_ns), next(self._order), fn))

    def market(self, side: int, lots: int, excite: bool = False) -> list[tuple[int, int, int]]:
        """An aggressor order now; returns its fills. Scenario orders do not excite the flow."""
        if lots <= 0:
            return []
        if self._guards:
            reach = self._reach(side, lots)
            for guard in tuple(self._guards):
                guard(side, reach)
        fills = self._take(side, lots)
        if fills:
            self.out.append(Prints(self.now_ns, side, fills))
            self._keep_depth(-side)
        if excite:
            self._decay()
            self._excite[side] += self.p.hawkes_self_hz
            self._excite[-side] += self.p.hawkes_cross_hz
        return fills

    def liquidate(self, side: int, lots: int) -> list[tuple[int, int, int]]:
        """A forced order: announced (as venues do) and executed as an aggressor order."""
        fills = self.market(side, lots)
        if fills:
            filled = sum(q for _, q, _ in fills)
            worst = fills[-1][0]
            limit = worst - side * 5  # a forced order is priced through the book
            tick_lots = sum(p * q for p, q, _ in fills)
            self.out.append(Forced(self.now_ns, side, limit, lots, tick_lots, filled))
        return fills

    def place(self, side: int, price_ticks: int, lots: int, protect: bool = False) -> None:
        """Add resting size (never crossing: a price through the other side is moved to its touch).

        `protect`: the background's cancels leave it alone (a scenario's wall stays until pulled;
        cancels are drawn in proportion to size, so an unprotected wall would melt within seconds).
        """
        if side == BUY:
            price_ticks = min(price_ticks, self.best_ask - 1)
        else:
            price_ticks = max(price_ticks, self.best_bid + 1)
        self._set(side, price_ticks, self.book(side).get(price_ticks, 0) + lots)
        if protect:
            key = (side, price_ticks)
            self._protected[key] = self._protected.get(key, 0) + lots
            self._protected_lots[side] += lots

    def pull(self, side: int, price_ticks: int, lots: int | None = None) -> int:
        """Remove resting size without a trade (all of it by default); returns the lots removed."""
        have = self.book(side).get(price_ticks, 0)
        removed = have if lots is None else min(have, lots)
        self.release(side, price_ticks, removed)
        if removed:
            self._set(side, price_ticks, have - removed)
        return removed

    def release(self, side: int, price_ticks: int, lots: int | None = None) -> None:
        """Let the background cancel protected size again (all of it at the price by default)."""
        key = (side, price_ticks)
        kept = self._protected.get(key, 0)
        freed = kept if lots is None else min(kept, lots)
        if freed:
            self._protected_lots[side] -= freed
            if freed == kept:
                del self._protected[key]
            else:
                self._protected[key] = kept - freed

    def thin(self, side: int, levels: int, max_lots: int, skip: int = 0) -> None:
        """Cap the `levels` prices after the first `skip` from the best outward at `max_lots`."""
        for price, size in self.depth_lots(side, skip + levels)[skip:]:
            if size > max_lots:
                self._set(side, price, max_lots)

    def iceberg(self, side: int, price_ticks: int, display_lots: int, hidden_lots: int) -> Iceberg:
        """A refilling order at a price: `display_lots` shown, `hidden_lots` more behind it."""
        ice = Iceberg(display_lots, hidden_lots)
        self.icebergs[(side, price_ticks)] = ice
        self.place(side, price_ticks, display_lots)
        return ice

    def end_iceberg(self, side: int, price_ticks: int) -> Iceberg | None:
        """Cancel what is left of an iceberg (its shown part leaves the book)."""
        ice = self.icebergs.pop((side, price_ticks), None)
        if ice is not None:
            self.pull(side, price_ticks, ice.shown_lots)
        return ice

    def guard(self, guard: Guard) -> Callable[[], None]:
        self._guards.append(guard)
        return lambda: self._guards.remove(guard) if guard in self._guards else None

    def scale_flow(self, market: float = 1.0, limit_bid: float = 1.0, limit_ask: float = 1.0) -> None:
        """Scale the background's aggression (both sides) and limit arrivals per side; 1 = normal."""
        self.market_scale = {BUY: market, SELL: market}
        self.limit_scale = {BUY: limit_bid, SELL: limit_ask}

    def nudge_value(self, ticks: float) -> None:
        """Move the latent value from the mid: the background's aggression then leans that way."""
        self.value_ticks = self.mid_ticks + ticks

    # -- the clock -----------------------------------------------------------------------------

    def advance_to(self, t_end_ns: int) -> None:
        """Simulate every event up to `t_end_ns`, timers and depth publications included."""
        p = self.p
        draw = self._draw
        while True:
            fixed = min(self._next_publish_ns, self._timers[0][0] if self._timers else t_end_ns, t_end_ns)
            self._decay()
            rates = self._rates()
            total = sum(rates)
            step_ns = int(draw.exponential() / total * NS_PER_S) + 1
            if self.now_ns + step_ns >= fixed:
                self.now_ns = fixed
                if self._timers and self._timers[0][0] <= fixed:
                    heapq.heappop(self._timers)[2]()
                elif self._next_publish_ns <= fixed:
                    self._publish()
                    self._next_publish_ns += p.diff_interval_ns
                else:
                    return
                continue
            self.now_ns += step_ns
            self._decay()
            now_rates = self._rates()  # the Hawkes part decayed while waiting: thin the draw
            u = draw.uniform() * total
            for kind, rate in enumerate(now_rates):
                if u < rate:
                    self._event(kind)
                    break
                u -= rate

    # -- internals -----------------------------------------------------------------------------

    def _rates(self) -> tuple[float, float, float, float, float, float, float]:
        p = self.p
        tilt = math.tanh((self.value_ticks - self.mid_ticks) / p.value_tilt_ticks)
        chunk = p.limit_median_lots
        return (
            p.limit_rate_hz * self.limit_scale[BUY],
            p.limit_rate_hz * self.limit_scale[SELL],
            p.cancel_rate_hz * (self._resting[BUY] - self._protected_lots[BUY]) / chunk,
            p.cancel_rate_hz * (self._resting[SELL] - self._protected_lots[SELL]) / chunk,
            (p.market_base_hz * (1 + tilt) + self._excite[BUY]) * self.market_scale[BUY],
            (p.market_base_hz * (1 - tilt) + self._excite[SELL]) * self.market_scale[SELL],
            p.liquidation_hz * (self.market_scale[BUY] == 1.0),  # none while a scenario plays
        )

    def _decay(self) -> None:
        last = self._decayed_ns
        if self.now_ns > last:
            factor = math.exp(-self.p.hawkes_decay_hz * (self.now_ns - last) / NS_PER_S)
            self._excite[BUY] *= factor
            self._excite[SELL] *= factor
        self._decayed_ns = self.now_ns

    def _event(self, kind: int) -> None:
        p = self.p
        draw = self._draw
        if kind < 2:
            side = BUY if kind == 0 else SELL
            distance = 1
            if draw.uniform() >= p.touch_share:
                distance += min(int(draw.exponential() * p.limit_decay_ticks), p.max_distance_ticks)
            price = self.best_ask - distance if side == BUY else self.best_bid + distance
            self._set(
                side, price, self.book(side).get(price, 0) + self._size(p.limit_median_lots, p.limit_sigma)
            )
        elif kind < 4:
            self._cancel(BUY if kind == 2 else SELL)
        elif kind < 6:
            side = BUY if kind == 4 else SELL
            lots = min(self._size(p.market_median_lots, p.market_sigma), p.market_max_lots)
            self.market(side, lots, excite=True)
        else:
            side = SELL if draw.uniform() < 0.5 else BUY
            self.liquidate(side, self._size(p.market_median_lots * 4, 0.6))

    def _size(self, median_lots: int, sigma: float) -> int:
        return max(1, int(median_lots * math.exp(sigma * self._draw.normal())))

    def _cancel(self, side: int) -> None:
        book = self.book(side)
        protected = self._protected
        pick = self._draw.uniform() * (self._resting[side] - self._protected_lots[side])
        for price, size in book.items():
            pick -= size - protected.get((side, price), 0) if protected else size
            if pick < 0:
                ice = self.icebergs.get((side, price))
                cancellable = size - (ice.shown_lots if ice else 0) - protected.get((side, price), 0)
                chunk = min(cancellable, self._size(self.p.limit_median_lots, self.p.limit_sigma))
                if chunk > 0:
                    self._set(side, price, size - chunk)
                return

    def _reach(self, side: int, lots: int) -> int:
        """The farthest price an aggressor order of `lots` would take, the book as it is now."""
        book = self.asks if side == BUY else self.bids
        price = self.best_ask if side == BUY else self.best_bid
        step = 1 if side == BUY else -1
        left = lots
        for _ in range(10_000):
            ice = self.icebergs.get((-side, price))
            left -= book.get(price, 0) + (ice.hidden_lots if ice else 0)
            if left <= 0:
                return price
            price += step
        return price

    def _take(self, side: int, lots: int) -> list[tuple[int, int, int]]:
        passive = -side
        book = self.book(passive)
        fills: list[tuple[int, int, int]] = []
        left = lots
        while left > 0 and book:
            price = self.best(passive)
            size = book[price]
            ice = self.icebergs.get((passive, price))
            hidden = ice.hidden_lots if ice else 0
            taken = min(left, size + hidden)
            left -= taken
            self.trade_id += 1
            fills.append((price, taken, self.trade_id))
            if ice is None:
                self._set(passive, price, size - taken)
                continue
            # Others' size first, then the shown part, then the hidden part; then it tops up.
            others = size - ice.shown_lots
            from_shown = max(0, min(ice.shown_lots, taken - others))
            from_hidden = max(0, taken - others - from_shown)
            ice.traded_lots += from_shown + from_hidden
            ice.hidden_lots -= from_hidden
            shown = ice.shown_lots - from_shown
            refill = min(ice.display_lots - shown, ice.hidden_lots)
            ice.hidden_lots -= refill
            ice.shown_lots = shown + refill
            self._set(passive, price, max(0, others - taken) + ice.shown_lots)
            if ice.shown_lots == 0:
                del self.icebergs[(passive, price)]
        return fills

    def _keep_depth(self, side: int) -> None:
        """Deep resting liquidity that a real book has far out: levels added beyond the last one
        until the side has `min_levels` again, so no order, however large, empties it."""
        book = self.book(side)
        step = -1 if side == BUY else 1
        while len(book) < self.p.min_levels:
            far = (min(book) if side == BUY else max(book)) if book else self.best(-side) + step
            self._set(side, far + step, self.p.limit_median_lots * 2)

    def _set(self, side: int, price: int, lots: int) -> None:
        """Set a level's size (0 removes it), keeping bests, totals and the diff being built."""
        book = self.book(side)
        old = book.get(price, 0)
        if lots == old:
            return
        if self._protected:
            kept = self._protected.get((side, price), 0)
            if kept > lots:  # traded or pulled into the protected part: protect what is left
                self._protected_lots[side] -= kept - lots
                if lots:
                    self._protected[(side, price)] = lots
                else:
                    del self._protected[(side, price)]
        self.update_id += 1
        self._resting[side] += lots - old
        if self._publishing:
            self._changed[side][price] = lots
        if lots > 0:
            book[price] = lots
            if side == BUY and (price > self.best_bid or (not old and len(book) == 1)):
                self.best_bid = price
            elif side == SELL and (price < self.best_ask or (not old and len(book) == 1)):
                self.best_ask = price
            return
        del book[price]
        if side == BUY and price == self.best_bid:
            self.best_bid = max(book) if book else self.best_ask - 1
        elif side == SELL and price == self.best_ask:
            self.best_ask = min(book) if book else self.best_bid + 1

    def _seed_book(self) -> None:
        """Levels near their stationary mean, so the warm-up only has to add texture."""
        p = self.p
        mean_limit = p.limit_median_lots * math.exp(p.limit_sigma**2 / 2)
        inflow = p.limit_rate_hz * mean_limit
        for k in range(1, 60):
            share = math.exp(-(k - 1) / p.limit_decay_ticks) * (1 - math.exp(-1 / p.limit_decay_ticks))
            lots = max(1, int(inflow * share / (p.cancel_rate_hz * mean_limit / p.limit_median_lots)))
            self._set(BUY, self.best_ask - k, lots)
            self._set(SELL, self.best_bid + k, lots)

    def _publish(self) -> None:
        """The depth diff of the levels changed since the last one, then the top if it moved."""
        self.value_ticks += (
            -self.p.value_reversion_hz
            * (self.value_ticks - self.mid_ticks)
            * self.p.diff_interval_ns
            / NS_PER_S
            + self.p.value_vol_ticks * math.sqrt(self.p.diff_interval_ns / NS_PER_S) * self._draw.normal()
        )
        self._keep_depth(BUY)
        self._keep_depth(SELL)
        if self.update_id != self._published_id:
            bids = sorted(self._changed[BUY].items(), reverse=True)
            asks = sorted(self._changed[SELL].items())
            self.out.append(
                DepthDiff(
                    self.now_ns, 0, self._published_id + 1, self.update_id, self._published_id, bids, asks
                )
            )
            self._published_id = self.update_id
            self._changed = {BUY: {}, SELL: {}}
        top = (self.best_bid, self.bids.get(self.best_bid, 0), self.best_ask, self.asks.get(self.best_ask, 0))
        if top != self._last_top:
            self._last_top = top
            self.out.append(BookTicker(self.now_ns, 0, self.update_id, *top))

    def snapshot(self) -> DepthSnapshot:
        """The whole book now; the next diff continues from its update id."""
        self._published_id = self.update_id
        self._changed = {BUY: {}, SELL: {}}
        return DepthSnapshot(
            self.now_ns, 0, self.update_id, sorted(self.bids.items(), reverse=True), sorted(self.asks.items())
        )
