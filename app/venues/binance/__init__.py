"""Binance USD-M and COIN-M futures: wire schema, decoder, book sync, instruments, adapters."""

from app.venues.binance.adapter import COINM, USDM, BinanceAdapter

__all__ = ["COINM", "USDM", "BinanceAdapter"]
