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


LOTS = st.sampled_from(["1E-8", "5E-9", "0.001", "1", "1E+1"])


@given(st.integers(min_value=-(10**20), max_value=10**20), LOTS)
def test_a_size_is_the_same_decimal_as_a_plain_instrument_gives(lots: int, lot: str):
    fast = UnitInstrument("aggregate", "BTC", Decimal("0.1"), Decimal(lot), base_asset="BTC")
    plain = Instrument("aggregate", "BTC", Decimal("0.1"), Decimal(lot), base_asset="BTC")

    got, want = fast.qty(lots), plain.qty(lots)

    assert (got, str(got), fast.qty_str(lots)) == (want, str(want), plain.qty_str(lots))


def test_the_aggregate_of_three_btc_venues_counts_in_satoshis_through_the_fast_path():
    assert isinstance(AGG, UnitInstrument)
    assert AGG.lot_size == Decimal("1E-8")
    assert AGG.qty_str(123_456_789) == "1.23456789"
