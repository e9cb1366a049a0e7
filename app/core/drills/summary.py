"""One drill session in a few numbers: what the history stores per session and plots per day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from app.core.drills.execution import ExecScore
from app.core.drills.reaction import TrialScore


@dataclass(frozen=True, slots=True)
class SessionSummary:
    attempts: int
    correct: int  # prompts answered right / trials without any error
    score: float  # mean points, 0–100
    mean_reaction_ms: float | None  # over the attempts that were answered
    best_streak: int  # correct in a row
    pnl_r: float  # read-and-react: Σ R; execution: 0
    errors: int  # read-and-react: the errors counted; execution: the prompts missed

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


def summarize(results: Sequence[ExecScore | TrialScore]) -> SessionSummary:
    if not results:
        return SessionSummary(0, 0, 0.0, None, 0, 0.0, 0)
    oks = [r.ok for r in results]
    reactions = [r.reaction_ms for r in results if r.reaction_ms is not None]
    best = run = 0
    for ok in oks:
        run = run + 1 if ok else 0
        best = max(best, run)
    pnl = sum(r.pnl_r for r in results if isinstance(r, TrialScore))
    errors = sum(len(r.errors) if isinstance(r, TrialScore) else (not r.ok) for r in results)
    return SessionSummary(
        attempts=len(results),
        correct=sum(oks),
        score=fmean(r.points for r in results),
        mean_reaction_ms=fmean(reactions) if reactions else None,
        best_streak=best,
        pnl_r=pnl,
        errors=errors,
    )
