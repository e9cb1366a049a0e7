"""When a drill's prompts and scenarios come: fixed by default, drawn from the seed with random start.

A fixed schedule lets a trader compare today's run of a seed with last week's; a random start
takes away the anticipation ("the absorption comes at ten seconds"). Drawn from its own stream of
the seed, so the market of a seed is the same with and without it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.core.units import NS_PER_S

FIRST_TRIAL_S = 8.0  # the market runs a little before the first scenario: a book to read
RANDOM_FIRST_S = 20.0  # random start: up to this much later
RANDOM_GAP_S = 15.0  # and up to this much more between trials
FIRST_PROMPT_MS = 2000
RANDOM_PROMPT_MS = 3000


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, 0xD1])  # not the market's streams


def trial_offsets_ns(trials: int, spacing_s: float, seed: int, random_start: bool) -> list[int]:
    """Offsets from the market's start at which each trial's scenario begins."""
    rng = _rng(seed)
    at_s = FIRST_TRIAL_S + (float(rng.uniform(0, RANDOM_FIRST_S)) if random_start else 0.0)
    offsets: list[int] = []
    for _ in range(trials):
        offsets.append(int(at_s * NS_PER_S))
        at_s += spacing_s + (float(rng.uniform(0, RANDOM_GAP_S)) if random_start else 0.0)
    return offsets


def prompt_delays_ms(prompts: int, gap_ms: int, seed: int, random_start: bool) -> list[int]:
    """Wall-clock wait before each execution prompt: the first, then the gap after each answer."""
    if not random_start:
        return [FIRST_PROMPT_MS] + [gap_ms] * (prompts - 1)
    rng = _rng(seed)
    first = FIRST_PROMPT_MS + int(rng.integers(0, RANDOM_PROMPT_MS))
    return [first] + [gap_ms + int(rng.integers(0, 2 * gap_ms + 1)) for _ in range(prompts - 1)]


def pick_signals(
    signal_ns: Sequence[int],
    begin_ns: int,
    trials: int,
    *,
    lead_ns: int,
    spacing_ns: int,
    seed: int,
) -> list[int]:
    """Which detected signals of a recording become trials: indexes into `signal_ns`, in time order.

    The seed picks (another seed, other signals of the same day); each pick leaves `lead_ns` of
    market before it (something to read) and `spacing_ns` to the next, so trials never overlap.
    Fewer than `trials` when the recording has fewer such signals.
    """
    order = _rng(seed).permutation(len(signal_ns))
    chosen: list[int] = []
    for i in (int(i) for i in order):
        t = signal_ns[i]
        if t - lead_ns < begin_ns or any(abs(t - signal_ns[j]) < spacing_ns for j in chosen):
            continue
        chosen.append(i)
        if len(chosen) == trials:
            break
    return sorted(chosen, key=lambda i: signal_ns[i])
