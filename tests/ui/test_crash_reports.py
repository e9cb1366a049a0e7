"""Uncaught exceptions are logged, written to a crash report with the versions, and never stop
the app; the log file lives in the data dir and rotates."""

from __future__ import annotations

import asyncio
import logging
import threading

from app.storage.logs import start_logging
from app.ui.crash_reports import CrashReporter


def boom() -> ValueError:
    try:
        raise ValueError("the book went negative")
    except ValueError as exc:
        return exc


def test_a_crash_report_holds_the_traceback_and_the_versions(tmp_path, caplog):
    reporter = CrashReporter(tmp_path / "crash-reports", tmp_path / "scalpdesk.log", show_dialog=False)

    with caplog.at_level(logging.ERROR):
        path = reporter.report("the window", boom())

    text = path.read_text("utf-8")
    assert "ValueError: the book went negative" in text and "Traceback" in text
    assert "Scalpdesk: " in text and "PySide6-Essentials: " in text
    assert "uncaught exception in the window" in caplog.text


def test_task_and_thread_failures_are_reported_too(tmp_path):
    reporter = CrashReporter(tmp_path, tmp_path / "scalpdesk.log", show_dialog=False)
    loop = asyncio.new_event_loop()

    reporter._loop_handler(loop, {"message": "Task exception was never retrieved", "exception": boom()})
    thread = threading.Thread(target=lambda: None, name="recorder")
    reporter._thread_hook(threading.ExceptHookArgs([ValueError, boom(), None, thread]))
    loop.close()

    assert len(reporter.reports) == 2 and all(p.exists() for p in reporter.reports)


def test_the_log_file_is_in_the_data_dir_and_takes_the_chosen_level(tmp_path, monkeypatch):
    monkeypatch.setenv("SCALPDESK_DATA_DIR", str(tmp_path))

    path = start_logging(logging.INFO)
    logging.getLogger("scalpdesk.test").info("feed live")
    logging.getLogger("scalpdesk.test").debug("not kept")
    for handler in logging.getLogger().handlers:
        handler.flush()

    assert path == tmp_path / "logs" / "scalpdesk.log"
    text = path.read_text("utf-8")
    assert "feed live" in text and "not kept" not in text
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "scalpdesk", False):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_qts_own_warnings_go_to_the_log(tmp_path, caplog):
    from PySide6 import QtCore

    reporter = CrashReporter(tmp_path, tmp_path / "scalpdesk.log", show_dialog=False)
    previous = QtCore.qInstallMessageHandler(reporter._qt_message)  # what install() sets
    try:
        with caplog.at_level(logging.WARNING):
            QtCore.qWarning("QPainter::begin: Paint device returned engine == 0")
    finally:
        QtCore.qInstallMessageHandler(previous)

    (record,) = [r for r in caplog.records if "Paint device" in r.getMessage()]
    assert record.levelno == logging.WARNING
