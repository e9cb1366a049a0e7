"""Hyperliquid perpetuals: wire schema, decoder, image book sync, instruments, adapter."""

from app.venues.hyperliquid.adapter import HYPERLIQUID, HyperliquidAdapter

__all__ = ["HYPERLIQUID", "HyperliquidAdapter"]
