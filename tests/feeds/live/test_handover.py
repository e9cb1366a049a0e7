"""Two overlapping connections of one subscription become one stream of frames: no hole, no duplicate."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from app.feeds.live.handover import Handover


def frames(stream: str, n: int) -> list[bytes]:
    return [b'{"stream":"%s","i":%d}' % (stream.encode(), i) for i in range(n)]


def test_the_new_connection_takes_over_at_the_first_frame_both_delivered():
    a = frames("a", 10)
    hand = Handover(["a"], started_s=0)
    out = [g for f in a[:6] for g in hand.from_old("a", f)]  # the old one is at frame 5
    for f in a[4:10]:  # the new one connected a little later: it starts at frame 4
        out += hand.from_new("a", f)
    out += [g for f in a[6:8] for g in hand.from_old("a", f)]  # old frames after the move are dropped

    assert out == a
    assert hand.done


def test_new_frames_before_the_streams_line_up_are_held_and_dropped_as_duplicates():
    a = frames("a", 6)
    hand = Handover(["a"], started_s=0)
    out = [g for f in a[:2] for g in hand.from_old("a", f)]
    out += hand.from_new("a", a[3])  # the new one is ahead: nothing to line up with yet
    out += [g for f in a[2:5] for g in hand.from_old("a", f)]
    out += hand.from_new("a", a[4])
    out += hand.from_new("a", a[5])

    assert out == a


def test_each_stream_moves_on_its_own():
    a, b = frames("a", 4), frames("b", 4)
    hand = Handover(["a", "b"], started_s=0)
    out = [g for f in a[:2] + b[:1] for g in hand.from_old(f[11:12].decode(), f)]
    out += hand.from_new("a", a[1]) + hand.from_new("a", a[2]) + hand.from_new("a", a[3])

    assert not hand.done  # "b" still comes from the old connection
    out += [g for f in b[1:3] for g in hand.from_old("b", f)]
    out += hand.from_new("b", b[2]) + hand.from_new("b", b[3])

    assert sorted(out) == sorted(a + b)
    assert hand.done


def test_frames_that_never_line_up_move_over_at_the_deadline_and_are_reported():
    hand = Handover(["a"], started_s=0, deadline_s=5)
    hand.from_old("a", b"old-1")
    assert hand.from_new("a", b"new-1") == []

    assert hand.check(now_s=4) == []
    assert hand.check(now_s=5) == [b"new-1"]
    assert hand.unmatched == ["a"] and hand.done
    assert hand.from_new("a", b"new-2") == [b"new-2"]


@given(st.integers(1, 60), st.integers(0, 59), st.integers(0, 1_000_000), st.booleans())
def test_any_interleaving_of_an_overlap_delivers_every_frame_once_in_order(n, start, seed, close_old):
    """The old connection delivers 0..n-1 (or is closed once the handover is done); the new one,
    connected later, delivers start..n-1; the reads interleave at random."""
    start = min(start, n - 1)
    a = frames("a", n)
    old, new = list(a), a[start:]
    rng = random.Random(seed)
    hand = Handover(["a"], started_s=0)
    out: list[bytes] = []
    while new or (old and not (close_old and hand.done)):
        if old and not (close_old and hand.done) and (not new or rng.random() < 0.5):
            out += hand.from_old("a", old.pop(0))
        else:
            out += hand.from_new("a", new.pop(0))

    assert out == a
    assert hand.done
