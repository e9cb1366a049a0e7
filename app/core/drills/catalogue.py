"""The drill catalogue: every drill by a stable name, with its task and the numbers it is scored by.

A drill is a market, a task and a scoring rule (docs/DRILLS.md). The names are stable on purpose:
they are the key of the history in SQLite, so a renamed drill would lose its progress plot.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.core.signals.kinds import SignalKind


class Family(enum.Enum):
    EXECUTION = "execution"  # a prompt appears; press the right keys, fast
    READ_REACT = "read_react"  # the market plays a pattern; read it and act on it


class Task(enum.Enum):
    ENTER = "enter"  # get in the way the read points
    EXIT = "exit"  # the runner puts you in; get out when the read says so


@dataclass(frozen=True, slots=True)
class DrillBracket:
    """The drill's own bracket: the stop defines 1 R, whatever the trader's own templates are."""

    stop_ticks: int
    target_ticks: int | None = None
    name: str = "Drill"


@dataclass(frozen=True, slots=True)
class DrillSpec:
    name: str
    family: Family
    title: str  # what the overlay says, e.g. "FADE THE ABSORPTION"
    summary: str  # one line for `scalpdesk drill --list`
    trials: int
    # execution drills
    limit_ms: int = 4000  # time allowed for a prompt at the start; unanswered = a miss
    pace: float = 1.0  # the limit is multiplied by this after every correct answer in a streak
    min_limit_ms: int = 4000
    gap_ms: int = 700  # pause between a scored prompt and the next
    target_ms: int = 1000  # a correct answer this fast or faster earns full points
    # read-and-react drills
    signal: SignalKind | None = None
    task: Task = Task.ENTER
    size_index: int = 0  # the size preset the task asks for (0 = the key "1")
    bracket: DrillBracket = DrillBracket(stop_ticks=10)
    window_s: float = 10.0  # reaction allowed, and the span in which the best price is looked for
    horizon_s: float = 20.0  # the trial ends this long after the signal (open positions are closed)
    spacing_s: float = 40.0  # from one trial's scenario to the next (a scenario plus the horizon fit)

    def limit_after(self, streak: int) -> int:
        """Time allowed for the next prompt after `streak` correct answers in a row (rising pace)."""
        return max(self.min_limit_ms, round(self.limit_ms * self.pace**streak))


CATALOGUE: dict[str, DrillSpec] = {
    spec.name: spec
    for spec in (
        DrillSpec(
            "exec-basic",
            Family.EXECUTION,
            "EXECUTION",
            "12 order prompts (BUY 3 @ BID, SELL 1 MKT, FLATTEN…): the right key, side and size, fast",
            trials=12,
        ),
        DrillSpec(
            "exec-pace",
            Family.EXECUTION,
            "EXECUTION — RISING PACE",
            "20 prompts; each correct answer in a streak shortens the time allowed (2.5 s down to 0.6 s)",
            trials=20,
            limit_ms=2500,
            pace=0.88,
            min_limit_ms=600,
            gap_ms=400,
            target_ms=700,
        ),
        DrillSpec(
            "fade-absorption",
            Family.READ_REACT,
            "FADE THE ABSORPTION",
            "aggressors hit a level that holds: get in against them (size 1, stop 10, target 15 ticks)",
            trials=3,
            signal=SignalKind.ABSORPTION,
            bracket=DrillBracket(stop_ticks=10, target_ticks=15),
            window_s=10.0,
        ),
        DrillSpec(
            "ride-sweep",
            Family.READ_REACT,
            "RIDE THE SWEEP",
            "one order clears several levels into a thin book: follow it (size 1, stop 10, target 15 ticks)",
            trials=3,
            signal=SignalKind.SWEEP,
            bracket=DrillBracket(stop_ticks=10, target_ticks=15),
            window_s=5.0,
            spacing_s=35.0,
        ),
        DrillSpec(
            "exit-pulled-wall",
            Family.READ_REACT,
            "GET OUT WHEN THE WALL IS PULLED",
            "you are put in leaning on a large resting order; exit the moment it is pulled (stop 20 ticks)",
            trials=3,
            signal=SignalKind.PULLED_WALL,
            task=Task.EXIT,
            bracket=DrillBracket(stop_ticks=20),
            window_s=5.0,
            spacing_s=60.0,
        ),
    )
}


class UnknownDrill(ValueError):
    """A drill name that is not in the catalogue; the message lists the names there are."""


def drill_names() -> list[str]:
    return list(CATALOGUE)


def get_drill(name: str) -> DrillSpec:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise UnknownDrill(f"unknown drill {name!r} (drills: {', '.join(CATALOGUE)})") from None
