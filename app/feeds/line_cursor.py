"""The recording's lines in pacing order, for the paced replay (app/feeds/replay_feed.py).

Split from the player so that it stays about pacing: reading, stamping and cutting the recorded
lines into due batches is here, with the end-of-recording scan.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

from app.feeds.recording import RecordingError, iter_recordings


def scan_end_ns(paths: Sequence[Path], stop: threading.Event | None = None) -> int | None:
    """Receive time of the recording's last stamped line (the newest of each batch's last stamps).

    None when nothing readable carries a stamp, or when `stop` is set before the scan is through.
    A damaged file yields the end of its readable part: the player reports the damage itself
    when it gets there, with the lines before it played.
    """
    end_ns: int | None = None
    try:
        for batch in iter_recordings(paths):
            if stop is not None and stop.is_set():
                return None
            for line in reversed(batch):
                try:
                    ns = int(line.partition(b" ")[0])
                except ValueError:
                    continue
                end_ns = ns if end_ns is None else max(end_ns, ns)
                break
    except RecordingError:
        pass
    return end_ns


def as_generator(batches: Iterator[list[bytes]]) -> Generator[list[bytes], None, None]:
    """The reader as a generator, whatever iterator `open_replay` hands out, so it can be closed."""
    if isinstance(batches, Generator):
        return batches
    return (batch for batch in batches)


class LineCursor:
    """The recording's lines in order with the pacing stamp of each, one reader batch at a time.

    Holding only the current reader batch (~1 MiB of text) keeps memory flat for day-long files.
    """

    def __init__(self, batches: Generator[list[bytes], None, None]) -> None:
        self._batches = batches
        self._lines: list[bytes] = []
        self._stamps: list[int] = []  # running maximum of the receive ns, per line
        self._pos = 0
        self._floor_ns = 0
        self._pending_error: RecordingError | None = None
        self.exhausted = False
        self.last_ns: int | None = None  # pacing stamp of the newest line taken

    def close(self) -> None:
        """Close the reader now (its file handles) rather than whenever the generator is collected."""
        self._batches.close()

    @property
    def max_ns(self) -> int:
        """The newest receive time read so far (the recording's end once exhausted)."""
        return self._floor_ns

    def _pace(self, lines: list[bytes]) -> list[int]:
        stamps = []
        floor = self._floor_ns
        for line in lines:
            try:
                ns = int(line.partition(b" ")[0])
            except ValueError:
                ns = floor
            floor = max(floor, ns)
            stamps.append(floor)
        self._floor_ns = floor
        return stamps

    def _load(self) -> bool:
        """Make a line available; False at the end. Reading may raise RecordingError."""
        while self._pos >= len(self._lines):
            if self._pending_error is not None:
                raise self._pending_error
            if self.exhausted:
                return False
            batch = next(self._batches, None)
            if batch is None:
                self.exhausted = True
                self._lines, self._stamps, self._pos = [], [], 0
                return False
            self._lines, self._stamps, self._pos = batch, self._pace(batch), 0
        return True

    def first_stamp_ns(self) -> int | None:
        """The first readable receive time (lines before it, if any, are due at once)."""
        if not self._load():
            return None
        return next((ns for ns in self._stamps[self._pos :] if ns > 0), None)

    def peek_ns(self) -> int | None:
        """Pacing stamp of the next line, None at the end of the recording."""
        if not self._load():
            return None
        return self._stamps[self._pos]

    def take_due(self, due_ns: int, limit: int) -> list[bytes]:
        """Up to `limit` next lines stamped at or before `due_ns`, across reader batches.

        A read error after some lines were taken is held back until the next call, so the lines
        before the damage are still fed.
        """
        out: list[bytes] = []
        while len(out) < limit:
            try:
                if not self._load():
                    break
            except RecordingError as exc:
                if not out:
                    raise
                self._pending_error = exc
                break
            pos = self._pos
            stamps = self._stamps
            end = bisect_right(stamps, due_ns, pos, min(len(stamps), pos + limit - len(out)))
            if end == pos:
                break
            out.extend(self._lines[pos:end])
            self._pos = end
            self.last_ns = stamps[end - 1]
            if end < len(stamps):  # the next line is not due, or the cap is reached
                break
        return out
