"""Shared fixtures. Qt must be told to render offscreen before any QApplication exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
BTCUSDT_RECORDING = DATA / "btcusdt_20240808.gz"


@pytest.fixture(scope="session")
def btcusdt_recording() -> Path:
    return BTCUSDT_RECORDING
