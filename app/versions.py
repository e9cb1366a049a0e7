"""What a user (or a bug report) needs to know about this build: the versions of Scalpdesk and of
the stack under it, read from the installed packages (no Qt import needed)."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from app import __version__

STACK = ("PySide6-Essentials", "pyqtgraph", "qasync", "websockets", "httpx", "numpy", "msgspec")


def versions() -> dict[str, str]:
    found = {"Scalpdesk": __version__, "Python": platform.python_version()}
    for name in STACK:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def version_line() -> str:
    v = versions()
    stack = ", ".join(f"{k} {v[k]}" for k in ("Python", "PySide6-Essentials", "pyqtgraph", "numpy"))
    return f"scalpdesk {v['Scalpdesk']} ({stack})"
