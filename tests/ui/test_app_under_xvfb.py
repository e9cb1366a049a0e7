"""The real app as a user starts it: a subprocess on a real X server (Xvfb), driven by keys.

`scalpdesk` (here `python -m app`) opens the window on the bundled recording; xdotool presses
pause, speed and re-center keys; the app closes itself (--exit-after), writes its screenshot
(--screenshot) and exits 0. The screenshot must show the window with content, not a blank frame.
Xvfb and xdotool come from scripts/bootstrap.sh; without them this test fails, it does not skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtGui

ROOT = Path(__file__).resolve().parents[2]


def free_display() -> int:
    for n in range(91, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture
def xserver() -> Iterator[str]:
    for tool in ("Xvfb", "xdotool"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/bootstrap.sh"
    number = free_display()
    display = f":{number}"
    proc = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1920x1200x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert proc.poll() is None, "Xvfb exited at start"
        assert time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield display
    proc.terminate()
    proc.wait(10)


def xdotool(display: str, *args: str) -> str:
    out = subprocess.run(
        ["xdotool", *args],
        check=False,
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return out.stdout.strip()


def wait_for_window(display: str, app: subprocess.Popen[str], timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert app.poll() is None, f"the app exited early: {app.communicate()[1]}"
        found = xdotool(display, "search", "--onlyvisible", "--name", "Scalpdesk")
        if found:
            return found.split()[0]
        time.sleep(0.2)
    raise AssertionError("no Scalpdesk window appeared")


@pytest.mark.slow
def test_the_app_runs_under_x_takes_keys_and_exits_cleanly_with_a_screenshot(xserver, tmp_path):
    shot = tmp_path / "shot.png"
    stats = tmp_path / "stats.json"
    env = {
        **os.environ,
        "DISPLAY": xserver,
        "QT_QPA_PLATFORM": "xcb",
        "SCALPDESK_CONFIG_DIR": str(tmp_path / "config"),
    }
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "--speed",
            "10",
            "--exit-after",
            "8",  # short of the loop: 8 s, never more than 50×, cannot reach the 345 s recording's end
            "--screenshot",
            str(shot),
            "--stats-out",
            str(stats),
            "-v",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        window = wait_for_window(xserver, app)
        time.sleep(2.0)  # let the replay fill the views
        xdotool(xserver, "windowfocus", "--sync", window)
        for key in ("space", "space", "bracketright", "bracketright", "c"):
            xdotool(xserver, "key", "--delay", "150", key)
            time.sleep(0.3)
        _, stderr = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()

    assert app.returncode == 0, stderr
    assert "replay paused" in stderr and "replay playing" in stderr
    assert "replay speed 50×" in stderr  # 10× → 25× → 50×
    assert "re-center ladder" in stderr
    assert "Traceback" not in stderr

    image = QtGui.QImage(str(shot))
    assert image.width() >= 1200 and image.height() >= 700
    colours = {image.pixel(x, y) for x in range(0, image.width(), 13) for y in range(0, image.height(), 11)}
    assert len(colours) > 50, "the screenshot is nearly blank"
    (tmp_path / "config" / "layouts.json").read_text()  # the layout was remembered at exit

    report = json.loads(stats.read_text())  # --stats-out: the run's figures, written at exit
    assert report["source"] == {
        "kind": "replay",
        "title": "BTCUSDT replay · btcusdt_20240808.gz",
        "state": "playing",
        "speed": 50.0,
    }
    assert report["frames_painted"] > 100 and 20 < report["fps"] <= 61
    assert report["frame_ms"]["samples"] == report["frames_painted"]
    assert 0 < report["frame_ms"]["p50_ms"] <= report["frame_ms"]["p99_ms"] <= report["frame_ms"]["max_ms"]
    assert report["views_ms"]["ladder"]["samples"] > 0 and report["views_ms"]["footprint"]["samples"] > 0
    assert report["receive_to_pixel_ms"]["samples"] > report["frames_painted"] / 2
    assert report["messages"] > 1000 and report["prints"] > 100 and report["malformed"] == 0
    assert 0 < report["start_to_first_frame_s"] < 10
    assert report["peak_rss_mb"] > 50
