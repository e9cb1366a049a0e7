"""Memory after a day of BTC-like flow on four venues (budget: ≤ 600 MB RSS after 24 h, ~15 M prints).

Synthetic, deterministic flow pushed straight into `--venues` MarketStates (one per venue, as the
window runs them: no summary-only aggregates): `--prints` over 24 h split between them, in
live-sized batches (a random-walk price around 60,000.0 with tick 0.1), plus a book diff of 60
levels per batch so the book keeps churning. Prints RSS before and after, and the sizes of the
structures that grow. Run with `bash scripts/bench.sh` or directly.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.market import MarketState  # noqa: E402
from app.core.tape import TradeColumns  # noqa: E402
from app.venues.registry import resolve_instrument  # noqa: E402

DAY_NS = 86_400 * 1_000_000_000


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prints", type=int, default=15_000_000)
    parser.add_argument("--venues", type=int, default=4)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    rng = np.random.default_rng(20240808)
    instrument = resolve_instrument("binance-usdm", "BTCUSDT")
    start_ns = 1_723_075_200 * 1_000_000_000  # 2024-08-08 00:00 UTC
    before = rss_mb()
    markets = [MarketState(instrument) for _ in range(args.venues)]
    price = 600_000
    n = args.prints
    batches = n // args.batch
    t0 = time.perf_counter()
    for b in range(batches):
        market = markets[b % len(markets)]
        k = args.batch
        ts = start_ns + (np.arange(b * k, (b + 1) * k, dtype=np.int64) * (DAY_NS // n))
        steps = rng.integers(-2, 3, size=k)
        prices = price + np.cumsum(steps)
        price = int(prices[-1])
        qty = rng.integers(1, 2000, size=k)
        side = np.where(rng.random(k) < 0.5, 1, -1).astype(np.int8)
        ids = np.arange(b * k, (b + 1) * k, dtype=np.int64)
        market.apply_trades(TradeColumns(ts, ts + 5_000_000, prices.astype(np.int64), qty, side, ids))
        levels = [(price - 30 + i, int(q)) for i, q in enumerate(rng.integers(0, 5000, size=60))]
        market.book.apply(levels[:30], levels[30:], b, int(ts[-1]))
    seconds = time.perf_counter() - t0
    after = rss_mb()
    print(f"# memory benchmark — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC")
    print(
        f"{n:,} prints over 24 h on {args.venues} venues in batches of {args.batch}, {seconds:.1f} s to apply"
    )
    print(f"RSS before MarketState: {before:.0f} MB; after: {after:.0f} MB")
    print(
        f"tape holds {len(market.tape):,} of {market.tape.total:,} prints "
        f"(capacity {market.tape.capacity:,}, {market.tape.bytes_per_print} B a print); "
        f"footprint bars kept {len(market.bars.bars):,} (closed {market.bars.closed_count:,}); "
        f"book levels {len(market.book):,} (each venue)"
    )


if __name__ == "__main__":
    main()
