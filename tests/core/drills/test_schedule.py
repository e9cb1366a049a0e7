"""The drill schedule: fixed by default, drawn from the seed with random start, never overlapping."""

from __future__ import annotations

import itertools

from app.core.drills.schedule import FIRST_PROMPT_MS, FIRST_TRIAL_S, prompt_delays_ms, trial_offsets_ns
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
