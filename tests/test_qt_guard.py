"""PySide6 6.12.0 decrements None's refcount on every void call and aborts CPython 3.11
(docs/ARCHITECTURE.md, "Qt and qasync facts"). This guard fails loudly if such a build is ever
installed again."""

from __future__ import annotations

import sys

from PySide6 import QtWidgets


def test_void_qt_calls_do_not_leak_references_to_none(qapp: object) -> None:
    widget = QtWidgets.QWidget()
    before = sys.getrefcount(None)
    for _ in range(20_000):
        widget.update()
    after = sys.getrefcount(None)
    assert after >= before - 100, f"None refcount fell by {before - after}: a broken PySide6 build"


def test_pyside6_is_a_6_11_release() -> None:
    import PySide6

    assert PySide6.__version__.startswith("6.11."), PySide6.__version__
