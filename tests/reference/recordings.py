"""Real BTC recordings of three venues, for the aggregate's tests.

Binance USD-M BTCUSDT (the bundled day), Hyperliquid BTC, and OKX's BTC-USD-220527 inverse future
from the 2022 capture (its only BTC derivative: contracts of 100 USD). The OKX adapter tells
swaps apart by their stream, so that future is named by a sidecar, with the contract's real
metadata (OKX's BTC-USD futures: ctVal 100 USD, tickSz 0.1, lotSz 1), beside a copy of the capture.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

OKX_FUTURE = {
    "venue": "okx-swap",
    "symbol": "BTC-USD-220527",
    "instrument": {
        "instId": "BTC-USD-220527",
        "ctType": "inverse",
        "ctVal": "100",
        "ctMult": "1",
        "tickSz": "0.1",
        "lotSz": "1",
    },
}


def okx_btc_future(shared_data: Path, directory: Path) -> Path:
    """A copy of the OKX capture with a sidecar naming its BTC inverse future."""
    path = directory / "okx_btc_usd_220527.ws"
    if not path.exists():
        shutil.copyfile(shared_data / "okx" / "OKX.ws.1.0", path)
        (directory / "okx_btc_usd_220527.ws.json").write_text(json.dumps(OKX_FUTURE), encoding="utf-8")
    return path


def btc_recordings(shared_data: Path, btcusdt: Path, directory: Path) -> list[Path]:
    """Binance, Hyperliquid and OKX recordings of BTC perpetual-style contracts."""
    return [
        btcusdt,
        shared_data / "hyperliquid" / "btcusd_20250126.gz",
        okx_btc_future(shared_data, directory),
    ]
