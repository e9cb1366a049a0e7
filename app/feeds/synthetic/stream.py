"""The synthetic market as an endless stream of stamped lines, with its scenarios and labels.

`SyntheticMarket` owns one simulation (sim.py), plays scenarios (scenarios.py) at chosen or random
times, and encodes what the simulated exchange publishes in the synthetic venue's line format
(app/venues/synthetic/), stamped `<receive ns> <json>` like a recording. `batches()` generates
lazily, `batch_ns` of simulated time at a time, so an endless session never sits in memory.

Determinism: three independent streams are spawned from one `SeedSequence(seed)` — the
background flow, the scenario schedule and parameters, and the receive latency — so (seed,
config) fix every byte. Receive time = exchange time + a small latency with jitter, never
decreasing, as a socket stamps frames on arrival.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from app.core.events import BookTicker, DepthDiff, DepthSnapshot, Liquidation
from app.core.instrument import Instrument
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_MS, NS_PER_S
from app.feeds.synthetic.scenarios import SCENARIOS
from app.feeds.synthetic.sim import FlowParams, Forced, Out, Prints, Sim
from app.venues.synthetic import SYNTHETIC
from app.venues.synthetic.encoder import SyntheticEncoder
from app.venues.synthetic.instruments import DEFAULT_SYMBOL

START_NS = 1_767_621_600 * NS_PER_S  # 2026-01-05 14:00 UTC: a fixed, ordinary afternoon
ALL_KINDS: tuple[SignalKind, ...] = tuple(SCENARIOS)


def default_instrument() -> Instrument:
    return SYNTHETIC.instrument(DEFAULT_SYMBOL)


@dataclass(frozen=True)
class SyntheticConfig:
    """Everything that decides a synthetic session (with the seed, every byte of it)."""

    seed: int = 7
    instrument: Instrument = field(default_factory=default_instrument)
    flow: FlowParams = field(default_factory=FlowParams)
    start_ns: int = START_NS
    kinds: tuple[SignalKind, ...] = ALL_KINDS  # played at random times, in random order; () = none
    plan: tuple[tuple[SignalKind, int], ...] = ()  # (kind, offset ns from start): chosen times instead
    random_params: bool = True  # parameters drawn from each scenario's ranges, else their middles
    first_gap_ns: int = 10 * NS_PER_S
    gap_ns: tuple[int, int] = (20 * NS_PER_S, 45 * NS_PER_S)  # quiet market between scenarios
    latency_ns: int = 2 * NS_PER_MS
    jitter_ns: int = 1 * NS_PER_MS  # mean of the exponential extra latency
    batch_ns: int = NS_PER_S // 2  # simulated time generated per batch

    @property
    def name(self) -> str:
        """What the scenarios are called on a title line: one kind's name, "random" or "none"."""
        if self.plan:
            return "+".join(dict.fromkeys(k.value for k, _ in self.plan))
        if len(self.kinds) == 1:
            return self.kinds[0].value
        return "random" if self.kinds else "none"


@dataclass(frozen=True)
class Played:
    """One scenario as it was played: what, when it started, with which parameters, and its label."""

    kind: SignalKind
    start_ns: int
    params: dict[str, float]
    direction: int
    label: Signal


class SyntheticMarket:
    """One synthetic session: the simulation, its scenario director and its encoder."""

    def __init__(self, config: SyntheticConfig) -> None:
        self.config = config
        flow_seq, scenario_seq, latency_seq = np.random.SeedSequence(config.seed).spawn(3)
        self.sim = Sim(config.flow, np.random.default_rng(flow_seq), config.start_ns)
        self._rng = np.random.default_rng(scenario_seq)
        self._latency = np.random.default_rng(latency_seq)
        self._encoder = SyntheticEncoder(config.instrument)
        self.played: list[Played] = []
        self._last_receive_ns = 0
        if config.plan:
            for kind, offset_ns in config.plan:
                self.sim.at(config.start_ns + offset_ns, lambda kind=kind: self._play(kind, chained=False))  # type: ignore[misc]
        elif config.kinds:
            self.sim.at(config.start_ns + config.first_gap_ns, self._play_next)

    @property
    def labels(self) -> list[Signal]:
        """Labels of the scenarios completed so far in simulated time, oldest first."""
        return [played.label for played in self.played]

    # -- the director ----------------------------------------------------------------------------

    def _play_next(self) -> None:
        kinds = self.config.kinds
        self._play(kinds[int(self._rng.integers(len(kinds)))], chained=True)

    def _play(self, kind: SignalKind, chained: bool) -> None:
        scenario = SCENARIOS[kind]
        params = scenario.draw(self._rng) if self.config.random_params else scenario.defaults()
        direction = 1 if self._rng.random() < 0.5 else -1
        start_ns = self.sim.now_ns

        def done(label: Signal) -> None:
            self.played.append(Played(kind, start_ns, params, direction, label))
            if chained:
                lo, hi = self.config.gap_ns
                self.sim.at(self.sim.now_ns + int(self._rng.integers(lo, hi)), self._play_next)

        scenario.play(self.sim, params, direction, done)

    # -- the lines -------------------------------------------------------------------------------

    def batches(self) -> Iterator[list[bytes]]:
        """Endless: the opening book snapshot, then `batch_ns` of simulated market per batch."""
        sim = self.sim
        yield [self._line(sim.snapshot())]
        t_ns = self.config.start_ns
        while True:
            t_ns += self.config.batch_ns
            sim.advance_to(t_ns)
            out, sim.out = sim.out, []
            yield [self._line(event) for event in out]

    def _line(self, event: Out) -> bytes:
        enc = self._encoder
        if isinstance(event, Prints):
            payload = enc.trades(event.exchange_ns, event.side, event.fills)
        elif isinstance(event, DepthDiff):
            payload = enc.diff(event)
        elif isinstance(event, BookTicker):
            payload = enc.bbo(event)
        elif isinstance(event, Forced):
            avg = self.config.instrument.price_from_ratio(event.tick_lots, event.filled_lots, 2)
            payload = enc.liquidation(
                Liquidation(
                    event.exchange_ns,
                    0,
                    event.side,
                    event.price_ticks,
                    event.qty_lots,
                    Decimal(avg),
                    event.filled_lots,
                )
            )
        else:
            assert isinstance(event, DepthSnapshot)
            payload = enc.book(event)
        lag = self.config.latency_ns + int(self._latency.exponential(self.config.jitter_ns))
        receive_ns = max(self._last_receive_ns, event.exchange_ns + lag)
        self._last_receive_ns = receive_ns
        return b"%d %s" % (receive_ns, payload)
