"""Live burst: the window on four live venues at once, fed faster than a liquidation burst.

Four local exchange servers (tests/fakes) in a process of their own (burst_servers.py: exchanges
do not share our process, GIL or event loop), started before the app connects and stopped after:
Binance USD-M replaying the bundled BTCUSDT recording on its own clock at `--speed` (slow enough
that it lasts the run; exchange times start at now, but run `--speed` times as fast as the
wall clock, so the status bar's feed latency means nothing here: the lags below are measured
from the local receive stamps), and Bybit, OKX and Hyperliquid each looping their real
recordings, paced by the clock so that the four together send `--combined` messages a second,
with the context streams their recordings lack (ticker, mark price, open interest) sent each
second, as the venues do.
This process has only the four LiveFeeds, on the app's one event loop, and the window
(1920×1080, 60 Hz) showing the Binance one; the other three ingest as a multi-venue window
would. Reported like `--stats-out` (app/ui/run_report.py): frames, frame and view times,
receive → pixel, messages per second per feed and combined (received by the app, beside what the
servers sent in the same window), the receive → applied lag of every feed (does one fall
behind?), stale events (and of those, streams that went quiet after sending data), reconnects,
malformed messages, CPU and peak memory.

Budget (issue 11): ≥ 5,000 messages/s combined for 30 s, no frame over 16.7 ms at p99,
receive → pixel p99 ≤ 50 ms, nothing dropped or marked stale.
Run: `.venv/bin/python tests/benchmarks/bench_live_burst.py [--seconds 30] [--combined 7000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import qasync  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

from app.feeds.live.connection import ConnectionTiming  # noqa: E402
from app.feeds.live.endpoints import Endpoints  # noqa: E402
from app.feeds.live.feed import LiveFeed  # noqa: E402
from app.feeds.source import SourceState  # noqa: E402
from app.storage.journal import Journal  # noqa: E402
from app.storage.layouts import LayoutStore  # noqa: E402
from app.storage.settings import SettingsStore  # noqa: E402
from app.ui.compose import DeskStores, compose  # noqa: E402
from app.ui.frame_stats import Histogram  # noqa: E402
from app.ui.run_app import default_views  # noqa: E402
from app.ui.run_report import peak_rss_mb  # noqa: E402
from app.ui.theme import apply_theme  # noqa: E402
from app.venues.registry import adapter  # noqa: E402

SERVERS = Path(__file__).with_name("burst_servers.py")
NOT_LIVE = {SourceState.STALE, SourceState.RECONNECTING, SourceState.RESYNCING, SourceState.FAILED}
TIMING = ConnectionTiming()  # the production allowances: a burst must not trip them
LIVE_WITHIN_S = 30.0


class Servers:
    """burst_servers.py as a child process: its URLs once it listens, its sent counters on asking."""

    def __init__(self, speed: float, combined: float) -> None:
        command = [sys.executable, str(SERVERS), "--speed", f"{speed:g}", "--combined", f"{combined:g}"]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.ready: dict[str, object] = json.loads(self._line())

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{SERVERS.name} ended before answering (exit {self.process.wait()})")
        return line.decode()

    async def sent(self) -> dict[str, int]:
        """Frames each server has sent so far (asked off the event loop: the child answers when its
        own loop gets to it)."""

        def ask() -> dict[str, int]:
            assert self.process.stdin is not None
            self.process.stdin.write(b"sent\n")
            self.process.stdin.flush()
            return dict(json.loads(self._line()))

        return await asyncio.to_thread(ask)

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def measure(args: argparse.Namespace, app: QtWidgets.QApplication, config: Path) -> dict[str, object]:
    servers = Servers(args.speed, args.combined)
    try:
        return await _measure(args, servers, config)
    finally:
        servers.stop()


async def _all_live(feeds: list[tuple[str, LiveFeed]], within_s: float) -> None:
    """Wait until every feed has been live once: Binance's first book (connect, buffer the diffs,
    fetch the REST snapshot, maybe again) can outlast the warm-up on a loaded machine, and a feed
    still starting is not one the burst made stale."""
    deadline = time.perf_counter() + within_s
    waiting = {name for name, _ in feeds}
    while waiting:
        waiting -= {name for name, feed in feeds if feed.status().state is SourceState.LIVE}
        if time.perf_counter() > deadline:
            raise SystemExit(f"not live within {within_s:g} s: {', '.join(sorted(waiting))}")
        await asyncio.sleep(0.05)


async def _measure(args: argparse.Namespace, servers: Servers, config: Path) -> dict[str, object]:
    ready = servers.ready
    recorded_s = float(ready["recorded_s"])  # type: ignore[arg-type]
    if recorded_s / args.speed < args.warmup + args.seconds + 1:
        raise SystemExit(
            f"--speed {args.speed:g}: Binance's {recorded_s:.0f} s recording would end before the run does "
            f"(at most --speed {recorded_s / (args.warmup + args.seconds + 1):.1f} for {args.seconds:g} s)"
        )
    binance: dict[str, str] = ready["binance"]  # type: ignore[assignment]
    rewrite = Endpoints(binance["ws"], binance["rest"]).rewrite
    feeds = [
        ("binance-usdm", LiveFeed(adapter("binance-usdm"), "BTCUSDT", rewrite_url=rewrite, timing=TIMING))
    ]
    venues: dict[str, list[str]] = ready["venues"]  # type: ignore[assignment]
    for venue, (symbol, base) in venues.items():
        rewrite = Endpoints(ws_url=base).rewrite
        feeds.append((venue, LiveFeed(adapter(venue), symbol, rewrite_url=rewrite, timing=TIMING)))
    shown = feeds[0][1]
    stores = DeskStores(Journal(config / "journal.sqlite3"), SettingsStore(config))
    built = compose(shown, default_views(), LayoutStore(config), stores=stores, hz=args.hz, idle_gc=True)
    window = built.window
    window.resize(1920, 1080)
    window.show()
    if args.cpu_time:
        window.frames.timer = time.thread_time
    lag = {name: Histogram() for name, _ in feeds}

    def timed(name: str, feed: LiveFeed) -> None:
        """Wrap the feed's pipeline: how old the batch's newest line is once it is applied."""
        ingest = feed.pipeline.feed

        def feed_and_time(lines: list[bytes]) -> None:
            ingest(lines)
            if lines:
                lag[name].add((time.time_ns() - int(lines[-1].partition(b" ")[0])) / 1e6)

        feed.pipeline.feed = feed_and_time  # type: ignore[method-assign]

    for name, feed in feeds:
        timed(name, feed)
    tasks = [asyncio.ensure_future(feed.run()) for _, feed in feeds]
    await _all_live(feeds, LIVE_WITHIN_S)
    await asyncio.sleep(args.warmup)
    frames = window.frames
    frames.frame_hist, frames.latency_hist = Histogram(), Histogram()
    frames.view_hist = {k: Histogram() for k in frames.view_hist}
    frames.frames = 0
    for h in lag.values():
        h.__init__()
    start = {name: feed.status().messages for name, feed in feeds}
    sent0 = await servers.sent()
    not_live = {name: 0 for name, _ in feeds}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < args.seconds:
        await asyncio.sleep(0.1)
        for name, feed in feeds:
            status = feed.status()
            not_live[name] += status.state in NOT_LIVE
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    sent1 = await servers.sent()
    result = {
        "rate": ready["rate"],
        "wall": wall,
        "cpu": cpu,
        "frames": frames.frames,
        "frame": frames.frame_hist.summary(),
        "views": {k: h.summary() for k, h in frames.view_hist.items()},
        "latency": frames.latency_hist.summary(),
        "feeds": {
            name: {
                "messages": feed.status().messages - start[name],
                "sent": sent1[name] - sent0[name],
                "malformed": feed.status().malformed,
                "gaps": feed.status().gaps,
                "health": dict(feed.status().health),
                "not_live_looks": not_live[name],
                "unheard": sorted(set().union(*(c.stats.unheard_streams for c in feed.connections))),
                "lag": lag[name].summary(),
            }
            for name, feed in feeds
        },
        "rss": peak_rss_mb(),
    }
    for _, feed in feeds:
        feed.stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    window.close()
    built.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--speed", type=float, default=9.0, help="Binance replay speed (its recording must last the run)"
    )
    parser.add_argument(
        "--combined",
        type=float,
        default=7000.0,
        help="messages/s the four servers send together: Binance at --speed, the other three share the rest",
    )
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
    with (
        tempfile.TemporaryDirectory() as config,
        asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner,
    ):
        r = runner.run(measure(args, app, Path(config)))
    wall = r["wall"]
    feeds = r["feeds"]
    total = sum(f["messages"] for f in feeds.values())
    sent = sum(f["sent"] for f in feeds.values())
    print(
        f"## Live burst — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.environ['QT_QPA_PLATFORM']}, "
        f"{args.hz} Hz{', views and frames in UI-thread CPU time' if args.cpu_time else ''}\n"
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"four fake venues in a process of their own, the app in this one; Binance at {args.speed:g}× its "
        f"recording, the others looping at {r['rate']:,.0f} frames/s (--combined {args.combined:,.0f}); "
        f"{args.seconds:g} s measured after {args.warmup:g} s; "
        f"window 1920×1080 on Binance. {total / wall:,.0f} messages/s combined received "
        f"({sent / wall:,.0f} sent); {r['frames']} frames painted "
        f"({r['frames'] / wall:.1f}/s); process CPU {r['cpu'] / wall * 100:.0f} % of one core "
        f"({r['cpu'] / max(1, total) * 1e6:.1f} µs a message received); "
        f"peak RSS {r['rss']:.0f} MB.\n"
    )
    print("| what (ms) | samples | p50 | p99 | max |")
    print("|---|---:|---:|---:|---:|")

    def row(name: str, s: dict[str, float]) -> None:
        print(f"| {name} | {s['samples']} | {s['p50_ms']:.2f} | {s['p99_ms']:.2f} | {s['max_ms']:.2f} |")

    for view_id, s in r["views"].items():
        if s["samples"]:
            row(f"{view_id} refresh + paint", s)
    row("whole frame", r["frame"])
    row("receive → pixel (Binance, shown)", r["latency"])
    for name, f in feeds.items():
        row(f"{name}: receive → applied (newest line of each batch)", f["lag"])
    print("\n| feed | messages/s | sent/s | malformed | gaps | stale events | of which went quiet ", end="")
    print("| reconnects | looks not live |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, f in feeds.items():
        h = f["health"]
        print(
            f"| {name} | {f['messages'] / wall:,.0f} | {f['sent'] / wall:,.0f} | {f['malformed']} "
            f"| {f['gaps']} | {h['stale_events']} "
            f"| {h['went_quiet_events']} | {h['forced_reconnects'] + h['connection_failures']} "
            f"| {f['not_live_looks']} |"
        )
    unheard = {name: f["unheard"] for name, f in feeds.items() if f["unheard"]}
    if unheard:
        print(
            "\nStreams the fakes never send (absent from their recordings; one stale event each once its "
            f"quiet allowance runs out, not a feed falling behind): {unheard}"
        )


if __name__ == "__main__":
    main()
