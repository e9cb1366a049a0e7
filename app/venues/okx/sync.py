"""OKX's local book rule: chain on `prevSeqId == the last seqId`, never on +1.

Steps between `seqId`s are irregular; a heartbeat update has `seqId == prevSeqId`; after
maintenance `seqId` may drop below `prevSeqId` and the chain simply continues from it. So the
only test is `prevSeqId != last seqId` ⇒ a gap: the book is invalid until a new snapshot, which
the feed gets by resubscribing. Snapshots replace the book whatever the state. For OKX's
announced snapshot-less mode (and a REST bootstrap) updates are buffered while waiting; a
snapshot then drops the buffered ones it already holds, and the first update applied must
straddle it (`prevSeqId <= snapshot seqId < seqId`). Recordings from before OKX sent sequence
numbers carry none (`NO_SEQ`): their updates apply in order, unchecked, and are counted. The
update just applied, received again, is dropped as a duplicate rather than taken for a gap.
"""

from __future__ import annotations

from app.core.events import DepthDiff, DepthSnapshot
from app.venues.okx.messages import NO_SEQ

MAX_BUFFER = 10_000


class OkxBookSync:
    def __init__(self) -> None:
        self.applied = 0
        self.dropped_before_sync = 0
        self.gaps = 0
        self.resyncs = 0
        self.snapshots = 0
        self.unchecked = 0  # applied without sequence numbers (old recordings)
        self._last: int | None = None  # None: waiting for a snapshot
        self._buffer: list[DepthDiff] = []

    @property
    def needs_snapshot(self) -> bool:
        return self._last is None

    def on_snapshot(self, snapshot: DepthSnapshot) -> list[DepthDiff] | None:
        self.snapshots += 1
        self._last = snapshot.update_id
        buffered, self._buffer = self._buffer, []
        if snapshot.update_id == NO_SEQ:
            return []
        ready: list[DepthDiff] = []
        for diff in buffered:
            if not ready and diff.last_id <= snapshot.update_id:
                self.dropped_before_sync += 1  # the snapshot holds it already
                continue
            bridges = diff.prev_last_id <= snapshot.update_id < diff.last_id
            if (not ready and not bridges) or (ready and diff.prev_last_id != self._last):
                self._lose()
                break
            self._last = diff.last_id
            ready.append(diff)
        self.applied += len(ready)
        return ready

    def on_diff(self, diff: DepthDiff) -> list[DepthDiff]:
        last = self._last
        if last is None:
            if len(self._buffer) >= MAX_BUFFER:
                self._buffer.pop(0)
                self.dropped_before_sync += 1
            self._buffer.append(diff)
            return []
        if NO_SEQ in (diff.prev_last_id, last):
            self.unchecked += 1
        elif diff.last_id == last and diff.prev_last_id != last:
            self.dropped_before_sync += 1  # the update just applied, sent again: nothing new
            return []
        elif diff.prev_last_id != last:
            self._lose()
            self._buffer.append(diff)
            return []
        self._last = diff.last_id
        self.applied += 1
        return [diff]

    def _lose(self) -> None:
        self.gaps += 1
        self.resyncs += 1
        self._last = None
