"""Uncaught exceptions anywhere — a Qt slot, an asyncio task, a thread — are logged with their
traceback, written to a crash report next to the log, and shown in a dialog that names both;
the app keeps running. The paper journal is written before anything is shown, so a crash
loses no order. Qt's own warnings go to the log too."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6 import QtCore, QtWidgets

from app.versions import versions

log = logging.getLogger("scalpdesk.crash")
qt_log = logging.getLogger("qt")


def write_report(directory: Path, kind: str, exc: BaseException) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    path = directory / f"crash-{stamp}.txt"
    n = 1
    while path.exists():  # failures in the same second (a slot and the thread it started) keep each report
        n += 1
        path = directory / f"crash-{stamp}-{n}.txt"
    lines = [f"Scalpdesk crash report ({kind})", *(f"{k}: {v}" for k, v in versions().items()), ""]
    lines += traceback.format_exception(type(exc), exc, exc.__traceback__)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class CrashReporter:
    def __init__(self, directory: Path, log_path: Path, show_dialog: bool = True) -> None:
        self.directory = directory
        self.log_path = log_path
        self.show_dialog = show_dialog
        self.reports: list[Path] = []

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook
        if loop is not None:
            loop.set_exception_handler(self._loop_handler)
        QtCore.qInstallMessageHandler(self._qt_message)

    def report(self, kind: str, exc: BaseException) -> Path:
        log.error("uncaught exception in %s", kind, exc_info=exc)
        path = write_report(self.directory, kind, exc)
        self.reports.append(path)
        if self.show_dialog and QtWidgets.QApplication.instance() is not None:
            QtWidgets.QMessageBox.critical(
                None,
                "Scalpdesk: something went wrong",
                f"{type(exc).__name__}: {exc}\n\nThe app keeps running; your paper account is safe "
                f"in its journal.\n\nLog: {self.log_path}\nCrash report: {path}",
            )
        return path

    def _excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        self.report("the window", exc)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(f"thread {args.thread.name if args.thread else '?'}", args.exc_value)

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self.report("a background task", exc)
        else:
            log.error("asyncio: %s", context.get("message"))

    def _qt_message(self, mode: QtCore.QtMsgType, context: QtCore.QMessageLogContext, message: str) -> None:
        level = (
            logging.WARNING
            if mode in (QtCore.QtMsgType.QtWarningMsg, QtCore.QtMsgType.QtInfoMsg)
            else logging.ERROR
        )
        if mode == QtCore.QtMsgType.QtDebugMsg:
            level = logging.DEBUG
        qt_log.log(level, "%s", message)
