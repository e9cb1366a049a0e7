"""One base asset across venues: the common grid and unit, and the merged market (issue 13)."""

from app.core.aggregate.instrument import AggregateError, AggregateInstrument, LegScale
from app.core.aggregate.market import AggregateMarket

__all__ = ["AggregateError", "AggregateInstrument", "AggregateMarket", "LegScale"]
