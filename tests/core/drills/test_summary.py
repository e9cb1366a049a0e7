"""A session's summary: attempts, correct, best streak, mean points, mean reaction, R."""

from __future__ import annotations

from app.core.drills.catalogue import get_drill
from app.core.drills.execution import Response, score_prompt
from app.core.drills.prompts import make_prompts
from app.core.drills.reaction import TrialError, TrialScore
from app.core.drills.summary import summarize


def test_an_execution_session_counts_its_correct_answers_and_longest_run() -> None:
    spec = get_drill("exec-basic")
    prompts = make_prompts(5, 6)
    right = [True, True, False, True, True, True]
    scores, streak = [], 0
    for prompt, ok in zip(prompts, right, strict=True):
        pressed = prompt.action if ok else None
        score = score_prompt(spec, prompt, Response(pressed, prompt.size_index or 0, 800.0), streak)
        streak = score.streak
        scores.append(score)
    summary = summarize(scores)
    assert (summary.attempts, summary.correct, summary.best_streak, summary.errors) == (6, 5, 3, 1)
    assert summary.mean_reaction_ms == 800.0  # the timeout has no reaction
    assert abs(summary.score - 500 / 6) < 1e-9 and abs(summary.accuracy - 5 / 6) < 1e-9


def test_a_read_and_react_session_adds_up_its_r_and_errors() -> None:
    won = TrialScore(300.0, 100, 101.0, 1.0, 1.5, (), 90.0)
    missed = TrialScore(None, 100, None, None, 0.0, (TrialError.NO_ORDER,), 0.0)
    wrong = TrialScore(900.0, 100, 99.0, 0.0, -1.0, (TrialError.WRONG_SIDE, TrialError.WRONG_SIZE), 0.0)
    summary = summarize([won, missed, wrong])
    assert (summary.attempts, summary.correct, summary.errors, summary.best_streak) == (3, 1, 3, 1)
    assert summary.pnl_r == 0.5 and summary.mean_reaction_ms == 600.0 and summary.score == 30.0


def test_an_empty_session_is_all_zeros() -> None:
    summary = summarize([])
    assert summary.attempts == 0 and summary.accuracy == 0.0 and summary.mean_reaction_ms is None
