"""The detectors against the synthetic market's ground truth: labelled sessions played through
the real pipeline and signal engine, exactly as a replay of their recording would, and scored.

One run is one scenario played 30–90 s into a fresh session with background flow (where in the
minute depends on the seed: a footprint bar holds whatever else traded in its minute), and the
market `TAIL_NS` past its end. Only detections of the scenario's kind inside its window
(`ScenarioRun.window`: from its start to its end plus the kind's time tolerance) are
scored: every one of them either is the labelled read or a false alarm; detections outside it
are background, counted per hour on sessions without scenarios (`run_background`). Matching is
`evaluate()`'s, with `same_side`: a read pointing the wrong way is no hit.

The tolerances are part of each detector's definition, not a knob to tune (docs/SIGNALS.md,
"Precision and recall"): when a detector's read becomes true relative to the scenario's peak,
and which price it names relative to the label's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from app.core.signals.engine import SignalEngine, SignalSettings
from app.core.signals.evaluate import Score, evaluate
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_S
from app.feeds.replay import build_session
from app.feeds.synthetic.stream import Played, SyntheticConfig, SyntheticMarket
from app.venues.synthetic import SYNTHETIC

SCENARIO_AT_NS = 30 * NS_PER_S  # the earliest start: the typical order settles after 250 orders (~16 s)
WARMUP_NS = 30 * NS_PER_S  # detections before this are not counted (the typical size, the pace)
TAIL_NS = 65 * NS_PER_S  # the slowest read: a footprint bar closes up to 60 s after the scenario


@dataclass(frozen=True)
class Tolerance:
    time_ns: int  # either side of the label's [peak, end]
    price_ticks: int


TOLERANCES: dict[SignalKind, Tolerance] = {
    # one order: the detection is the order itself, at its first (large print) or worst (sweep) price
    SignalKind.LARGE_PRINT: Tolerance(1 * NS_PER_S, 2),
    SignalKind.SWEEP: Tolerance(1 * NS_PER_S, 2),
    # true once the window's volume is reached, up to the scenario's length before its last hit;
    # the anchor is within the hold band of the level
    SignalKind.ABSORPTION: Tolerance(10 * NS_PER_S, 2),
    # true at the close of the 5 s bar of the last push; its high is the extreme's price
    SignalKind.EXHAUSTION: Tolerance(10 * NS_PER_S, 3),
    # true at the close of the 1-minute footprint bar; the label names the zone's first level,
    # the detector its retest edge, up to the zone's height (≤ 8 levels) away
    SignalKind.STACKED_IMBALANCE: Tolerance(60 * NS_PER_S, 8),
    # true once refills and executed size suffice, before the scenario's last hit; the level itself
    SignalKind.ICEBERG: Tolerance(10 * NS_PER_S, 1),
    # checked every 100 ms, the first depth update after the pull; the wall's own price
    SignalKind.PULLED_WALL: Tolerance(1 * NS_PER_S, 1),
    # true when the pivot is confirmed, two 10 s bars after the swing's bar closes
    SignalKind.CVD_DIVERGENCE: Tolerance(30 * NS_PER_S, 3),
    # true at the fifth forced order, up to the scenario's span before its last; the price is
    # the forced order's limit, beyond the book the cascade ate
    SignalKind.LIQUIDATION_CASCADE: Tolerance(10 * NS_PER_S, 25),
}


Cutoff = Callable[[SyntheticMarket], int | None]
"""When a session's lines stop (receive ns), once the market knows it; None: not yet."""


def replay(
    config: SyntheticConfig, cutoff: Cutoff, settings: SignalSettings
) -> tuple[SyntheticMarket, list[Signal]]:
    """The session's lines up to the cutoff fed to a pipeline batch by batch, the engine run after
    each batch and flushed at the end (zones with their retest time), as `scalpdesk signals` does."""
    session = build_session(SYNTHETIC, config.instrument, summary=False)
    engine = SignalEngine(session.market, settings)
    market = SyntheticMarket(config)
    found: list[Signal] = []
    for batch in market.batches():
        until = cutoff(market)
        due = batch if until is None else [line for line in batch if int(line.partition(b" ")[0]) <= until]
        session.pipeline.feed(due)
        found += engine.on_batch(session.market)
        if len(due) < len(batch):
            break
    found += engine.flush()
    engine.close()
    ends = [engine.zone_end_ns(sig) for sig in found]
    return market, [
        sig if end is None else replace(sig, end_ns=end) for sig, end in zip(found, ends, strict=True)
    ]


def scenario_at_ns(seed: int) -> int:
    """When the scenario starts: 30–90 s in, anywhere in a minute (a footprint bar), from the seed."""
    return SCENARIO_AT_NS + (seed * 7_919 % 600) * NS_PER_S // 10


@dataclass(frozen=True)
class ScenarioRun:
    seed: int
    played: Played
    detections: tuple[Signal, ...]  # every kind, the whole session

    @property
    def kind(self) -> SignalKind:
        return self.played.kind

    @property
    def window(self) -> tuple[int, int]:
        tol = TOLERANCES[self.kind].time_ns
        return self.played.start_ns, (self.played.label.end_ns or self.played.label.ts_ns) + tol

    @property
    def scored(self) -> list[Signal]:
        """The detections of the scenario's kind inside its window."""
        lo, hi = self.window
        return [s for s in self.detections if s.kind is self.kind and lo <= s.ts_ns <= hi]

    def score(self) -> Score:
        tol = TOLERANCES[self.kind]
        return evaluate([self.played.label], self.scored, tol.time_ns, tol.price_ticks, same_side=True)[
            self.kind
        ]


def run_scenario(kind: SignalKind, seed: int, settings: SignalSettings | None = None) -> ScenarioRun:
    """One scenario with parameters drawn from `seed`, in background flow, replayed and detected."""
    config = SyntheticConfig(seed=seed, plan=((kind, scenario_at_ns(seed)),))

    def cutoff(market: SyntheticMarket) -> int | None:
        if not market.played:
            return None
        label = market.played[0].label
        return (label.end_ns or label.ts_ns) + TAIL_NS

    market, found = replay(config, cutoff, settings or SignalSettings())
    return ScenarioRun(seed, market.played[0], tuple(found))


def run_background(seed: int, duration_ns: int, settings: SignalSettings | None = None) -> list[Signal]:
    """Every detection on a session of background flow only (no scenario), after `WARMUP_NS`."""
    config = SyntheticConfig(seed=seed, kinds=())
    _, found = replay(config, lambda _: config.start_ns + duration_ns, settings or SignalSettings())
    return [s for s in found if s.ts_ns >= config.start_ns + WARMUP_NS]


def total(scores: Iterable[Score]) -> Score:
    labels = detections = matched = 0
    for s in scores:
        labels, detections, matched = labels + s.labels, detections + s.detections, matched + s.matched
    return Score(labels, detections, matched)
