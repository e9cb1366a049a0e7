"""The footprint chart: bid/ask volume per price inside each bar."""

from widgets.footprint.view import FootprintView

__all__ = ["FootprintView"]
