"""Practice → Drill history…: one curve per drill with one point per day, and the latest sessions;
the Practice menu of the workstation lists every drill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.core.drills.catalogue import drill_names
from app.core.drills.summary import SessionSummary
from app.storage.drill_history import DrillHistory, SessionRecord
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.settings import SettingsStore
from app.ui.compose import DeskStores, compose
from app.ui.drills.history_view import HistoryDialog, day_seconds
from app.ui.drills.practice_menu import drill_command
from app.ui.run_app import default_views
from tests.ui.conftest import HandSource

ROOT = Path(__file__).resolve().parents[2]


def _session(drill: str, day: str, score: float) -> SessionRecord:
    return SessionRecord(drill, "execution", 1, 0.0, day, SessionSummary(10, 8, score, 700.0, 5, 0.0, 2))


def test_the_history_plots_each_drills_daily_mean_score(qtbot, tmp_path: Path) -> None:
    with DrillHistory(tmp_path / "drills.sqlite3") as history:
        for drill, day, score in (
            ("exec-basic", "2026-12-01", 60.0),
            ("exec-basic", "2026-12-01", 80.0),
            ("ride-sweep", "2026-12-02", 40.0),
            ("exec-basic", "2026-12-03", 90.0),
        ):
            history.record(_session(drill, day, score))
        dialog = HistoryDialog(history)
    qtbot.addWidget(dialog)
    dialog.show()
    assert set(dialog.curves) == {"exec-basic", "ride-sweep"}
    xs, ys = dialog.curves["exec-basic"].getData()
    assert list(xs) == [day_seconds("2026-12-01"), day_seconds("2026-12-03")] and list(ys) == [70.0, 90.0]
    assert day_seconds("2026-12-03") - day_seconds("2026-12-01") == 2 * 86_400
    assert dialog.table.rowCount() == 4
    assert dialog.table.item(0, 0).text() == "2026-12-03"  # newest first
    assert dialog.table.item(3, 3).text() == "8/10" and dialog.table.item(1, 1).text() == "ride-sweep"


def test_the_workstation_has_a_practice_menu_with_every_drill(
    qtbot, hand_source: HandSource, tmp_path: Path
) -> None:
    stores = DeskStores(Journal(tmp_path / "j.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp_path))
    built = compose(hand_source, default_views(), LayoutStore(tmp_path), stores=stores)
    qtbot.addWidget(built.window)
    bar = built.window.menuBar().actions()
    practice = next(a.menu() for a in bar if a.text() == "&Practice")
    items = [a.text() for a in practice.actions() if a.text()]
    assert [item.split(" — ")[0] for item in items[:-1]] == drill_names()
    assert items[-1] == "Drill history…"
    assert bar[-1].text() == "&Help"
    built.window.close()
    built.close()


def test_the_practice_menu_starts_a_working_scalpdesk_drill_command(tmp_path: Path, monkeypatch) -> None:
    program, args = drill_command("ride-sweep")
    assert args[-2:] == ["drill", "ride-sweep"]
    # the very command, made headless: it must be a scalpdesk that knows the drill
    result = subprocess.run(
        [program, *args, "--history", "--json"],
        cwd=ROOT,
        env={**os.environ, "SCALPDESK_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sessions"] == []
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # the bundle: its executable is scalpdesk
    assert drill_command("ride-sweep") == (sys.executable, ["drill", "ride-sweep"])
