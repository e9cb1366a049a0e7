"""Bybit v5 linear perpetuals: wire schema, decoder, book sync, instruments, adapter."""

from app.venues.bybit.adapter import BYBIT_LINEAR, BybitAdapter

__all__ = ["BYBIT_LINEAR", "BybitAdapter"]
