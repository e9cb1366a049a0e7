"""The drill history in a real SQLite file: sessions and attempts survive a reopen, days aggregate,
and a damaged or newer file is kept aside with a notice while a fresh history starts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.core.drills.catalogue import get_drill
from app.core.drills.execution import Response, score_prompt
from app.core.drills.prompts import make_prompts
from app.core.drills.reaction import TrialError, TrialScore
from app.core.drills.summary import summarize
from app.storage.drill_history import DrillHistory, SessionRecord, attempt_body, history_json


def _execution_session(day: str, started_s: float, misses: int) -> SessionRecord:
    spec = get_drill("exec-basic")
    scores, streak = [], 0
    for i, prompt in enumerate(make_prompts(1, 6)):
        pressed = None if i < misses else prompt.action
        score = score_prompt(spec, prompt, Response(pressed, prompt.size_index or 0, 700.0 + i), streak)
        streak = score.streak
        scores.append(score)
    return SessionRecord(
        "exec-basic",
        "execution",
        1,
        started_s,
        day,
        summarize(scores),
        tuple(attempt_body(s) for s in scores),
        {"speed": 1.0},
    )


def test_a_session_and_its_attempts_come_back_after_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "drills.sqlite3"
    with DrillHistory(path) as history:
        session_id = history.record(_execution_session("2026-12-01", 1.0, misses=2))
    with DrillHistory(path) as history:
        (session,) = history.sessions()
    assert history.notice is None
    assert session.session_id == session_id and session.drill == "exec-basic"
    assert session.summary.attempts == 6 and session.summary.correct == 4
    assert [a["ok"] for a in session.attempts] == [False, False, True, True, True, True]
    assert session.attempts[2]["reaction_ms"] == 702.0 and session.attempts[0]["pressed"] is None
    assert session.options == {"speed": 1.0}


def test_a_trial_is_kept_with_its_errors_by_name(tmp_path: Path) -> None:
    trial = TrialScore(450.0, 100, 101.0, 1.0, -1.0, (TrialError.WRONG_SIZE,), 42.0)
    summary = summarize([trial])
    body = (attempt_body(trial),)
    record = SessionRecord("fade-absorption", "read_react", 2, 5.0, "2026-12-02", summary, body)
    with DrillHistory(tmp_path / "h.sqlite3") as history:
        history.record(record)
        (back,) = history.sessions("fade-absorption")
        assert history.sessions("exec-basic") == []
    assert back.attempts[0]["errors"] == ["wrong_size"] and back.attempts[0]["ok"] is False
    assert back.summary.pnl_r == -1.0 and back.summary.errors == 1


def test_days_aggregate_per_drill_for_the_progress_plot(tmp_path: Path) -> None:
    with DrillHistory(tmp_path / "h.sqlite3") as history:
        history.record(_execution_session("2026-12-01", 1.0, misses=3))
        history.record(_execution_session("2026-12-01", 2.0, misses=1))
        history.record(_execution_session("2026-12-03", 3.0, misses=0))
        days = history.daily()
        doc = history_json(history)
    assert [(d.day, d.sessions) for d in days] == [("2026-12-01", 2), ("2026-12-03", 1)]
    assert days[0].best_score > days[0].mean_score and days[1].mean_score == 100.0
    assert json.loads(json.dumps(doc))["days"][1]["mean_score"] == 100.0
    assert [s["correct"] for s in doc["sessions"]] == [3, 5, 6]


def test_a_damaged_file_is_kept_aside_and_a_fresh_history_starts(tmp_path: Path) -> None:
    path = tmp_path / "drills.sqlite3"
    path.write_bytes(b"this is not a database, it is a shopping list " * 100)
    with DrillHistory(path) as history:
        assert history.notice is not None and "drills.sqlite3.corrupt-1" in history.notice
        assert history.sessions() == []
        history.record(_execution_session("2026-12-01", 1.0, misses=0))
    assert (tmp_path / "drills.sqlite3.corrupt-1").read_bytes().startswith(b"this is not")
    with DrillHistory(path) as again:
        assert again.notice is None and len(again.sessions()) == 1


def test_a_history_from_a_newer_app_is_kept_aside_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "drills.sqlite3"
    with DrillHistory(path) as history:
        history.record(_execution_session("2026-12-01", 1.0, misses=0))
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with DrillHistory(path) as history:
        assert history.notice is not None and "schema version 99" in history.notice
        assert history.sessions() == []
    kept = sqlite3.connect(tmp_path / "drills.sqlite3.corrupt-1")
    assert kept.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
    kept.close()
