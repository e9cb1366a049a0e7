"""Moving a damaged file out of the way, so the app starts on defaults and the user's data is kept."""

from __future__ import annotations

import os
from pathlib import Path


def keep_aside(path: Path, companions: tuple[str, ...] = ()) -> Path | None:
    """Rename `path` to the first free `<name>.corrupt-<n>`; None if it cannot be moved.

    `companions` are suffixes of files that belong to it (SQLite's "-wal", "-shm"): they move with
    it, or are deleted if they cannot be, so that they are never applied to a new file.
    """
    for n in range(1, 1000):
        target = path.with_name(f"{path.name}.corrupt-{n}")
        if target.exists():
            continue
        try:
            os.replace(path, target)
        except OSError:
            return None
        for suffix in companions:
            side = path.with_name(path.name + suffix)
            if side.exists():
                try:
                    os.replace(side, target.with_name(target.name + suffix))
                except OSError:
                    side.unlink(missing_ok=True)
        return target
    return None
