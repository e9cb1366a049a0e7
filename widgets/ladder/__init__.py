"""The DOM ladder: book, volume and click trading on one price column."""

from widgets.ladder.view import LadderView

__all__ = ["LadderView"]
