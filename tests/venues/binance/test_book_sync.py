"""BinanceBookSync: the official buffer / snapshot / first-diff / `pu`-chain rules, as scripted stories."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.events import DepthDiff, DepthSnapshot
from app.venues.binance.sync import BinanceBookSync, SyncState


def diff(first: int, last: int, prev: int) -> DepthDiff:
    """A diff covering update ids first..last whose `pu` is `prev` (levels do not matter here)."""
    return DepthDiff(last, last, first, last, prev, [(last, 1)], [])


def snapshot(update_id: int) -> DepthSnapshot:
    return DepthSnapshot(update_id, update_id, update_id, [(1, 1)], [(2, 1)])


# A valid chain: ids 90..125, each diff's pu is the previous diff's u.
D1 = diff(90, 95, 85)
D2 = diff(96, 100, 95)
D3 = diff(101, 105, 100)
D4 = diff(106, 110, 105)
D5 = diff(111, 115, 110)
D6 = diff(116, 120, 115)
D7 = diff(121, 125, 120)


def live_sync() -> BinanceBookSync:
    """A sync that has loaded snapshot 102 and applied D3, D4: live at u = 110."""
    sync = BinanceBookSync()
    for d in (D1, D2, D3, D4):
        sync.on_diff(d)
    assert sync.on_snapshot(snapshot(102)) == [D3, D4]
    return sync


def test_diffs_before_the_snapshot_are_buffered_not_applied():
    sync = BinanceBookSync()

    handed_out = [sync.on_diff(d) for d in (D1, D2, D3, D4)]

    assert handed_out == [[], [], [], []]
    assert sync.needs_snapshot
    assert sync.state is SyncState.AWAITING_SNAPSHOT
    assert sync.applied == 0


def test_snapshot_hands_back_the_straddling_and_later_buffered_diffs_in_order():
    sync = BinanceBookSync()
    for d in (D1, D2, D3, D4):
        sync.on_diff(d)

    ready = sync.on_snapshot(snapshot(102))

    assert ready == [D3, D4]  # D3 straddles 102 (101 <= 102 <= 105)
    assert sync.applied == 2
    assert sync.state is SyncState.LIVE
    assert not sync.needs_snapshot
    assert sync.last_update_id == 110
    assert sync.snapshots == 1


def test_diffs_entirely_older_than_the_snapshot_are_dropped_and_counted():
    sync = BinanceBookSync()
    for d in (D1, D2, D3, D4):
        sync.on_diff(d)

    sync.on_snapshot(snapshot(102))

    assert sync.dropped_before_sync == 2  # D1 (u 95) and D2 (u 100) are inside the snapshot
    assert sync.gaps == 0
    assert sync.resyncs == 0


def test_diff_whose_last_id_equals_the_snapshot_id_is_the_first_applied():
    sync = BinanceBookSync()
    for d in (D2, D3):
        sync.on_diff(d)

    ready = sync.on_snapshot(snapshot(100))

    assert ready == [D2, D3]  # u == lastUpdateId is not "u < lastUpdateId": kept
    assert sync.dropped_before_sync == 0


def test_after_the_snapshot_each_chained_diff_is_applied_at_once():
    sync = live_sync()

    assert sync.on_diff(D5) == [D5]
    assert sync.on_diff(D6) == [D6]
    assert sync.applied == 4
    assert sync.last_update_id == 120


def test_snapshot_newer_than_every_buffered_diff_waits_for_the_diff_that_straddles_it():
    sync = BinanceBookSync()
    sync.on_diff(D1)

    ready = sync.on_snapshot(snapshot(103))

    assert ready == []
    assert sync.state is SyncState.SYNCING
    assert sync.dropped_before_sync == 1
    assert sync.on_diff(D2) == []  # u 100 < 103: already in the snapshot
    assert sync.on_diff(D3) == [D3]  # 101 <= 103 <= 105
    assert sync.state is SyncState.LIVE
    assert sync.dropped_before_sync == 2


def test_first_diff_must_start_at_or_before_the_snapshot_id():
    sync = BinanceBookSync()
    sync.on_snapshot(snapshot(101))

    assert sync.on_diff(D3) == [D3]  # U 101 <= 101 <= u 105
    assert sync.gaps == 0


def test_first_diff_after_the_snapshot_that_starts_past_it_is_a_gap():
    sync = BinanceBookSync()
    sync.on_snapshot(snapshot(100))

    handed_out = sync.on_diff(D3)  # U 101 > lastUpdateId 100: rule 5 fails

    assert handed_out == []
    assert sync.gaps == 1
    assert sync.resyncs == 1
    assert sync.needs_snapshot
    assert sync.applied == 0


def test_snapshot_older_than_every_buffered_diff_is_refused_then_a_newer_one_is_accepted():
    sync = BinanceBookSync()
    for d in (D3, D4, D5):
        sync.on_diff(d)

    refused = sync.on_snapshot(snapshot(90))  # 90 < U of D3 (101): nothing can bridge it

    assert refused is None
    assert sync.needs_snapshot
    assert sync.snapshots == 0
    assert sync.applied == 0

    accepted = sync.on_snapshot(snapshot(107))

    assert accepted == [D4, D5]  # the buffer survived the refusal; D3 is inside 107
    assert sync.state is SyncState.LIVE
    assert sync.last_update_id == 115
    assert sync.applied == 2
    assert sync.dropped_before_sync == 1
    assert sync.snapshots == 1


def test_broken_pu_chain_is_a_gap_that_forces_a_resync():
    sync = live_sync()

    handed_out = sync.on_diff(D6)  # pu 115, but the last applied u is 110: D5 was lost

    assert handed_out == []
    assert sync.gaps == 1
    assert sync.resyncs == 1
    assert sync.needs_snapshot
    assert sync.state is SyncState.AWAITING_SNAPSHOT
    assert sync.applied == 2


def test_after_a_gap_diffs_are_buffered_until_the_next_snapshot():
    sync = live_sync()
    sync.on_diff(D6)  # gap

    assert sync.on_diff(D7) == []
    assert sync.applied == 2


def test_sync_recovers_with_the_next_snapshot_after_a_gap():
    sync = live_sync()
    sync.on_diff(D6)  # gap: D6 is kept in the buffer
    sync.on_diff(D7)

    ready = sync.on_snapshot(snapshot(118))

    assert ready == [D6, D7]  # D6 straddles 118
    assert sync.state is SyncState.LIVE
    assert sync.applied == 4
    assert sync.gaps == 1
    assert sync.resyncs == 1
    assert sync.snapshots == 2
    assert sync.on_diff(diff(126, 130, 125)) == [diff(126, 130, 125)]


def test_recovery_snapshot_past_the_gap_diff_drops_it_as_already_contained():
    sync = live_sync()
    sync.on_diff(D6)
    sync.on_diff(D7)

    ready = sync.on_snapshot(snapshot(123))

    assert ready == [D7]
    assert sync.dropped_before_sync == 3  # D1, D2 at the first snapshot, D6 now
    assert sync.gaps == 1


def test_stale_duplicate_diff_is_dropped_without_a_gap():
    sync = live_sync()
    sync.on_diff(D5)

    handed_out = sync.on_diff(D4)  # resent: u 110 <= last applied 115

    assert handed_out == []
    assert sync.gaps == 0
    assert sync.resyncs == 0
    assert sync.dropped_before_sync == 3  # D1, D2 and the duplicate
    assert sync.state is SyncState.LIVE
    assert sync.on_diff(D6) == [D6]  # the chain goes on from D5


def test_duplicate_of_the_last_applied_diff_is_dropped_without_a_gap():
    sync = live_sync()

    assert sync.on_diff(D4) == []
    assert sync.gaps == 0
    assert sync.on_diff(D5) == [D5]


def test_snapshot_arriving_while_live_is_ignored():
    sync = live_sync()

    result = sync.on_snapshot(snapshot(200))

    assert result is None
    assert sync.state is SyncState.LIVE
    assert sync.last_update_id == 110
    assert sync.snapshots == 1
    assert sync.on_diff(D5) == [D5]


def test_gap_inside_the_buffer_is_found_when_the_snapshot_replays_it():
    sync = BinanceBookSync()
    for d in (D3, D4, D6, D7):  # D5 lost while buffering
        sync.on_diff(d)

    ready = sync.on_snapshot(snapshot(102))

    assert ready == [D3, D4]
    assert sync.gaps == 1
    assert sync.resyncs == 1
    assert sync.needs_snapshot
    assert sync.on_snapshot(snapshot(117)) == [D6, D7]  # D6, D7 stayed buffered for the next one


def test_full_buffer_drops_its_oldest_diff_and_counts_it():
    sync = BinanceBookSync(max_buffer=2)
    for d in (D1, D2, D3):
        sync.on_diff(d)

    assert sync.dropped_before_sync == 1
    assert sync.on_snapshot(snapshot(97)) == [D2, D3]


# --- property: one lost diff is exactly one gap, found where it is lost -----------------------------


@st.composite
def chains(draw):
    """A valid diff chain with random id spacing, a snapshot inside the first diff, a diff to lose."""
    n = draw(st.integers(min_value=2, max_value=40))
    first = draw(st.integers(min_value=1, max_value=10**12))
    diffs = []
    prev = first - draw(st.integers(min_value=1, max_value=50))
    start = first
    for _ in range(n):
        last = start + draw(st.integers(min_value=0, max_value=20))
        diffs.append(diff(start, last, prev))
        prev = last
        start = last + draw(st.integers(min_value=1, max_value=20))  # ids may be skipped
    snap = draw(st.integers(min_value=diffs[0].first_id, max_value=diffs[0].last_id))
    lost = draw(st.integers(min_value=0, max_value=n - 2))  # the last one has no successor to notice
    return diffs, snap, lost


@given(chains())
def test_complete_chain_is_applied_without_a_gap(case):
    diffs, snap, _ = case
    sync = BinanceBookSync()
    sync.on_snapshot(snapshot(snap))

    applied = [d for x in diffs for d in sync.on_diff(x)]

    assert applied == diffs
    assert sync.gaps == 0
    assert sync.last_update_id == diffs[-1].last_id


@given(chains())
def test_one_lost_diff_is_exactly_one_gap_counted_at_its_successor(case):
    diffs, snap, lost = case
    sync = BinanceBookSync()
    sync.on_snapshot(snapshot(snap))
    gaps_after_each = []

    for i, d in enumerate(diffs):
        if i == lost:
            continue
        sync.on_diff(d)
        gaps_after_each.append((i, sync.gaps))

    assert next(i for i, g in gaps_after_each if g == 1) == lost + 1
    assert all(g == 0 for i, g in gaps_after_each if i <= lost)
    assert sync.gaps == 1
    assert sync.resyncs == 1
    assert sync.applied == lost
    assert sync.needs_snapshot


@given(chains())
def test_buffered_chain_with_one_lost_diff_has_one_gap_when_replayed_from_the_buffer(case):
    diffs, snap, lost = case
    sync = BinanceBookSync()
    for i, d in enumerate(diffs):
        if i != lost:
            sync.on_diff(d)

    ready = sync.on_snapshot(snapshot(snap))

    if lost == 0:  # the diff that straddled the snapshot is gone: it cannot be bridged
        assert ready is None
        assert sync.needs_snapshot
        assert sync.applied == 0
    else:
        assert ready == diffs[:lost]
        assert sync.gaps == 1
        assert sync.resyncs == 1
        assert sync.applied == lost
        assert sync.needs_snapshot
