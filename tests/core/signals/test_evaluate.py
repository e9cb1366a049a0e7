"""Precision and recall of detections against labels, on hand-made lists."""

from __future__ import annotations

from app.core.signals.evaluate import evaluate
from app.core.signals.kinds import Signal, SignalKind

A, SW = SignalKind.ABSORPTION, SignalKind.SWEEP
MS = 1_000_000


def sig(kind: SignalKind, t_ms: int, price: int, end_ms: int | None = None) -> Signal:
    return Signal(kind, t_ms * MS, price, 1, end_ns=None if end_ms is None else end_ms * MS)


def test_matches_within_time_and_price_tolerance_count_once_per_label() -> None:
    labels = [sig(A, 1000, 100), sig(A, 5000, 200), sig(SW, 2000, 300, end_ms=2500)]
    found = [
        sig(A, 1400, 101),  # matches the first
        sig(A, 1500, 100),  # the first is taken: a false alarm
        sig(A, 5000, 210),  # price too far
        sig(SW, 2400, 300),  # inside the sweep's interval
    ]

    scores = evaluate(labels, found, time_tol_ns=500 * MS, price_tol_ticks=2)

    assert (scores[A].labels, scores[A].detections, scores[A].matched) == (2, 3, 1)
    assert scores[A].precision == 1 / 3 and scores[A].recall == 1 / 2
    assert (scores[SW].precision, scores[SW].recall) == (1.0, 1.0)


def test_nothing_to_find_and_nothing_found_scores_one() -> None:
    scores = evaluate([sig(A, 0, 0)], [sig(SW, 0, 0)], time_tol_ns=MS, price_tol_ticks=0)

    assert scores[A].recall == 0.0 and scores[A].precision == 1.0
    assert scores[SW].precision == 0.0 and scores[SW].recall == 1.0


def test_each_detection_takes_the_nearest_label() -> None:
    labels = [sig(A, 1000, 100), sig(A, 1300, 100)]
    found = [sig(A, 1290, 100), sig(A, 1010, 100)]

    assert evaluate(labels, found, time_tol_ns=400 * MS, price_tol_ticks=0)[A].matched == 2


def test_with_same_side_a_detection_pointing_the_other_way_is_no_match() -> None:
    labels = [sig(A, 1000, 100)]
    found = [Signal(A, 1000 * MS, 100, -1)]

    assert evaluate(labels, found, time_tol_ns=MS, price_tol_ticks=0)[A].matched == 1
    assert evaluate(labels, found, time_tol_ns=MS, price_tol_ticks=0, same_side=True)[A].matched == 0
