"""The recordings the user opened (File → Open recording…), newest first, for the "Recent
recordings" menu (`recordings.json` in the config dir, next to `markets.json`).

One entry is what one open chose: several files given together continue one session, so they
come back together. Paths are stored absolute. A recording that was moved or deleted since is
dropped from the list when it is read, with a notice naming it, rather than offered and failing.
A damaged file is kept aside and the list starts empty (app/storage/recent_list.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.storage.layouts import config_dir
from app.storage.recent_list import damaged_notice, read_doc, recent_rows, write_doc

FILE_NAME = "recordings.json"
KEEP = 8

Entry = tuple[Path, ...]


class RecentRecordings:
    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory if directory is not None else config_dir()) / FILE_NAME
        self.notice: str | None = None

    def load(self) -> list[Entry]:
        """The entries whose files all still exist; the others are dropped (saved) with a notice."""
        self.notice = None
        try:
            rows = recent_rows(read_doc(self.path))
            entries = [tuple(Path(p) for p in row) for row in rows if _is_entry(row)]
        except (OSError, ValueError, TypeError) as exc:
            self.notice = damaged_notice(self.path, "Recent recordings", exc)
            return []
        present = [e for e in entries if all(p.is_file() for p in e)]
        if len(present) != len(entries):
            gone = [str(p) for e in entries if e not in present for p in e if not p.is_file()]
            self.notice = "Recent recordings: no longer there, dropped: " + ", ".join(gone)
            self._save(present)
        return present[:KEEP]

    def add(self, paths: Sequence[Path]) -> list[Entry]:
        """Put this choice first (once: opening the same files again moves them up) and save."""
        entry = tuple(p.resolve() for p in paths)
        known = self.load()  # its notice (files dropped) stays for the caller to show
        return self._save([entry, *(e for e in known if e != entry)])

    def _save(self, entries: list[Entry]) -> list[Entry]:
        kept = entries[:KEEP]
        write_doc(self.path, [[str(p) for p in e] for e in kept])
        return kept


def _is_entry(row: object) -> bool:
    return isinstance(row, list) and bool(row) and all(isinstance(p, str) and p for p in row)


def entry_label(entry: Entry) -> str:
    """How a menu shows an entry: the first file's name, and how many more continue it."""
    more = f" + {len(entry) - 1} more" if len(entry) > 1 else ""
    return f"{entry[0].name}{more}  —  {entry[0].parent}"
