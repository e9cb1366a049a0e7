"""`scalpdesk drill --list / --history` as a user runs them: headless subprocesses, no Qt loaded,
one-line errors for a wrong name."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from app.core.drills.catalogue import drill_names
from app.core.drills.reaction import TrialError, TrialScore
from app.core.drills.summary import summarize
from app.storage.drill_history import DrillHistory, SessionRecord, attempt_body

ROOT = Path(__file__).resolve().parents[1]
NO_QT = (
    "import sys; from app.cli import main; code = main(sys.argv[1:]); assert 'PySide6' not in sys.modules; "
)


def scalpdesk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`scalpdesk ARGS` in a subprocess that fails if PySide6 was imported."""
    return subprocess.run(
        [sys.executable, "-c", NO_QT + "raise SystemExit(code)", *args],
        cwd=ROOT,
        env={**os.environ, "SCALPDESK_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_list_prints_every_drill_by_its_stable_name(tmp_path: Path) -> None:
    result = scalpdesk(tmp_path, "drill", "--list")
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == drill_names()
    as_json = json.loads(scalpdesk(tmp_path, "drill", "--list", "--json").stdout)
    assert [d["name"] for d in as_json] == drill_names()
    assert {d["family"] for d in as_json} == {"execution", "read_react"}


def test_a_wrong_name_is_one_line_naming_the_drills_there_are(tmp_path: Path) -> None:
    result = scalpdesk(tmp_path, "drill", "fade-the-wall")
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "unknown drill 'fade-the-wall'" in line and "exec-basic" in line and "exit-pulled-wall" in line


def test_history_json_prints_the_sessions_of_the_data_dir(tmp_path: Path) -> None:
    empty = json.loads(scalpdesk(tmp_path, "drill", "--history", "--json").stdout)
    assert empty["sessions"] == [] and empty["days"] == []
    trial = TrialScore(420.0, 100, 101.0, 1.0, 1.5, (), 88.0)
    missed = TrialScore(None, 100, None, None, 0.0, (TrialError.NO_ORDER,), 0.0)
    with DrillHistory(tmp_path / "drills.sqlite3") as history:
        summary = summarize([trial, missed])
        bodies = (attempt_body(trial), attempt_body(missed))
        history.record(SessionRecord("ride-sweep", "read_react", 4, 1.0, "2026-12-04", summary, bodies))
    result = scalpdesk(tmp_path, "drill", "--history", "--json")
    assert result.returncode == 0, result.stderr
    (session,) = json.loads(result.stdout)["sessions"]
    assert (session["drill"], session["attempts"], session["correct"], session["pnl_r"]) == (
        "ride-sweep",
        2,
        1,
        1.5,
    )
    assert [r["errors"] for r in session["results"]] == [[], ["no_order"]]
    assert (
        json.loads(scalpdesk(tmp_path, "drill", "exec-basic", "--history", "--json").stdout)["sessions"] == []
    )
    table = scalpdesk(tmp_path, "drill", "--history")
    assert "ride-sweep" in table.stdout and "1/2 right" in table.stdout and "+1.50 R" in table.stdout


def test_a_recording_without_the_drills_signal_is_one_line_naming_what_it_has(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "drill", "exit-pulled-wall", "--recording"],  # the bundled one
        cwd=ROOT,
        env={**os.environ, "SCALPDESK_DATA_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "no pulled_wall signal in btcusdt_20240808.gz" in line
    assert re.search(r"found: .*sweep \d+", line)  # names what the recording does have
