"""Layouts in the window: capture and apply, and the Layout menu (save, load, rename, delete, reset).

A layout is the main window's dock state and geometry plus every view's settings (docs/ARCHITECTURE.md
"Persistence"). Applying one never fails as a whole: a state Qt refuses or a setting a view
rejects is reported in the status bar, and what was valid is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from PySide6 import QtCore, QtWidgets

from app.storage.layouts import Layout, LayoutError, LayoutStore
from app.storage.window_layouts import WindowEntry
from widgets.base import MarketView

STATE_VERSION = 1  # bump when the docks change in a way old saved states cannot express


class WindowsHook(Protocol):
    """The app's other windows (app/ui/window_registry.py): saved with a layout, reopened by it."""

    def entries(self) -> tuple[WindowEntry, ...]: ...

    def restore_layout(self, layout: Layout) -> None: ...


class LayoutControl:
    """Glue between a QMainWindow with MarketView docks and the LayoutStore."""

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        views: Sequence[MarketView],
        store: LayoutStore,
        default: Callable[[], None],
        notify: Callable[[str], None],
    ) -> None:
        self.window = window
        self.views = list(views)
        self.store = store
        self._default = default
        self._notify = notify
        self.windows: WindowsHook | None = None  # set when the app runs several windows
        self.menu = QtWidgets.QMenu("&Layout", window)
        self.menu.aboutToShow.connect(self._fill_menu)

    # -- capture / apply ----------------------------------------------------------------------

    def capture(self) -> Layout:
        return Layout(
            bytes(self.window.saveState(STATE_VERSION).data()),
            bytes(self.window.saveGeometry().data()),
            {v.view_id: v.settings() for v in self.views},
        )

    def _capture_all(self) -> Layout:
        """This window's layout, with every window's market and link group when more than one is open."""
        layout = self.capture()
        entries = self.windows.entries() if self.windows is not None else ()
        return replace(layout, windows=entries) if len(entries) > 1 else layout

    def apply(self, layout: Layout, what: str) -> list[str]:
        """Restore docks, geometry and view settings; returns the problems (also shown)."""
        problems: list[str] = []
        if layout.geometry and not self.window.restoreGeometry(QtCore.QByteArray(layout.geometry)):
            problems.append("window geometry could not be restored")
        if layout.window_state and not self.window.restoreState(
            QtCore.QByteArray(layout.window_state), STATE_VERSION
        ):
            problems.append("dock arrangement could not be restored")
        for view in self.views:
            settings = layout.views.get(view.view_id)
            if settings is not None:
                problems += [f"{view.title}: {p}" for p in view.apply_settings(settings)]
        if problems:
            self._notify(f"{what}: " + "; ".join(problems))
        return problems

    def restore_last(self) -> None:
        if self.store.notice:
            self._notify(self.store.notice)
        if self.store.last is not None:
            self.apply(self.store.last, "Last layout")

    def remember_last(self) -> None:
        try:
            self.store.remember_last(self.capture())
        except OSError as exc:
            self._notify(f"could not save the layout: {exc}")

    # -- commands -----------------------------------------------------------------------------

    def save_as(self, name: str) -> str | None:
        try:
            saved = self.store.save_as(name, self._capture_all())
        except (LayoutError, OSError) as exc:
            self._notify(str(exc))
            return None
        self.window.statusBar().showMessage(f"Layout '{saved}' saved", 4000)
        return saved

    def load(self, name: str) -> bool:
        try:
            layout = self.store.get(name)
        except LayoutError as exc:
            self._notify(str(exc))
            return False
        if layout.window_problems:
            self._notify(f"Layout '{name}': " + "; ".join(layout.window_problems))
        if layout.windows and self.windows is not None:
            self.store.current_name = name
            self.windows.restore_layout(layout)  # every window reopens on its saved market
            return True
        self.apply(layout, f"Layout '{name}'")
        self.store.current_name = name
        self.window.statusBar().showMessage(f"Layout '{name}' loaded", 4000)
        return True

    def rename(self, old: str, new: str) -> str | None:
        try:
            return self.store.rename(old, new)
        except (LayoutError, OSError) as exc:
            self._notify(str(exc))
            return None

    def delete(self, name: str) -> bool:
        try:
            self.store.delete(name)
        except (LayoutError, OSError) as exc:
            self._notify(str(exc))
            return False
        return True

    def reset(self) -> None:
        self._default()
        self.window.statusBar().showMessage("Default layout restored", 4000)

    # -- the menu -----------------------------------------------------------------------------

    def _fill_menu(self) -> None:
        menu = self.menu
        menu.clear()
        menu.addAction("Save layout as…", self._ask_save)
        load = menu.addMenu("Load layout")
        rename = menu.addMenu("Rename layout")
        delete = menu.addMenu("Delete layout")
        names = self.store.names()
        for sub in (load, rename, delete):
            sub.setEnabled(bool(names))
        for name in names:
            current = " ✓" if name == self.store.current_name else ""
            load.addAction(name + current, lambda n=name: self.load(n))
            rename.addAction(name, lambda n=name: self._ask_rename(n))
            delete.addAction(name, lambda n=name: self._ask_delete(n))
        menu.addSeparator()
        menu.addAction("Reset to default layout", self.reset)

    def _ask_save(self) -> None:
        name, ok = QtWidgets.QInputDialog.getText(
            self.window, "Save layout", "Name:", text=self.store.current_name or ""
        )
        if ok:
            self.save_as(name)

    def _ask_rename(self, old: str) -> None:
        new, ok = QtWidgets.QInputDialog.getText(self.window, "Rename layout", "New name:", text=old)
        if ok:
            self.rename(old, new)

    def _ask_delete(self, name: str) -> None:
        answer = QtWidgets.QMessageBox.question(self.window, "Delete layout", f"Delete layout '{name}'?")
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.delete(name)
