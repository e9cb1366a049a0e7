"""compact_qty's integer path says exactly what the Decimal → float formatting says, for every lot size."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.instrument import Instrument
from widgets.base.fmt import compact_qty


def reference(instrument: Instrument, lots: int) -> str:
    """The rule as first written: the exact Decimal quantity as a float, K/M above 1,000."""
    value = float(instrument.qty(abs(lots)))
    sign = "-" if lots < 0 else ""
    if value >= 1_000_000:
        return f"{sign}{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{sign}{value / 1_000:.0f}K"
    if value >= 1_000:
        return f"{sign}{value / 1_000:.1f}K"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return sign + (text or "0")


LOTS = ("1", "0.1", "0.01", "0.001", "0.0001", "0.5", "25")
INSTRUMENTS = {lot: Instrument("test", "TEST", Decimal("0.1"), Decimal(lot)) for lot in LOTS}


@settings(deadline=None)  # a loaded machine is no reason to fail
@given(st.sampled_from(LOTS), st.integers(-(10**13), 10**13))
def test_every_lot_size_formats_as_the_reference(lot: str, lots: int) -> None:
    inst = INSTRUMENTS[lot]
    assert compact_qty(inst, lots) == reference(inst, lots)


def test_the_edges_of_the_exact_range(btcusdt: Instrument) -> None:
    assert compact_qty(btcusdt, 999_999) == "999.999"
    assert compact_qty(btcusdt, 1_000_000) == "1.0K"
    assert compact_qty(btcusdt, -7) == "-0.007"
    assert compact_qty(btcusdt, 0) == "0"
    assert compact_qty(btcusdt, 12_300) == "12.3"
