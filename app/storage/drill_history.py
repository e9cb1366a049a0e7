"""The drill history: every scored attempt and one summary per drill session, in SQLite.

Why SQLite and not a JSON file: sessions accumulate for months and the history view asks for
per-day aggregates, which SQL gives without loading every attempt. WAL mode with
`synchronous=NORMAL`, as the journal: a session is written once, at its end, in one transaction,
so a kill mid-drill loses that drill only, never the history.

A file that is not a readable history (garbage, truncated, from a newer app) is renamed to
`<name>.corrupt-<n>` with its WAL, a fresh history starts and `notice` says so (docs/DRILLS.md).
The schema is versioned; a newer version than this app reads is treated the same way, kept aside.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.drills.execution import ExecScore
from app.core.drills.reaction import TrialScore
from app.core.drills.summary import SessionSummary
from app.storage.journal import data_dir
from app.storage.sqlite_file import Schema, open_or_keep_aside

SCHEMA_VERSION = 1
FILE_NAME = "drills.sqlite3"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions ("
    " id INTEGER PRIMARY KEY, drill TEXT NOT NULL, family TEXT NOT NULL, seed INTEGER NOT NULL,"
    " started_s REAL NOT NULL, day TEXT NOT NULL, options TEXT NOT NULL,"
    " attempts INTEGER NOT NULL, correct INTEGER NOT NULL, score REAL NOT NULL,"
    " mean_reaction_ms REAL, best_streak INTEGER NOT NULL, pnl_r REAL NOT NULL, errors INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS attempts ("
    " session_id INTEGER NOT NULL REFERENCES sessions (id), n INTEGER NOT NULL, ok INTEGER NOT NULL,"
    " reaction_ms REAL, points REAL NOT NULL, body TEXT NOT NULL, PRIMARY KEY (session_id, n))",
    "CREATE INDEX IF NOT EXISTS sessions_by_day ON sessions (day, drill)",
)


_HISTORY = Schema(SCHEMA_VERSION, _SCHEMA)


def default_history_path() -> Path:
    return data_dir() / FILE_NAME


def attempt_body(score: ExecScore | TrialScore) -> dict[str, Any]:
    """One scored attempt as plain JSON values (enums by their stable names)."""
    body = dataclasses.asdict(score)
    body["ok"] = score.ok
    if isinstance(score, TrialScore):
        body["errors"] = [e.value for e in score.errors]
    return {k: v.value if isinstance(v, enum.Enum) else v for k, v in body.items()}


@dataclass(frozen=True)
class SessionRecord:
    """One drill session as it is kept: what was drilled, when, with which options, and its scores."""

    drill: str
    family: str
    seed: int
    started_s: float  # Unix time the session started
    day: str  # the trader's local date then, YYYY-MM-DD: the history's x axis
    summary: SessionSummary
    attempts: tuple[Mapping[str, Any], ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    session_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "id": self.session_id,
            "drill": self.drill,
            "family": self.family,
            "seed": self.seed,
            "started_s": self.started_s,
            "day": self.day,
            "options": dict(self.options),
            "attempts": s.attempts,
            "correct": s.correct,
            "accuracy": s.accuracy,
            "score": s.score,
            "mean_reaction_ms": s.mean_reaction_ms,
            "best_streak": s.best_streak,
            "pnl_r": s.pnl_r,
            "errors": s.errors,
            "results": [dict(a) for a in self.attempts],
        }


@dataclass(frozen=True, slots=True)
class DayPoint:
    """One drill on one day: what the progress plot draws."""

    day: str
    drill: str
    sessions: int
    mean_score: float
    best_score: float
    mean_reaction_ms: float | None


class DrillHistory:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_history_path()
        self._db, self.notice = open_or_keep_aside(self.path, _HISTORY, "Drill history")

    # -- writing ------------------------------------------------------------------------------

    def record(self, session: SessionRecord) -> int:
        """Write the session and its attempts in one transaction; returns the session's id."""
        s = session.summary
        db = self._db
        db.execute("BEGIN")
        try:
            cursor = db.execute(
                "INSERT INTO sessions (drill, family, seed, started_s, day, options, attempts, correct,"
                " score, mean_reaction_ms, best_streak, pnl_r, errors)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session.drill,
                    session.family,
                    session.seed,
                    session.started_s,
                    session.day,
                    json.dumps(dict(session.options), sort_keys=True),
                    s.attempts,
                    s.correct,
                    s.score,
                    s.mean_reaction_ms,
                    s.best_streak,
                    s.pnl_r,
                    s.errors,
                ),
            )
            session_id = cursor.lastrowid
            assert session_id is not None
            db.executemany(
                "INSERT INTO attempts (session_id, n, ok, reaction_ms, points, body)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        session_id,
                        n,
                        int(bool(a.get("ok"))),
                        a.get("reaction_ms"),
                        a.get("points", 0.0),
                        json.dumps(dict(a), sort_keys=True),
                    )
                    for n, a in enumerate(session.attempts)
                ],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return session_id

    # -- reading ------------------------------------------------------------------------------

    def sessions(self, drill: str | None = None) -> list[SessionRecord]:
        """Every session (of `drill`, if given), oldest first, with its attempts."""
        where, args = ("WHERE drill = ?", (drill,)) if drill else ("", ())
        rows = self._db.execute(
            "SELECT id, drill, family, seed, started_s, day, options, attempts, correct, score,"
            f" mean_reaction_ms, best_streak, pnl_r, errors FROM sessions {where} ORDER BY id",
            args,
        ).fetchall()
        bodies: dict[int, list[Mapping[str, Any]]] = {}
        for session_id, body in self._db.execute(
            "SELECT session_id, body FROM attempts ORDER BY session_id, n"
        ):
            bodies.setdefault(session_id, []).append(_json_object(body))
        return [
            SessionRecord(
                drill=r[1],
                family=r[2],
                seed=r[3],
                started_s=r[4],
                day=r[5],
                options=_json_object(r[6]),
                summary=SessionSummary(r[7], r[8], r[9], r[10], r[11], r[12], r[13]),
                attempts=tuple(bodies.get(r[0], ())),
                session_id=r[0],
            )
            for r in rows
        ]

    def daily(self) -> list[DayPoint]:
        """Per day and drill: sessions, mean and best score, mean reaction; by day, then drill."""
        rows = self._db.execute(
            "SELECT day, drill, COUNT(*), AVG(score), MAX(score), AVG(mean_reaction_ms)"
            " FROM sessions GROUP BY day, drill ORDER BY day, drill"
        )
        return [DayPoint(*row) for row in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DrillHistory:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def history_json(history: DrillHistory, drill: str | None = None) -> dict[str, Any]:
    """What `scalpdesk drill --history --json` prints: the sessions and the per-day points."""
    days: Sequence[DayPoint] = history.daily()
    return {
        "path": str(history.path),
        "notice": history.notice,
        "sessions": [s.as_json() for s in history.sessions(drill)],
        "days": [dataclasses.asdict(d) for d in days if drill is None or d.drill == drill],
    }
