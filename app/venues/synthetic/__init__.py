"""The synthetic market's venue adapter: its line format, decoder and instruments."""

from app.venues.synthetic.adapter import SYNTHETIC, SyntheticAdapter

__all__ = ["SYNTHETIC", "SyntheticAdapter"]
