"""Instrument: exact decimal string <-> integer ticks/lots, its cache, and exact average prices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.instrument import (
    GRID_CACHE_LIMIT,
    Instrument,
    OffGridError,
    decimal_to_steps,
    steps_to_decimal,
)

INT62 = st.integers(min_value=-(2**62), max_value=2**62)  # MAX_STEPS: int64 with headroom for sums
STEPS = st.sampled_from([Decimal("0.1"), Decimal("0.01"), Decimal("0.5"), Decimal("5"), Decimal("0.00001")])


def btcusdt(tick: str = "0.1", lot: str = "0.001") -> Instrument:
    return Instrument(venue="binance-usdm", symbol="BTCUSDT", tick_size=Decimal(tick), lot_size=Decimal(lot))


# --- strings to integers and back --------------------------------------------------------------


def test_price_string_becomes_ticks_and_formats_back_without_the_trailing_zero():
    inst = btcusdt()

    ticks = inst.ticks("61800.30")

    assert ticks == 618003
    assert inst.price_str(ticks) == "61800.3"
    assert inst.price(ticks) == Decimal("61800.3")


def test_quantity_string_becomes_lots_and_formats_back():
    inst = btcusdt()

    lots = inst.lots("0.006")

    assert lots == 6
    assert inst.qty_str(lots) == "0.006"


def test_decimal_arguments_convert_like_strings():
    inst = btcusdt()

    assert inst.ticks(Decimal("61800.30")) == 618003
    assert inst.lots(Decimal("0.006")) == 6


def test_feed_prices_and_sizes_are_never_negative():
    inst = btcusdt()

    with pytest.raises(OffGridError, match="negative"):
        inst.ticks("-0.3")
    with pytest.raises(OffGridError, match="negative"):
        inst.lots("-0.006")


def test_signed_values_convert_exactly_outside_the_feed_cache():
    assert decimal_to_steps("-0.3", Decimal("0.1")) == -3
    assert decimal_to_steps("-0.006", Decimal("0.001")) == -6


@pytest.mark.parametrize("text", ["61800.35", "61800.01", "0.05", "-0.05"])
def test_off_grid_price_raises(text):
    inst = btcusdt()

    with pytest.raises(OffGridError):
        inst.ticks(text)


def test_off_grid_quantity_raises():
    inst = btcusdt()

    with pytest.raises(OffGridError):
        inst.lots("0.0005")


@pytest.mark.parametrize(
    "text", ["abc", "NaN", "nan", "sNaN", "inf", "-Infinity", "", "1.2.3", " 5", "5_0", "-", "."]
)
def test_garbage_raises_off_grid_error(text):
    inst = btcusdt()

    with pytest.raises(OffGridError):
        inst.ticks(text)
    with pytest.raises(OffGridError):
        inst.lots(text)


def test_off_grid_error_is_a_value_error_so_parsers_can_catch_it_generically():
    with pytest.raises(ValueError):
        decimal_to_steps("abc", Decimal("0.1"))


def test_off_grid_text_is_not_cached_and_raises_every_time():
    inst = btcusdt()

    for _ in range(2):
        with pytest.raises(OffGridError):
            inst.ticks("61800.35")

    assert "61800.35" not in inst.price_ticks


def test_tick_written_with_a_trailing_zero_gives_the_same_ticks():
    coarse = btcusdt(tick="0.1")
    padded = btcusdt(tick="0.10")

    for text in ["61800.30", "61800.3", "0.1", "12.7"]:
        assert padded.ticks(text) == coarse.ticks(text)
    assert padded.price(618003) == coarse.price(618003) == Decimal("61800.3")


def test_negative_lots_format_with_a_minus_sign():
    inst = btcusdt()

    assert inst.qty_str(-6) == "-0.006"
    assert inst.qty_str(-1500) == "-1.500"
    assert inst.price_str(-618003) == "-61800.3"


def test_zero_formats_with_the_step_decimals():
    inst = btcusdt()

    assert inst.qty_str(0) == "0.000"
    assert inst.price_str(0) == "0.0"


def test_large_values_format_in_plain_notation():
    inst = btcusdt(tick="0.00001", lot="5")

    assert inst.price_str(10**15) == "10000000000.00000"
    assert inst.price_str(1) == "0.00001"
    assert inst.qty_str(3) == "15"


def test_non_positive_tick_or_lot_is_rejected():
    with pytest.raises(ValueError):
        btcusdt(tick="0")
    with pytest.raises(ValueError):
        btcusdt(lot="-0.001")


@given(n=INT62, step=STEPS)
def test_steps_survive_a_round_trip_through_their_decimal_string(n, step):
    assert decimal_to_steps(str(steps_to_decimal(n, step)), step) == n


@given(n=INT62, step=STEPS)
def test_formatted_decimal_has_exactly_the_step_decimals(n, step):
    value = steps_to_decimal(n, step)

    assert value == Decimal(n) * step
    assert value.as_tuple().exponent == min(step.as_tuple().exponent, 0)


# --- average price from a ratio ----------------------------------------------------------------


def test_average_price_exactly_half_at_the_fifth_decimal_rounds_to_the_even_digit():
    inst = btcusdt()
    # Σ ticks·lots / Σ lots = 618001.2345 ticks = 61800.12345 exactly: the 4th decimal 4 is even.
    assert inst.price_from_ratio(6180012345, 10000, 4) == "61800.1234"
    # 61800.12355 exactly: the 4th decimal 5 is odd, so the half goes up to 6.
    assert inst.price_from_ratio(6180012355, 10000, 4) == "61800.1236"


def test_average_price_is_exact_for_sums_beyond_float_precision():
    inst = btcusdt()
    k = 10**12  # Σ lots of 10^16: Σ ticks·lots ≈ 6·10^21, far beyond a double's 2^53
    lots = 10000 * k
    half = 6180012355 * k  # exactly 61800.12355, the tie case above

    assert inst.price_from_ratio(half, lots, 4) == "61800.1236"
    # One tick·lot below the tie is 61800.12355 − 10^-17: below half, so it rounds down.
    assert inst.price_from_ratio(half - 1, lots, 4) == "61800.1235"
    # Just above the even tie 61800.12345 it must round up, not to the even digit.
    assert inst.price_from_ratio(6180012345 * k + 1, lots, 4) == "61800.1235"


def test_average_price_keeps_requested_decimals_and_is_empty_without_volume():
    inst = btcusdt()

    assert inst.price_from_ratio(618003 * 7, 7, 2) == "61800.30"
    assert inst.price_from_ratio(0, 0, 4) == ""


# --- the cache ---------------------------------------------------------------------------------


def test_cache_serves_the_same_value_as_the_exact_conversion():
    inst = btcusdt()

    first = inst.price_ticks["61800.30"]
    again = inst.price_ticks["61800.30"]

    assert first == again == decimal_to_steps("61800.30", Decimal("0.1")) == 618003
    assert inst.price_ticks["61800.30"] == 618003
    assert inst.qty_lots["0.006"] == 6


def test_cache_is_cleared_when_it_reaches_its_limit_and_keeps_answering_exactly():
    inst = btcusdt()
    cache = inst.price_ticks
    cache.limit = 3  # type: ignore[attr-defined]

    for text in ["1.1", "1.2", "1.3"]:
        inst.ticks(text)
    assert len(cache) == 3

    assert inst.ticks("1.4") == 14  # the 4th distinct string clears the cache first
    assert dict(cache) == {"1.4": 14}

    for text, expected in [("1.1", 11), ("1.2", 12), ("1.4", 14), ("1.3", 13), ("1.5", 15)]:
        assert inst.ticks(text) == expected
        assert len(cache) <= 3


@given(
    values=st.lists(
        st.tuples(st.integers(0, 10**12), st.sampled_from(["", "0", "00"])),
        min_size=1,
        max_size=40,
    ),
    limit=st.integers(1, 5),
)
def test_limited_cache_always_agrees_with_the_uncached_function(values, limit):
    inst = btcusdt()
    caches = (inst.price_ticks, inst.qty_lots)  # shared by every instrument with these steps
    for cache in caches:
        cache.clear()
        cache.limit = limit  # type: ignore[attr-defined]
    try:
        for n, padding in values:
            price_text = inst.price_str(n) + padding
            qty_text = inst.qty_str(n) + padding
            assert inst.ticks(price_text) == decimal_to_steps(price_text, inst.tick_size) == n
            assert inst.lots(qty_text) == decimal_to_steps(qty_text, inst.lot_size) == n
            assert len(inst.price_ticks) <= limit
            assert len(inst.qty_lots) <= limit
    finally:
        for cache in caches:
            cache.limit = GRID_CACHE_LIMIT  # type: ignore[attr-defined]


def outcome(convert, text):
    """("ok", steps) or ("error", exception type) — so cached and uncached paths can be compared."""
    try:
        return ("ok", convert(text))
    except Exception as exc:
        return ("error", type(exc))


# Plain "123.45" strings take the cache's integer fast path; signs, exponents, "5." and ".5" take
# the Decimal path; anything else must be rejected by both the same way.
DECIMALISH = st.one_of(
    st.from_regex(r"\A-?[0-9]{1,20}(\.[0-9]{1,8})?\Z"),
    st.from_regex(r"\A[-+]?([0-9]{0,6}\.?[0-9]{0,6})([eE][-+]?[0-9])?\Z"),  # within 28 digits
    st.text(alphabet="0123456789.-+ nN_", max_size=12),
)


@given(texts=st.lists(DECIMALISH, min_size=1, max_size=20), step=STEPS, limit=st.integers(1, 4))
def test_cached_conversion_agrees_with_decimal_to_steps_on_any_text(texts, step, limit):
    inst = Instrument(venue="v", symbol="S", tick_size=step, lot_size=step)
    inst.price_ticks.limit = limit  # type: ignore[attr-defined]

    for text in texts:
        expected = outcome(lambda t: decimal_to_steps(t, step), text)
        if expected[0] == "ok" and expected[1] < 0:
            expected = ("error", OffGridError)  # the feed cache refuses negative prices and sizes
        assert outcome(inst.ticks, text) == expected
        assert expected[0] == "ok" or expected[1] is OffGridError


@pytest.mark.parametrize(
    ("text", "exact_ticks"),
    [("1" + "0" * 30 + ".1", 10**31 + 1), ("1E30", 10**31), ("9" * 29, (10**29 - 1) * 10)],
)
def test_numbers_beyond_28_significant_digits_convert_exactly_or_raise_off_grid(text, exact_ticks):
    """The docstring promises the exact count or OffGridError; the Decimal default context has 28
    digits, so divmod must not be left to raise decimal.InvalidOperation (an ArithmeticError that a
    caller catching ValueError misses), and the cache's integer fast path must agree."""
    inst = btcusdt()

    cached = outcome(inst.ticks, text)
    uncached = outcome(lambda t: decimal_to_steps(t, inst.tick_size), text)

    assert uncached in (("ok", exact_ticks), ("error", OffGridError))
    assert cached == uncached


def test_instruments_with_the_same_step_share_one_grid_cache_and_convert_alike():
    """A replay builds a new instrument at each pass: the strings it has seen stay converted."""
    first = Instrument("v", "AAA", Decimal("0.10"), Decimal("0.001"))
    again = Instrument("v", "AAA", Decimal("0.1"), Decimal("0.001"))
    other = Instrument("v", "BBB", Decimal("0.5"), Decimal("0.001"))

    assert first.ticks("61800.30") == 618003
    assert again.price_ticks is first.price_ticks  # 0.10 and 0.1 are one step
    assert "61800.30" in again.price_ticks
    assert other.price_ticks is not first.price_ticks
    assert other.ticks("61800.50") == 123601
