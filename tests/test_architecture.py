"""The layer rules of docs/ARCHITECTURE.md, enforced on every import statement in the code base."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)
QT = {"PySide6", "shiboken6", "pyqtgraph", "qasync"}

# layer -> (allowed project packages, allowed third-party top-level modules)
RULES: dict[str, tuple[set[str], set[str]]] = {
    "app.core": ({"app.core"}, {"numpy"}),
    "app.venues": ({"app.core", "app.venues"}, {"numpy", "msgspec"}),
    "app.feeds": ({"app.core", "app.venues", "app.feeds"}, {"numpy", "msgspec", "websockets", "httpx"}),
    "app.storage": ({"app.core", "app.storage"}, {"numpy", "msgspec", "platformdirs"}),
    "app.ui": (
        {"app", "app.core", "app.venues", "app.feeds", "app.storage", "app.ui", "widgets"},
        {"numpy", "msgspec", "platformdirs", "websockets"} | QT,
    ),
    "widgets": ({"app.core", "widgets"}, {"numpy"} | QT),
}
# The pure core also stays away from the stdlib's clocks, I/O and concurrency.
CORE_FORBIDDEN_STDLIB = {
    "asyncio", "io", "os", "pathlib", "random", "socket", "sqlite3", "subprocess",
    "threading", "time", "urllib", "http", "shutil", "tempfile", "gzip",
}  # fmt: skip
WALL_CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "time_ns"}
CLOCK_OWNERS = {"time", "datetime", "date", "dt"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str | None:
    for layer in sorted(RULES, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def _imports(tree: ast.AST, module: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the module's package
                base = module.split(".")[: -node.level]
                found.append(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.append(node.module)
    return found


def _sources() -> list[Path]:
    return sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")])


def _allowed(imported: str, layer: str) -> bool:
    own, third_party = RULES[layer]
    top = imported.split(".", maxsplit=1)[0]
    if top in ("app", "widgets"):
        return any(imported == p or imported.startswith(p + ".") for p in own) or imported in own
    if top in STDLIB or top == "__future__":
        return not (layer == "app.core" and top in CORE_FORBIDDEN_STDLIB)
    return top in third_party


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_imports_only_the_layers_below_it(path: Path) -> None:
    module = _module_name(path)
    layer = _layer(module)
    if layer is None:  # app/__init__.py, app/__main__.py, app/cli.py: the entry points
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [name for name in _imports(tree, module) if not _allowed(name, layer)]
    assert not bad, f"{module} ({layer}) must not import {bad}"


@pytest.mark.parametrize(
    "path", [p for p in _sources() if _layer(_module_name(p)) == "app.core"], ids=lambda p: p.name
)
def test_core_never_reads_the_wall_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in WALL_CLOCK_CALLS
        and isinstance(node.func.value, ast.Name) and node.func.value.id in CLOCK_OWNERS
    ]  # fmt: skip
    assert not calls, f"{path.name} reads a clock: {calls}"


def test_the_rules_catch_a_violation() -> None:
    tree = ast.parse("import PySide6.QtCore\nfrom app.feeds import replay\nimport time\n")
    bad = [n for n in _imports(tree, "app.core.x") if not _allowed(n, "app.core")]
    assert bad == ["PySide6.QtCore", "app.feeds", "time"]


# Widget modules that hold a view's logic as plain data (no Qt, directly or through the widget
# modules they import), so that their tests run without a display or a QApplication.
PURE_WIDGETS = {
    "widgets.account.order_rows",
    "widgets.base.cache",
    "widgets.base.fmt",
    "widgets.base.settings",
    "widgets.cvd.range",
    "widgets.cvd.settings",
    "widgets.footprint.model",
    "widgets.footprint.settings",
    "widgets.ladder.clicks",
    "widgets.ladder.columns",
    "widgets.ladder.model",
    "widgets.ladder.orders",
    "widgets.ladder.scale",
    "widgets.ladder.settings",
    "widgets.ladder.signal_rows",
    "widgets.tape.model",
    "widgets.tape.settings",
    "widgets.trades.trip_rows",
}


def _widget_graph() -> dict[str, set[str]]:
    """Each widgets module -> the widgets modules it imports (`from pkg import mod` names mod)."""
    paths = {_module_name(p): p for p in (ROOT / "widgets").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in paths else node.module
                          for a in node.names}  # fmt: skip
        graph[module] = {m for m in found if m in paths and m != module}
    return graph


def _third_party_of(module: str) -> set[str]:
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    return {name.split(".")[0] for name in _imports(tree, module)}


def test_widget_modules_import_no_circle() -> None:
    graph = _widget_graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import circle: " + " -> ".join([*path[path.index(module) :], module]))
        if module in done:
            return
        for dep in sorted(graph[module]):
            visit(dep, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


@pytest.mark.parametrize("module", sorted(PURE_WIDGETS))
def test_pure_widget_modules_never_reach_qt(module: str) -> None:
    graph = _widget_graph()
    reached, todo = set(), [module]
    while todo:
        m = todo.pop()
        if m not in reached:
            reached.add(m)
            todo += graph[m]
    qt = {m: _third_party_of(m) & QT for m in sorted(reached)}
    assert not any(qt.values()), f"{module} reaches Qt: { {m: q for m, q in qt.items() if q} }"
