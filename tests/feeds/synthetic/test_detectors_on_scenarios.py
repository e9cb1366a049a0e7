"""The detectors find the synthetic market's labelled scenarios: regression guards for the figures
of docs/SIGNALS.md, "Precision and recall" (measured by tests/benchmarks/eval_signals.py).

For two fixed seeds per kind (the first two tuning seeds on which the run is a clean hit today:
parameters drawn from the seed, background flow around it), the detector finds the label and
nothing else of its kind in the scenario's window. A quiet stretch of background flow (a fixed
seed, two minutes) gives none of the reads the background rarely makes by itself. And the
in-memory replay the evaluation uses finds what `scalpdesk signals` finds in the same session
recorded to a file.
"""

from __future__ import annotations

import pytest

from app.core.signals.engine import SignalSettings
from app.core.signals.kinds import SignalKind
from app.core.units import NS_PER_S
from app.feeds.signals_scan import scan
from app.feeds.synthetic.record import record_synthetic
from app.feeds.synthetic.scoring import TOLERANCES, replay, run_background, run_scenario
from app.feeds.synthetic.stream import SyntheticConfig

SEEDS: dict[SignalKind, tuple[int, int]] = {
    SignalKind.ABSORPTION: (1000, 1001),
    SignalKind.EXHAUSTION: (1000, 1004),
    SignalKind.STACKED_IMBALANCE: (1000, 1006),
    SignalKind.SWEEP: (1000, 1001),
    SignalKind.ICEBERG: (1001, 1004),
    SignalKind.PULLED_WALL: (1000, 1001),
    SignalKind.CVD_DIVERGENCE: (1000, 1002),
    SignalKind.LARGE_PRINT: (1000, 1001),
    SignalKind.LIQUIDATION_CASCADE: (1000, 1001),
}
# what background flow alone rarely makes (measured ≤ 12 an hour); the others it does make by
# definition: large orders and sweeps from its heavy tail, replenished touches, cancelled walls
NOT_IN_BACKGROUND = (
    SignalKind.ABSORPTION,
    SignalKind.EXHAUSTION,
    SignalKind.CVD_DIVERGENCE,
    SignalKind.LIQUIDATION_CASCADE,
)


@pytest.mark.parametrize("kind", list(SEEDS), ids=lambda k: k.value)
def test_the_detector_finds_the_labelled_scenario_and_nothing_else_of_its_kind_around_it(kind):
    for seed in SEEDS[kind]:
        run = run_scenario(kind, seed)

        score = run.score()
        label, found = run.played.label, run.scored
        tol = TOLERANCES[kind]
        assert (score.labels, score.detections, score.matched) == (1, 1, 1), (seed, found)
        assert found[0].side == label.side
        assert abs(found[0].price_ticks - label.price_ticks) <= tol.price_ticks


def test_a_quiet_stretch_of_background_flow_gives_none_of_the_reads_it_rarely_makes():
    found = run_background(1001, 150 * NS_PER_S)

    assert found  # the engine ran: the background's own large prints, sweeps…
    assert [s for s in found if s.kind in NOT_IN_BACKGROUND] == []


def test_the_evaluations_replay_finds_what_the_signals_command_finds_in_the_recording(tmp_path):
    config = SyntheticConfig(seed=1000, kinds=(SignalKind.SWEEP, SignalKind.ABSORPTION, SignalKind.ICEBERG))
    duration_ns = 90 * NS_PER_S
    path = tmp_path / "sim.gz"
    record_synthetic(path, config, duration_ns)

    _, in_memory = replay(config, lambda _: config.start_ns + duration_ns, SignalSettings())
    _, from_file = scan([path], SignalSettings())

    assert in_memory == from_file
    book_reads = {SignalKind.SWEEP, SignalKind.ICEBERG, SignalKind.PULLED_WALL}  # on the mirror book
    assert {s.kind for s in in_memory} >= book_reads
