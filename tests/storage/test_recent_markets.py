"""The recent markets of the picker: newest first, once each, bounded, and a damaged file kept aside."""

from __future__ import annotations

from app.storage.recent_markets import KEEP, Market, RecentMarkets


def test_a_market_opened_again_moves_to_the_front_once(tmp_path):
    store = RecentMarkets(tmp_path)
    store.add(Market("bybit-linear", "BTCUSDT"))
    store.add(Market("okx-swap", "BTC-USDT-SWAP"))

    markets = store.add(Market("bybit-linear", "BTCUSDT"))

    assert markets == [Market("bybit-linear", "BTCUSDT"), Market("okx-swap", "BTC-USDT-SWAP")]
    assert RecentMarkets(tmp_path).load() == markets


def test_the_list_is_bounded(tmp_path):
    store = RecentMarkets(tmp_path)
    for i in range(KEEP + 5):
        store.add(Market("binance-usdm", f"S{i}USDT"))

    assert len(store.load()) == KEEP and store.load()[0].symbol == f"S{KEEP + 4}USDT"


def test_a_damaged_file_is_kept_aside_and_the_list_starts_empty_with_a_notice(tmp_path):
    (tmp_path / "markets.json").write_text("{not json", "utf-8")
    store = RecentMarkets(tmp_path)

    assert store.load() == []
    assert store.notice is not None and "damaged" in store.notice
    assert (tmp_path / "markets.json.corrupt-1").exists()


def test_servers_in_the_file_are_read_and_kept_when_the_list_changes(tmp_path):
    (tmp_path / "markets.json").write_text(
        '{"version": 1, "recent": [], "servers": {"ws_url": "ws://127.0.0.1:9001", "rest_url": ""}}', "utf-8"
    )
    store = RecentMarkets(tmp_path)

    store.add(Market("bybit-linear", "BTCUSDT"))

    assert store.servers() == ("ws://127.0.0.1:9001", None)
    assert store.load() == [Market("bybit-linear", "BTCUSDT")]
