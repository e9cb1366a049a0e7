"""The log file: every session's log in the user data dir, rotating, so a trading day's problems
can be read afterwards (and attached to a report)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.storage.journal import data_dir

MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    return data_dir() / "logs"


def start_logging(level: int, to_stderr_level: int | None = None) -> Path:
    """Log to `logs/scalpdesk.log` (rotating) at `level`, and to stderr at `to_stderr_level`."""
    path = log_dir() / "scalpdesk.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(min(level, to_stderr_level or level))
    for handler in list(root.handlers):
        if getattr(handler, "scalpdesk", False):
            root.removeHandler(handler)
    to_file = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    to_file.setLevel(level)
    to_file.setFormatter(logging.Formatter(FORMAT))
    to_file.scalpdesk = True  # type: ignore[attr-defined]
    root.addHandler(to_file)
    if to_stderr_level is not None:
        to_err = logging.StreamHandler()
        to_err.setLevel(to_stderr_level)
        to_err.setFormatter(logging.Formatter("scalpdesk: %(message)s"))
        to_err.scalpdesk = True  # type: ignore[attr-defined]
        root.addHandler(to_err)
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))  # one line per request otherwise
    return path
