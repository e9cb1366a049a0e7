"""The domain, pure: stdlib + numpy only. No Qt, no asyncio, no I/O, no wall clock.

Prices are integer ticks and quantities integer lots of an `Instrument`; time is passed in as
integer nanoseconds. Everything here is deterministic and testable without a display.
"""
