"""SIGKILL in the middle of trading, start again: the same position, orders and P&L.

The app runs as a user runs it (a subprocess on Xvfb, keys pressed with xdotool). It logs its
account in one line after every change it has journaled; the last line before the kill must be
exactly the account the restarted app restores from its journal (logged before any market data
reaches it), and the restarted window must show it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .test_app_under_xvfb import ROOT, wait_for_window, xdotool, xserver  # noqa: F401 (fixture)

ACCOUNT = "SIM account: "
RESTORED = "restored from "


def start(display: str, tmp: Path, *extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "SCALPDESK_CONFIG_DIR": str(tmp / "config"),
        "SCALPDESK_DATA_DIR": str(tmp / "data"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--speed", "5", "-v", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def collect(proc: subprocess.Popen[str]) -> list[str]:
    """Lines of the app's log, gathered as they come (the pipe must not fill up)."""
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        lines.extend(line.rstrip("\n") for line in proc.stderr)

    threading.Thread(target=read, daemon=True).start()
    return lines


def account_lines(lines: list[str]) -> list[str]:
    return [line.split(ACCOUNT, 1)[1] for line in lines if ACCOUNT in line]


@pytest.mark.slow
def test_killing_the_app_while_trading_loses_nothing(xserver: str, tmp_path: Path) -> None:  # noqa: F811
    app = start(xserver, tmp_path)
    log = collect(app)
    try:
        window = wait_for_window(xserver, app)
        time.sleep(2.0)
        xdotool(xserver, "windowfocus", "--sync", window)
        for key in ("b", "b", "b", "2", "w"):  # the Runner bracket, size 0.005, buy market
            xdotool(xserver, "key", key)
            time.sleep(0.3)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the position with its stop and target working
            lines = account_lines(log)
            if lines and "lots @" in lines[-1] and "stop_loss" in lines[-1]:
                break
            time.sleep(0.05)
        before = account_lines(log)[-1]
        app.send_signal(signal.SIGKILL)
        app.wait(10)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == -signal.SIGKILL
    assert "lots @" in before and "stop_loss" in before and "take_profit" in before, before

    shot = tmp_path / "after.png"
    again = start(xserver, tmp_path, "--exit-after", "6", "--screenshot", str(shot))
    log2 = collect(again)
    try:
        assert again.wait(60) == 0, "\n".join(log2)
    finally:
        if again.poll() is None:
            again.kill()
    restored = [line for line in log2 if RESTORED in line]
    assert restored, "\n".join(log2)
    assert restored[0].split(": ", 2)[2] == before
    assert shot.stat().st_size > 10_000
