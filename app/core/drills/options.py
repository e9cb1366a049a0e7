"""How a drill is run: its seed and the practice options (docs/DRILLS.md, "Options")."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DrillOptions:
    seed: int = 1
    speed: float = 1.0  # market speed (read-and-react); an execution drill's pace is its own
    trials: int | None = None  # None: the drill's own count
    hide_clock: bool = False  # no market clock on screen: read the flow, not the time
    hide_prices: bool = False  # no price labels on the ladder: read sizes and positions, not numbers
    random_start: bool = False  # the first signal comes at a time drawn from the seed, not at 10 s
    recording: tuple[str, ...] = ()  # file names of the recording drilled on; () = the synthetic market

    def trials_for(self, default: int) -> int:
        return self.trials if self.trials is not None else default

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
