"""Per-frame cost of the market context on a long, wide session (issue 13).

A day-like session: 2 M prints spread over ~33,000 one-tick price levels (σ = 5,000 ticks around
60,000.0), then frames of 30 new prints each. Measured per frame: the footprint's session profile
(prints into the grid, the POC, the value area when due, the strip's shape) and the CVD chart's
VWAP bands (the open bar's point). Both must stay flat in the session's length: the budget is a
small share of one 8 ms frame (docs/ARCHITECTURE.md).

Run: `.venv/bin/python tests/benchmarks/bench_context.py [--prints 2000000]`. Not a test: prints
a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

from app.core.sessions import SessionSchedule  # noqa: E402
from app.core.tape import TradeColumns  # noqa: E402
from widgets.cvd.vwap_item import VwapBands  # noqa: E402
from widgets.footprint.profile_item import FootprintSessionProfile  # noqa: E402

NS = 10**9
T0 = 1_723_075_200 * NS  # a UTC midnight


def columns(ts, p, q, s) -> TradeColumns:
    return TradeColumns(ts, ts, p, q, s.astype(np.int8), np.arange(ts.shape[0], dtype=np.int64))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prints", type=int, default=2_000_000)
    ap.add_argument("--frames", type=int, default=600)
    args = ap.parse_args()
    _app = QtWidgets.QApplication([])
    rng = np.random.default_rng(1)
    n = args.prints
    ts = T0 + np.sort(rng.integers(0, 20 * 3600 * NS, n))
    p = (600_000 + rng.normal(0, 5000, n)).astype(np.int64)
    q = rng.integers(1, 50, n).astype(np.int64)
    s = np.where(rng.random(n) < 0.5, 1, -1).astype(np.int64)
    vb = pg.ViewBox()
    plot = pg.PlotItem()
    profile = FootprintSessionProfile(vb, lambda: 0)
    vwap = VwapBands(plot)
    t = time.perf_counter()
    profile.reset(1, SessionSchedule(), columns(ts, p, q, s))
    vwap.reset(60, SessionSchedule(), columns(ts, p, q, s))
    vwap.draw()
    load_s = time.perf_counter() - t
    prof_ms, vwap_ms = [], []
    t_next = int(ts[-1])
    for f in range(args.frames):
        k = rng.integers(0, n - 30)
        ft = t_next + np.arange(30, dtype=np.int64) * 1000 + f * 16_000_000
        batch = columns(ft, p[k : k + 30], q[k : k + 30], s[k : k + 30])
        t = time.perf_counter()
        profile.feed(batch)
        profile.draw()
        prof_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        vwap.feed(batch)
        vwap.draw()
        vwap_ms.append((time.perf_counter() - t) * 1000)
    levels = profile.item.shape_value.rows()[0].size if profile.item.shape_value else 0
    machine = platform.processor() or platform.machine()
    print(f"{datetime.now(UTC):%Y-%m-%d} · {machine} · {os.cpu_count()} cores")
    print(f"session: {n:,} prints, {levels:,} price rows; first build {load_s:.2f} s\n")
    print("| per frame (30 prints) | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|")
    for name, ms in (("session profile (footprint)", prof_ms), ("VWAP ±1σ/2σ (CVD)", vwap_ms)):
        a = np.array(ms)
        print(f"| {name} | {np.percentile(a, 50):.3f} | {np.percentile(a, 99):.3f} | {a.max():.3f} |")


if __name__ == "__main__":
    main()
