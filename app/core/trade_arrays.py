"""Validation shared by every aggregate that takes a batch of prints as parallel columns.

Tape, footprint, CVD, profile and the CVD chart's series all accept the same column batches;
one function converts them to int64 and rejects a malformed batch with the same message
everywhere, so a caller's bug reads the same whichever aggregate caught it. It runs once per
batch per aggregate on the ingest path, so it is written for a few microseconds, not for beauty.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]

# Column names for the messages, per kind of caller.
TIME_PRICE_QTY_SIDE = ("exchange_ns", "price_ticks", "qty_lots", "side")
TIME_QTY_SIDE = ("exchange_ns", "qty_lots", "side")
PRICE_QTY_SIDE = ("price_ticks", "qty_lots", "side")


def trade_arrays(names: tuple[str, ...], *columns: npt.ArrayLike) -> list[I64]:
    """`columns` (named `names`, the last being the side) as int64 arrays.

    Raises ValueError unless all are 1-D of equal length and every side is +1 (buy) or -1 (sell).
    """
    arrays = [np.asarray(c, dtype=np.int64) for c in columns]
    shape = arrays[0].shape
    bad = len(shape) != 1
    for a in arrays:
        if a.shape != shape:
            bad = True
    if bad:
        raise ValueError(f"{', '.join(names[:-1])} and {names[-1]} must be 1-D arrays of equal length")
    if np.any(np.abs(arrays[-1]) != 1):
        raise ValueError("side must be +1 (buy) or -1 (sell)")
    return arrays
