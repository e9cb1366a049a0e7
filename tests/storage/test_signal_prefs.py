"""The Signals menu's choices in settings.json: they round-trip, a bad value falls back alone, and
the trading settings and the signal settings never undo each other in the shared file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from app.core.signals.kinds import SignalKind
from app.storage.settings import SettingsStore
from app.storage.signal_prefs import SignalPrefs, SignalPrefsStore


def test_the_choices_round_trip(tmp_path: Path) -> None:
    store = SignalPrefsStore(tmp_path)
    prefs = SignalPrefs(
        enabled=frozenset(SignalKind) - {SignalKind.ICEBERG},
        sounds=frozenset({SignalKind.ABSORPTION, SignalKind.SWEEP}),
        muted=True,
    )

    store.save(prefs)

    assert SignalPrefsStore(tmp_path).load() == prefs
    assert json.loads((tmp_path / "settings.json").read_text())["version"] == 1


def test_no_file_gives_the_defaults_every_detector_on_and_no_sound(tmp_path: Path) -> None:
    store = SignalPrefsStore(tmp_path)

    assert store.load() == SignalPrefs(frozenset(SignalKind), frozenset(), False)
    assert store.notice is None


def test_a_corrupt_section_falls_back_value_by_value_and_says_so(tmp_path: Path) -> None:
    doc = {
        "version": 1,
        "signals": {"enabled": ["sweep", "bogus", 3], "sounds": "absorption", "muted": "yes"},
    }
    (tmp_path / "settings.json").write_text(json.dumps(doc))
    store = SignalPrefsStore(tmp_path)

    prefs = store.load()

    assert prefs.enabled == {SignalKind.SWEEP}  # the good value of the list is kept
    assert prefs.sounds == frozenset() and prefs.muted is False  # the bad ones: defaults
    assert len(store.problems) == 4
    assert store.notice is not None and store.notice.startswith("Signal settings: signals.enabled")

    (tmp_path / "settings.json").write_text(json.dumps({"version": 1, "signals": [1, 2]}))
    assert store.load() == SignalPrefs() and "not an object" in (store.notice or "")


def test_an_unreadable_file_gives_defaults_and_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json")
    store = SignalPrefsStore(tmp_path)

    assert store.load() == SignalPrefs()
    assert store.notice is not None and "cannot be read" in store.notice
    store.save(SignalPrefs(muted=True))
    assert path.read_text() == "{ not json"  # the trading store keeps it aside; not ours to lose


def test_trading_and_signal_settings_share_the_file_without_undoing_each_other(tmp_path: Path) -> None:
    trading = SettingsStore(tmp_path)
    signals = SignalPrefsStore(tmp_path)
    settings = trading.load()
    trading.save(replace(settings, presets_qty=("0.002", "0.005", "0.01", "0.02", "0.05")))

    signals.save(SignalPrefs(sounds=frozenset({SignalKind.LARGE_PRINT})))
    trading.save(replace(trading.load(), bracket=None))  # the desk saving its own copy later

    assert signals.load().sounds == {SignalKind.LARGE_PRINT}
    assert trading.load().presets_qty[0] == "0.002"
    assert trading.notice is None and signals.notice is None
