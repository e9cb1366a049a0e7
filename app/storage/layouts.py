"""Named layouts on disk: versioned JSON in the user's config dir (docs/ARCHITECTURE.md, "Persistence").

A layout is what the user arranged: the main window's dock state and geometry (opaque bytes
from Qt, stored as base64 so the file stays JSON) plus each view's own settings. One file
holds every named layout and the `last` one, written on exit and restored on the next start.

A file that cannot be read (bad JSON, wrong shape, a version from a newer app) never stops the
app: the store starts empty, `notice` says what happened, and the damaged file is kept aside
as `<name>.corrupt-<n>` so nothing the user made is lost. Writes go through a temporary file
and an atomic rename, so a crash mid-write cannot produce a half file.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from app.storage.keep_aside import keep_aside
from app.storage.window_layouts import WindowEntry, windows_from_json

FORMAT_VERSION = 1
FILE_NAME = "layouts.json"
APP_NAME = "scalpdesk"
CONFIG_DIR_ENV = "SCALPDESK_CONFIG_DIR"
MAX_NAME_CHARS = 60


class LayoutError(ValueError):
    """A user-facing problem with a layout operation (bad or duplicate name, unknown layout)."""


def config_dir() -> Path:
    """$SCALPDESK_CONFIG_DIR if set (tests, portable installs), else the platform's config dir."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


@dataclass(frozen=True)
class Layout:
    """One arrangement: Qt's window state and geometry, and every view's settings by view id."""

    window_state: bytes = b""
    geometry: bytes = b""
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Every window open when it was saved, with its market and link group (app/storage/window_layouts.py).
    # An optional key, so the format version stays 1: files without it load as before, and an
    # older app reading a newer file just ignores it.
    windows: tuple[WindowEntry, ...] = ()
    window_problems: tuple[str, ...] = field(default=(), compare=False)  # entries dropped on reading

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "window_state": base64.b64encode(self.window_state).decode("ascii"),
            "geometry": base64.b64encode(self.geometry).decode("ascii"),
            "views": self.views,
        }
        if self.windows:
            doc["windows"] = [w.to_json() for w in self.windows]
        return doc

    @staticmethod
    def from_json(data: Any) -> Layout:
        if not isinstance(data, dict):
            raise ValueError("a layout must be an object")
        views = data.get("views", {})
        if not isinstance(views, dict) or not all(isinstance(v, dict) for v in views.values()):
            raise ValueError("'views' must map view ids to objects")
        try:
            state = base64.b64decode(data.get("window_state", ""), validate=True)
            geometry = base64.b64decode(data.get("geometry", ""), validate=True)
        except (binascii.Error, TypeError, ValueError) as exc:
            raise ValueError(f"window state is not base64: {exc}") from exc
        windows, problems = windows_from_json(data.get("windows"))
        return Layout(state, geometry, {str(k): dict(v) for k, v in views.items()}, windows, tuple(problems))


def check_name(name: str) -> str:
    """A layout name as the user typed it, trimmed; empty or overlong names are refused."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LayoutError("a layout needs a name")
    if len(cleaned) > MAX_NAME_CHARS:
        raise LayoutError(f"layout names are at most {MAX_NAME_CHARS} characters")
    return cleaned


class LayoutStore:
    """The layouts file: named layouts plus the last session's layout."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory if directory is not None else config_dir()) / FILE_NAME
        self.named: dict[str, Layout] = {}
        self.last: Layout | None = None
        self.current_name: str | None = None
        self.notice: str | None = None  # why the file was not used, for the window to show
        self._load()

    # -- reading ------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._fall_back(f"cannot read {self.path}: {exc}")
            return
        try:
            doc = json.loads(text)
            if not isinstance(doc, dict):
                raise ValueError("the file is not a JSON object")
            version = doc.get("version")
            if version != FORMAT_VERSION:
                raise ValueError(f"format version {version!r}, this app reads {FORMAT_VERSION}")
            layouts = doc.get("layouts", {})
            if not isinstance(layouts, dict):
                raise ValueError("'layouts' must be an object")
            named = {check_name(str(k)): Layout.from_json(v) for k, v in layouts.items()}
            last = Layout.from_json(doc["last"]) if doc.get("last") is not None else None
            current = doc.get("current")
            current = current if isinstance(current, str) and current in named else None
        except (ValueError, LayoutError) as exc:  # JSONDecodeError is a ValueError
            self._fall_back(f"{self.path} is damaged ({exc})")
            return
        self.named, self.last, self.current_name = named, last, current

    def _fall_back(self, reason: str) -> None:
        kept = keep_aside(self.path)
        where = f"; the file was kept as {kept.name}" if kept else ""
        self.notice = f"Layouts not loaded: {reason}. Starting with the default layout{where}."

    # -- named layouts ------------------------------------------------------------------------

    def names(self) -> list[str]:
        return sorted(self.named, key=str.casefold)

    def get(self, name: str) -> Layout:
        try:
            return self.named[name]
        except KeyError:
            raise LayoutError(f"no layout named {name!r}") from None

    def save_as(self, name: str, layout: Layout) -> str:
        """Store (or overwrite) a named layout and make it current; returns the cleaned name."""
        name = check_name(name)
        self.named[name] = layout
        self.current_name = name
        self.write()
        return name

    def rename(self, old: str, new: str) -> str:
        layout = self.get(old)
        new = check_name(new)
        if new != old and new in self.named:
            raise LayoutError(f"a layout named {new!r} already exists")
        del self.named[old]
        self.named[new] = layout
        if self.current_name == old:
            self.current_name = new
        self.write()
        return new

    def delete(self, name: str) -> None:
        self.get(name)
        del self.named[name]
        if self.current_name == name:
            self.current_name = None
        self.write()

    def remember_last(self, layout: Layout) -> None:
        """The arrangement at exit: restored on the next start."""
        self.last = layout
        self.write()

    # -- writing ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "current": self.current_name,
            "layouts": {name: self.named[name].to_json() for name in self.names()},
            "last": self.last.to_json() if self.last is not None else None,
        }

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n", "utf-8")
        os.replace(tmp, self.path)
