"""File → Open recording… in the running app: the window on one replay gives way to a window on
a replay of the chosen files (one session, gzip and plain alike), the choice is remembered under
Recent recordings, and a file that is not a recording leaves one line and the window as it was.

Driven through `RecordingMenu.open_files`, the method the file dialog's choice feeds."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

from PySide6 import QtWidgets

from app.feeds.replay_feed import ReplayFeed
from app.feeds.synthetic.source import SyntheticFeed
from app.storage.recent_recordings import RecentRecordings
from app.ui.main_window import MainWindow
from app.ui.open_recording import ScanProgress


def windows() -> list[MainWindow]:
    return [
        w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def split_recording(recording: Path, folder: Path) -> list[Path]:
    """The bundled recording as two files that continue each other: a gzip and a plain one."""
    lines = gzip.decompress(recording.read_bytes()).splitlines(keepends=True)
    half = len(lines) // 2
    first, second = folder / "part1.gz", folder / "part2.txt"
    first.write_bytes(gzip.compress(b"".join(lines[:half])))
    second.write_bytes(b"".join(lines[half:]))
    return [first, second]


def test_opening_recordings_replaces_the_source_with_their_replay(
    btcusdt_recording, tmp_path, run_app_windows
):
    chosen = split_recording(btcusdt_recording, tmp_path)
    seen: dict[str, object] = {}

    async def drive() -> None:
        await asyncio.sleep(0.5)
        (first,) = windows()
        assert first.recordings is not None
        seen["opened"] = first.recordings.open_files(chosen)
        await asyncio.sleep(1.0)
        (second,) = windows()
        seen["title"] = second.windowTitle()
        seen["paths"] = second.source.paths
        seen["recent"] = [a.text() for a in second.recordings.recent_menu.actions()]
        second.close()

    status = run_app_windows(ReplayFeed([btcusdt_recording], scan_end=False), tmp_path, drive)

    assert status == 0 and seen["opened"] is True
    assert "BTCUSDT replay · part1.gz" in str(seen["title"])
    assert seen["paths"] == tuple(chosen)
    assert RecentRecordings(tmp_path).load() == [tuple(p.resolve() for p in chosen)]
    assert len(seen["recent"]) == 1 and str(seen["recent"][0]).startswith("part1.gz + 1 more")


def test_a_file_that_is_not_a_recording_leaves_one_line_and_the_window(
    btcusdt_recording, tmp_path, run_app_windows
):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\nmilk\n", "utf-8")
    seen: dict[str, object] = {}

    async def drive() -> None:
        await asyncio.sleep(0.5)
        (window,) = windows()
        seen["opened"] = window.recordings.open_files([notes])
        await asyncio.sleep(0.2)
        seen["windows"] = windows()
        seen["notice"] = window.status.notices[-1][1]
        window.close()

    status = run_app_windows(ReplayFeed([btcusdt_recording], scan_end=False), tmp_path, drive)

    assert status == 0 and seen["opened"] is False and len(seen["windows"]) == 1
    notice = str(seen["notice"])
    assert "\n" not in notice and "Traceback" not in notice
    assert notice == (
        "cannot open: notes.txt is not a recording (expected '<receive ns> <message>' lines, gzip or plain)"
    )
    assert RecentRecordings(tmp_path).load() == []


def test_a_recording_of_an_unknown_market_says_why_in_one_line(btcusdt_recording, tmp_path, run_app_windows):
    other = tmp_path / "sushi.txt"
    other.write_bytes(  # a real Binance capture; SUSHIUSDT is not in the bundled instrument table
        (Path(__file__).resolve().parents[1] / "data" / "BINANCE_FUTURES.ws.1.0").read_bytes()
    )
    seen: dict[str, object] = {}

    async def drive() -> None:
        await asyncio.sleep(0.5)
        (window,) = windows()
        seen["opened"] = window.recordings.open_files([other])
        seen["notice"] = window.status.notices[-1][1]
        window.close()

    run_app_windows(ReplayFeed([btcusdt_recording], scan_end=False), tmp_path, drive)

    assert seen["opened"] is False
    assert str(seen["notice"]).startswith("cannot open: unknown symbol 'SUSHIUSDT' on binance-usdm")
    assert "\n" not in str(seen["notice"])


def test_the_status_bar_shows_a_busy_bar_until_the_replay_knows_its_end(btcusdt_recording, qloop):
    feed = ReplayFeed([btcusdt_recording], speed=1)
    bar = QtWidgets.QStatusBar()
    progress = ScanProgress(bar, feed)
    progress.update()
    progress.update()
    busy_before = not progress.widget.isHidden()

    async def play_until_the_end_is_known() -> None:
        task = asyncio.ensure_future(feed.run())
        for _ in range(200):
            await asyncio.sleep(0.02)
            if feed.end_ns is not None:
                break
        feed.stop()
        await task

    qloop.run_until_complete(play_until_the_end_is_known())
    progress.update()

    assert busy_before and feed.end_ns is not None
    assert progress.widget.isHidden() and progress.label.isHidden()


def test_an_endless_synthetic_market_never_shows_the_busy_bar(qloop):
    feed = SyntheticFeed(speed=5)
    bar = QtWidgets.QStatusBar()
    progress = ScanProgress(bar, feed)

    async def play_a_while() -> None:
        task = asyncio.ensure_future(feed.run())
        for _ in range(20):
            await asyncio.sleep(0.02)
            progress.update()
        feed.stop()
        await task

    qloop.run_until_complete(play_a_while())

    assert feed.end_ns is None and not feed.scanning_end
    assert progress.widget.isHidden() and progress.label.isHidden()
