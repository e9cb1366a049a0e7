"""What every view shares: the view contract, settings specs, caches, text, colours, painting."""

from widgets.base.view import MarketView

__all__ = ["MarketView"]
