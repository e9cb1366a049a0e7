"""Shared fixtures. Qt must be told to render offscreen before any QApplication exists."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may read or write the user's real settings, layouts or trade journal.
_SANDBOX = Path(tempfile.mkdtemp(prefix="scalpdesk-tests-"))
os.environ["SCALPDESK_CONFIG_DIR"] = str(_SANDBOX / "config")
os.environ["SCALPDESK_DATA_DIR"] = str(_SANDBOX / "data")

DATA = Path(__file__).parent / "data"
BTCUSDT_RECORDING = DATA / "btcusdt_20240808.gz"


@pytest.fixture(scope="session")
def btcusdt_recording() -> Path:
    return BTCUSDT_RECORDING
