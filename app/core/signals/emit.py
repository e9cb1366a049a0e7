"""How detectors hand signals to the engine: with their place in the timeline.

A signal is keyed by (position, phase): the absolute tape index of the order that made it true
(phase 1), or of the first order after the depth change, liquidation or bar close that did
(phase 0). The engine sorts each batch's signals by that key, so the list it returns is the
timeline's order whatever the batch cuts (tests/core/signals/test_engine.py).
"""

from __future__ import annotations

import math

from app.core.instrument import Instrument
from app.core.signals.kinds import Signal

BEFORE = 0  # a depth change, a liquidation or a bar close just before the order at the position
AT = 1  # the order at the position

Emitted = list[tuple[int, int, Signal]]


def clamp01(x: float) -> float:
    """Strengths are in [0, 1]."""
    return 0.0 if math.isnan(x) or x < 0.0 else min(x, 1.0)


def qty(instrument: Instrument | None, lots: int) -> str:
    """Lots in the instrument's unit for a detail line (lots when there is no instrument)."""
    return f"{lots} lots" if instrument is None else instrument.qty_str(lots)


def price(instrument: Instrument | None, ticks: int) -> str:
    return f"{ticks} ticks" if instrument is None else instrument.price_str(ticks)
