"""Drills in the real window (offscreen): the real desk, hotkeys, paper exchange and synthetic market.

Keys are pressed on the ladder as a trader would; the runs score what the desk was asked to do,
write the history, and end on a score panel.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtTest import QTest

from app.core.drills.catalogue import get_drill
from app.core.drills.options import DrillOptions
from app.core.drills.reaction import TrialError, TrialScore
from app.core.paper.actions import Action
from app.storage.drill_history import DrillHistory
from app.storage.settings import TradingSettings
from app.ui.drills.execution_run import ExecutionRun
from app.ui.drills.reaction_run import ReactionRun
from app.ui.drills.run_drill import DrillWindow, drill_settings, open_drill
from tests.ui.drill_keys import keys_for


def press(widget: QtWidgets.QWidget, key: str) -> None:
    chord = QtGui.QKeySequence(key)[0]  # type: ignore[index]
    QTest.keyClick(widget, chord.key(), chord.keyboardModifiers())


def run_drill(qloop, drill: DrillWindow, drive, timeout_s: float = 60.0) -> bool:
    """Run the drill's market while `drive()` plays the trader, until the run is done; then close
    the window. True if the score panel was on screen when the run ended."""

    async def main() -> None:
        drill.window.show()
        drill.run.start()
        feed = asyncio.ensure_future(drill.source.run())
        try:
            await asyncio.wait_for(drive(), timeout_s)
            while not drill.run.done:
                await asyncio.sleep(0.02)
        finally:
            feed.cancel()
            await asyncio.gather(feed, return_exceptions=True)

    try:
        qloop.run_until_complete(main())
        return drill.run.panel is not None and drill.run.panel.isVisible()
    finally:
        drill.window.close()
        drill.close()


def test_an_execution_drill_scores_keys_pressed_on_the_ladder(qloop, tmp_path: Path) -> None:
    history = tmp_path / "drills.sqlite3"
    drill = open_drill(
        get_drill("exec-basic"),
        DrillOptions(seed=1, trials=4),
        config_dir=tmp_path / "cfg",
        history_path=history,
    )
    run = drill.run
    assert isinstance(run, ExecutionRun)
    ladder = drill.window.views["ladder"]
    pressed: list[str] = []

    async def trader() -> None:
        for n in range(4):
            while run.current is None or run.current.index != n:
                await asyncio.sleep(0.01)
            keys = keys_for(run.current.text)
            if n == 2:  # wrong on purpose: a sell key becomes the buy key above it, Esc a buy market
                keys = [k.replace("A", "Q").replace("S", "W").replace("D", "E") for k in keys]
                keys = keys if keys != keys_for(run.current.text) else ["W"]
            pressed.append(run.current.text)
            await asyncio.sleep(0.15)  # a human's reaction, at least
            for key in keys:
                press(ladder, key)

    assert run_drill(qloop, drill, trader)
    results = run.results
    assert [r.prompt for r in results] == pressed  # type: ignore[union-attr]
    assert [r.ok for r in results] == [True, True, False, True]
    assert all(r.reaction_ms is not None and r.reaction_ms >= 140 for r in results), results
    assert run.panel is not None
    assert [row[1] for row in run.panel.rows()] == pressed
    with DrillHistory(history) as h:
        (session,) = h.sessions()
    assert (session.drill, session.summary.attempts, session.summary.correct) == ("exec-basic", 4, 3)
    assert [a["about"] for a in session.attempts] == pressed


def test_a_fade_drill_scores_an_order_sent_after_the_labelled_absorption(qloop, tmp_path: Path) -> None:
    history = tmp_path / "drills.sqlite3"
    spec = get_drill("fade-absorption")
    drill = open_drill(
        spec, DrillOptions(seed=2, trials=1, speed=20), config_dir=tmp_path / "cfg", history_path=history
    )
    run = drill.run
    assert isinstance(run, ReactionRun)
    ladder = drill.window.views["ladder"]

    async def trader() -> None:
        while run.trial.label is None:
            await asyncio.sleep(0.005)
        press(ladder, "W" if run.trial.label.side > 0 else "S")  # size 1 is selected: the drill's size

    run_drill(qloop, drill, trader)
    (score,) = run.results
    assert isinstance(score, TrialScore)
    assert score.reaction_ms is not None and score.reaction_ms > 0
    assert TrialError.WRONG_SIDE not in score.errors and TrialError.WRONG_SIZE not in score.errors
    assert score.fill_ticks is not None and score.price_ticks_from_best is not None
    assert score.points > 0
    assert drill.workstation.desk is not None and drill.workstation.desk.snapshot.position_lots == 0
    with DrillHistory(history) as h:
        (session,) = h.sessions("fade-absorption")
    assert session.summary.attempts == 1 and session.attempts[0]["about"].startswith("absorption")


def test_an_exit_drill_puts_the_trader_against_the_wall_and_scores_the_flatten(qloop, tmp_path: Path) -> None:
    spec = get_drill("exit-pulled-wall")
    options = DrillOptions(seed=3, trials=1, speed=20)
    drill = open_drill(spec, options, config_dir=tmp_path / "cfg", history_path=tmp_path / "h.sqlite3")
    run = drill.run
    assert isinstance(run, ReactionRun)
    ladder = drill.window.views["ladder"]
    positions: list[int] = []

    async def trader() -> None:
        while run.trial.label is None:
            await asyncio.sleep(0.005)
        desk = drill.workstation.desk
        assert desk is not None
        positions.append(desk.snapshot.position_lots)
        press(ladder, "Shift+Esc")

    run_drill(qloop, drill, trader)
    (score,) = run.results
    assert isinstance(score, TrialScore)
    label = run.labels[0]
    # leaning on the wall: short under an ask wall whose pull sends price up, long above a bid wall
    side = 1 if "+1" in label.split()[1] else -1
    assert positions[0] * side < 0, (positions, label)
    assert score.errors == () and score.reaction_ms is not None and score.reaction_ms > 0
    assert score.pnl_r > -1.0  # out before the stop


def test_hidden_clock_and_prices_mask_their_columns_and_hide_the_charts(qloop, qtbot, tmp_path: Path) -> None:
    options = DrillOptions(seed=1, hide_clock=True, hide_prices=True)
    drill = open_drill(get_drill("fade-absorption"), options, config_dir=tmp_path / "cfg")
    window = drill.window
    masks = {m.objectName(): m for m in drill.masks}
    assert set(masks) == {"drill_mask_tape_time", "drill_mask_tape_price", "drill_mask_ladder_price"}

    async def play() -> None:
        window.show()
        feed = asyncio.ensure_future(drill.source.run())
        await asyncio.sleep(1.5)  # the views have painted, the masks have followed
        feed.cancel()
        await asyncio.gather(feed, return_exceptions=True)

    try:
        qloop.run_until_complete(play())
        assert not window.docks["footprint"].isVisible() and not window.docks["cvd"].isVisible()
        assert window.transport is not None and not window.transport.isVisible()
        canvas = window.views["ladder"].canvas  # type: ignore[attr-defined]
        (x, width) = next((x, w) for c, x, w in canvas.columns if c.key == "price")
        mask = masks["drill_mask_ladder_price"]
        assert mask.isVisible()
        covered = mask.geometry()
        column = QtCore.QRect(int(x), 0, int(width), canvas.height()).translated(
            canvas.mapTo(window, QtCore.QPoint())
        )
        assert covered.contains(column), (covered, column)
        assert masks["drill_mask_tape_time"].isVisible() and masks["drill_mask_tape_price"].isVisible()
    finally:
        window.close()
        drill.close()


def test_a_fade_drill_on_the_bundled_recording_jumps_to_a_detected_absorption(
    qloop, tmp_path: Path, btcusdt_recording: Path
) -> None:
    history = tmp_path / "drills.sqlite3"
    options = DrillOptions(seed=5, trials=1, speed=20)
    spec = get_drill("fade-absorption")
    drill = open_drill(
        spec, options, recording=[btcusdt_recording], config_dir=tmp_path / "cfg", history_path=history
    )
    run = drill.run
    assert isinstance(run, ReactionRun) and run.total == 1
    ladder = drill.window.views["ladder"]
    start_ns = run.trial_starts_ns[0]

    async def trader() -> None:
        while run.trial.label is None:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.1)  # a human's reaction: the replay moves on meanwhile
        press(ladder, "W" if run.trial.label.side > 0 else "S")

    run_drill(qloop, drill, trader)
    (score,) = run.results
    assert isinstance(score, TrialScore)
    assert score.reaction_ms is not None and 0 < score.reaction_ms < 10_000  # on the receive clock
    assert TrialError.WRONG_SIDE not in score.errors and score.fill_ticks is not None
    assert run.trial.jumped  # the quiet market before the trial was skipped
    market = drill.source.binding.market
    assert market.last_trade_ns is not None and market.last_trade_ns > start_ns
    with DrillHistory(history) as h:
        (session,) = h.sessions()
    assert session.options["recording"] == [btcusdt_recording.name]


def test_a_drill_trades_its_own_account_with_the_traders_keys_and_no_questions(tmp_path: Path) -> None:
    mine = replace(TradingSettings(), confirm=frozenset({Action.BUY_MARKET}), presets_qty=("0.002",) * 5)
    fade = drill_settings(mine, get_drill("fade-absorption"))
    assert fade.confirm == frozenset() and fade.presets_qty == mine.presets_qty and fade.keymap == mine.keymap
    assert [b.name for b in fade.brackets] == ["Drill"] and fade.bracket == "Drill"
    assert (fade.brackets[0].stop_ticks, fade.brackets[0].target_ticks) == (10, 15)
    assert fade.risk.daily_loss_quote is None
    assert drill_settings(mine, get_drill("exec-basic")).bracket is None  # prompts are plain orders


def test_a_history_that_cannot_be_written_still_shows_the_score_and_says_so(qloop, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the history's folder should be")
    options = DrillOptions(seed=1, trials=1)
    drill = open_drill(
        get_drill("exec-basic"), options, config_dir=tmp_path / "cfg", history_path=blocked / "h.sqlite3"
    )
    run = drill.run
    ladder = drill.window.views["ladder"]

    async def trader() -> None:
        while run.current is None:
            await asyncio.sleep(0.01)
        for key in keys_for(run.current.text):
            press(ladder, key)

    assert run_drill(qloop, drill, trader)
    assert run.record is not None and run.record.session_id is None
    assert run.panel is not None and "Not saved" in run.panel.findChildren(QtWidgets.QLabel)[-1].text()
    assert any("Not saved" in text for _, text in drill.window.status.notices)


def test_the_pace_drill_gives_less_time_with_every_right_answer_and_a_miss_resets_it(
    qloop, tmp_path: Path
) -> None:
    spec = get_drill("exec-pace")
    options = DrillOptions(seed=2, trials=4)
    drill = open_drill(spec, options, config_dir=tmp_path / "cfg", history_path=tmp_path / "h.sqlite3")
    run = drill.run
    assert isinstance(run, ExecutionRun)
    ladder = drill.window.views["ladder"]

    async def trader() -> None:
        for n in range(4):
            while run.current is None or run.current.index != n:
                await asyncio.sleep(0.01)
            if n == 2:
                continue  # let this one run out
            for key in keys_for(run.current.text):
                press(ladder, key)

    run_drill(qloop, drill, trader)
    limits = [r.limit_ms for r in run.results]  # type: ignore[union-attr]
    assert [r.ok for r in run.results] == [True, True, False, True]
    assert limits == [spec.limit_after(0), spec.limit_after(1), spec.limit_after(2), spec.limit_after(0)]
    assert limits[0] > limits[1] > limits[2]
    assert run.results[2].timed_out  # type: ignore[union-attr]
