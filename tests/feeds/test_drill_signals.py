"""The signals a recording drill is built on: detected on a real recording, or a synthetic
recording's own labels when it has them."""

from __future__ import annotations

from pathlib import Path

from app.core.signals.kinds import SignalKind
from app.core.units import NS_PER_S
from app.feeds.drill_signals import detect
from app.feeds.synthetic.record import record_synthetic
from app.feeds.synthetic.stream import SyntheticConfig


def test_on_the_bundled_recording_the_detectors_give_the_absorptions_in_time_order(
    btcusdt_recording: Path,
) -> None:
    found = detect([btcusdt_recording], SignalKind.ABSORPTION)
    assert not found.labelled and found.instrument.symbol == "BTCUSDT"
    assert found.signals and {s.kind for s in found.signals} == {SignalKind.ABSORPTION}
    times = [s.ts_ns for s in found.signals]
    assert times == sorted(times) and found.first_ns <= times[0] and times[-1] <= found.last_ns
    assert found.counts["absorption"] == len(found.signals) and found.counts["sweep"] > 0
    assert "pulled_wall" not in found.counts  # the exit drill has nothing to play here


def test_a_synthetic_recording_brings_its_own_labels(tmp_path: Path) -> None:
    path = tmp_path / "sim.gz"
    plan = ((SignalKind.SWEEP, 5 * NS_PER_S), (SignalKind.ABSORPTION, 25 * NS_PER_S))
    done = record_synthetic(path, SyntheticConfig(seed=4, plan=plan), 60 * NS_PER_S)
    found = detect([path], SignalKind.SWEEP)
    assert found.labelled
    assert found.signals == [label for label in done.labels if label.kind is SignalKind.SWEEP]
    assert found.counts == {"sweep": 1, "absorption": 1}
