"""Precision and recall of detections against labels (a synthetic market's ground truth).

Matching is per kind and one-to-one: a detection matches an unmatched label of its kind when
its time is within `time_tol_ns` of the label's interval [ts_ns, end_ns or ts_ns] and its price
within `price_tol_ticks` (and, with `same_side`, it points the same way); labels and detections
are taken in time order and each detection takes the nearest (in time) eligible label, so one
label is never counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.signals.kinds import Signal, SignalKind


@dataclass(frozen=True, slots=True)
class Score:
    labels: int
    detections: int
    matched: int

    @property
    def precision(self) -> float:
        """Matched / detections (1.0 when nothing was detected: no false alarm)."""
        return self.matched / self.detections if self.detections else 1.0

    @property
    def recall(self) -> float:
        """Matched / labels (1.0 when there was nothing to find)."""
        return self.matched / self.labels if self.labels else 1.0


def _gap_ns(label: Signal, t: int) -> int:
    end = label.end_ns if label.end_ns is not None else label.ts_ns
    return 0 if label.ts_ns <= t <= end else min(abs(t - label.ts_ns), abs(t - end))


def evaluate(
    labels: Sequence[Signal],
    detections: Sequence[Signal],
    time_tol_ns: int,
    price_tol_ticks: int,
    *,
    same_side: bool = False,
) -> dict[SignalKind, Score]:
    """Score per kind present in either list. `same_side`: a detection pointing the other way
    than the label is no match (a trader would have traded it the wrong way)."""
    out: dict[SignalKind, Score] = {}
    for kind in {s.kind for s in labels} | {s.kind for s in detections}:
        mine = sorted((s for s in labels if s.kind is kind), key=lambda s: s.ts_ns)
        found = sorted((s for s in detections if s.kind is kind), key=lambda s: s.ts_ns)
        taken = [False] * len(mine)
        matched = 0
        for det in found:
            best, best_gap = -1, time_tol_ns + 1
            for i, label in enumerate(mine):
                if taken[i] or abs(det.price_ticks - label.price_ticks) > price_tol_ticks:
                    continue
                if same_side and det.side != label.side:
                    continue
                gap = _gap_ns(label, det.ts_ns)
                if gap < best_gap:
                    best, best_gap = i, gap
            if best >= 0:
                taken[best] = True
                matched += 1
        out[kind] = Score(len(mine), len(found), matched)
    return out
