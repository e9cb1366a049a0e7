"""Validation shared by every aggregate that takes a batch of prints as parallel columns.

Tape, footprint, CVD, profile and the CVD chart's series all accept the same column batches;
one function converts them to int64 and rejects a malformed batch with the same message
everywhere, so a caller's bug reads the same whichever aggregate caught it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


def trade_arrays(**columns: npt.ArrayLike) -> list[I64]:
    """The named columns as int64 arrays, in the order given; the last one must be `side`.

    Raises ValueError unless all are 1-D of equal length and every side is +1 (buy) or -1 (sell).
    """
    names = list(columns)
    arrays = [np.asarray(columns[name], dtype=np.int64) for name in names]
    n = arrays[0].shape[0] if arrays[0].ndim == 1 else -1
    if any(a.shape != (n,) for a in arrays):
        raise ValueError(f"{', '.join(names[:-1])} and {names[-1]} must be 1-D arrays of equal length")
    if np.any(np.abs(arrays[-1]) != 1):
        raise ValueError("side must be +1 (buy) or -1 (sell)")
    return arrays
