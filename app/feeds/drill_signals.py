"""The signals a recording drill is built on: one kind, detected by the signal engine, with the span
of the recording they can be placed in.

A real recording has no labels, so its read-and-react drills use what the detectors find
(docs/SIGNALS.md) as the signal: the same `Signal` a synthetic scenario is labelled with. A
synthetic session recorded with `scalpdesk synthetic --record` keeps its labels beside it
(FILE.labels.json); those are ground truth and are used instead. The replay is `run_replay`'s own
loop, as `scalpdesk signals` runs it (app/feeds/signals_scan.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.instrument import Instrument
from app.core.signals.engine import SignalEngine, SignalSettings
from app.core.signals.kinds import Signal, SignalKind
from app.feeds.replay import ReplaySession, run_replay
from app.feeds.synthetic.record import labels_path, read_labels


@dataclass(frozen=True)
class Detected:
    instrument: Instrument
    signals: list[Signal]  # of the kind asked for, in time order
    counts: dict[str, int]  # every kind found, for "no absorption here (found: sweep 73)"
    labelled: bool  # from the recording's labels file, not from the detectors
    first_ns: int  # exchange time of the first and the last print
    last_ns: int


def detect(paths: Sequence[Path], kind: SignalKind, settings: SignalSettings | None = None) -> Detected:
    """Replay `paths` headless through every detector; raises ReplayError for a bad recording."""
    found: list[Signal] = []
    engines: list[SignalEngine] = []
    labelled = len(paths) == 1 and labels_path(paths[0]).exists()

    def on_open(session: ReplaySession) -> Callable[[], None]:
        engine = SignalEngine(session.market, settings or SignalSettings())
        engines.append(engine)
        return lambda: found.extend(engine.on_batch())

    if labelled:
        session = run_replay(paths)
        found = read_labels(paths[0])
    else:
        session = run_replay(paths, on_open=on_open)
        found.extend(engines[0].flush())
        engines[0].close()
    counts: dict[str, int] = {}
    for signal in found:
        counts[signal.kind.value] = counts.get(signal.kind.value, 0) + 1
    market = session.market
    last = market.last_trade_ns or 0
    first = market.first_trade_ns or last
    ours = sorted((s for s in found if s.kind is kind), key=lambda s: s.ts_ns)
    return Detected(session.instrument, ours, counts, labelled, first, last)
