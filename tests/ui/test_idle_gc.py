"""Garbage is collected between frames: automatic collection is off while a window runs, and back after."""

from __future__ import annotations

import gc

from app.ui.frame_clock import FrameClock
from app.ui.idle_gc import IdleCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_while_started_nothing_is_collected_until_step_and_step_collects_what_is_due():
    collector = IdleCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        threshold = gc.get_threshold()[0]
        before = gc.get_stats()[0]["collections"]
        for _ in range(threshold * 3):
            Cycle()
        assert gc.get_stats()[0]["collections"] == before  # nothing ran on its own
        assert collector.step() is not None
        assert gc.get_count()[0] < threshold and sum(collector.collections) == 1
        assert collector.step() is None  # nothing due any more
    finally:
        collector.stop()
    assert gc.isenabled()


def test_the_generation_is_the_one_the_automatic_collector_would_pick():
    collector = IdleCollector()
    collector.start()
    try:
        t0, t1, _ = gc.get_threshold()
        generations = []
        for _ in range(t1 + 1):
            for _ in range(t0 + 1):
                Cycle()
            generations.append(collector.step())
        assert generations[:t1] == [0] * t1 and generations[t1] == 1
    finally:
        collector.stop()


def test_two_windows_share_the_collector_and_the_last_to_stop_turns_collection_back_on(qtbot):
    collector = IdleCollector()
    first, second = FrameClock([]), FrameClock([])
    first.use_idle_gc(collector)
    second.use_idle_gc(collector)
    first.stop()
    assert not gc.isenabled() and collector.active
    second.stop()
    assert gc.isenabled() and not collector.active
    second.stop()  # stopping twice is harmless
    assert gc.isenabled()
