"""Binance local order book sync ("How to manage a local order book correctly", USD-M and COIN-M).

Pure: it decides which diffs to apply and when a snapshot is needed; the caller owns the book and
the network.
"""

from __future__ import annotations

from enum import Enum

from app.core.events import DepthDiff, DepthSnapshot


class SyncState(Enum):
    AWAITING_SNAPSHOT = "awaiting_snapshot"  # buffering diffs until a snapshot arrives
    SYNCING = "syncing"  # snapshot loaded, waiting for the diff that straddles it
    LIVE = "live"  # every diff's pu must equal the previous u


class BinanceBookSync:
    """The official buffer / snapshot / first-diff / `pu` chain rules, as a pure state machine.

    The caller feeds diffs and snapshots in arrival order and applies to its book whatever the
    sync hands back, in order (loading a snapshot first when `on_snapshot` accepts it).
    `needs_snapshot` tells a live feed to (re)fetch the REST snapshot; a replay simply waits for
    the next snapshot line. Counts are kept for the status bar and the replay summary: a gap is a
    broken `pu` chain (or a snapshot no buffered diff can bridge), and every gap forces a resync.
    """

    def __init__(self, max_buffer: int = 10_000) -> None:
        self.state = SyncState.AWAITING_SNAPSHOT
        self._buffer: list[DepthDiff] = []
        self._max_buffer = max_buffer
        self._last_id = -1
        self.applied = 0
        self.dropped_before_sync = 0
        self.gaps = 0
        self.resyncs = 0
        self.snapshots = 0

    @property
    def needs_snapshot(self) -> bool:
        return self.state is SyncState.AWAITING_SNAPSHOT

    @property
    def last_update_id(self) -> int:
        return self._last_id

    def _lose_sync(self, keep: list[DepthDiff]) -> None:
        self.gaps += 1
        self.resyncs += 1
        self.state = SyncState.AWAITING_SNAPSHOT
        self._buffer = keep

    def _accept(self, diff: DepthDiff) -> bool:
        """Chain rule for SYNCING/LIVE; False means the diff was dropped or sync was lost."""
        if self.state is SyncState.LIVE:
            if diff.prev_last_id == self._last_id:
                self._last_id = diff.last_id
                return True
            if diff.last_id <= self._last_id:
                self.dropped_before_sync += 1  # a stale duplicate: nothing new in it
                return False
            self._lose_sync([diff])
            return False
        # SYNCING: drop what the snapshot already contains; the first kept diff must straddle it.
        if diff.last_id < self._last_id:
            self.dropped_before_sync += 1
            return False
        if diff.first_id > self._last_id:
            self._lose_sync([diff])
            return False
        self._last_id = diff.last_id
        self.state = SyncState.LIVE
        return True

    def on_diff(self, diff: DepthDiff) -> list[DepthDiff]:
        """Diffs to apply now, in order (just this one, or none while awaiting a snapshot)."""
        if self.state is not SyncState.AWAITING_SNAPSHOT:
            if self._accept(diff):
                self.applied += 1
                return [diff]
            return []
        if len(self._buffer) >= self._max_buffer:
            self._buffer.pop(0)
            self.dropped_before_sync += 1
        self._buffer.append(diff)
        return []

    def on_snapshot(self, snapshot: DepthSnapshot) -> list[DepthDiff] | None:
        """Accept a snapshot: returns the buffered diffs to apply after loading it, or None when
        the snapshot is of no use — we are in sync already, or it is older than every buffered
        diff and so cannot be bridged (a live feed then fetches a newer one).
        """
        if self.state is not SyncState.AWAITING_SNAPSHOT:
            return None
        newer = next((d for d in self._buffer if d.last_id >= snapshot.update_id), None)
        if newer is not None and newer.first_id > snapshot.update_id:
            return None
        buffered = self._buffer
        self._buffer = []
        self.snapshots += 1
        self.state = SyncState.SYNCING
        self._last_id = snapshot.update_id
        ready: list[DepthDiff] = []
        for i, diff in enumerate(buffered):
            if self.state is SyncState.AWAITING_SNAPSHOT:
                self._buffer.extend(buffered[i:])
                break
            if self._accept(diff):
                ready.append(diff)
        self.applied += len(ready)
        return ready
