"""--ws-url / --rest-url keep the venue's paths and change only scheme, host and port."""

from __future__ import annotations

import pytest

from app.feeds.live.endpoints import EndpointError, Endpoints


def test_the_host_changes_and_the_venue_path_and_query_stay():
    to = Endpoints(ws_url="ws://127.0.0.1:9001", rest_url="http://127.0.0.1:9002")

    assert to.rewrite("wss://fstream.binance.com/market/stream?streams=btcusdt@trade") == (
        "ws://127.0.0.1:9001/market/stream?streams=btcusdt@trade"
    )
    assert to.rewrite("https://fapi.binance.com/fapi/v1/depth") == "http://127.0.0.1:9002/fapi/v1/depth"
    assert to.rewrite("wss://ws.okx.com:8443/ws/v5/public") == "ws://127.0.0.1:9001/ws/v5/public"


def test_without_overrides_urls_are_the_venue_own():
    assert Endpoints().rewrite("wss://api.hyperliquid.xyz/ws") == "wss://api.hyperliquid.xyz/ws"


@pytest.mark.parametrize("bad", ["127.0.0.1:9001", "http://x", "ws://"])
def test_a_bad_ws_base_is_refused_in_one_line(bad):
    with pytest.raises(EndpointError, match="bad base URL"):
        Endpoints(ws_url=bad)
