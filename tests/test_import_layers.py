"""The package's layers (DEVELOPING.md, "Layers"): no import loops, and imports go downward only.

Every module of ``conflictmap`` is parsed with :mod:`ast` (nothing is imported or run), and every
``import`` / ``from ... import`` statement is read, at module level and inside functions and
classes, relative and absolute. An import of ``a.b.c`` also runs the ``__init__`` of ``a.b``, so
that package is an import too (except the importer's own packages, which always run first).
Imports made by :func:`importlib.import_module` from a string (the lazy ``__getattr__`` of the
packages, the CLI's command table) are not seen; they all point downward by construction.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "conflictmap"

# Lowest first. A module may import modules of its own layer and of any lower tier; layers of
# one tier are siblings and do not import each other. A layer lists dotted names: the module
# itself or, for a package, the package and everything in it; the longest name that fits decides
# (``conflictmap`` alone is the root ``__init__`` only).
TIERS: list[dict[str, list[str]]] = [
    {"base": ["conflictmap", "conflictmap.errors", "conflictmap._atomic", "conflictmap._gcpause", "conflictmap._data", "conflictmap._lazy",
              "conflictmap.csvtext",
              "conflictmap._optional", "conflictmap.htmlsafe", "conflictmap.assets", "conflictmap.factions"]},
    # the geocoding package's __init__ loads nothing eagerly, so the gazetteer may use the name rules
    {"names": ["conflictmap.geocoding.__init__", "conflictmap.geocoding.normalize", "conflictmap.geocoding.query",
               "conflictmap.normalize"]},
    {"gazetteer": ["conflictmap.gazetteer", "conflictmap.user_places"]},
    {"geocoding": ["conflictmap.geocoding", "conflictmap.index_store"]},
    {"events": ["conflictmap.events"], "zones": ["conflictmap.zones"], "export": ["conflictmap.export"]},
    {"maps": ["conflictmap.maps"]},
    {"scale": ["conflictmap.scale"]},
    {"tables": ["conflictmap.tables"]},
    {"service": ["conflictmap.service"], "reviewing": ["conflictmap.reviewing"]},
    {"cli": ["conflictmap.cli", "conflictmap.demo", "conflictmap.__main__"]},
]


# ------------------------------------------------------------------------------ reading imports
def package_modules(package_dir: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package ``__init__``) for every module under ``package_dir``."""
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        modules[".".join(parts)] = (path, is_package)
    return modules


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imports_of(name: str, path: Path, is_package: bool, modules: dict) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its source."""
    top = name.split(".")[0]
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in modules)
    targets: set[str] = set()
    own = set(_ancestors(name)) | {name}
    for target in found:
        if target.split(".")[0] != top:
            continue
        while target and target not in modules:  # "from pkg.mod import name" named a module's attribute
            target = target.rpartition(".")[0]
        # importing a.b.c runs a.b's __init__ too, unless it is the importer's own package
        targets.update(t for t in [target, *_ancestors(target)] if t and t in modules and t not in own)
    return targets


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    modules = package_modules(package_dir)
    return {name: imports_of(name, path, is_package, modules) for name, (path, is_package) in modules.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One loop (``[a, b, ..., a]``) per group of modules that import each other (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_loop_in(group, graph) for group in groups]


def _loop_in(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest loop through the first module of a group (breadth first, inside the group)."""
    start = min(group)
    paths = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                todo.append(nxt)
    raise AssertionError(f"no loop in {group}")  # a strongly connected group always has one


def layer_of(module: str, tiers: list[dict[str, list[str]]]) -> tuple[int, str] | None:
    """(tier, layer) of a module: the longest layer entry that is the module or a package of it."""
    best: tuple[int, int, str] | None = None
    for tier, layers in enumerate(tiers):
        for layer, names in layers.items():
            for entry in names:
                exact = entry.removesuffix(".__init__")
                fits = module == exact if (entry.endswith(".__init__") or "." not in entry) \
                    else module == entry or module.startswith(entry + ".")
                if fits and (best is None or len(entry) > best[0]):
                    best = (len(entry), tier, layer)
    return None if best is None else (best[1], best[2])


def layer_violations(graph: dict[str, set[str]], tiers: list[dict[str, list[str]]]) -> list[str]:
    problems = []
    for module in sorted(graph):
        mine = layer_of(module, tiers)
        for target in sorted(graph[module]):
            theirs = layer_of(target, tiers)
            if mine is None or theirs is None or theirs[1] == mine[1] or theirs[0] < mine[0]:
                continue
            problems.append(f"{module} ({mine[1]}) imports {target} ({theirs[1]})")
    return problems


# ------------------------------------------------------------------------------ the package
@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE)


def test_no_import_loops(graph):
    loops = import_cycles(graph)
    assert not loops, "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)


def test_every_module_has_a_layer(graph):
    assert [m for m in graph if layer_of(m, TIERS) is None] == []


def test_layers_import_downward_only(graph):
    assert layer_violations(graph, TIERS) == []


def test_the_pandas_and_dask_paths_do_not_know_each_other(graph):
    """The Dask dispatch happens above both (``conflictmap.tables``)."""
    assert "conflictmap.scale" not in graph["conflictmap.geocoding.batch"] | graph["conflictmap.events.attach"]
    assert {"conflictmap.scale", "conflictmap.geocoding.batch", "conflictmap.events.attach"} <= \
        graph["conflictmap.tables"]


def test_developing_pictures_the_layers_in_this_order():
    text = (ROOT / "DEVELOPING.md").read_text(encoding="utf-8")
    picture = text.split("```", 2)[1]  # the first code block: the layer picture
    rows = [line for line in picture.splitlines() if line.strip()]
    drawn = [name for row in reversed(rows) for name in re.findall(r"[a-z_]+", row.split("#")[0])]
    order = [layer for layers in TIERS for layer in layers]
    assert [name for name in drawn if name in order] == order


# ------------------------------------------------------------------------------ the check itself
def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_the_check_sees_lazy_relative_and_absolute_imports(tmp_path):
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/low.py": "import os\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/a.py": "from .b import thing\nfrom .. import low\n",
        "pkg/sub/b.py": "def lazy():\n    import pkg.top\n",
        "pkg/top.py": "class T:\n    def m(self):\n        from .sub.a import x\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.sub.a"] == {"pkg.sub.b", "pkg.low"}
    assert graph["pkg.sub.b"] == {"pkg.top"}
    assert graph["pkg.top"] == {"pkg.sub", "pkg.sub.a"}  # pkg.sub's __init__ runs too
    assert import_cycles(graph) == [["pkg.sub.a", "pkg.sub.b", "pkg.top", "pkg.sub.a"]]
    tiers = [{"low": ["pkg", "pkg.low"]}, {"sub": ["pkg.sub"]}, {"top": ["pkg.top"]}]
    assert layer_violations(graph, tiers) == ["pkg.sub.b (sub) imports pkg.top (top)"]
    assert layer_of("pkg.sub.a", tiers) == (1, "sub") and layer_of("pkg", tiers) == (0, "low")


def test_siblings_may_not_import_each_other(tmp_path):
    pkg = _write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "from . import b\n", "pkg/b.py": ""})
    graph = import_graph(pkg)
    assert import_cycles(graph) == []
    assert layer_violations(graph, [{"a": ["pkg.a"], "b": ["pkg.b"]}]) == ["pkg.a (a) imports pkg.b (b)"]
    assert layer_violations(graph, [{"b": ["pkg.b"]}, {"a": ["pkg.a"]}]) == []
