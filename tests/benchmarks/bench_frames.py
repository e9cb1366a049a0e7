"""Frame benchmark: the real window at 1920×1080 replaying the real recording at 10×.

Budgets (docs/ARCHITECTURE.md): one full frame (all four views) p99 ≤ 8 ms; receive → pixels p99 ≤ 20 ms at
60 Hz. Measured by the app's own frame clock (app/ui/frame_clock.py), which repaints views
synchronously and times each: `view` = that view's refresh + paint, `frame` = all views painted
in one tick, `receive→pixel` = from the feed handing the oldest batch of the frame to the
pipeline to the end of the frame's last paint.

Run: `.venv/bin/python tests/benchmarks/bench_frames.py` (offscreen), or under Xvfb for the real
X11 path: `xvfb-run -a -s "-screen 0 1920x1200x24" env QT_QPA_PLATFORM=xcb .venv/bin/python ...`.
Not a test: prints a Markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

from app.feeds.replay_feed import ReplayFeed  # noqa: E402
from app.storage.journal import Journal  # noqa: E402
from app.storage.layouts import LayoutStore  # noqa: E402
from app.storage.settings import SettingsStore  # noqa: E402
from app.ui.compose import DeskStores, compose  # noqa: E402
from app.ui.frame_clock import percentile  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.run_app import default_views  # noqa: E402
from app.ui.theme import apply_theme  # noqa: E402

RECORDING = ROOT / "resources" / "btcusdt_20240808.gz"


def row(name: str, samples: list[float]) -> str:
    if not samples:
        return f"| {name} | 0 | – | – | – |"
    return (
        f"| {name} | {len(samples)} | {percentile(samples, 50):.2f} | {percentile(samples, 99):.2f} "
        f"| {max(samples):.2f} |"
    )


async def measure(window: MainWindow, seconds: float, warmup_s: float) -> tuple[float, float]:
    task = asyncio.create_task(window.source.run())
    await asyncio.sleep(warmup_s)
    frames = window.frames
    frames.frame_ms.clear()
    frames.latency_ms.clear()
    for samples in frames.view_ms.values():
        samples.clear()
    frames.frames = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    task.cancel()
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--hz", type=int, default=60)
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time views and frames in the UI thread's CPU time (steady under other load; not the budget)",
    )
    args = parser.parse_args()

    app = QtWidgets.QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    feed = ReplayFeed([RECORDING], speed=args.speed, loop=True)
    with tempfile.TemporaryDirectory() as config:
        views = default_views()
        journal = Journal(Path(config) / "journal.sqlite3")
        stores = DeskStores(journal, SettingsStore(Path(config)))  # as the app: the desk sees every batch
        built = compose(feed, views, LayoutStore(Path(config)), stores=stores, hz=args.hz, idle_gc=True)
        window = built.window
        window.resize(1920, 1080)
        window.show()
        if args.cpu_time:
            window.frames.timer = time.thread_time
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            cpu, wall = runner.run(measure(window, args.seconds, args.warmup))
        frames = window.frames
        size = window.size()
        market = feed.session.market
        messages = feed.session.pipeline.counters.messages
        window.close()
        built.close()

    print(
        f"## Frames — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.environ['QT_QPA_PLATFORM']}, "
        f"{args.speed:g}× replay, {args.hz} Hz{', UI-thread CPU time' if args.cpu_time else ''}\n"
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"window {size.width()}×{size.height()}; {args.seconds:g} s measured after {args.warmup:g} s "
        f"warm-up; {frames.frames} frames painted ({frames.frames / wall:.1f}/s); process CPU "
        f"{cpu / wall * 100:.0f} % of one core; peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
        f"{messages:,} messages in the current pass, {market.tape.total:,} prints.\n"
    )
    print("| what (ms) | samples | p50 | p99 | max |")
    print("|---|---:|---:|---:|---:|")
    for view_id, samples in frames.view_ms.items():
        print(row(f"{view_id} refresh + paint", list(samples)))
    print(row("whole frame (all views that changed)", list(frames.frame_ms)))
    print(row("receive → pixel", list(frames.latency_ms)))


if __name__ == "__main__":
    main()
