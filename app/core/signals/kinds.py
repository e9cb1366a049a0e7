"""What a signal is, shared by the detectors, the synthetic market's labels and the drills.

One vocabulary on purpose: a synthetic scenario is labelled with the same `SignalKind` a detector
reports, so precision and recall are a join on (kind, time, price) and a drill can ask for "the
absorption" whether it comes from a label (synthetic) or a detection (recording).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SignalKind(enum.Enum):
    """The order-flow reads scalpers trade; the value is the stable name in JSON and SQLite."""

    ABSORPTION = "absorption"  # heavy aggression into a level while price holds
    EXHAUSTION = "exhaustion"  # shrinking delta into a new extreme
    STACKED_IMBALANCE = "stacked_imbalance"  # consecutive diagonal imbalances, a zone until retested
    SWEEP = "sweep"  # one aggressor through several levels into a thin book beyond
    ICEBERG = "iceberg"  # a level traded for more than it showed, and refilled
    PULLED_WALL = "pulled_wall"  # large resting size removed without trades as price nears
    CVD_DIVERGENCE = "cvd_divergence"  # price makes a new extreme, CVD does not
    LARGE_PRINT = "large_print"  # one aggressor order far above the usual size
    LIQUIDATION_CASCADE = "liquidation_cascade"  # forced orders clustered in time and direction


@dataclass(frozen=True, slots=True)
class Signal:
    """One detection (or one label of a synthetic scenario).

    `side` is the direction the read points to (+1 up, -1 down, 0 none), not the aggressor:
    a sell absorption at a bid is +1 (buyers held), a long-liquidation cascade is -1.
    `strength` is the detector's own measure in [0, 1], for sorting and filtering alerts.
    """

    kind: SignalKind
    ts_ns: int  # exchange time at which the signal became true (for labels: the scenario's peak)
    price_ticks: int
    side: int
    strength: float = 1.0
    end_ns: int | None = None  # for zones and labelled scenarios: when it stopped being true
    detail: str = ""  # one short human line for the alert log, e.g. "42.5 BTC absorbed in 3.1 s"
