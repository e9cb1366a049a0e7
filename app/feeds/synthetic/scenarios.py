"""Labelled scenarios: each plays one order-flow read into the simulated market and labels it.

A scenario is a small script run on the simulation clock through `Sim`'s public surface. It
takes its parameters (sizes, durations, depths) from `ranges`, drawn at random for precision and
recall over many seeds or taken at the middle of each range, and a direction `d` (+1 or −1):
the direction the read points, which is the label's `side`. It ends by calling `done(label)` with
a `Signal` of the shared vocabulary (app/core/signals/kinds.py):

- `ts_ns`: the peak, the moment the pattern is complete (last absorbed hit, the final extreme,
  the sweep, the pull, the last liquidation…), in exchange time;
- `price_ticks`: the level the read is about; `end_ns`: when the scenario stopped acting.

Sizes scale with the background's own typical sizes (`FlowParams.market_median_lots`,
`limit_median_lots`), so a scenario means the same on any instrument. While a scenario plays,
the background's aggression is turned down (`QUIET`) so the pattern is the scenario's, and at the
end the latent value is nudged the way the read points, so reading it right pays (drills).
docs/SYNTHETIC.md describes each one and its ranges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_MS, NS_PER_S
from app.feeds.synthetic.sim import BUY, SELL, Sim

Done = Callable[[Signal], None]
Params = Mapping[str, float]
Play = Callable[[Sim, Params, int, Done], None]

QUIET = 0.25  # background aggression while a scenario plays
FOLLOW_TICKS = 15.0  # how far the latent value is moved the read's way at the end


@dataclass(frozen=True)
class Scenario:
    kind: SignalKind
    ranges: Mapping[str, tuple[float, float]]
    play: Play

    def draw(self, rng: np.random.Generator) -> dict[str, float]:
        return {name: float(rng.uniform(lo, hi)) for name, (lo, hi) in self.ranges.items()}

    def defaults(self) -> dict[str, float]:
        return {name: (lo + hi) / 2 for name, (lo, hi) in self.ranges.items()}


def _finish(  # noqa: PLR0917 (one call per scenario, in the label's own field order)
    sim: Sim, d: int, done: Done, kind: SignalKind, peak_ns: int, price_ticks: int, detail: str
) -> None:
    """End a scenario: the background back to normal, the value nudged the read's way, the label."""
    sim.scale_flow()
    sim.nudge_value(d * FOLLOW_TICKS)
    done(Signal(kind, peak_ns, price_ticks, d, end_ns=sim.now_ns, detail=detail))


def _quiet(sim: Sim, market: float, slow_side: int, limit: float) -> None:
    """Background aggression at `market`, and limit orders on `slow_side` at `limit` of normal."""
    sim.scale_flow(
        market, limit_bid=limit if slow_side == BUY else 1.0, limit_ask=limit if slow_side == SELL else 1.0
    )


def _push_through(sim: Sim, aggressor: int, lots: int, target_ticks: int) -> list[tuple[int, int, int]]:
    """One aggressor order of `lots` that reaches `target_ticks` and stops about there: the resting
    size on the way is first evened out (thinned, as offers step back in a thin market; empty
    prices given as much) so that it does."""
    levels = max(1, (target_ticks - sim.best(-aggressor)) * aggressor + 1)
    per = max(1, lots // (levels + 1))
    sim.thin(-aggressor, levels, per)
    for price, size in sim.depth_lots(-aggressor, levels):
        if not size:  # no hole on the way: the order stops at the target, not far beyond it
            sim.place(-aggressor, price, per)
    return sim.market(aggressor, lots)


def _qty(sim: Sim, lots: int) -> str:
    """Lots in base units, for the label's one-line detail (the lot size is not known here)."""
    return f"{lots} lots"


def _series(sim: Sim, t0_ns: int, count: int, every_ns: int, fn: Callable[[int], object]) -> int:
    """Run `fn(i)` at t0 + i·every for i < count; returns the time of the last one."""
    for i in range(count):
        sim.at(t0_ns + i * every_ns, lambda i=i: fn(i))  # type: ignore[misc]
    return t0_ns + (count - 1) * every_ns


# -- absorption: heavy aggression into a level that holds, refilled -----------------------------


def absorption(sim: Sim, prm: Params, d: int, done: Done) -> None:
    aggressor = -d  # d = +1: sellers hit a bid that holds, the read points up
    passive = d
    level = sim.best(passive)
    volume = int(prm["volume_x"] * sim.p.market_median_lots)
    hits = max(4, int(prm["duration_s"] * 5))
    _quiet(sim, QUIET, passive, 0.3)  # no better price steps in front of it
    ice = sim.iceberg(passive, level, int(prm["display_x"] * sim.p.limit_median_lots), volume * 2)
    taken = [0]

    def hit(_i: int) -> None:
        lots = max(1, int(volume / hits * (0.5 + sim.uniform())))
        taken[0] += sum(q for p, q, _ in sim.market(aggressor, lots) if p == level)

    t0 = sim.now_ns
    last = _series(sim, t0, hits, int(prm["duration_s"] * NS_PER_S / hits), hit)

    def end() -> None:
        sim.end_iceberg(passive, level)
        _finish(
            sim,
            d,
            done,
            SignalKind.ABSORPTION,
            last,
            level,
            f"{_qty(sim, taken[0])} absorbed at one level in {prm['duration_s']:.1f} s",
        )

    sim.at(last + NS_PER_S, end)
    del ice


# -- exhaustion: shrinking delta into a new extreme ---------------------------------------------


def exhaustion(sim: Sim, prm: Params, d: int, done: Done) -> None:
    aggressor = -d  # d = −1: buyers push to new highs with less and less, the read points down
    waves = int(prm["waves"])
    first = prm["first_wave_x"] * sim.p.market_median_lots
    sim.scale_flow(QUIET * 0.2, limit_bid=0.5, limit_ask=0.5)
    t0 = sim.now_ns
    wave_ns = int(prm["wave_s"] * NS_PER_S)
    extreme = [sim.best(-aggressor)]
    peak_ns = [t0]

    def wave(i: int) -> None:
        volume = int(first * prm["shrink"] ** i)
        for j in range(4):
            sim.at(sim.now_ns + j * wave_ns // 10, lambda: take(sim.market(aggressor, volume // 5)))
        # the wave's last order reaches a new extreme, with all the wave's volume smaller than before
        sim.at(
            sim.now_ns + 4 * wave_ns // 10,
            lambda: take(
                _push_through(sim, aggressor, volume - 4 * (volume // 5), extreme[0] + 2 * aggressor)
            ),
        )

    def take(fills: list[tuple[int, int, int]]) -> None:
        for price, _, _ in fills:
            if (price - extreme[0]) * aggressor > 0:
                extreme[0] = price
                peak_ns[0] = sim.now_ns

    def pullback(i: int) -> None:
        sim.market(-aggressor, int(first * prm["shrink"] ** i * 0.1))

    for i in range(waves):
        sim.at(t0 + 2 * i * wave_ns, lambda i=i: wave(i))  # type: ignore[misc]
        if i < waves - 1:
            sim.at(t0 + (2 * i + 1) * wave_ns, lambda i=i: pullback(i))  # type: ignore[misc]

    def end() -> None:
        _finish(
            sim,
            d,
            done,
            SignalKind.EXHAUSTION,
            peak_ns[0],
            extreme[0],
            f"{waves} pushes, each with less delta, into a new extreme",
        )

    sim.at(t0 + 2 * waves * wave_ns, end)


# -- stacked imbalance: consecutive levels traded with diagonal imbalance ≥ 3:1 ----------------


def stacked_imbalance(sim: Sim, prm: Params, d: int, done: Done) -> None:
    aggressor = d  # buyers lifting level after level: a bullish zone below
    levels = int(prm["levels"])
    _quiet(sim, QUIET * 0.2, -aggressor, 0.2)  # the side being lifted refills slowly
    t0 = sim.now_ns
    step_ns = int(prm["step_ms"] * NS_PER_MS)
    start = sim.best(-aggressor)

    def lift(_i: int) -> None:
        # an impulse eating real size level by level: sellers show `extra_x` at the touch and the
        # buyers take all of it and a bit of the next, so each level trades far more than a
        # minute's background leaves there (what a 1-minute footprint needs to stand out)
        for price, size in sim.depth_lots(-aggressor, 3)[1:]:
            if not size:  # no hole in the stack: every price on the way trades
                sim.place(-aggressor, price, sim.p.market_median_lots)
        (at, _), _ = sim.depth_lots(-aggressor, 2)
        sim.place(-aggressor, at, int(prm["extra_x"] * sim.p.market_median_lots))
        (_, touch), (_, behind) = sim.depth_lots(-aggressor, 2)
        sim.market(aggressor, touch + max(1, behind // 2))

    last = _series(sim, t0, levels + 2, step_ns, lift)

    def end() -> None:
        _finish(
            sim,
            d,
            done,
            SignalKind.STACKED_IMBALANCE,
            last,
            start,
            f"{levels}+ levels lifted one-sided from {start}",
        )

    sim.at(last + NS_PER_S, end)


# -- sweep into a void: one aggressor through N levels, then a thin book ------------------------


def sweep(sim: Sim, prm: Params, d: int, done: Done) -> None:
    aggressor = d
    passive = -d
    levels = int(prm["levels"])
    void = int(prm["void_levels"])
    thin_lots = max(1, int(sim.p.limit_median_lots * 0.3))
    _quiet(sim, QUIET, passive, 0.15)
    sim.thin(passive, void, thin_lots, skip=levels)  # the void beyond the swept levels
    at = sim.now_ns + 50 * NS_PER_MS
    far = [sim.best(passive)]

    def go() -> None:
        book = sim.depth_lots(passive, levels)
        lots = sum(size for _, size in book) + thin_lots  # through N levels, just into the void
        sim.thin(passive, void, thin_lots, skip=levels)
        fills = sim.market(aggressor, lots)
        far[0] = fills[-1][0] if fills else far[0]

    sim.at(at, go)

    def end() -> None:
        _finish(
            sim, d, done, SignalKind.SWEEP, at, far[0], f"one order through {levels} levels into a thin book"
        )

    sim.at(at + int(prm["void_s"] * NS_PER_S), end)


# -- iceberg: a level traded for several times its displayed size, refilled after each hit ------


def iceberg(sim: Sim, prm: Params, d: int, done: Done) -> None:
    passive = d  # d = −1: a hidden seller at the ask, the read points down (resistance)
    aggressor = -d  # buyers hit the hidden seller
    level = sim.best(passive)
    display = max(1, int(prm["display_x"] * sim.p.limit_median_lots))
    hidden = int(display * prm["hidden_x"])
    # few others join it: what trades there is the iceberg's, and what shows is mostly its tip
    _quiet(sim, QUIET, passive, 0.05)
    sim.pull(passive, level)
    ice = sim.iceberg(passive, level, display, hidden)
    hits = int(prm["hits"])
    t0 = sim.now_ns
    every = int(prm["duration_s"] * NS_PER_S / hits)
    last = [t0]

    def hit(_i: int) -> None:
        if (passive, level) in sim.icebergs and sim.best(passive) == level:
            lots = max(1, int(display * (0.6 + 0.8 * sim.uniform())))
            sim.market(aggressor, min(lots, ice.shown_lots + ice.hidden_lots))
            last[0] = sim.now_ns

    end_at = _series(sim, t0, hits, every, hit) + every

    def end() -> None:
        sim.end_iceberg(passive, level)
        _finish(
            sim,
            d,
            done,
            SignalKind.ICEBERG,
            last[0],
            level,
            f"{_qty(sim, ice.traded_lots)} traded against {_qty(sim, display)} shown",
        )

    sim.at(end_at, end)


# -- pulled wall: a large resting order removed, without trades, as price approaches ------------


def pulled_wall(sim: Sim, prm: Params, d: int, done: Done) -> None:
    passive = -d  # d = +1: an ask wall above is pulled, the way up is open
    aggressor = d
    distance = int(prm["distance_ticks"])
    wall = sim.best(passive) - passive * distance  # asks: best + distance
    size = int(prm["wall_x"] * sim.p.limit_median_lots)
    trigger = int(prm["trigger_ticks"])
    sim.scale_flow(QUIET)
    sim.place(passive, wall, size, protect=True)
    t0 = sim.now_ns
    pulled = [0]

    def watch(side: int, reach: int) -> None:
        # before any order that would come within `trigger` ticks of the wall (or take it)
        if not pulled[0] and side == aggressor and (wall - reach) * aggressor <= trigger:
            pull()

    def approach() -> None:
        if pulled[0]:
            return
        watch(aggressor, sim.best(passive))
        if not pulled[0]:
            touch = sim.book(passive).get(sim.best(passive), 0)
            sim.market(aggressor, touch + sim.p.market_median_lots)  # lift the touch: a tick nearer
            if sim.now_ns - t0 > 30 * NS_PER_S:
                pull()  # it never came near enough: pulled all the same (the label says when)
            else:
                sim.at(sim.now_ns + int(prm["step_ms"] * NS_PER_MS), approach)

    def pull() -> None:
        pulled[0] = sim.now_ns
        unguard()
        sim.pull(passive, wall, size)
        sim.at(sim.now_ns + 2 * NS_PER_S, end)

    def end() -> None:
        _finish(
            sim,
            d,
            done,
            SignalKind.PULLED_WALL,
            pulled[0],
            wall,
            f"{_qty(sim, size)} pulled {trigger} ticks before price",
        )

    unguard = sim.guard(watch)
    sim.at(t0 + NS_PER_S, approach)


# -- CVD divergence: price higher high with CVD lower high (or the mirror) ----------------------


def cvd_divergence(sim: Sim, prm: Params, d: int, done: Done) -> None:
    """Two swings a scalper's 1-minute chart shows (legs of 15–25 s, the extremes 30–50 s apart):
    push 1 to a clear extreme; a real pullback, a few ticks, then heavy aggression into protected
    size below it (much delta, little price); push 2 with 40 % of the volume beyond the first
    extreme; then price turns (one order back a few ticks), which is what makes it a swing."""
    aggressor = -d  # d = −1: buyers make the highs; the second high has less CVD behind it
    push = prm["push_x"] * sim.p.market_median_lots
    sim.scale_flow(QUIET * 0.4, limit_bid=0.6, limit_ask=0.6)
    t0 = sim.now_ns
    step = int(prm["leg_s"] * NS_PER_S)
    first_extreme = [sim.best(-aggressor)]
    extreme = [first_extreme[0], t0]

    def take(lots: int, second: bool, last: bool) -> None:
        if last:  # offers stepped back: the push's last order reaches a clear new extreme
            best = sim.best(-aggressor)
            ref = first_extreme[0] if (first_extreme[0] - best) * aggressor > 0 else best
            fills = _push_through(sim, aggressor, lots, ref + (3 if second else 6) * aggressor)
        else:
            fills = sim.market(aggressor, lots)
        for price, _, _ in fills:
            if (price - extreme[0]) * aggressor > 0:
                extreme[0], extreme[1] = price, sim.now_ns
        if not second:
            first_extreme[0] = extreme[0]

    def leg(total: float, second: bool) -> None:
        for j in range(6):
            sim.at(sim.now_ns + j * step // 8, lambda j=j: take(int(total / 6), second, j == 5))  # type: ignore[misc]

    def pullback() -> None:
        # price gives back a few ticks, then heavy aggression meets protected size: delta, no price
        _push_through(sim, -aggressor, max(1, int(push * 0.05)), sim.best(aggressor) - 4 * aggressor)
        for j in range(6):
            price = sim.best(aggressor) - aggressor * j
            sim.place(aggressor, price, int(push / 6), protect=True)
            cushion.append(price)
        for j in range(6):
            sim.at(sim.now_ns + (j + 1) * step // 8, lambda: sim.market(-aggressor, int(push * 0.8 / 6)))

    def turn() -> None:
        _push_through(sim, -aggressor, max(1, int(push * 0.05)), sim.best(aggressor) - 4 * aggressor)

    cushion: list[int] = []
    sim.at(t0, lambda: leg(push, False))
    sim.at(t0 + 6 * step // 8, pullback)  # right after push 1's extreme
    sim.at(t0 + 2 * step, lambda: leg(push * 0.4, True))
    sim.at(t0 + 2 * step + 6 * step // 8, turn)

    def end() -> None:
        for price in cushion:
            sim.release(aggressor, price)
        _finish(
            sim,
            d,
            done,
            SignalKind.CVD_DIVERGENCE,
            extreme[1],
            extreme[0],
            "a new extreme with less CVD than the one before",
        )

    sim.at(t0 + 3 * step, end)


# -- large print: one aggressor order far above the usual size ----------------------------------


def large_print(sim: Sim, prm: Params, d: int, done: Done) -> None:
    lots = int(prm["size_x"] * sim.p.market_median_lots)
    at = sim.now_ns + 100 * NS_PER_MS
    first = [sim.best(-d)]

    def go() -> None:
        fills = sim.market(d, lots)
        first[0] = fills[0][0] if fills else first[0]

    sim.at(at, go)

    def end() -> None:
        _finish(
            sim,
            d,
            done,
            SignalKind.LARGE_PRINT,
            at,
            first[0],
            f"one {_qty(sim, lots)} order, {prm['size_x']:.0f}x the median",
        )

    sim.at(at + NS_PER_S, end)


# -- liquidation cascade: forced orders clustered in time and one direction --------------------


def liquidation_cascade(sim: Sim, prm: Params, d: int, done: Done) -> None:
    forced = d  # d = −1: longs liquidated, forced sells, the read points down
    count = int(prm["count"])
    t0 = sim.now_ns
    span = int(prm["span_s"] * NS_PER_S)
    base = prm["size_x"] * sim.p.market_median_lots
    sim.scale_flow(QUIET)
    times = sorted(t0 + int(sim.uniform() * span) for _ in range(count))
    start = [sim.best(-forced)]

    def liq(i: int) -> None:
        sim.liquidate(forced, max(1, int(base * (1 + 0.25 * i) * (0.6 + 0.8 * sim.uniform()))))

    for i, t in enumerate(times):
        sim.at(t, lambda i=i: liq(i))  # type: ignore[misc]

    def end() -> None:
        _finish(
            sim,
            d,
            done,
            SignalKind.LIQUIDATION_CASCADE,
            times[-1],
            start[0],
            f"{count} forced orders in {prm['span_s']:.1f} s",
        )

    sim.at(times[-1] + NS_PER_S, end)


SCENARIOS: dict[SignalKind, Scenario] = {
    s.kind: s
    for s in (
        Scenario(
            SignalKind.ABSORPTION,
            {"volume_x": (400, 900), "duration_s": (3, 8), "display_x": (10, 30)},
            absorption,
        ),
        Scenario(
            SignalKind.EXHAUSTION,
            {"waves": (3, 3.99), "first_wave_x": (60, 120), "shrink": (0.45, 0.7), "wave_s": (2.5, 5.0)},
            exhaustion,
        ),
        Scenario(
            SignalKind.STACKED_IMBALANCE,
            {"levels": (3, 6.99), "step_ms": (150, 500), "extra_x": (30, 80)},
            stacked_imbalance,
        ),
        Scenario(
            SignalKind.SWEEP, {"levels": (10, 20.99), "void_levels": (5, 15.99), "void_s": (2, 5)}, sweep
        ),
        Scenario(
            SignalKind.ICEBERG,
            {"display_x": (5, 15), "hidden_x": (6, 12), "hits": (8, 16.99), "duration_s": (4, 10)},
            iceberg,
        ),
        Scenario(
            SignalKind.PULLED_WALL,
            {
                "wall_x": (60, 150),
                "distance_ticks": (8, 15.99),
                "trigger_ticks": (2, 4.99),
                "step_ms": (300, 700),
            },
            pulled_wall,
        ),
        Scenario(SignalKind.CVD_DIVERGENCE, {"push_x": (150, 300), "leg_s": (15, 25)}, cvd_divergence),
        Scenario(SignalKind.LARGE_PRINT, {"size_x": (60, 200)}, large_print),
        Scenario(
            SignalKind.LIQUIDATION_CASCADE,
            {"count": (5, 15.99), "span_s": (2, 6), "size_x": (5, 15)},
            liquidation_cascade,
        ),
    )
}
"""Every kind has its scenario: the synthetic market can label each signal the detectors know."""

__all__ = ["BUY", "SCENARIOS", "SELL", "Done", "Scenario"]
