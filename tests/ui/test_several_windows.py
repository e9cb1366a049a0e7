"""Several markets at once (app/ui/window_registry.py): a second window on its own market runs
beside the first on the one event loop, each with its own frame clock; windows in one link group
follow the market chosen in any of them, and a window in no group stays where it is."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6 import QtWidgets

from app.feeds.replay_feed import ReplayFeed
from app.feeds.synthetic.source import SyntheticFeed
from app.feeds.synthetic.stream import SyntheticConfig
from app.storage.layouts import Layout, LayoutStore
from app.storage.window_layouts import LinkGroup, MarketSpec, SpecKind, WindowEntry
from app.ui.main_window import MainWindow
from app.ui.window_registry import CASCADE_PX


def windows() -> list[MainWindow]:
    return [
        w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def window_action(window: MainWindow, text: str):
    menu = window.findChild(QtWidgets.QMenu, "window_menu")
    assert menu is not None, "the window has a Window menu"
    for action in menu.actions():
        if action.text() == text:
            return action
        if action.menu() is not None:
            for sub in action.menu().actions():
                if sub.text() == text:
                    return sub
    raise AssertionError(f"no {text!r} in the Window menu")


def replays_shown() -> int:
    """Windows replaying a recording (a SyntheticFeed is a ReplayFeed of no files)."""
    return sum(bool(isinstance(w.source, ReplayFeed) and w.source.paths) for w in windows())


def closing_all(drive):
    """The driver, with every window closed if it fails (so the app loop ends and the test reports)."""

    async def run() -> None:
        try:
            await drive()
        finally:  # a window switching market opens its successor after closing: close those too
            for _ in range(50):
                for window in windows():
                    window.close()
                await asyncio.sleep(0.1)
                if not windows():
                    break

    return run


async def wait_for(predicate, timeout_s: float = 5.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def test_a_second_market_window_runs_beside_the_first(
    btcusdt_recording: Path, tmp_path: Path, run_app_windows
) -> None:
    replay = ReplayFeed([btcusdt_recording], speed=10, scan_end=False)
    seen: dict[str, object] = {}

    async def drive() -> None:
        await wait_for(lambda: len(windows()) == 1)
        (first,) = windows()
        window_action(first, "New window on the synthetic market").trigger()
        await wait_for(lambda: len(windows()) == 2)
        second = next(w for w in windows() if w is not first)
        seen["second_source"] = second.source
        await asyncio.sleep(0.5)
        start = {w: (w.source.market_ns, w.frames.frames) for w in (first, second)}
        await asyncio.sleep(1.0)
        seen["advanced"] = [
            (w.source.market_ns or 0) > (start[w][0] or 0) and w.frames.frames > start[w][1]
            for w in (first, second)
        ]
        seen["clocks_differ"] = first.frames is not second.frames
        seen["offset"] = second.pos() - first.pos()
        second.close()
        await asyncio.sleep(0.3)
        seen["left_after_closing_one"] = len(windows())
        first.close()

    status = run_app_windows(replay, tmp_path, closing_all(drive))

    assert status == 0
    assert isinstance(seen["second_source"], SyntheticFeed)
    assert seen["advanced"] == [True, True], "both markets play at once"
    assert seen["clocks_differ"] is True
    assert (seen["offset"].x(), seen["offset"].y()) == (CASCADE_PX, CASCADE_PX), "not stacked on the first"
    assert seen["left_after_closing_one"] == 1, "closing one window leaves the other running"


def test_quit_in_any_window_closes_them_all(btcusdt_recording: Path, tmp_path: Path, run_app_windows) -> None:
    replay = ReplayFeed([btcusdt_recording], speed=10, scan_end=False)
    seen: dict[str, int] = {}

    async def drive() -> None:
        await wait_for(lambda: len(windows()) == 1)
        (first,) = windows()
        window_action(first, "New window on the synthetic market").trigger()
        await wait_for(lambda: len(windows()) == 2)
        seen["before"] = len(windows())
        first.quit_action.trigger()
        await asyncio.sleep(0.5)
        seen["after"] = len(windows())

    status = run_app_windows(replay, tmp_path, closing_all(drive))

    assert status == 0
    assert (seen["before"], seen["after"]) == (2, 0)


def test_a_link_group_follows_the_market_chosen_in_any_of_its_windows(
    btcusdt_recording: Path, tmp_path: Path, run_app_windows
):
    """Three windows on the synthetic market: two in group A, one in none. Opening the recording
    in one window of group A puts the other on it too; the window in no group stays synthetic."""
    seen: dict[str, object] = {}

    async def drive() -> None:
        await wait_for(lambda: len(windows()) == 1)
        (leader,) = windows()
        window_action(leader, "New window on this market").trigger()
        window_action(leader, "New window on this market").trigger()
        await wait_for(lambda: len(windows()) == 3)
        follower, loner = (w for w in windows() if w is not leader)
        window_action(leader, "A").trigger()
        window_action(follower, "A").trigger()
        seen["loner_source"] = loner.source
        seen["titles"] = [leader.windowTitle(), follower.windowTitle(), loner.windowTitle()]
        assert leader.recordings is not None
        assert leader.recordings.open_files([btcusdt_recording])  # File → Open recording…
        await wait_for(lambda: replays_shown() == 2)
        await asyncio.sleep(0.3)
        shown = windows()
        seen["replays"] = replays_shown()
        seen["synthetic"] = [w for w in shown if isinstance(w.source, SyntheticFeed)]
        seen["count"] = len(shown)
        seen["linked_titles"] = sorted(w.windowTitle().rsplit(" · ", 1)[-1] for w in shown)
        for window in shown:
            window.close()

    status = run_app_windows(SyntheticFeed(speed=10), tmp_path, closing_all(drive))

    assert status == 0
    titles = seen["titles"]
    assert titles[0].endswith("· link A") and titles[1].endswith("· link A")
    assert "link" not in titles[2]
    assert seen["count"] == 3
    assert seen["replays"] == 2, "both windows of group A now replay the recording"
    synthetic = seen["synthetic"]
    assert len(synthetic) == 1, "only the window in no group still shows the synthetic market"
    assert synthetic[0].source is seen["loner_source"], "and it was not reopened"
    assert seen["linked_titles"].count("link A") == 2, "the followers keep their group"


def test_link_groups_parse_unknown_as_none() -> None:
    assert LinkGroup.parse("B") is LinkGroup.B
    assert LinkGroup.parse("Z") is LinkGroup.NONE
    assert LinkGroup.parse(None) is LinkGroup.NONE


def test_a_layout_with_two_markets_reopens_both_in_their_link_groups(
    btcusdt_recording: Path, tmp_path: Path, run_app_windows
) -> None:
    """Save a layout with the replay (group A) and the synthetic market (group B) open; close the
    app; start again on another market, load the layout: the same two markets, the same groups."""
    saved: dict[str, object] = {}

    async def save() -> None:
        await wait_for(lambda: len(windows()) == 1)
        (replay_window,) = windows()
        window_action(replay_window, "New window on the synthetic market").trigger()
        await wait_for(lambda: len(windows()) == 2)
        synthetic_window = next(w for w in windows() if w is not replay_window)
        window_action(replay_window, "A").trigger()
        window_action(synthetic_window, "B").trigger()
        saved["name"] = synthetic_window.layouts.save_as("two markets")

    replay = ReplayFeed([btcusdt_recording], speed=10, scan_end=False)
    assert run_app_windows(replay, tmp_path, closing_all(save)) == 0
    assert saved["name"] == "two markets"

    restored: dict[str, object] = {}

    async def restore() -> None:
        await wait_for(lambda: len(windows()) == 1)
        (start,) = windows()
        assert start.layouts.load("two markets")
        await wait_for(lambda: len(windows()) == 2 and start not in windows())
        await asyncio.sleep(0.3)
        restored["shown"] = sorted(
            (type(w.source).__name__, w.windowTitle().rsplit(" · ", 1)[-1]) for w in windows()
        )
        restored["replayed"] = [w.source.paths for w in windows() if type(w.source) is ReplayFeed]
        restored["seeds"] = [w.source.config.seed for w in windows() if isinstance(w.source, SyntheticFeed)]

    assert run_app_windows(SyntheticFeed(SyntheticConfig(seed=99)), tmp_path, closing_all(restore)) == 0

    assert restored["shown"] == [("ReplayFeed", "link A"), ("SyntheticFeed", "link B")]
    assert restored["replayed"] == [(btcusdt_recording,)]
    assert restored["seeds"] == [7], "the saved synthetic market, not the one the app started on"


def test_a_layout_market_that_cannot_be_opened_is_said_and_the_rest_reopen(
    tmp_path: Path, run_app_windows
) -> None:
    gone = tmp_path / "deleted.gz"
    windows_saved = (
        WindowEntry(MarketSpec(SpecKind.REPLAY, paths=(str(gone),)), LinkGroup.A),
        WindowEntry(MarketSpec(SpecKind.SYNTHETIC, seed=5), LinkGroup.A),
    )
    LayoutStore(tmp_path).save_as("partly gone", Layout(windows=windows_saved))
    seen: dict[str, object] = {}

    async def restore() -> None:
        await wait_for(lambda: len(windows()) == 1)
        (start,) = windows()
        assert start.layouts.load("partly gone")
        await wait_for(lambda: start not in windows() and len(windows()) == 1)
        (window,) = windows()
        seen["seed"] = window.source.config.seed if isinstance(window.source, SyntheticFeed) else None
        seen["notices"] = [text for _, text in window.status.notices]

    assert run_app_windows(SyntheticFeed(SyntheticConfig(seed=99)), tmp_path, closing_all(restore)) == 0

    assert seen["seed"] == 5
    assert any(text.startswith("layout: cannot open replay of deleted.gz") for text in seen["notices"])
