"""The Signals menu's choices on disk: which detectors run, which kinds sound, the mute.

They live in their own section, "signals", of settings.json (app/storage/settings.py), beside the
trading settings: one file of user settings, one format version. Each store writes only its own
section and keeps the others as they are on disk, so the trading desk saving a preset size never
undoes a sound turned on, nor the reverse. Inside the section each value stands alone: a bad one
falls back to its default and is listed in `problems`, the rest is used; a file that cannot be
read at all gives the defaults and a notice (the trading store keeps such a file aside).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.signals.kinds import SignalKind
from app.storage.layouts import config_dir
from app.storage.settings import FILE_NAME, FORMAT_VERSION

SECTION = "signals"


@dataclass(frozen=True, slots=True)
class SignalPrefs:
    enabled: frozenset[SignalKind] = frozenset(SignalKind)  # every detector runs by default
    sounds: frozenset[SignalKind] = frozenset()  # silent by default (app/ui/signal_sounds.py says why)
    muted: bool = False


def prefs_to_dict(prefs: SignalPrefs) -> dict[str, Any]:
    return {
        "enabled": sorted(k.value for k in prefs.enabled),
        "sounds": sorted(k.value for k in prefs.sounds),
        "muted": prefs.muted,
    }


def prefs_from_dict(data: object, problems: list[str]) -> SignalPrefs:
    """Every value on its own: a bad one is replaced by its default and noted in `problems`."""
    d = SignalPrefs()
    if not isinstance(data, Mapping):
        problems.append(f"{SECTION}: not an object, using the defaults")
        return d
    enabled = _kinds(data, "enabled", d.enabled, problems)
    sounds = _kinds(data, "sounds", d.sounds, problems)
    muted = data.get("muted", d.muted)
    if not isinstance(muted, bool):
        problems.append(f"{SECTION}.muted: {muted!r} is not true or false, using {d.muted}")
        muted = d.muted
    return SignalPrefs(enabled, sounds, muted)


def _kinds(
    data: Mapping[str, Any], key: str, default: frozenset[SignalKind], problems: list[str]
) -> frozenset[SignalKind]:
    if key not in data:
        return default
    names = data[key]
    if not isinstance(names, list):
        problems.append(f"{SECTION}.{key}: {names!r} is not a list of signal kinds, using the default")
        return default
    by_value = {k.value: k for k in SignalKind}
    found = set()
    for name in names:
        if isinstance(name, str) and name in by_value:
            found.add(by_value[name])
        else:
            problems.append(f"{SECTION}.{key}: unknown signal kind {name!r} ignored")
    return frozenset(found)


class SignalPrefsStore:
    """The "signals" section of settings.json. `load()` never raises; `notice` says what it fixed."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory if directory is not None else config_dir()) / FILE_NAME
        self.notice: str | None = None
        self.problems: list[str] = []

    def load(self) -> SignalPrefs:
        self.notice, self.problems = None, []
        doc = self._read()
        if doc is None or SECTION not in doc:
            return SignalPrefs()
        prefs = prefs_from_dict(doc[SECTION], self.problems)
        if self.problems:
            more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            self.notice = f"Signal settings: {self.problems[0]}{more}."
        return prefs

    def save(self, prefs: SignalPrefs) -> None:
        """Write this section; every other section of the file stays as it is on disk."""
        doc = self._read(quiet=True)
        if doc is None:
            if self.path.exists():  # unreadable or from a newer app: not ours to overwrite
                return
            doc = {"version": FORMAT_VERSION}
        doc[SECTION] = prefs_to_dict(prefs)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".signals.tmp")
        tmp.write_text(json.dumps(doc, indent=1) + "\n", "utf-8")
        os.replace(tmp, self.path)

    def _read(self, *, quiet: bool = False) -> dict[str, Any] | None:
        """The whole document if it is one this app may read and write, else None (and a notice)."""
        try:
            doc = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            if not quiet:
                self.notice = (
                    f"Signal settings not loaded: {self.path} cannot be read ({exc}). Using defaults."
                )
            return None
        version = doc.get("version") if isinstance(doc, dict) else None
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
            if not quiet:
                self.notice = (
                    f"Signal settings not loaded: {self.path} is not a settings file this app reads."
                )
            return None
        return dict(doc)
