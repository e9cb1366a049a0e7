"""Practice mode end to end, as a trader runs it: `scalpdesk drill …` on a real X server (Xvfb),
keys pressed with xdotool, and the scores read back with `scalpdesk drill --history --json`.

The app logs each prompt and each signal as it shows it (-v); the test reads the prompt, presses
the keys it names under the default key map (docs/HOTKEYS.md), and for the read-and-react drill
presses the order key only after the labelled absorption has been logged, so every reaction must
be positive. Xvfb and xdotool come from scripts/bootstrap.sh; without them this test fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .drill_keys import keys_for, xdotool_key
from .test_app_under_xvfb import ROOT, wait_for_window, xdotool, xserver  # noqa: F401 (fixture)

PROMPT = re.compile(r"drill prompt (\d+)/(\d+): (.+)$")
SIGNAL = re.compile(r"drill signal 1/1: absorption side ([+-]1) at")
DONE = "drill {} done: session"


def env_for(display: str, tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "SCALPDESK_CONFIG_DIR": str(tmp / "config"),
        "SCALPDESK_DATA_DIR": str(tmp / "data"),
    }


class App:
    """`scalpdesk ARGS` as a subprocess whose log lines are gathered as they come."""

    def __init__(self, display: str, tmp: Path, *args: str) -> None:
        self.display = display
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", *args, "-v"],
            cwd=ROOT,
            env=env_for(display, tmp),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        self.lines.extend(line.rstrip("\n") for line in self.proc.stderr)

    def wait_for(
        self, pattern: re.Pattern[str] | str, after: int = 0, timeout_s: float = 60
    ) -> tuple[int, str]:
        """The first log line from index `after` on that matches; (its index, the line)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for i in range(after, len(self.lines)):
                line = self.lines[i]
                if pattern.search(line) if isinstance(pattern, re.Pattern) else pattern in line:
                    return i, line
            assert self.proc.poll() is None, "the app exited early:\n" + "\n".join(self.lines)
            time.sleep(0.02)
        raise AssertionError(f"no log line {pattern!r}:\n" + "\n".join(self.lines))

    def press(self, window: str, key: str) -> None:
        xdotool(self.display, "key", "--window", window, xdotool_key(key))

    def quit(self, window: str) -> int:
        xdotool(self.display, "key", "--window", window, "ctrl+q")
        try:
            return self.proc.wait(30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.mark.slow
def test_an_execution_and_a_read_and_react_drill_played_with_keys_are_in_the_history(
    xserver: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    prompts = 5
    app = App(xserver, tmp_path, "drill", "exec-basic", "--seed", "1", "--trials", str(prompts))
    try:
        window = wait_for_window(xserver, app.proc)
        xdotool(xserver, "windowfocus", "--sync", window)
        asked: list[str] = []
        at = 0
        for n in range(1, prompts + 1):
            at, line = app.wait_for(PROMPT, at)
            match = PROMPT.search(line)
            assert match is not None and int(match.group(1)) == n
            asked.append(match.group(3))
            for key in keys_for(match.group(3)):
                app.press(window, key)
            at += 1
        app.wait_for(DONE.format("exec-basic"), at)
        assert app.quit(window) == 0
    finally:
        if app.proc.poll() is None:
            app.proc.kill()

    fade = App(xserver, tmp_path, "drill", "fade-absorption", "--seed", "2", "--trials", "1", "--speed", "4")
    try:
        window = wait_for_window(xserver, fade.proc)
        xdotool(xserver, "windowfocus", "--sync", window)
        at, line = fade.wait_for(SIGNAL, timeout_s=90)
        side = SIGNAL.search(line).group(1)  # type: ignore[union-attr]
        fade.press(window, "W" if side == "+1" else "S")  # size 1 is the drill's size: no size key
        fade.wait_for(DONE.format("fade-absorption"), at, timeout_s=90)
        assert fade.quit(window) == 0
    finally:
        if fade.proc.poll() is None:
            fade.proc.kill()

    history = subprocess.run(
        [sys.executable, "-m", "app", "drill", "--history", "--json"],
        cwd=ROOT,
        env=env_for(xserver, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sessions = {s["drill"]: s for s in json.loads(history.stdout)["sessions"]}
    assert set(sessions) == {"exec-basic", "fade-absorption"}
    drill = sessions["exec-basic"]
    assert (drill["seed"], drill["attempts"], drill["correct"]) == (1, prompts, prompts)
    assert [r["prompt"] for r in drill["results"]] == asked
    assert all(r["ok"] and r["reaction_ms"] > 0 for r in drill["results"])
    assert drill["best_streak"] == prompts and drill["score"] > 0
    fade_session = sessions["fade-absorption"]
    (trial,) = fade_session["results"]
    assert fade_session["attempts"] == 1 and trial["reaction_ms"] > 0
    assert "wrong_side" not in trial["errors"] and "no_order" not in trial["errors"]
    assert trial["fill_ticks"] is not None and trial["about"].startswith("absorption")
