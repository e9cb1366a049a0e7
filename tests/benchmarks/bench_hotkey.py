"""Hotkey benchmark: key press → order journaled (SQLite commit) → drawn on the ladder.

Budget (docs/ARCHITECTURE.md): "hotkey → order acknowledged and drawn on the ladder: next frame". The real
window (all views, trading desk, journal on disk) replays the real recording at 10× with its
60 Hz frame clock running; every ~250 ms a real key event (Q, join bid) goes through the app's
hotkey filter. Measured per press:
- key → acknowledged: from the key event to the desk having journaled the command (committed)
  and handed the views the new account — synchronous, inside the key event;
- key → drawn: to the end of the frame-clock paint after which the ladder's Orders column shows
  the order (its paint), and in which frame-clock tick that was (1 = the very next frame).
Between presses an Escape (cancel all, not measured) keeps the book of own orders small.

Run: `.venv/bin/python tests/benchmarks/bench_hotkey.py` (offscreen). Not a test: prints Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6 import QtCore, QtWidgets  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from app.feeds.replay_feed import ReplayFeed  # noqa: E402
from app.storage.journal import Journal  # noqa: E402
from app.storage.layouts import LayoutStore  # noqa: E402
from app.storage.settings import SettingsStore  # noqa: E402
from app.ui.compose import DeskStores, compose  # noqa: E402
from app.ui.frame_clock import percentile  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.run_app import default_views  # noqa: E402
from app.ui.theme import apply_theme  # noqa: E402
from app.ui.trading_desk import TradingDesk  # noqa: E402

RECORDING = ROOT / "resources" / "btcusdt_20240808.gz"


class Probe:
    """Wraps the frame clock's tick and the desk's publish to time each press."""

    def __init__(self, window: MainWindow, desk: TradingDesk) -> None:
        self.window = window
        self.desk = desk
        self.ladder = window.views["ladder"]
        self.ticks = 0
        self.waiting: list[tuple[int, float, int, int]] = []  # (order id, pressed at, tick, session)
        self.restarted = 0  # presses whose frame fell after the recording looped (a new, empty book)
        self.ack_ms: list[float] = []
        self.drawn_ms: list[float] = []
        self.wait_ms: list[float] = []  # key → the start of the frame that drew it
        self.tick_started = self.tick_ended = 0.0
        self.frames_late: list[int] = []
        self.missing = 0
        self.lost: list[str] = []  # why a press was never seen on the ladder
        self.late_why: list[str] = []  # why a press was not drawn in the next frame
        frames = window.frames
        original = frames.tick

        def tick() -> None:
            self.tick_started = time.perf_counter()
            original()
            self.tick_ended = time.perf_counter()
            self.ticks += 1
            self._check()

        frames.tick = tick  # type: ignore[method-assign]  # the clock's timer calls self.tick()

    def press(self) -> None:
        before = {o.order_id for o in self.desk.snapshot.orders}
        t0 = time.perf_counter()
        QTest.keyClick(self.ladder, QtCore.Qt.Key.Key_Q)
        t1 = time.perf_counter()
        new = [o.order_id for o in self.desk.snapshot.orders if o.order_id not in before]
        if not new:
            self.missing += 1
            return
        self.ack_ms.append((t1 - t0) * 1000)
        self.waiting.append((new[0], t0, self.ticks, self.window.source.binding.session))

    def _check(self) -> None:
        still = []
        visible = {row.price_ticks for row in self.ladder.rows()}  # the rows the last paint drew
        shown = {
            i for price, row in self.ladder.orders.rows.items() if price in visible for i in row.order_ids
        }
        open_ids = {o.order_id for o in self.desk.snapshot.orders}
        session = self.window.source.binding.session
        for order_id, t0, tick0, session0 in self.waiting:
            if session != session0:
                self.restarted += 1
                continue
            if order_id not in open_ids and self.ticks > tick0:
                self.lost.append(f"#{order_id} filled or cancelled before the next frame")
                continue
            if order_id in shown:
                self.drawn_ms.append((self.tick_ended - t0) * 1000)  # the paint, not this probe
                self.wait_ms.append((self.tick_started - t0) * 1000)
                self.frames_late.append(self.ticks - tick0)
            else:
                if self.ticks == tick0 + 1:  # why the next frame did not show it
                    order = next((o for o in self.desk.snapshot.orders if o.order_id == order_id), None)
                    off = order is not None and order.price_ticks not in visible
                    where = "its row was off the ladder" if off else "?"
                    self.late_why.append(f"#{order_id}: {where}")
                still.append((order_id, t0, tick0, session0))
        self.waiting = still


async def run(probe: Probe, feed: ReplayFeed, presses: int, warmup_s: float) -> None:
    task = asyncio.create_task(feed.run())
    await asyncio.sleep(warmup_s)
    for _ in range(presses):
        probe.ladder.recenter()
        probe.press()
        await asyncio.sleep(0.15)
        QTest.keyClick(probe.ladder, QtCore.Qt.Key.Key_Escape)
        await asyncio.sleep(0.10)
    task.cancel()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--speed", type=float, default=10.0)
    args = parser.parse_args()

    app = QtWidgets.QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    feed = ReplayFeed([RECORDING], speed=args.speed, loop=True)
    with tempfile.TemporaryDirectory() as tmp:
        views = default_views()
        journal = Journal(Path(tmp) / "journal.sqlite3")
        built = compose(
            feed,
            views,
            LayoutStore(Path(tmp)),
            stores=DeskStores(journal, SettingsStore(Path(tmp))),
            idle_gc=True,
        )
        window, desk = built.window, built.desk
        assert desk is not None
        window.resize(1920, 1080)
        window.show()
        probe = Probe(window, desk)
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            runner.run(run(probe, feed, args.presses, args.warmup))
        window.close()
        built.close()

    late = probe.frames_late
    print(f"## Hotkey → drawn — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.environ['QT_QPA_PLATFORM']}\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.speed:g}× replay of the bundled recording, 60 Hz frame clock, window 1920×1080, journal "
        f"on disk (WAL); {len(probe.ack_ms)} presses measured, {probe.missing} without a new order.\n"
    )
    print("| what (ms) | samples | p50 | p99 | max |")
    print("|---|---:|---:|---:|---:|")
    for name, samples in (
        ("key → acknowledged (journaled, views updated)", probe.ack_ms),
        ("key → drawn on the ladder", probe.drawn_ms),
    ):
        print(
            f"| {name} | {len(samples)} | {percentile(samples, 50):.2f} | {percentile(samples, 99):.2f} "
            f"| {max(samples, default=0):.2f} |"
        )
    slowest = sorted(zip(probe.drawn_ms, probe.wait_ms, strict=True))[-5:]
    print(
        "\nSlowest key → drawn (of which waiting for the frame to start): "
        + ", ".join(f"{d:.1f} ({w:.1f})" for d, w in slowest)
        + " ms."
    )
    next_frame = sum(1 for n in late if n == 1)
    print(
        f"\nDrawn in the next frame-clock tick: {next_frame} of {len(late)} presses"
        f" (later: {sorted(n for n in late if n != 1)} — {probe.late_why}); never drawn: {len(probe.waiting)}"
        f" {probe.lost}; not counted (the recording looped before the next frame): {probe.restarted}."
    )


if __name__ == "__main__":
    main()
