"""Frame benchmark of the aggregated view: three venues' BTC replays as one market at 10×.

The same window and budgets as bench_frames.py (one full frame p99 ≤ 8 ms, receive → pixel p99 ≤
20 ms at 60 Hz; docs/ARCHITECTURE.md), on `AggregateSource` over three `ReplayFeed`s: the bundled
Binance BTCUSDT day, and Hyperliquid's BTC and OKX's BTC-USD inverse recordings laid end to end
over the same 345 s (their own prices moved by a whole number of dollars onto Binance's opening
level and their times onto Binance's day, trade ids new for every pass: tests/ui/aggregate_live.py),
so that three venues trade one market at once. Views: the aggregate's four (venue column, per-venue
CVD lines, per-venue cells, summed book). For a floor measured in the same run, the Binance
replay alone is measured first in the plain window, as bench_frames.py does.

Run: `.venv/bin/python tests/benchmarks/bench_aggregate.py [--seconds 30]` (offscreen), or under
Xvfb with QT_QPA_PLATFORM=xcb. Not a test: prints Markdown tables.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

import qasync  # noqa: E402
from bench_frames import measure, row  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402
from ui.aggregate_live import HL_PRICE, OKX_PRICE, retimed  # noqa: E402

from app.feeds.aggregate_source import AggregateSource  # noqa: E402
from app.feeds.recording import iter_line_batches  # noqa: E402
from app.feeds.replay_feed import ReplayFeed  # noqa: E402
from app.storage.journal import Journal  # noqa: E402
from app.storage.layouts import LayoutStore  # noqa: E402
from app.storage.settings import SettingsStore  # noqa: E402
from app.ui.aggregate_app import aggregate_views  # noqa: E402
from app.ui.compose import DeskStores, compose  # noqa: E402
from app.ui.run_app import default_views  # noqa: E402
from app.ui.theme import apply_theme  # noqa: E402

BINANCE = ROOT / "resources" / "btcusdt_20240808.gz"
SHARED = ROOT.parent / "shared" / "data"
BINANCE_OPEN = Decimal(61_810)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    for batch in iter_line_batches(path):
        for line in batch:
            stamp, _, payload = line.partition(b" ")
            yield int(stamp), payload


def laid_end_to_end(src: Path, dst: Path, price_shift: Decimal, start_ns: int, until_ns: int) -> Path:
    """`src` played again and again from `start_ns` until `until_ns`, on Binance's price level."""
    lines = [(t, p) for t, p in _lines(src) if p.startswith(b"{")]
    first, last = lines[0][0], lines[-1][0]
    span = last - first + 1_000_000_000
    with gzip.open(dst, "wb") as out:
        pass_no = 0
        while start_ns + pass_no * span < until_ns:
            offset_ns = start_ns - first + pass_no * span
            shift_ms = offset_ns // 1_000_000

            def moved(ms: int, shift_ms: int = shift_ms) -> int:
                return ms + shift_ms

            for stamp, payload in lines:
                msg = retimed(json.loads(payload), price_shift, moved, pass_no)
                out.write(b"%d %s\n" % (stamp + offset_ns, json.dumps(msg, separators=(",", ":")).encode()))
            pass_no += 1
    return dst


def recordings(directory: Path) -> list[Path]:
    stamps = [t for t, _ in _lines(BINANCE)]
    start, end = stamps[0], stamps[-1]
    okx = directory / "okx_btc_usd_swap.ws"
    okx.write_bytes((SHARED / "okx" / "OKX.ws.1.0").read_bytes().replace(b"BTC-USD-220527", b"BTC-USD-SWAP"))
    hl = SHARED / "hyperliquid" / "btcusd_20250126.gz"
    return [
        BINANCE,
        laid_end_to_end(hl, directory / "hl.gz", BINANCE_OPEN - HL_PRICE, start, end),
        laid_end_to_end(okx, directory / "okx.gz", BINANCE_OPEN - OKX_PRICE, start, end),
    ]


def run(
    app: QtWidgets.QApplication, aggregate: bool, files: list[Path], args: argparse.Namespace, config: Path
):
    if aggregate:
        source = AggregateSource([ReplayFeed([f], speed=args.speed, loop=True) for f in files])
        built = compose(source, aggregate_views(), LayoutStore(config), hz=args.hz, idle_gc=True)
    else:
        source = ReplayFeed(files[:1], speed=args.speed, loop=True)
        stores = DeskStores(Journal(config / "journal.sqlite3"), SettingsStore(config))
        built = compose(source, default_views(), LayoutStore(config), stores=stores, hz=args.hz, idle_gc=True)
    window = built.window
    window.resize(1920, 1080)
    window.show()
    if args.cpu_time:
        window.frames.timer = time.thread_time
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        cpu, wall = runner.run(measure(window, args.seconds, args.warmup))
    frames = window.frames
    prints = source.binding.market.tape.total
    result = {
        "views": {k: list(v) for k, v in frames.view_ms.items()},
        "frame": list(frames.frame_ms),
        "latency": list(frames.latency_ms),
        "frames": frames.frames,
        "cpu": cpu,
        "wall": wall,
        "prints": prints,
        "messages": source.status().messages,
    }
    window.close()
    built.close()
    return result


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
    with tempfile.TemporaryDirectory() as tmp:
        files = recordings(Path(tmp))
        results = {}
        for name, aggregate in (
            ("Binance alone (plain window, SIM desk)", False),
            ("aggregate of three venues", True),
        ):
            config = Path(tmp) / name.split()[0]
            config.mkdir()
            results[name] = run(app, aggregate, files, args, config)
            time.sleep(1.0)
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(
        f"## Aggregated view frames — {when}, {os.environ['QT_QPA_PLATFORM']}, "
        f"{args.speed:g}× replay, {args.hz} Hz{', UI-thread CPU time' if args.cpu_time else ''}\n"
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; window "
        f"1920×1080; each run {args.seconds:g} s measured after {args.warmup:g} s warm-up; peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.\n"
    )
    for name, r in results.items():
        print(
            f"### {name}: {r['frames']} frames ({r['frames'] / r['wall']:.1f}/s), CPU "
            f"{r['cpu'] / r['wall'] * 100:.0f} % of one core, {r['messages']:,} messages, "
            f"{r['prints']:,} prints in the market shown\n"
        )
        print("| what (ms) | samples | p50 | p99 | max |")
        print("|---|---:|---:|---:|---:|")
        for view_id, samples in r["views"].items():
            print(row(f"{view_id} refresh + paint", samples))
        print(row("whole frame (all views that changed)", r["frame"]))
        print(row("receive → pixel", r["latency"]))
        print()


if __name__ == "__main__":
    main()
