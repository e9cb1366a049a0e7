"""Shared fixtures. Qt must be told to render offscreen before any QApplication exists."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from importlib.resources import as_file
from pathlib import Path

import pytest

from app.resources import bundled_recording

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may read or write the user's real settings, layouts or trade journal.
_SANDBOX = Path(tempfile.mkdtemp(prefix="scalpdesk-tests-"))
os.environ["SCALPDESK_CONFIG_DIR"] = str(_SANDBOX / "config")
os.environ["SCALPDESK_DATA_DIR"] = str(_SANDBOX / "data")


@pytest.fixture(scope="session")
def btcusdt_recording() -> Iterator[Path]:
    """The recording the app bundles, read from the package as an installed app reads it."""
    with as_file(bundled_recording()) as path:
        yield path


SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real recordings of other venues that sit beside the repository (never skipped)."""
    assert SHARED_DATA.is_dir(), f"{SHARED_DATA}: the recorded venue data is missing"
    return SHARED_DATA


# The local exchange stand-ins in tests/fakes are imported as `fakes.<venue>`.
sys.path.insert(0, str(Path(__file__).resolve().parent))
