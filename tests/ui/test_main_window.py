"""The window: docks, keys, layouts saved and restored, damaged files survived, screenshot."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.feeds.replay_feed import ReplayFeed
from app.storage.layouts import LayoutStore
from app.ui.compose import compose
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme


@pytest.fixture
def make_window(qtbot, qapp, btcusdt_recording: Path, tmp_path: Path):
    """Build a window on the real recording with probe views; config in tmp_path/config."""
    apply_theme(qapp)

    def make(views, config: Path | None = None, **kwargs) -> MainWindow:
        feed = ReplayFeed([btcusdt_recording], speed=10, loop=True, scan_end=False)
        window = compose(feed, views, LayoutStore(config or tmp_path / "config"), **kwargs).window
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        QtWidgets.QApplication.processEvents()
        return window

    return make


def test_docks_have_stable_names_and_all_four_views_show(make_window, probe_views):
    window = make_window(probe_views)

    names = {d.objectName() for d in window.findChildren(QtWidgets.QDockWidget)}
    assert names == {"dock_ladder", "dock_footprint", "dock_tape", "dock_cvd"}
    assert all(v.isVisible() for v in probe_views)
    assert window.transport.objectName() == "toolbar_transport"


def test_transport_keys_pause_and_change_speed(make_window, probe_views, qtbot):
    window = make_window(probe_views)
    with qtbot.waitActive(window):
        window.activateWindow()

    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    assert window.source.paused
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Space)
    assert not window.source.paused

    qtbot.keyClick(window, QtCore.Qt.Key.Key_BracketRight)
    assert window.source.speed == 25
    qtbot.keyClick(window, QtCore.Qt.Key.Key_BracketLeft)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_BracketLeft)
    assert window.source.speed == 5
    assert window.transport.speed_box.currentText() == "5×"


def test_a_speed_off_the_ladder_is_shown_as_it_is(make_window, probe_views):
    window = make_window(probe_views)
    box = window.transport.speed_box

    window.source.set_speed(4)
    window.transport.sync()
    shown_at_4 = box.currentText()
    window.transport._step_speed(+1)
    window.transport.sync()

    assert shown_at_4 == "4×"
    assert window.source.speed == 5 and box.currentText() == "5×"
    assert [box.itemText(i) for i in range(box.count())].count("4×") == 1  # kept in order, not twice


def test_a_named_layout_round_trips_docks_and_view_settings(make_window, probe_views):
    window = make_window(probe_views)
    tape_dock = window.docks["tape"]
    probe_views[0].apply_settings({"size_lots": 7})
    tape_dock.hide()
    window.layouts.save_as("scalp")

    window.default_layout()
    assert probe_views[0].size_lots == 1 and tape_dock.isVisible()

    assert window.layouts.load("scalp")
    assert probe_views[0].size_lots == 7
    assert not tape_dock.isVisible()


def test_the_last_layout_comes_back_on_the_next_start(make_window, qtbot, tmp_path, probe_views):
    from tests.ui.conftest import ProbeView

    first = make_window(probe_views, config=tmp_path / "cfg")
    probe_views[3].apply_settings({"size_lots": 42})
    first.docks["cvd"].hide()
    first.close()

    again = [ProbeView(n) for n in ("ladder", "footprint", "tape", "cvd")]
    second = make_window(again, config=tmp_path / "cfg")

    assert again[3].size_lots == 42
    assert not second.docks["cvd"].isVisible()
    assert not second.status.notice.isVisible()


def test_a_corrupt_layouts_file_starts_on_defaults_with_a_visible_notice(make_window, tmp_path, probe_views):
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "layouts.json").write_text('{"version": 1, "layouts": {"x": ')

    window = make_window(probe_views, config=config)

    assert window.status.notice.isVisible()
    assert "default layout" in window.status.notice.text()
    assert all(d.isVisible() for d in window.docks.values())
    assert (config / "layouts.json.corrupt-1").exists()


def test_bad_view_settings_in_a_layout_are_reported_and_the_rest_applies(make_window, tmp_path, probe_views):
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "layouts.json").write_text(
        '{"version": 1, "layouts": {}, "last": {"views": '
        '{"ladder": {"size_lots": "huge"}, "tape": {"size_lots": 3}}}}'
    )

    window = make_window(probe_views, config=config)

    assert probe_views[0].size_lots == 1 and probe_views[2].size_lots == 3
    assert "size_lots" in window.status.notice.text()


def test_closing_writes_the_screenshot_of_the_window_as_shown(make_window, tmp_path, probe_views):
    shot = tmp_path / "out" / "shot.png"
    window = make_window(probe_views, screenshot=shot)
    window.close()

    image = QtGui.QImage(str(shot))
    assert image.width() == window.width() and image.height() == window.height()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)}
    assert len(colours) > 3


def test_a_running_replay_reaches_the_views_through_the_frame_clock(make_window, qloop, probe_views):
    window = make_window(probe_views)

    async def play() -> None:
        task = asyncio.create_task(window.source.run())
        await asyncio.sleep(0.6)
        task.cancel()

    qloop.run_until_complete(play())

    market = window.source.session.market
    assert market.tape.total > 0
    assert window.frames.frames > 5
    assert all(v.refreshes for v in probe_views)
    window.transport.sync()
    assert window.transport.clock.text().count(":") == 2


def test_the_status_bar_shows_frame_time_and_receive_to_pixel_while_running(make_window, qloop, probe_views):
    window = make_window(probe_views)

    async def play() -> None:
        task = asyncio.create_task(window.source.run())
        await asyncio.sleep(0.6)
        window.status.update()
        task.cancel()

    qloop.run_until_complete(play())

    label = window.status.fps
    assert re.fullmatch(r"\d+ fps · frame p99 \d+\.\d ms · receive→pixel p99 \d+ ms", label.text())
    assert "peak memory" in label.toolTip() and "messages" in label.toolTip()
    assert window.frames.frame_hist.count == window.frames.frames > 5  # the whole run, for --stats-out
    assert window.frames.latency_hist.count > 0
