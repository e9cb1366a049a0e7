"""Trades CSV: what a spreadsheet reads back for known round trips."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.events import OrderFilled, OrderOpened, PaperEvent
from app.core.paper.orders import Fill, Liquidity, Order, OrderKind, OrderRole
from app.core.paper.round_trips import round_trips
from app.core.paper.snapshot import tick_value_quote
from app.storage.trade_export import write_trades_csv

BTCUSDT = Instrument(
    "binance-usdm", "BTCUSDT", Decimal("0.1"), Decimal("0.001"), base_asset="BTC", quote_asset="USDT",
    quantity_unit="BTC",
)  # fmt: skip
T0 = 1_714_564_800_000_000_000  # 2024-05-01T12:00:00Z


def fill(ts_ns: int, side: Side, lots: int, price_ticks: int, fee: float) -> OrderFilled:
    return OrderFilled(Fill(ts_ns, 1, side, price_ticks, lots, Liquidity.TAKER, fee))


def test_known_trips_read_back_from_the_csv(tmp_path: Path) -> None:
    events: list[PaperEvent] = [
        # long 0.003 BTC: 2 lots @ 65000.0, 1 lot @ 65000.1 → avg 650000.333… ticks = 65000.0333…
        fill(T0 + 123_456_789, Side.BUY, 2, 650_000, 0.05),
        OrderOpened(T0 + 123_456_789, Order(9, Side.SELL, OrderKind.STOP, 2, 649_990, OrderRole.STOP_LOSS)),
        fill(T0 + 500_000_000, Side.BUY, 1, 650_001, 0.025),
        fill(T0 + 65_623_456_789, Side.SELL, 3, 650_010, 0.075),  # +29 tick-lots, held 65.5 s
        # short 0.001 BTC, no stop, loses 5 ticks
        fill(T0 + 70_000_000_000, Side.SELL, 1, 650_020, 0.025),
        fill(T0 + 70_250_000_000, Side.BUY, 1, 650_025, 0.025),
    ]
    trips = round_trips(events, tick_value_quote(BTCUSDT))
    path = tmp_path / "exports" / "trades.csv"

    written = write_trades_csv(path, trips, BTCUSDT)

    assert written == 2
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "trip", "side", "qty_btc", "entry_time_utc", "exit_time_utc", "hold_s", "entry_avg", "exit_avg",
        "pnl_ticks", "gross_usdt", "fees_usdt", "net_usdt", "r",
    ]  # fmt: skip
    long, short = rows
    assert long == {
        "trip": "1",
        "side": "Long",
        "qty_btc": "0.003",
        "entry_time_utc": "2024-05-01T12:00:00.123Z",
        "exit_time_utc": "2024-05-01T12:01:05.623Z",
        "hold_s": "65.500",
        "entry_avg": "65000.0333",
        "exit_avg": "65001.0000",
        "pnl_ticks": "9.67",  # 29 tick-lots / 3 lots
        "gross_usdt": "0.00290000",  # 29 × 0.0001
        "fees_usdt": "0.15000000",
        "net_usdt": "-0.14710000",
        "r": "-73.550",  # stop opened after 2 lots: |2 × 650000 − 2 × 649990| = 20 tick-lots = 0.002 USDT
    }
    assert short["side"] == "Short"
    assert (short["entry_avg"], short["exit_avg"], short["pnl_ticks"]) == (
        "65002.0000",
        "65002.5000",
        "-5.00",
    )
    assert short["net_usdt"] == "-0.05050000"
    assert short["r"] == ""
    assert not list(path.parent.glob(".*tmp"))


def test_an_export_replaces_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "trades.csv"
    path.write_text("old contents that must go\n" * 50)

    written = write_trades_csv(path, [], BTCUSDT)

    assert written == 0
    lines = path.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("trip,side,qty_btc,")
