"""Hyperliquid's book: every message is the whole book, so there is nothing to lose sync with.

The one rule is the merge: since 2026 the 20-level image comes only every 2–5 s, the 5-level
`fast` image every 0.5 s. A fast image replaces the top of the book, and the deeper levels of
the last full image beyond its worst prices are kept — returned as a diff the pipeline applies
right after loading the image — so the ladder is fast at the top and still deep. An image older
than the one shown (a reordered message) is not applied.
"""

from __future__ import annotations

from app.core.events import DepthDiff, DepthSnapshot, Level

FAST_LEVELS = 5
DEEP_MAX_AGE_NS = 10_000_000_000  # deep levels older than this are dropped, not shown as fresh


class ImageBookSync:
    def __init__(self) -> None:
        self.applied = 0
        self.dropped_before_sync = 0
        self.gaps = 0  # images cannot gap
        self.resyncs = 0
        self.merged = 0
        self.stale = 0  # images older than the one shown (out of order): not applied
        self._deep: DepthSnapshot | None = None
        self._newest_ms = -1

    @property
    def needs_snapshot(self) -> bool:
        return self.applied == 0  # until the first image the book is empty, not wrong

    def on_diff(self, diff: DepthDiff) -> list[DepthDiff]:
        return []  # the venue sends no diffs

    def on_snapshot(self, snapshot: DepthSnapshot) -> list[DepthDiff] | None:
        if snapshot.update_id < self._newest_ms:  # update_id is the image's time (ms)
            self.stale += 1
            return None
        self._newest_ms = snapshot.update_id
        self.applied += 1
        if max(len(snapshot.bids), len(snapshot.asks)) > FAST_LEVELS:
            self._deep = snapshot
            return []
        deep = self._deep
        if deep is None or snapshot.exchange_ns - deep.exchange_ns > DEEP_MAX_AGE_NS:
            return []
        bids = _beyond(deep.bids, snapshot.bids, below=True)
        asks = _beyond(deep.asks, snapshot.asks, below=False)
        if not bids and not asks:
            return []
        self.merged += 1
        uid = snapshot.update_id
        return [DepthDiff(snapshot.exchange_ns, snapshot.receive_ns, uid, uid, uid, bids, asks)]


def _beyond(deep: list[Level], top: list[Level], below: bool) -> list[Level]:
    """The deep levels past the top image's worst price on that side."""
    if not top:
        return []
    worst = min(p for p, _ in top) if below else max(p for p, _ in top)
    return [(p, q) for p, q in deep if (p < worst if below else p > worst)]
