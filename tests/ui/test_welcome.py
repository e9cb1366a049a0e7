"""The welcome: shown on the first interactive start only, never on a scripted run, always
reachable from Help → Welcome…, and made of the app's own views, keys and folders."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from PySide6 import QtWidgets

from app.core.paper.actions import ACTION_LABELS, DEFAULT_KEYMAP
from app.feeds.replay_feed import ReplayFeed
from app.storage.first_run import FirstRun
from app.storage.journal import default_journal_path
from app.ui.main_window import MainWindow
from app.ui.welcome_dialog import WelcomeDialog


def shown(kind: type) -> list[QtWidgets.QWidget]:
    return [w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def start_app(recording: Path, config: Path, run_app_windows, exit_after_s: float | None = None) -> int:
    """One run of the app's window loop; returns how many welcomes were on screen."""
    seen: list[int] = []

    async def drive() -> None:
        await asyncio.sleep(0.5)
        seen.append(len(shown(WelcomeDialog)))
        for welcome in shown(WelcomeDialog):
            welcome.close()
        if exit_after_s is None:
            shown(MainWindow)[0].close()

    run_app_windows(ReplayFeed([recording], scan_end=False), config, drive, exit_after_s)
    return seen[0]


def test_the_welcome_is_shown_on_the_first_start_and_not_again(btcusdt_recording, tmp_path, run_app_windows):
    first = start_app(btcusdt_recording, tmp_path, run_app_windows)
    second = start_app(btcusdt_recording, tmp_path, run_app_windows)

    assert (first, second) == (1, 0)
    assert FirstRun(tmp_path).welcomed()


def test_a_scripted_run_does_not_use_up_the_welcome(btcusdt_recording, tmp_path, run_app_windows):
    welcomes = start_app(btcusdt_recording, tmp_path, run_app_windows, exit_after_s=1.0)

    assert welcomes == 0
    assert not FirstRun(tmp_path).welcomed()


def test_help_welcome_opens_it_non_modally_with_the_apps_own_facts(
    btcusdt_recording, tmp_path, run_app_windows
):
    start_app(btcusdt_recording, tmp_path, run_app_windows)  # the first start's welcome is used up
    page: list[str] = []

    async def drive() -> None:
        await asyncio.sleep(0.5)
        (window,) = shown(MainWindow)
        help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
        next(a for a in help_menu.actions() if a.text() == "Welcome…").trigger()
        (welcome,) = shown(WelcomeDialog)
        page.append(welcome.text.toPlainText())
        page.append(str(welcome.isModal()))
        welcome.close()
        window.close()

    run_app_windows(ReplayFeed([btcusdt_recording], scan_end=False), tmp_path, drive)

    text, modal = page
    assert modal == "False"
    for title in ("DOM ladder", "Footprint", "Time & Sales", "CVD", "Account (SIM)", "Trades (SIM)"):
        assert title in text
    for action, key in DEFAULT_KEYMAP.items():
        assert re.search(rf"(^|\s){re.escape(key)}\s+{re.escape(ACTION_LABELS[action])}", text), key
    assert "Play / pause" in text or "Pause" in text
    assert "File → Open live market…" in text and "--venue" in text
    assert str(default_journal_path()) in text and str(tmp_path) in text
