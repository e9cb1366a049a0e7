"""The CVD chart: price bars over cumulative volume delta, with divergences."""

from widgets.cvd.view import CvdView

__all__ = ["CvdView"]
