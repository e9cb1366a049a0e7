"""The aggregate's instrument formats its base units as a plain `Instrument` of the same grid does."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.core.aggregate import AggregateInstrument
from app.core.aggregate.instrument import UnitInstrument
from app.core.instrument import Instrument
from app.venues.registry import adapter

LEGS = [
    adapter("binance-usdm").instrument("BTCUSDT"),
    adapter("hyperliquid").instrument("BTC"),
    adapter("okx-swap").instrument("BTC-USD-SWAP"),
]
AGG = AggregateInstrument.of(LEGS).instrument


STEPS = st.sampled_from(["1E-8", "5E-9", "0.001", "0.5", "1", "1.0", "10", "1E+1", "25"])


@given(st.integers(min_value=-(10**20), max_value=10**20), STEPS, STEPS)
def test_a_size_and_a_price_are_the_same_decimals_as_a_plain_instrument_gives(
    steps: int, lot: str, tick: str
):
    fast = UnitInstrument("aggregate", "BTC", Decimal(tick), Decimal(lot), base_asset="BTC")
    plain = Instrument("aggregate", "BTC", Decimal(tick), Decimal(lot), base_asset="BTC")

    got = (fast.qty(steps), fast.price(steps))
    want = (plain.qty(steps), plain.price(steps))

    assert (got, tuple(map(str, got))) == (want, tuple(map(str, want)))
    assert (fast.qty_str(steps), fast.price_str(steps)) == (plain.qty_str(steps), plain.price_str(steps))


def test_the_aggregate_of_three_btc_venues_counts_in_satoshis_through_the_fast_path():
    assert isinstance(AGG, UnitInstrument)
    assert AGG.lot_size == Decimal("1E-8")
    assert AGG.qty_str(123_456_789) == "1.23456789"
