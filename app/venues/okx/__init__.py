"""OKX v5 perpetual swaps: wire schema, decoder, book sync, instruments, adapter."""

from app.venues.okx.adapter import OKX_SWAP, OkxAdapter

__all__ = ["OKX_SWAP", "OkxAdapter"]
