"""Ingest with the signal engine on vs off, as ratios to the orjson floor of the same run.

Run with `.venv/bin/python tests/benchmarks/bench_signals.py` (also run by `bash scripts/bench.sh`).
Not a test: it prints a Markdown table for docs/BENCHMARKS.md. Same method as bench_ingest.py
(whose `best_of` it reuses): best of interleaved rounds of CPU time, lines held in memory.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import best_of  # noqa: E402

from app.core.signals.engine import SignalEngine, SignalSettings  # noqa: E402
from app.core.signals.kinds import SignalKind  # noqa: E402
from app.feeds.recording import iter_line_batches  # noqa: E402
from app.feeds.replay import ReplayError, open_replay  # noqa: E402

RECORDING = ROOT / "resources" / "btcusdt_20240808.gz"
SHARED = ROOT.parent / "shared" / "data"  # the recordings beside the checkout, as the tests read them
BOOK = frozenset({SignalKind.SWEEP, SignalKind.ICEBERG, SignalKind.PULLED_WALL})


def stages(path: Path) -> list[tuple[str, Callable[[], object]]]:
    batches = list(iter_line_batches(path))
    payloads = [line.partition(b" ")[2] for batch in batches for line in batch]

    def floor() -> None:
        loads = orjson.loads
        for p in payloads:
            loads(p)

    def ingest(conflate: bool, kinds: frozenset[SignalKind] | None) -> Callable[[], None]:
        def run() -> None:
            s, _ = open_replay([path], summary=False)
            s.pipeline.conflate = conflate
            s.pipeline.bbo_check = None
            engine = SignalEngine(s.market, SignalSettings(enabled=kinds)) if kinds is not None else None
            for batch in batches:
                s.pipeline.feed(batch)
                if engine is not None:
                    engine.on_batch(s.market)
            if engine is not None:
                engine.flush()

        return run

    every = frozenset(SignalKind)
    return [
        ("orjson.loads only (the floor)", floor),
        ("ingest, tickers conflated, engine off", ingest(True, None)),
        ("ingest, tickers conflated, engine on (all 9)", ingest(True, every)),
        ("ingest, tickers conflated, engine on without book detectors", ingest(True, every - BOOK)),
        ("ingest, every message decoded, engine off", ingest(False, None)),
        ("ingest, every message decoded, engine on (all 9)", ingest(False, every)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shared = sorted(p for p in SHARED.glob("*/*") if p.suffix in (".gz", ".zip", ".0"))
    files = [RECORDING, *(p for p in shared if p.name != RECORDING.name)]  # the bundled one is a copy
    print(f"# signal engine benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    machine = platform.processor() or platform.platform()
    print(f"machine: {platform.machine()}, {machine}, Python {platform.python_version()}")
    for path in files:
        try:
            named = stages(path)
            open_replay([path])
        except ReplayError as exc:
            print(f"\n{path.name}: skipped ({exc})")
            continue
        best = dict.fromkeys((name for name, _ in named), float("inf"))
        for _ in range(args.rounds):
            for name, fn in named:
                best[name] = min(best[name], best_of(1, fn))
        t0 = best["orjson.loads only (the floor)"]
        print(f"\n{path.name}, best of {args.rounds} rounds (CPU time)\n")
        print("| stage | ms | × orjson-only |")
        print("|---|---:|---:|")
        for name, seconds in best.items():
            print(f"| {name} | {seconds * 1e3:.1f} | {seconds / t0:.2f} |")


if __name__ == "__main__":
    main()
