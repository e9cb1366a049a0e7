"""Alert sounds: a short WAV per signal kind (resources/sounds/, packaging/make_sounds.py).

Off by default for every kind: the bundled recording makes a large print every six seconds, an
absorption every half minute, and at a 10× replay that would be a beep a second from the first
start. The trader turns on the kinds worth an ear (Signals menu), and the mute key silences all.

How a sound is played. QtMultimedia's `QSoundEffect` when that module is there (PySide6-Addons;
the app ships PySide6-Essentials, which has none, and the bundle leaves it out); otherwise
`winsound` on Windows, or the platform's own player (`afplay` on macOS; `pw-play`, `paplay` or
`aplay` on Linux) started without waiting. No player, no audio device, a player that fails: the
app stays silent and says so once in the log, never as an error on screen.

Never a burst: a kind sounds at most every `MIN_GAP_S`, any sound at most every `ANY_GAP_S`, one
sound per batch (the strongest kind of its signals), and nothing while a replay fast-forwards a
seek (the signals found again on the way are not news).
"""

from __future__ import annotations

import importlib
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import ExitStack
from importlib.resources import as_file
from pathlib import Path
from typing import Any

from PySide6 import QtCore

from app.core.signals.kinds import Signal, SignalKind
from app.feeds.source import MarketSource, Transport
from app.resources import alert_sound

log = logging.getLogger(__name__)

MIN_GAP_S = 1.0
ANY_GAP_S = 0.25
# (command, arguments before the file): the first one on PATH plays
COMMAND_PLAYERS: tuple[tuple[str, ...], ...] = (
    ("afplay",),
    ("pw-play",),
    ("paplay",),
    ("aplay", "-q"),
)


class Player:
    """Plays WAV files without blocking; `broken` once it failed (and said so, once)."""

    def __init__(self, commands: Sequence[tuple[str, ...]] = COMMAND_PLAYERS) -> None:
        self.kind = ""
        self.broken: str | None = None  # why no sound can be played here
        self._effects: dict[Path, Any] = {}
        self._children: list[subprocess.Popen[bytes]] = []
        self._command: tuple[str, ...] | None = None
        self._multimedia: Any = None
        self._winsound: Any = None
        try:
            self._multimedia = importlib.import_module("PySide6.QtMultimedia")
            self.kind = "QtMultimedia"
            return
        except ImportError:
            pass
        if sys.platform == "win32":
            self._winsound = importlib.import_module("winsound")
            self.kind = "winsound"
            return
        for command in commands:
            found = shutil.which(command[0])
            if found is not None:
                self._command = (found, *command[1:])
                self.kind = command[0]
                return
        names = ", ".join(c[0] for c in commands) or "none"
        self._fail(f"no sound player found (tried QtMultimedia and {names})")

    def play(self, path: Path) -> bool:
        """Start playing; False (silently: logged once) when this machine cannot."""
        if self.broken is not None:
            return False
        self._reap()
        try:
            if self._multimedia is not None:
                self._qt_play(path)
            elif self._winsound is not None:
                self._winsound.PlaySound(str(path), self._winsound.SND_FILENAME | self._winsound.SND_ASYNC)
            elif self._command is not None:
                self._children.append(
                    subprocess.Popen(
                        [*self._command, str(path)],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            else:
                return False
        except (OSError, RuntimeError) as exc:
            self._fail(f"{self.kind} cannot play {path.name}: {exc}")
            return False
        return True

    def close(self) -> None:
        for child in self._children:
            if child.poll() is None:
                child.kill()
            child.wait()
        self._children.clear()

    def _qt_play(self, path: Path) -> None:
        effect = self._effects.get(path)
        if effect is None:
            effect = self._multimedia.QSoundEffect()
            effect.setSource(QtCore.QUrl.fromLocalFile(str(path)))
            self._effects[path] = effect
        if effect.status() == self._multimedia.QSoundEffect.Status.Error:
            raise RuntimeError("QSoundEffect could not load it (no audio device?)")
        effect.play()

    def _reap(self) -> None:
        """Collect finished players; one that failed (no audio device) breaks the player."""
        running = []
        for child in self._children:
            code = child.poll()
            if code is None:
                running.append(child)
            elif code != 0:
                self._fail(f"{self.kind} exited {code} (no audio device?)")
        self._children = running

    def _fail(self, reason: str) -> None:
        if self.broken is None:
            self.broken = reason
            log.info("alert sounds off: %s", reason)


class SignalSounds:
    """Which kinds sound, the mute, and the throttle; `on_signals` is the wiring's listener."""

    def __init__(
        self,
        source: MarketSource,
        kinds: Collection[SignalKind] = (),
        *,
        muted: bool = False,
        player: Player | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.kinds: frozenset[SignalKind] = frozenset(kinds)
        self.muted = muted
        self._player = player
        self._clock = clock
        self._last_s: dict[SignalKind, float] = {}
        self._last_any_s = float("-inf")
        self._files = ExitStack()
        self._paths: dict[SignalKind, Path] = {}
        self.played: list[SignalKind] = []  # what was sent to the player (the last 100)

    @property
    def player(self) -> Player:
        """Made on the first sound: a window that never sounds never looks for a player."""
        if self._player is None:
            self._player = Player()
        return self._player

    def on_signals(self, found: Iterable[Signal]) -> SignalKind | None:
        """New signals: play the sound of the strongest one whose kind sounds (if allowed now)."""
        if self.muted or not self.kinds:
            return None
        if isinstance(self.source, Transport) and self.source.seeking:
            return None
        now = self._clock()
        if now - self._last_any_s < ANY_GAP_S:
            return None
        ready = [
            s
            for s in found
            if s.kind in self.kinds and now - self._last_s.get(s.kind, float("-inf")) >= MIN_GAP_S
        ]
        if not ready:
            return None
        kind = max(ready, key=lambda s: s.strength).kind
        self._last_s[kind] = self._last_any_s = now
        if self.player.play(self._path(kind)):
            self.played = [*self.played[-99:], kind]
        return kind

    def close(self) -> None:
        if self._player is not None:
            self._player.close()
        self._files.close()

    def _path(self, kind: SignalKind) -> Path:
        path = self._paths.get(kind)
        if path is None:
            path = self._paths[kind] = self._files.enter_context(as_file(alert_sound(kind.value)))
        return path
