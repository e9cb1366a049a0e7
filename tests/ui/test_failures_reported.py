"""Each kind of failure made to happen for real: logged, reported, and the journal intact."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6 import QtCore

from app.core.events import Side
from app.core.paper.commands import PlaceOrder
from app.core.paper.events import CommandArrived, CommandSent
from app.core.paper.orders import OrderKind
from app.storage.journal import DATA_DIR_ENV, Journal
from app.storage.logs import start_logging
from app.ui.crash_reports import CrashReporter

EVENTS = [
    CommandSent(1_000, 1, 1_020, PlaceOrder(Side.BUY, OrderKind.MARKET, 3, None, "scalp"), 1),
    CommandArrived(1_020, 1),
]


def fail(where: str) -> None:
    raise RuntimeError(f"boom in {where}")


@pytest.mark.qt_no_exception_capture
def test_a_slot_a_task_and_a_thread_that_fail_are_logged_reported_and_lose_nothing(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    log_path = start_logging(logging.INFO)
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.append("paper", EVENTS)
    reporter = CrashReporter(tmp_path / "crash-reports", log_path, show_dialog=False)
    hooks = sys.excepthook, threading.excepthook
    loop = asyncio.new_event_loop()
    try:
        reporter.install(loop)
        QtCore.QTimer.singleShot(0, lambda: fail("a Qt slot"))  # Qt hands it to sys.excepthook
        qtbot.waitUntil(lambda: len(reporter.reports) == 1, timeout=2000)
        loop.call_soon(fail, "an asyncio callback")
        loop.run_until_complete(asyncio.sleep(0.01))
        worker = threading.Thread(target=fail, args=("a thread",), name="recorder")
        worker.start()
        worker.join()
    finally:
        sys.excepthook, threading.excepthook = hooks
        loop.close()
        journal.close()

    assert len(reporter.reports) == 3
    texts = [p.read_text("utf-8") for p in reporter.reports]
    for text, where in zip(texts, ("a Qt slot", "an asyncio callback", "a thread"), strict=True):
        assert f"RuntimeError: boom in {where}" in text and "Traceback" in text
    logged = log_path.read_text("utf-8")
    assert logged.count("uncaught exception in") == 3 and "boom in a thread" in logged
    with Journal(tmp_path / "journal.sqlite3") as reopened:
        assert reopened.load("paper") == EVENTS
