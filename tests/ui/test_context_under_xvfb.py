"""The market context as a user sees it: the app on the synthetic liquidation cascade under Xvfb.

`scalpdesk --synthetic liquidation_cascade` plays a cascade of forced orders about ten seconds in;
the screenshot just after it must show them in the liquidation violet (the tape's LIQ rows have a
solid violet edge), and the run must end cleanly."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6 import QtGui

from widgets.base import palette

from .test_app_under_xvfb import ROOT, xserver  # noqa: F401 (fixture)


@pytest.mark.slow
def test_a_liquidation_cascade_shows_in_violet_on_screen(xserver, tmp_path):  # noqa: F811
    shot = tmp_path / "cascade.png"
    env = {**os.environ, "DISPLAY": xserver, "QT_QPA_PLATFORM": "xcb", "SCALPDESK_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--synthetic", "liquidation_cascade", "--exit-after", "12.5",
         "--screenshot", str(shot)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    image = QtGui.QImage(str(shot)).convertToFormat(QtGui.QImage.Format.Format_RGB32)
    assert image.width() >= 1200 and image.height() >= 700
    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height()) & 0xFFFFFF
    violet = palette.LIQUIDATION.rgb() & 0xFFFFFF
    assert int((pixels == violet).sum()) >= 3 * 12 * 3, "no liquidation rows or marks on screen"
