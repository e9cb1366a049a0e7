"""The drill schedule: fixed by default, drawn from the seed with random start, never overlapping."""

from __future__ import annotations

import itertools

from app.core.drills.schedule import (
    FIRST_PROMPT_MS,
    FIRST_TRIAL_S,
    pick_signals,
    prompt_delays_ms,
    trial_offsets_ns,
)
from app.core.units import NS_PER_S


def test_without_random_start_trials_come_at_fixed_spacing() -> None:
    first = int(FIRST_TRIAL_S * NS_PER_S)
    assert trial_offsets_ns(3, 40.0, 1, False) == [first, 48 * NS_PER_S, 88 * NS_PER_S]
    assert trial_offsets_ns(3, 40.0, 1, False) == trial_offsets_ns(3, 40.0, 99, False)
    assert prompt_delays_ms(3, 700, 5, False) == [FIRST_PROMPT_MS, 700, 700]


def test_random_start_moves_them_by_seed_and_keeps_at_least_the_spacing() -> None:
    a, b = trial_offsets_ns(5, 40.0, 1, True), trial_offsets_ns(5, 40.0, 2, True)
    assert a == trial_offsets_ns(5, 40.0, 1, True) and a != b
    for offsets in (a, b):
        assert offsets[0] >= FIRST_TRIAL_S * NS_PER_S
        assert all(later - earlier >= 40 * NS_PER_S for earlier, later in itertools.pairwise(offsets))
    delays = prompt_delays_ms(10, 700, 3, True)
    assert delays != prompt_delays_ms(10, 700, 4, True) and min(delays[1:]) >= 700


def test_signals_of_a_recording_are_picked_by_seed_spaced_and_in_time_order() -> None:
    s = NS_PER_S
    signals = [5 * s, 30 * s, 31 * s, 60 * s, 62 * s, 100 * s, 140 * s, 141 * s]

    def pick(trials: int, seed: int) -> list[int]:
        return pick_signals(signals, 0, trials, lead_ns=10 * s, spacing_ns=25 * s, seed=seed)

    for seed in range(20):
        picked = pick(3, seed)
        times = [signals[i] for i in picked]
        assert len(picked) == 3 and times == sorted(times)
        assert 5 * s not in times  # no lead before it
        assert all(b - a >= 25 * s for a, b in itertools.pairwise(times))
        assert picked == pick(3, seed)
    assert len({tuple(pick(3, seed)) for seed in range(20)}) > 1
    assert len(pick(10, 1)) == 4  # all there is room for: one of 30|31, one of 60|62, 100, one of 140|141
    assert pick_signals([], 0, 3, lead_ns=s, spacing_ns=s, seed=1) == []
