"""Whether this user has seen the welcome (`first_run.json` in the config dir).

Its own small file, not a field of settings.json: the trading desk rewrites settings.json from the
copy it loaded at start whenever a trading setting changes, which would forget a flag written
beside it in the meantime. A damaged file is kept aside and counts as "not welcomed yet" (the
default): the cost of a damaged file is one more look at the welcome, never a failed start.
"""

from __future__ import annotations

from pathlib import Path

from app.storage.layouts import config_dir
from app.storage.recent_list import Damaged, damaged_notice, read_doc, write_json

FILE_NAME = "first_run.json"


class FirstRun:
    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory if directory is not None else config_dir()) / FILE_NAME
        self.notice: str | None = None

    def welcomed(self) -> bool:
        """True once `mark_welcomed` ran for this config dir."""
        self.notice = None
        try:
            doc = read_doc(self.path)
            if doc is None:
                return False
            shown = doc.get("welcome_shown")
            if not isinstance(shown, bool):
                raise Damaged("no 'welcome_shown' flag")
        except (OSError, ValueError) as exc:
            self.notice = damaged_notice(self.path, "First-run state", exc)
            return False
        return shown

    def mark_welcomed(self) -> None:
        """Remember that the welcome was shown."""
        write_json(self.path, {"version": 1, "welcome_shown": True})
