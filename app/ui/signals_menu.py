"""The Signals menu: which detectors run, which kinds sound, and the mute key.

Every choice takes effect at once (app/ui/signal_wiring.py rebuilds the engine for a detector
turned on or off; app/ui/signal_sounds.py plays or not) and is saved in the "signals" section of
settings.json (app/storage/signal_prefs.py). `MUTE_KEY` is a window key, reserved against trading
keys in app/ui/hotkeys.py and listed in docs/HOTKEYS.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.signals.kinds import SignalKind
from app.storage.signal_prefs import SignalPrefs, SignalPrefsStore
from app.ui.signal_sounds import SignalSounds
from app.ui.signal_wiring import SignalWiring
from widgets.base.signal_style import KIND_STYLE

log = logging.getLogger(__name__)

MUTE_KEY = "M"
MUTE_TEXT = "Mute alert sounds"


class SignalsMenu:
    """Builds the menu on `window` and applies each choice to the wiring and the sounds."""

    def __init__(  # noqa: PLR0917 (one call site: app/ui/signal_desk.py)
        self,
        window: QtWidgets.QMainWindow,
        wiring: SignalWiring,
        sounds: SignalSounds,
        store: SignalPrefsStore | None,
        prefs: SignalPrefs,
        notify: Callable[[str], None],
    ) -> None:
        self.wiring = wiring
        self.sounds = sounds
        self.store = store
        self.prefs = prefs
        self._notify = notify  # a problem the user must see (a notice)
        self._window = window
        self.menu = QtWidgets.QMenu("&Signals", window)
        self.mute_action = self.menu.addAction(MUTE_TEXT)
        self.mute_action.setCheckable(True)
        self.mute_action.setChecked(prefs.muted)
        self.mute_action.setShortcut(QtGui.QKeySequence(MUTE_KEY))
        self.mute_action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        self.mute_action.toggled.connect(self.set_muted)
        window.addAction(self.mute_action)  # the key works with the menu closed
        self.menu.addSeparator()
        detectors = self.menu.addMenu("Detectors")
        sounds_menu = self.menu.addMenu("Sounds")
        self.detector_actions: dict[SignalKind, QtGui.QAction] = {}
        self.sound_actions: dict[SignalKind, QtGui.QAction] = {}
        for kind in SignalKind:
            name = KIND_STYLE[kind].name
            on = detectors.addAction(name)
            on.setCheckable(True)
            on.setChecked(kind in prefs.enabled)
            on.toggled.connect(lambda checked, k=kind: self.set_detector(k, checked))
            self.detector_actions[kind] = on
            sound = sounds_menu.addAction(name)
            sound.setCheckable(True)
            sound.setChecked(kind in prefs.sounds)
            sound.toggled.connect(lambda checked, k=kind: self.set_sound(k, checked))
            self.sound_actions[kind] = sound
        detectors.addSeparator()
        detectors.addAction("All detectors on", lambda: self._all(self.detector_actions, True))
        sounds_menu.addSeparator()
        sounds_menu.addAction("No sounds", lambda: self._all(self.sound_actions, False))

    def key_rows(self) -> list[tuple[str, str]]:
        return [(MUTE_TEXT, self.mute_action.shortcut().toString())]

    # -- the choices -------------------------------------------------------------------------------

    def set_muted(self, muted: bool) -> None:
        if self.mute_action.isChecked() != muted:
            self.mute_action.setChecked(muted)  # toggled comes back here
            return
        self.sounds.muted = muted
        self._save(replace(self.prefs, muted=muted))
        text = f"alert sounds muted ({MUTE_KEY} unmutes)" if muted else f"alert sounds on ({MUTE_KEY} mutes)"
        self._window.statusBar().showMessage(text, 4000)
        log.info("alert sounds %s", "muted" if muted else "unmuted")

    def toggle_mute(self) -> bool:
        self.set_muted(not self.sounds.muted)
        return self.sounds.muted

    def set_detector(self, kind: SignalKind, on: bool) -> None:
        enabled = self.prefs.enabled | {kind} if on else self.prefs.enabled - {kind}
        self.wiring.set_enabled(enabled)
        self._save(replace(self.prefs, enabled=enabled))

    def set_sound(self, kind: SignalKind, on: bool) -> None:
        sounds = self.prefs.sounds | {kind} if on else self.prefs.sounds - {kind}
        self.sounds.kinds = sounds
        self._save(replace(self.prefs, sounds=sounds))

    def _all(self, actions: dict[SignalKind, QtGui.QAction], on: bool) -> None:
        for action in actions.values():
            action.setChecked(on)

    def _save(self, prefs: SignalPrefs) -> None:
        self.prefs = prefs
        if self.store is None:
            return
        try:
            self.store.save(prefs)
        except OSError as exc:
            self._notify(f"could not save the signal settings: {exc}")
