"""Context-menu entries of the views' settings: exclusive choices and toggles, from a settings spec."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6 import QtGui, QtWidgets

from widgets.base.settings import Flag, SettingsSpec

T = TypeVar("T")


def add_choice_menu(
    menu: QtWidgets.QMenu,
    title: str,
    options: Sequence[tuple[str, T]],
    current: T,
    on_pick: Callable[[T], None],
) -> QtWidgets.QMenu:
    """A submenu of exclusive checkable choices (the views' context-menu settings)."""
    sub = menu.addMenu(title)
    group = QtGui.QActionGroup(sub)
    group.setExclusive(True)
    for label, value in options:
        action = sub.addAction(label)
        action.setCheckable(True)
        action.setChecked(value == current)
        group.addAction(action)
        action.triggered.connect(lambda _checked=False, v=value: on_pick(v))
    return sub


def add_toggle(
    menu: QtWidgets.QMenu, title: str, current: bool, on_toggle: Callable[[bool], None]
) -> QtGui.QAction:
    action = menu.addAction(title)
    action.setCheckable(True)
    action.setChecked(current)
    action.toggled.connect(on_toggle)
    return action


def add_setting(
    menu: QtWidgets.QMenu, spec: SettingsSpec[Any], key: str, current: Any, on_change: Callable[..., None]
) -> None:
    """The spec's entry for `key` (a toggle or a choice submenu); `on_change(**{key: value})` on use."""
    s = spec[key]
    value = getattr(current, key)
    if isinstance(s.rule, Flag):
        add_toggle(menu, s.title, value, lambda on: on_change(**{key: on}))
    else:
        add_choice_menu(menu, s.title, spec.menu_choices(key, value), value, lambda v: on_change(**{key: v}))
