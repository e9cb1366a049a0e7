"""Reconnect delays: exponential, capped, with jitter, and reset once data flows again.

Uncapped or jitter-free retry loops are how connectors get rate-limited or banned by a venue
after an outage (every client retries at the same instant); resetting on data rather than on a
completed handshake keeps a socket that connects and then dies at once from retrying fast.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    initial_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 30.0
    jitter: float = 0.25  # each delay is drawn from ±jitter around the nominal one

    def delay_s(self, failures: int, rng: random.Random) -> float:
        """The wait before reconnect attempt number `failures` (1 = the first retry)."""
        nominal = min(self.cap_s, self.initial_s * self.factor ** max(0, failures - 1))
        return max(0.0, nominal * (1.0 + rng.uniform(-self.jitter, self.jitter)))
