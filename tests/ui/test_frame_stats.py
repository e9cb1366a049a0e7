"""Whole-run histograms: percentiles without keeping the samples, never better than they were."""

from __future__ import annotations

import math
import random

from app.ui.frame_clock import percentile
from app.ui.frame_stats import BIN_MS, Histogram


def test_percentiles_match_the_exact_ones_within_one_bin_and_never_lower():
    rng = random.Random(7)
    samples = [rng.lognormvariate(1.2, 0.6) for _ in range(20_000)] + [3_500.0]  # one beyond the bins
    hist = Histogram()
    for ms in samples:
        hist.add(ms)

    for q in (50, 90, 99, 99.9):
        exact = percentile(samples, q)
        assert exact <= hist.percentile(q) <= exact + BIN_MS
    assert hist.percentile(100) == hist.max_ms == 3_500.0
    summary = hist.summary()
    assert summary["samples"] == len(samples)
    assert math.isclose(summary["mean_ms"], sum(samples) / len(samples), abs_tol=1e-3)


def test_an_empty_histogram_reports_zeros():
    empty = {"samples": 0, "p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0, "mean_ms": 0.0}
    assert Histogram().summary() == empty
