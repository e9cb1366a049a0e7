"""One base asset across venues: the common grid and unit, and the merged market (issue 13)."""

from app.core.aggregate.instrument import AggregateError, AggregateInstrument, LegScale
from app.core.aggregate.market import AggregateMarket, AggregateState

__all__ = [
    "AggregateError",
    "AggregateInstrument",
    "AggregateMarket",
    "AggregateState",
    "LegScale",
    "aggregate_of",
]


def aggregate_of(market: object) -> AggregateMarket | None:
    """The aggregate behind a view's market state, or None for one venue's market."""
    return market.aggregate if isinstance(market, AggregateState) else None
