"""The tape stores price, quantity and receive lag as int32 while they fit, and widens exactly when not."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.tape import Tape, TradeColumns

SEC = 10**9
T0 = 1_723_161_600 * SEC


def rows_of(cols: TradeColumns) -> list[tuple[int, ...]]:
    return [tuple(int(c[i]) for c in cols) for i in range(cols.size)]


def test_a_btc_day_is_kept_at_29_bytes_a_print_and_read_back_as_int64():
    tape = Tape(capacity=8)
    rows = [
        (T0 + k, T0 + k + 3_000_000, 600_000 + k, 5 + k, 1 if k % 2 else -1, 5_266_583_935 + k)
        for k in range(5)
    ]
    tape.extend(TradeColumns.from_rows(rows))
    back = tape.all()
    assert rows_of(back) == rows
    assert all(c.dtype == np.int64 for c in back[:4]) and back.side.dtype == np.int8
    assert tape.bytes_per_print == 29


def test_values_that_do_not_fit_int32_widen_the_column_and_lose_nothing():
    tape = Tape(capacity=4)
    small = (T0, T0 + 1_000, 600_000, 5, 1, 1)
    far_price = (T0 + 1, T0 + 2, 600_000 + 3_000_000_000, 7, -1, 2)  # 3e9 ticks above the first
    huge_qty = (T0 + 2, T0 + 3, 600_001, 5_000_000_000, 1, 3)  # a 5e9-lot print (a tiny-lot coin)
    late = (T0 + 3, T0 + 3 + 5 * SEC, 600_002, 1, 1, 4)  # received 5 s after the exchange stamped it
    tape.extend(TradeColumns.from_rows([small]))
    assert tape.bytes_per_print == 29
    for row in (far_price, huge_qty, late):
        tape.extend(TradeColumns.from_rows([row]))
    assert rows_of(tape.all()) == [small, far_price, huge_qty, late]
    assert tape.bytes_per_print == 41  # all three narrow columns had to widen


def test_a_receive_time_before_the_exchange_time_is_kept_exactly():
    tape = Tape(capacity=4)
    skewed = (T0, T0 - 1_268_000_000, 600_000, 1, 1, 1)  # a recorder clock 1.27 s behind
    tape.extend(TradeColumns.from_rows([skewed]))
    assert rows_of(tape.all()) == [skewed] and tape.bytes_per_print == 29


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**12),
            st.integers(-(3 * 10**9), 3 * 10**9),
            st.integers(1, 3 * 10**9),
            st.integers(1, 3 * 10**9),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 9),
    st.integers(1, 12),
)
def test_whatever_is_stored_the_ring_returns_it_exactly(prints, batch_size, capacity):
    rows = [
        (T0 + dt, T0 + dt + lag, price, qty, 1 if k % 2 else -1, k)
        for k, (dt, lag, price, qty) in enumerate(sorted(prints))
    ]
    tape = Tape(capacity=capacity)
    for i in range(0, len(rows), batch_size):
        tape.extend(TradeColumns.from_rows(rows[i : i + batch_size]))
    assert rows_of(tape.all()) == rows[-capacity:]


def test_a_large_batch_that_does_not_fit_widens_as_a_small_one_does():
    tape = Tape(capacity=200)
    rows = [(T0 + k, T0 + k, 600_000 + k * 40_000_000, 1, 1, k) for k in range(100)]  # up to 4e9 ticks
    tape.extend(TradeColumns.from_rows(rows))
    assert rows_of(tape.all()) == rows and tape.bytes_per_print == 33
