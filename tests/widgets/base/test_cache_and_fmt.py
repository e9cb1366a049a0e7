"""The bounded cache and the account texts: plain data, no Qt."""

from __future__ import annotations

from app.core.instrument import Instrument
from widgets.base.cache import BoundedCache
from widgets.base.fmt import DASH, avg_price_text, money_text


def test_cache_keeps_entries_up_to_its_limit() -> None:
    cache: BoundedCache[int, str] = BoundedCache(2)

    for k in range(3):
        cache.put(k, str(k))

    assert dict(cache) == {0: "0", 1: "1", 2: "2"}


def test_cache_clears_before_the_insert_that_would_overgrow_it() -> None:
    cache: BoundedCache[int, str] = BoundedCache(2)
    for k in range(3):
        cache.put(k, str(k))

    value = cache.put(9, "nine")

    assert value == "nine"
    assert dict(cache) == {9: "nine"}


def test_money_text_has_cents_from_one_unit_and_four_decimals_below() -> None:
    assert money_text(1234.5, "USDT") == "+1,234.50 USDT"
    assert money_text(-0.0035, "USDT") == "-0.0035 USDT"
    assert money_text(-0.00001, "USDT") == "+0.0000 USDT"  # never a negative zero
    assert money_text(None) == DASH


def test_avg_price_shows_the_tick_decimals_and_up_to_three_more(btcusdt: Instrument) -> None:
    assert avg_price_text(btcusdt, 600_000.0) == "60000.0"
    assert avg_price_text(btcusdt, 600_004.5) == "60000.45"
    assert avg_price_text(btcusdt, 600_000 + 1 / 3) == "60000.0333"
    assert avg_price_text(btcusdt, None) == DASH
