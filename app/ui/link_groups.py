"""The Window menu: new windows on a market, and the window's link group (a coloured tag).

Windows in one link group follow the market chosen in any of them (app/ui/window_registry.py);
the group shows as a coloured tag in the status bar and as "· link A" in the title, so two
windows on the same symbol can be told apart from two that merely happen to show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtGui, QtWidgets

from app.storage.window_layouts import LinkGroup, MarketSpec, SpecKind

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow
    from app.ui.window_registry import WindowSlot

LINK_COLOURS = {LinkGroup.A: "#d9822b", LinkGroup.B: "#2b95d9", LinkGroup.C: "#9b59d0"}
TAG_NAME = "link_tag"
TITLE_MARK = " · link "


def install_window_menu(window: MainWindow, slot: WindowSlot) -> QtWidgets.QMenu:
    """Add the Window menu to `window` and show the slot's link group."""
    menu = QtWidgets.QMenu("&Window", window)
    menu.setObjectName("window_menu")
    # File → Quit ends the app, every window of it; closing a window is the title bar's job
    window.quit_action.triggered.disconnect()
    window.quit_action.triggered.connect(slot.registry.close_all)
    same = menu.addAction("New window on this market", lambda: _new_window(slot, slot.spec))
    same.setShortcut(QtGui.QKeySequence("Ctrl+N"))
    same.setEnabled(slot.spec is not None)
    window.addAction(same)
    menu.addAction(
        "New window on the synthetic market", lambda: _new_window(slot, MarketSpec(SpecKind.SYNTHETIC))
    )
    menu.addSeparator()
    links = menu.addMenu("Link group")
    group = QtGui.QActionGroup(window)
    for link in LinkGroup:
        action = links.addAction(link.value or "None")
        action.setCheckable(True)
        action.setChecked(link is slot.link)
        action.setData(link.value)
        group.addAction(action)
        action.triggered.connect(lambda _checked=False, lk=link: slot.set_link(lk))
    bar = window.menuBar()
    help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
    if help_menu is not None:
        bar.insertMenu(help_menu, menu)
    else:
        bar.addMenu(menu)
    tag = QtWidgets.QLabel("")
    tag.setObjectName(TAG_NAME)
    window.statusBar().addPermanentWidget(tag)
    show_link(window, slot.link)
    return menu


def show_link(window: MainWindow, link: LinkGroup) -> None:
    """The group in the title and as a coloured tag (nothing shown for no group)."""
    title = window.windowTitle().split(TITLE_MARK, 1)[0]
    window.setWindowTitle(title + (f"{TITLE_MARK}{link.value}" if link is not LinkGroup.NONE else ""))
    tag = window.statusBar().findChild(QtWidgets.QLabel, TAG_NAME)
    if tag is None:
        return
    if link is LinkGroup.NONE:
        tag.setText("")
        tag.setStyleSheet("")
        tag.setToolTip("")
        return
    tag.setText(f" link {link.value} ")
    tag.setStyleSheet(f"background: {LINK_COLOURS[link]}; color: black; font-weight: bold; padding: 0 4px;")
    tag.setToolTip(f"Windows in link group {link.value} follow the market chosen in any of them")


def _new_window(slot: WindowSlot, spec: MarketSpec | None) -> None:
    if spec is not None:
        slot.registry.spawn(slot.registry.open_spec(spec))
