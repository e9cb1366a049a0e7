"""The paper round trips and their statistics."""

from widgets.trades.view import TradesView

__all__ = ["TradesView"]
