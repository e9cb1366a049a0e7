"""Alert sounds and the Signals menu in the real window: the mute key mutes (and is saved), a kind
sounds only when turned on and never in a burst, and a machine that cannot play stays silent and
says so once in the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtCore

from app.core.signals.kinds import Signal, SignalKind
from app.feeds.recording import iter_recordings
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.settings import SettingsStore
from app.storage.signal_prefs import SignalPrefsStore
from app.ui.compose import DeskStores, Workstation, compose
from app.ui.hotkeys import RESERVED_KEYS
from app.ui.run_app import default_views
from app.ui.signal_sounds import ANY_GAP_S, MIN_GAP_S, Player, SignalSounds
from app.ui.signals_menu import MUTE_KEY
from tests.ui.conftest import HandSource
from tests.ui.test_signal_wiring import fast_replay


class Clock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def sig(kind: SignalKind, strength: float = 0.5) -> Signal:
    return Signal(kind, 1_723_161_600_000_000_000, 600_000, 1, strength, None, "test")


@pytest.fixture
def station(hand_source: HandSource, tmp_path: Path, qtbot) -> Iterator[Workstation]:
    stores = DeskStores(
        Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp_path)
    )
    built = compose(hand_source, default_views(), LayoutStore(tmp_path), stores=stores)
    qtbot.addWidget(built.window)
    built.window.show()
    qtbot.waitExposed(built.window)
    built.window.frames.stop()
    yield built
    assert built.window.trading is not None
    built.window.trading.hotkeys.uninstall()
    built.close()


def test_the_mute_key_mutes_the_sounds_and_the_choice_is_saved(
    station: Workstation, tmp_path: Path, qtbot
) -> None:
    desk = station.signal_desk
    assert desk is not None and not desk.sounds.muted
    window = station.window
    window.activateWindow()
    window.views["footprint"].setFocus()

    qtbot.keyClick(window.views["footprint"], QtCore.Qt.Key.Key_M)

    assert desk.sounds.muted and desk.menu.mute_action.isChecked()
    assert SignalPrefsStore(tmp_path).load().muted is True
    assert desk.sounds.on_signals([sig(SignalKind.LARGE_PRINT)]) is None
    qtbot.keyClick(window.views["footprint"], QtCore.Qt.Key.Key_M)
    assert not desk.sounds.muted and SignalPrefsStore(tmp_path).load().muted is False


def test_the_mute_key_is_a_window_key_no_trading_key_can_take(station: Workstation) -> None:
    rows = dict(station.window.key_table())

    assert rows["Mute alert sounds"] == MUTE_KEY and MUTE_KEY in RESERVED_KEYS
    trading = {key for text, key in station.window.key_table() if text.startswith("SIM")}
    assert MUTE_KEY not in trading


def test_the_menu_turns_a_detector_off_and_a_sound_on_and_both_are_saved(
    station: Workstation, hand_source: HandSource, btcusdt_recording: Path, tmp_path: Path
) -> None:
    desk = station.signal_desk
    assert desk is not None
    built_before = desk.wiring.engines_built

    desk.menu.detector_actions[SignalKind.LARGE_PRINT].setChecked(False)
    desk.menu.sound_actions[SignalKind.ABSORPTION].setChecked(True)

    assert desk.wiring.engines_built == built_before + 1 and desk.wiring.engine.large is None
    assert desk.sounds.kinds == {SignalKind.ABSORPTION}
    saved = SignalPrefsStore(tmp_path).load()
    assert SignalKind.LARGE_PRINT not in saved.enabled and saved.sounds == {SignalKind.ABSORPTION}
    lines = iter_recordings([btcusdt_recording], chunk_bytes=16384)
    for _ in range(300):
        hand_source.feed(next(lines))
    found = desk.wiring.signals.items
    assert found and all(s.kind is not SignalKind.LARGE_PRINT for s in found)
    assert "&Signals" in [a.text() for a in station.window.menuBar().actions()]


def test_a_kind_sounds_at_most_every_gap_and_only_the_strongest_of_a_batch(btcusdt_recording: Path) -> None:
    clock = Clock()
    player = Player(commands=(("true",),))  # a real process that takes the file and exits 0
    sounds = SignalSounds(
        fast_replay(btcusdt_recording), {SignalKind.SWEEP, SignalKind.ABSORPTION}, player=player, clock=clock
    )

    assert (
        sounds.on_signals([sig(SignalKind.SWEEP, 0.2), sig(SignalKind.ABSORPTION, 0.9)])
        is SignalKind.ABSORPTION
    )
    clock.now_s += ANY_GAP_S / 2
    assert sounds.on_signals([sig(SignalKind.SWEEP)]) is None  # too soon after any sound
    clock.now_s += ANY_GAP_S
    assert sounds.on_signals([sig(SignalKind.ABSORPTION)]) is None  # too soon for that kind
    assert sounds.on_signals([sig(SignalKind.LARGE_PRINT)]) is None  # a kind that does not sound
    assert sounds.on_signals([sig(SignalKind.SWEEP)]) is SignalKind.SWEEP
    clock.now_s += MIN_GAP_S
    assert sounds.on_signals([sig(SignalKind.ABSORPTION)]) is SignalKind.ABSORPTION
    assert sounds.played == [SignalKind.ABSORPTION, SignalKind.SWEEP, SignalKind.ABSORPTION]
    assert player.broken is None
    sounds.close()


def test_nothing_sounds_while_a_replay_fast_forwards_a_seek(btcusdt_recording: Path) -> None:
    feed = fast_replay(btcusdt_recording)
    sounds = SignalSounds(feed, {SignalKind.SWEEP}, player=Player(commands=(("true",),)), clock=Clock())

    feed.jump_to(feed.start_ns + 10**11)
    assert feed.seeking
    assert sounds.on_signals([sig(SignalKind.SWEEP)]) is None
    sounds.close()


def test_a_machine_that_cannot_play_stays_silent_and_logs_it_once(btcusdt_recording: Path, caplog) -> None:
    clock = Clock()
    caplog.set_level(logging.INFO, logger="app.ui.signal_sounds")
    failing = Player(commands=(("false",),))  # a player that fails, as aplay does without a device
    sounds = SignalSounds(fast_replay(btcusdt_recording), {SignalKind.SWEEP}, player=failing, clock=clock)
    for _ in range(4):
        sounds.on_signals([sig(SignalKind.SWEEP)])
        for child in failing._children:  # let the player finish before the next sound looks at it
            child.wait()
        clock.now_s += MIN_GAP_S

    assert failing.broken is not None and "exited 1" in failing.broken
    nothing = Player(commands=(("no-such-player-here",),))
    assert nothing.broken is not None and not nothing.play(Path("x.wav"))
    lines = [r.getMessage() for r in caplog.records if r.name == "app.ui.signal_sounds"]
    assert len(lines) == 2 and all(line.startswith("alert sounds off:") for line in lines)
    sounds.close()
