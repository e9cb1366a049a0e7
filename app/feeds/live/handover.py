"""Renewing a connection without a hole or a duplicate (Binance closes every socket after 24 h).

The successor connects while the old one still delivers. Both then carry the same frames for a
while, byte for byte, in the same order per stream. For each stream the old connection stays
authoritative until the new one delivers a frame the old one already passed on; from the old
one's newest frame on, the new one takes that stream over, and the old one's frames for it are
dropped. When every stream has moved, the old connection can close. A stream whose frames never
line up within the deadline moves anyway and is reported, so the feed can resync the book.
Pure: the caller passes frames in the order they were read, and the time.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterable


class _Phase(enum.Enum):
    OLD = "old"  # the old connection's frames pass
    CATCHING_UP = "catching_up"  # the new one delivers what the old one already passed: dropped
    NEW = "new"  # the new connection's frames pass


class _Stream:
    __slots__ = ("passed", "phase", "skip_until", "waiting")

    def __init__(self, window: int) -> None:
        self.phase = _Phase.OLD
        self.passed: deque[bytes] = deque(maxlen=window)  # the old frames passed on, newest last
        self.waiting: list[tuple[bytes, bytes]] = []  # (frame, line) of the new one, not lined up yet
        self.skip_until: bytes | None = None


class Handover:
    def __init__(
        self, streams: Iterable[str], started_s: float, deadline_s: float = 15.0, window: int = 4096
    ) -> None:
        self._streams = {name: _Stream(window) for name in streams}
        self._deadline_s = started_s + deadline_s
        self.unmatched: list[str] = []  # streams moved at the deadline without lining up

    @property
    def done(self) -> bool:
        return all(s.phase is _Phase.NEW for s in self._streams.values())

    def from_old(self, stream: str, frame: bytes, line: bytes | None = None) -> list[bytes]:
        """What to pass on now for this frame of the old connection (`line` is what is passed:
        the stamped line; the frame alone is what both connections share)."""
        item = frame if line is None else line
        state = self._streams.get(stream)
        if state is None:
            return [item]
        if state.phase is not _Phase.OLD:
            return []  # the new connection carries this stream now
        frames = [f for f, _ in state.waiting]
        if frame in frames:  # the new one was ahead: it takes over right after this frame
            rest = [held for _, held in state.waiting[frames.index(frame) + 1 :]]
            state.waiting = []
            state.phase = _Phase.NEW
            return [item, *rest]
        state.passed.append(frame)
        return [item]

    def from_new(self, stream: str, frame: bytes, line: bytes | None = None) -> list[bytes]:
        """What to pass on now for this frame of the new connection (maybe nothing, maybe more)."""
        item = frame if line is None else line
        state = self._streams.get(stream)
        if state is None or state.phase is _Phase.NEW:
            return [item]
        if state.phase is _Phase.CATCHING_UP:
            if frame == state.skip_until:
                state.phase = _Phase.NEW
            return []
        if frame in state.passed:  # lined up: the old one already passed everything up to here
            newest = state.passed[-1]
            state.waiting.clear()
            if frame == newest:
                state.phase = _Phase.NEW
            else:
                state.phase, state.skip_until = _Phase.CATCHING_UP, newest
            return []
        state.waiting.append((frame, item))
        return []

    def check(self, now_s: float) -> list[bytes]:
        """Past the deadline, the streams still waiting move over as they are; returns their
        waiting lines, to pass on (the book must then be resynced: see `unmatched`)."""
        if now_s < self._deadline_s:
            return []
        released: list[bytes] = []
        for name, state in self._streams.items():
            if state.phase is not _Phase.NEW:
                released += [held for _, held in state.waiting]
                state.waiting = []
                state.phase = _Phase.NEW
                self.unmatched.append(name)
        return released
