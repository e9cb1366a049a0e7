"""Precision and recall of every detector on the labelled synthetic market, and its false alarms
on background flow alone. Prints a Markdown report for docs/SIGNALS.md, "Precision and recall".

Run with `.venv/bin/python tests/benchmarks/eval_signals.py` (the measured seeds, ~5 minutes on
the 2-core machine); `--tuning` runs the tuning seeds instead and `--why` lists every miss and
false alarm, for looking into a weak figure. Not a test, and not timed.

Seeds: the MEASURED seeds (1, 2, …) are the ones reported; the TUNING seeds (1000, 1001, …) are
the only ones looked at while adjusting thresholds or scenario realism. Each seed draws the
scenario's parameters at random within its documented ranges (docs/SYNTHETIC.md) and its
direction; method and tolerances: app/feeds/synthetic/scoring.py.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.signals.engine import SignalSettings  # noqa: E402
from app.core.signals.evaluate import Score  # noqa: E402
from app.core.signals.kinds import SignalKind  # noqa: E402
from app.core.units import NS_PER_S  # noqa: E402
from app.feeds.synthetic.scoring import (  # noqa: E402
    SCENARIO_AT_NS,
    TOLERANCES,
    WARMUP_NS,
    ScenarioRun,
    run_background,
    run_scenario,
    total,
)
from app.feeds.synthetic.stream import START_NS  # noqa: E402

MEASURED_FIRST = 1  # seeds 1–999: reported, never tuned on
TUNING_FIRST = 1000  # seeds 1000–1999: looked at while tuning
BACKGROUND_S = 600  # one background session: 10 minutes


def why(run: ScenarioRun, start_ns: int) -> str:
    """One line per run that was not a clean hit: the label, then each detection in its window."""
    label = run.played.label
    rel = lambda ns: f"{(ns - start_ns) / NS_PER_S:6.2f}s"  # noqa: E731
    params = ", ".join(f"{k} {v:.2f}" for k, v in run.played.params.items())
    out = [
        f"  seed {run.seed}: label {rel(label.ts_ns)}–{rel(label.end_ns or label.ts_ns)} "
        f"price {label.price_ticks} side {label.side:+d} ({params})"
    ]
    out += [
        f"      found {rel(s.ts_ns)} price {s.price_ticks - label.price_ticks:+d} side {s.side:+d} {s.detail}"
        for s in run.scored
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=40, help="scenario runs per kind")
    parser.add_argument("--background", type=int, default=6, help="10-minute background sessions")
    parser.add_argument("--tuning", action="store_true", help="the tuning seeds (1000…), not the measured")
    parser.add_argument("--kinds", default="", help="comma list (default: every kind)")
    parser.add_argument("--why", action="store_true", help="list the misses and false alarms")
    args = parser.parse_args()
    first = TUNING_FIRST if args.tuning else MEASURED_FIRST
    seeds = range(first, first + args.seeds)
    kinds = [SignalKind(k) for k in args.kinds.split(",") if k] or list(SignalKind)
    settings = SignalSettings()
    started = time.process_time()

    print(f"# detector precision and recall — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    machine = platform.processor() or platform.platform()
    print(f"machine: {platform.machine()}, {machine}, Python {platform.python_version()}")
    which = "TUNING" if args.tuning else "MEASURED"
    print(
        f"\n{which} seeds {seeds.start}–{seeds.stop - 1} per kind, each scenario "
        f"{SCENARIO_AT_NS // NS_PER_S}–{SCENARIO_AT_NS // NS_PER_S + 60} s into a fresh session "
        "with background flow\n"
    )
    print("| kind | labels | detections | matched | precision | recall | tolerance (time, price) |")
    print("|---|---:|---:|---:|---:|---:|---|")
    notes: list[str] = []
    for kind in kinds:
        runs = [run_scenario(kind, seed, settings) for seed in seeds]
        score: Score = total(r.score() for r in runs)
        tol = TOLERANCES[kind]
        tolerance = f"±{tol.time_ns / NS_PER_S:g} s, ±{tol.price_ticks} ticks"
        print(
            f"| {kind.value} | {score.labels} | {score.detections} | {score.matched} | "
            f"{score.precision:.2f} | {score.recall:.2f} | {tolerance} |"
        )
        if args.why:
            bad = [r for r in runs if r.score().matched != 1 or r.score().detections != 1]
            if bad:
                notes.append(f"{kind.value}: {len(bad)} runs not a single clean hit")
                notes += [why(r, START_NS) for r in bad]
    for line in notes:
        print(line)

    if args.background:
        bg_seeds = range(first, first + args.background)
        counts: Counter[SignalKind] = Counter()
        for seed in bg_seeds:
            found = run_background(seed, BACKGROUND_S * NS_PER_S, settings)
            counts.update(s.kind for s in found)
        hours = len(bg_seeds) * (BACKGROUND_S - WARMUP_NS / NS_PER_S) / 3600
        print(
            f"\nBackground flow only (no scenario), seeds {bg_seeds.start}–{bg_seeds.stop - 1}, "
            f"{len(bg_seeds)} × {BACKGROUND_S // 60} minutes, detections after the first "
            f"{WARMUP_NS // NS_PER_S} s of each:\n"
        )
        print("| kind | detections | per hour |")
        print("|---|---:|---:|")
        for kind in kinds:
            print(f"| {kind.value} | {counts[kind]} | {counts[kind] / hours:.0f} |")
    print(f"\n({time.process_time() - started:.0f} s CPU)")


if __name__ == "__main__":
    main()
