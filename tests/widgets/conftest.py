"""Fixtures for view tests: a market state replayed from the real recording, and an instrument."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.instrument import Instrument
from app.core.market import MarketState
from app.feeds.replay import run_replay
from app.venues.registry import resolve_instrument


@pytest.fixture(scope="session")
def btcusdt() -> Instrument:
    return resolve_instrument("binance-usdm", "BTCUSDT")


@pytest.fixture(scope="session")
def replayed_market(btcusdt_recording: Path) -> MarketState:
    """The whole bundled BTCUSDT recording replayed (shared: views must not mutate it)."""
    return run_replay([btcusdt_recording]).market
