"""Bybit's local book rule: the socket sends the snapshot; deltas count `u` up by one.

Every snapshot replaces the book, whatever the state (Bybit re-sends one after its own problems,
and `u == 1` means its service restarted). A delta must carry the previous `u` + 1; an older or
repeated `u` is dropped as a duplicate (depth 1 repeats its snapshot every 3 s unchanged), a jump
is a gap: the book is unusable until the next snapshot, which the feed gets by resubscribing.
"""

from __future__ import annotations

from app.core.events import DepthDiff, DepthSnapshot


class BybitBookSync:
    def __init__(self) -> None:
        self.applied = 0
        self.dropped_before_sync = 0
        self.gaps = 0
        self.resyncs = 0
        self.snapshots = 0
        self._last_u: int | None = None  # None: waiting for a snapshot

    @property
    def needs_snapshot(self) -> bool:
        return self._last_u is None

    def on_snapshot(self, snapshot: DepthSnapshot) -> list[DepthDiff] | None:
        self.snapshots += 1
        self._last_u = snapshot.update_id
        return []

    def on_diff(self, diff: DepthDiff) -> list[DepthDiff]:
        last = self._last_u
        if last is None or diff.last_id <= last:
            self.dropped_before_sync += 1
            return []
        if diff.prev_last_id != last:
            self.gaps += 1
            self.resyncs += 1
            self._last_u = None
            return []
        self._last_u = diff.last_id
        self.applied += 1
        return [diff]
