"""Scoring an execution prompt: the right key, side and size, how fast, and the streak it makes.

Points per prompt (0–100): nothing unless key, side and size are all right; then 100 for an answer
within the drill's target time, falling linearly to 50 at the time limit. The reaction is the
trader's own (wall-clock, from the prompt on screen to the order key), not market time.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.drills.catalogue import DrillSpec
from app.core.drills.prompts import Prompt, action_side
from app.core.paper.actions import Action


@dataclass(frozen=True, slots=True)
class Response:
    """What the trader pressed: the order action (None: the time ran out) and the size selected then."""

    action: Action | None
    size_index: int
    reaction_ms: float


@dataclass(frozen=True, slots=True)
class ExecScore:
    prompt: str
    pressed: str | None  # the action id pressed, None for a timeout
    key_ok: bool
    side_ok: bool
    size_ok: bool
    timed_out: bool
    reaction_ms: float | None
    limit_ms: int
    streak: int  # correct answers in a row, this one included
    points: float

    @property
    def ok(self) -> bool:
        return self.key_ok and self.side_ok and self.size_ok


def score_prompt(spec: DrillSpec, prompt: Prompt, response: Response, streak_before: int) -> ExecScore:
    limit_ms = spec.limit_after(streak_before)
    action = response.action
    timed_out = action is None or response.reaction_ms > limit_ms
    if action is None or timed_out:
        pressed = action.value if action is not None else None
        return ExecScore(prompt.text, pressed, False, False, False, True, None, limit_ms, 0, 0.0)
    key_ok = action is prompt.action
    side_ok = action_side(action) == prompt.side
    size_ok = prompt.size_index is None or response.size_index == prompt.size_index
    ok = key_ok and side_ok and size_ok
    points = _speed_points(response.reaction_ms, spec.target_ms, limit_ms) if ok else 0.0
    return ExecScore(
        prompt.text,
        action.value,
        key_ok,
        side_ok,
        size_ok,
        False,
        response.reaction_ms,
        limit_ms,
        streak_before + 1 if ok else 0,
        points,
    )


def _speed_points(reaction_ms: float, target_ms: int, limit_ms: int) -> float:
    if reaction_ms <= target_ms or limit_ms <= target_ms:
        return 100.0
    late = min(1.0, (reaction_ms - target_ms) / (limit_ms - target_ms))
    return 100.0 - 50.0 * late
