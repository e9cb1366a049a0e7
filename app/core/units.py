"""Time units, in one place: every timestamp in the app is integer nanoseconds.

Exchanges stamp in milliseconds (Binance, Bybit, OKX, Hyperliquid) or microseconds; the parsers
multiply once at the edge, and everything above works in `_ns`.
"""

from __future__ import annotations

NS_PER_US = 1_000
NS_PER_MS = 1_000_000
NS_PER_S = 1_000_000_000
NS_PER_MIN = 60 * NS_PER_S
NS_PER_HOUR = 60 * NS_PER_MIN
NS_PER_DAY = 24 * NS_PER_HOUR
