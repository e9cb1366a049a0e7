"""The shared list of recent signals: bounded, in time order, and versioned so views redraw only on change."""

from __future__ import annotations

from app.core.signals.kinds import Signal, SignalKind
from app.core.signals.recent import RecentSignals


def sig(ts_ns: int, kind: SignalKind = SignalKind.LARGE_PRINT) -> Signal:
    return Signal(kind, ts_ns, 100, 1)


def test_the_list_keeps_the_newest_up_to_its_cap_and_counts_what_it_dropped() -> None:
    recent = RecentSignals(cap=100)

    for t in range(250):
        recent.add([sig(t)])

    assert len(recent) <= 100
    assert recent.items[-1].ts_ns == 249
    assert [s.ts_ns for s in recent.items] == sorted(s.ts_ns for s in recent.items)
    assert recent.added_total == 250
    assert recent.dropped_total == 250 - len(recent)


def test_the_version_moves_only_when_the_list_changes() -> None:
    recent = RecentSignals()
    v0 = recent.version

    recent.add([])
    assert recent.version == v0
    recent.add([sig(1), sig(2)])
    assert recent.version == v0 + 1
    recent.retain(set(SignalKind))
    assert recent.version == v0 + 1
    recent.retain({SignalKind.SWEEP})
    assert recent.version == v0 + 2 and len(recent) == 0
    recent.clear()
    assert recent.version == v0 + 3


def test_since_and_between_find_by_exchange_time_and_a_late_signal_is_placed_in_time() -> None:
    recent = RecentSignals()
    recent.add([sig(10), sig(20), sig(30)])
    recent.add([sig(25, SignalKind.SWEEP)])

    assert [s.ts_ns for s in recent.items] == [10, 20, 25, 30]
    assert [s.ts_ns for s in recent.since(20)] == [20, 25, 30]
    assert [s.ts_ns for s in recent.between(11, 25)] == [20, 25]
