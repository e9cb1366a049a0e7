"""File → Open recording… and File → Recent recordings, and the scan progress of a replay.

Opening recordings replaces the window's source the way File → Open live market… does: the
window hands the chosen files to `RecordingOpening.open` (app/ui/run_app.py builds the replay and
puts a new window on it, through compose() like every window), so this module only asks, shows
and remembers. A choice that is not a recording comes back as one line in the status bar (and
Help → Notices…); the window stays on what it showed. The file dialog is opened non-modally
(`open()`, not `exec()`), so the replay keeps playing while the user browses.

While a replay reads its files through for their end (ReplayFeed's worker-thread scan: a large
gzip has no index, ~1 s per 100 MB), the status bar shows a busy bar, so that a seek bar without
a range yet does not look broken; the UI thread never waits for the scan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtGui, QtWidgets

from app.feeds.recording import RecordingError, iter_line_batches, split_line
from app.feeds.source import Transport
from app.storage.recent_recordings import RecentRecordings, entry_label

log = logging.getLogger(__name__)

FILTER = "Recordings (*.gz *.zip *.txt *.jsonl *.log *.0 *.1);;All files (*)"
SCAN_SHOWN_AFTER_TICKS = 1  # status ticks (500 ms): a short scan never flashes a bar


@dataclass(frozen=True)
class RecordingOpening:
    """How the window opens recordings: `open(paths)` switches the source to their replay and
    returns None, or returns the one-line reason it could not."""

    open: Callable[[Sequence[Path]], str | None]
    recent: RecentRecordings


def not_a_recording(path: Path) -> str | None:
    """One line when `path` holds no `<receive ns> <message>` line at its start, else None.

    The replay's own error for such a file is about venue and symbol, which misleads a user who
    picked a picture or a text file by mistake.
    """
    try:
        first = next(iter_line_batches(path), [])
    except RecordingError:
        return None  # unreadable: the replay's own message says how
    for line in first[:1000]:
        try:
            split_line(line)
        except ValueError:
            continue
        return None
    return f"{path.name} is not a recording (expected '<receive ns> <message>' lines, gzip or plain)"


class RecordingMenu:
    """The two File menu entries; `open_files` is what the dialog's choice feeds."""

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        menu: QtWidgets.QMenu,
        opening: RecordingOpening,
        notice: Callable[[str], None],
    ) -> None:
        self._window = window
        self._opening = opening
        self._notice = notice
        self.action = menu.addAction("Open recording…", self.pick)
        self.action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+O"))
        self.recent_menu = menu.addMenu("Recent recordings")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        self.fill_recent()

    def pick(self) -> QtWidgets.QFileDialog:
        dialog = QtWidgets.QFileDialog(self._window, "Open recording")
        dialog.setFileMode(QtWidgets.QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(FILTER)
        recent = self._opening.recent.load()
        if recent:
            dialog.setDirectory(str(recent[0][0].parent))
        dialog.filesSelected.connect(lambda files: self.open_files([Path(f) for f in files]))
        dialog.open()
        return dialog

    def open_files(self, paths: Sequence[Path]) -> bool:
        """Switch to a replay of `paths` (in order, one session); False and a notice if not."""
        if not paths:
            return False
        problem = next((p for p in map(not_a_recording, paths) if p is not None), None)
        if problem is None:
            log.info("opening recordings %s", ", ".join(map(str, paths)))
            problem = self._opening.open(paths)
        if problem is not None:
            self._notice(f"cannot open: {problem}")
            return False
        self._opening.recent.add(paths)
        return True

    def fill_recent(self) -> None:
        """Rebuilt each time it opens: files moved away since are dropped (with a notice)."""
        self.recent_menu.clear()
        entries = self._opening.recent.load()
        if self._opening.recent.notice:
            self._notice(self._opening.recent.notice)
        for entry in entries:
            action = self.recent_menu.addAction(entry_label(entry))
            action.triggered.connect(lambda _=False, e=entry: self.open_files(list(e)))
        self.recent_menu.setEnabled(bool(entries))


class ScanProgress:
    """A busy bar in the status bar while a replay's end is still being read (see module doc)."""

    def __init__(self, bar: QtWidgets.QStatusBar, source: Transport) -> None:
        self._source = source
        self._ticks = 0
        self.widget = QtWidgets.QProgressBar()
        self.widget.setObjectName("scan_progress")
        self.widget.setRange(0, 0)  # busy: gzip gives no size to count against
        self.widget.setMaximumWidth(160)
        self.widget.setFormat("")
        self.widget.setToolTip("Reading the recording through to find its end (the seek bar's range)")
        self.label = QtWidgets.QLabel("reading the recording…")
        self.label.setObjectName("scan_label")
        bar.addWidget(self.label)
        bar.addWidget(self.widget)
        self._show(False)

    @property
    def scanning(self) -> bool:
        return self._source.scanning_end

    def update(self) -> None:
        """Called on every status tick."""
        self._ticks = self._ticks + 1 if self.scanning else 0
        self._show(self._ticks > SCAN_SHOWN_AFTER_TICKS)

    def _show(self, on: bool) -> None:
        self.widget.setVisible(on)
        self.label.setVisible(on)
