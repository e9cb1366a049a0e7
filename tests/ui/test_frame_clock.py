"""The frame clock repaints only visible views whose watched state changed, once per frame."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from app.core.market import Changed
from app.feeds.replay import ReplaySession, open_replay
from app.ui.frame_clock import FrameClock, percentile
from app.ui.run_app import default_views
from widgets.ladder import LadderView
from widgets.tape import TapeView


class Source:
    """What a feed tells the clock: the market time and when the oldest unshown batch came in."""

    def __init__(self) -> None:
        self.market_ns: int | None = None
        self.fed: list[float] = []

    def take_fed(self) -> list[float]:
        fed, self.fed = self.fed, []
        return fed


@pytest.fixture
def session(btcusdt_recording: Path) -> ReplaySession:
    return open_replay([btcusdt_recording])[0]


@pytest.fixture
def lines(btcusdt_recording: Path) -> dict[str, list[bytes]]:
    with gzip.open(btcusdt_recording, "rb") as fh:
        all_lines = [line for line in fh.read().split(b"\n") if line]
    return {
        "trade": [line for line in all_lines if b"@trade" in line[:80]][:5],
        "ticker": [line for line in all_lines if b"@bookTicker" in line[:80]][:5],
    }


@pytest.fixture
def shown(qtbot):
    """Put the views in one shown, exposed window (an unexposed widget paints nothing)."""

    def show(views: list[QtWidgets.QWidget]) -> QtWidgets.QWidget:
        host = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(host)
        for v in views:
            layout.addWidget(v)
        host.resize(300, 400)
        qtbot.addWidget(host)
        host.show()
        qtbot.waitExposed(host)
        QtWidgets.QApplication.processEvents()  # the first paint creates the backing store
        return host

    return show


def test_only_views_watching_what_changed_are_repainted(probe_views, session, lines, shown):
    host = shown(probe_views)  # noqa: F841 (kept alive: it owns the views)
    clock = FrameClock(probe_views, Source())
    clock.set_market(session.market)
    clock.tick()  # the first frame after binding paints everything
    painted = [v.paints for v in probe_views]

    session.pipeline.feed(lines["ticker"])  # CONTEXT only: the probes watch TAPE
    clock.tick()
    assert [v.paints for v in probe_views] == painted

    session.pipeline.feed(lines["trade"])
    clock.tick()
    assert [v.paints for v in probe_views] == [p + 1 for p in painted]
    assert all(v.refreshes[-1][0] & Changed.TAPE for v in probe_views)


def test_a_view_is_asked_when_the_market_clock_moved_even_if_nothing_it_watches_changed(
    probe_views, session, lines, shown
):
    host = shown(probe_views)  # noqa: F841 (kept alive: it owns the views)
    source = Source()
    clock = FrameClock(probe_views, source)
    clock.set_market(session.market)
    source.market_ns = 1
    clock.tick()
    refreshes = [len(v.refreshes) for v in probe_views]

    source.market_ns = 2  # time alone rolls windows and bars
    clock.tick()

    assert [len(v.refreshes) for v in probe_views] == [n + 1 for n in refreshes]
    assert all(v.refreshes[-1] == (0, 2) for v in probe_views)


class Asked:
    """Mixed into a real view: records the bits of every refresh the clock asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    def refresh(self, changed: int, now_ns: int) -> bool:
        self.asked.append(changed)
        return super().refresh(changed, now_ns)  # type: ignore[misc]


class AskedTape(Asked, TapeView):
    pass


class AskedLadder(Asked, LadderView):
    pass


def test_real_views_are_filtered_by_their_own_watches(session, lines, shown):
    tape, ladder = AskedTape(), AskedLadder()
    host = shown([tape, ladder])  # noqa: F841 (kept alive: it owns the views)
    clock = FrameClock([tape, ladder], Source())
    clock.set_market(session.market)
    session.pipeline.feed(lines["trade"])
    clock.tick()
    asked = len(tape.asked)
    ladder_asked = len(ladder.asked)

    session.pipeline.feed(lines["ticker"])  # CONTEXT: the ladder watches it, the tape does not
    clock.tick()
    assert len(tape.asked) == asked
    assert ladder.asked[ladder_asked:] == [Changed.CONTEXT]

    session.pipeline.feed(lines["trade"][:1])
    clock.tick()
    assert tape.asked[-1] & Changed.TAPE and tape.asked[-1] & Changed.CONTEXT  # kept, then handed over


def test_nothing_changed_means_no_refresh_and_no_paint(probe_views, session, lines, shown):
    host = shown(probe_views)  # noqa: F841 (kept alive: it owns the views)
    clock = FrameClock(probe_views, Source())
    clock.set_market(session.market)
    session.pipeline.feed(lines["trade"])
    clock.tick()
    refreshes = [len(v.refreshes) for v in probe_views]
    frames = clock.frames

    for _ in range(5):
        clock.tick()

    assert [len(v.refreshes) for v in probe_views] == refreshes
    assert clock.frames == frames


def test_a_hidden_view_is_skipped_and_catches_up_with_all_bits_when_shown(probe_views, session, lines, shown):
    host = shown(probe_views)  # noqa: F841 (kept alive: it owns the views)
    hidden = probe_views[2]
    hidden.hide()
    clock = FrameClock(probe_views, Source())
    clock.set_market(session.market)
    clock.tick()
    session.pipeline.feed(lines["trade"])
    clock.tick()
    session.pipeline.feed(lines["ticker"])
    clock.tick()
    assert hidden.refreshes == []

    hidden.show()
    clock.tick()

    assert len(hidden.refreshes) == 1
    assert hidden.refreshes[0][0] & Changed.TAPE and hidden.refreshes[0][0] & Changed.CONTEXT


def test_latency_runs_from_the_oldest_fed_batch_to_the_end_of_the_paint(probe_views, session, lines, shown):
    host = shown(probe_views)  # noqa: F841 (kept alive: it owns the views)
    now = [100.0]
    source = Source()
    clock = FrameClock(probe_views, source, clock=lambda: now[0])
    clock.set_market(session.market)
    session.pipeline.feed(lines["trade"])
    source.fed = [99.990, 99.996]  # two batches fed 10 and 4 ms before the frame's paints end

    clock.tick()

    assert list(clock.latency_ms) == [pytest.approx(10.0), pytest.approx(4.0)]
    assert len(clock.frame_ms) == 1
    assert set(clock.view_ms) == {"ladder", "footprint", "tape", "cvd"}
    assert all(len(samples) == 1 for samples in clock.view_ms.values())


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([], 99) == 0.0


class _Counting(FrameClock):
    """A clock whose frames only count (and can be made slow), to test its cadence."""

    def __init__(self, hz: int, slow_s: float = 0.0) -> None:
        super().__init__([], hz=hz)
        self.ticks: list[float] = []
        self.slow_s = slow_s

    def tick(self) -> None:
        self.ticks.append(time.perf_counter())
        if self.slow_s and len(self.ticks) == 5:
            time.sleep(self.slow_s)  # one frame that takes six frame intervals


@pytest.mark.parametrize("hz", [60, 120])
def test_the_clock_keeps_its_exact_rate_not_a_whole_millisecond_interval(qtbot, hz):
    clock = _Counting(hz)
    clock.start()
    qtbot.wait(2000)
    clock.stop()

    span_s = clock.ticks[-1] - clock.ticks[0]
    rate = (len(clock.ticks) - 1) / span_s
    assert abs(rate - hz) < 0.015 * hz  # a 17 ms (or 8 ms) repeating timer gives 58.8 (or 125) Hz


def test_a_late_frame_is_coalesced_not_followed_by_a_burst_of_queued_frames(qtbot):
    clock = _Counting(60, slow_s=0.1)
    clock.start()
    qtbot.wait(600)
    clock.stop()

    gaps_ms = [(b - a) * 1000 for a, b in zip(clock.ticks, clock.ticks[1:], strict=False)]
    after_slow = gaps_ms[5:8]
    assert clock.skipped >= 5  # the deadlines the slow frame ran over were dropped
    assert all(g > 10 for g in after_slow), after_slow  # back on the 60 Hz grid, no catch-up burst


class PaintCounter(QtCore.QObject):
    """Counts the paint events of a widget and everything inside it (what reached the screen)."""

    def __init__(self, root: QtWidgets.QWidget) -> None:
        super().__init__(root)
        self.count = 0
        for widget in [root, *root.findChildren(QtWidgets.QWidget)]:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False


def test_new_prints_reach_the_screen_in_every_frame_that_took_them(session, lines, shown):
    """The tape's model took every print but its canvas was painted only once: on an X display
    the rows stayed at "Waiting for prints…" while the app's own screenshot (a fresh render) and
    the offscreen benchmark looked right."""
    tape = TapeView()
    host = shown([tape])  # noqa: F841 (kept alive: it owns the view)
    clock = FrameClock([tape], Source())
    clock.set_market(session.market)
    clock.tick()  # the first frame after binding paints everything
    rows = PaintCounter(tape.canvas.viewport())

    painted = []
    for line in lines["trade"][:3]:
        before = rows.count
        session.pipeline.feed([line])
        clock.tick()
        painted.append((rows.count > before, len(tape.visible_rows())))

    assert painted == [(True, 1), (True, 2), (True, 3)]


def test_every_view_that_says_it_must_repaint_paints_in_that_frame(session, btcusdt_recording, qtbot):
    """The contract of `refresh` (widgets/base/view.py): True means "repaint me"; the frame's
    paint_now must then put pixels on screen, not leave the change for a later full render."""
    views = default_views()
    host = QtWidgets.QWidget()
    layout = QtWidgets.QGridLayout(host)
    for i, view in enumerate(views):
        layout.addWidget(view, i // 4, i % 4)
    host.resize(1600, 900)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    QtWidgets.QApplication.processEvents()
    clock = FrameClock(views, Source())
    clock.set_market(session.market)
    clock.tick()
    counters = {v.view_id: PaintCounter(v) for v in views}
    said: dict[str, list[bool]] = {v.view_id: [] for v in views}
    for view in views:
        ask = view.refresh

        def asked(bits: int, now_ns: int, ask=ask, said=said[view.view_id]) -> bool:
            must = ask(bits, now_ns)
            said.append(must)
            return must

        view.refresh = asked  # type: ignore[method-assign]
    with gzip.open(btcusdt_recording, "rb") as fh:
        all_lines = [line for line in fh.read().split(b"\n") if line][:6000]

    missed: dict[str, int] = {}
    for start in range(0, len(all_lines), 200):
        before = {k: c.count for k, c in counters.items()}
        asked_before = {k: len(v) for k, v in said.items()}
        session.pipeline.feed(all_lines[start : start + 200])
        clock.tick()
        for view_id, answers in said.items():
            must = any(answers[asked_before[view_id] :])
            if must and counters[view_id].count == before[view_id]:
                missed[view_id] = missed.get(view_id, 0) + 1

    assert {k for k, v in said.items() if any(v)} >= {"ladder", "footprint", "tape", "cvd"}
    assert missed == {}
