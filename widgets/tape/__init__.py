"""Time and sales: the prints, grouped into orders or raw."""

from widgets.tape.view import TapeView

__all__ = ["TapeView"]
