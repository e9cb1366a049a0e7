"""What the small JSON stores of the config dir share (recent markets, recent recordings, the
first-run state): one JSON object (the recent ones hold a `recent` list), read so that a damaged
file never stops the app (kept aside as `<name>.corrupt-<n>`, the store starts on its default, a
one-line notice says why) and written through a temporary file and an atomic rename, so a crash
mid-write cannot leave half a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from app.storage.keep_aside import keep_aside

FORMAT_VERSION = 1


class Damaged(ValueError):
    """The file is readable JSON but not the shape a store expects."""


def read_doc(path: Path) -> dict[str, Any] | None:
    """The file as a JSON object, None when it does not exist; OSError/ValueError when damaged."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    if not isinstance(doc, dict):
        raise Damaged("not a JSON object")
    return doc


def recent_rows(doc: dict[str, Any] | None) -> list[Any]:
    """The `recent` list of a document (empty for no document)."""
    if doc is None:
        return []
    rows = doc.get("recent")
    if not isinstance(rows, list):
        raise Damaged("no 'recent' list")
    return rows


def damaged_notice(path: Path, what: str, exc: Exception) -> str:
    """Keep the damaged file aside and say so, in one line for the status bar."""
    kept = keep_aside(path)
    where = f"; the file was kept as {kept.name}" if kept else ""
    return f"{what} not loaded: {path} is damaged ({exc}){where}."


def write_doc(path: Path, recent: list[Any], **extra: object) -> None:
    """Write `{"version": 1, "recent": [...], **extra}` atomically."""
    write_json(path, {"version": FORMAT_VERSION, "recent": recent, **extra})


def write_json(path: Path, doc: dict[str, object]) -> None:
    """Write `doc` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n", "utf-8")
    os.replace(tmp, path)
