"""No import cycle in ``src/bulletin``: the graph of its modules' imports, read with :mod:`ast`.

Edges are every ``import``/``from … import`` of one ``bulletin`` module by another: at module
level, inside functions (a function-level import is a dependency too, only a later one) and under
``if TYPE_CHECKING:`` (an annotation that names a module above ties the layers as well). ``from .
import x`` is an edge to the submodule ``x`` when there is one, else to the package. Any cycle
fails: there is no list of allowed ones. What the loaded month asks of the layers above it
(``m.check()``, ``m.history``) goes through :mod:`bulletin.core.wiring`, filled in by the package."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from helpers import SRC, _modules

from bulletin.core import paths


def _imports(node: ast.AST, deferred: bool):
    """The import statements under ``node`` (deferred: also those inside functions)."""
    for child in ast.iter_child_nodes(node):
        if not deferred and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        yield from _imports(child, deferred)


def import_graph(*, deferred: bool = True) -> dict[str, set[str]]:
    """module → the ``bulletin`` modules it imports (``deferred``: also inside functions); the
    sources are read and walked once per test session (a fresh copy each call)."""
    return {name: set(targets) for name, targets in _import_graph(deferred).items()}


@functools.cache
def _import_graph(deferred: bool) -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, (path, package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = name if package else name.rpartition(".")[0]
        for node in _imports(tree, deferred):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                targets = subs + ([base] if len(subs) < len(node.names) else [])
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def _pop_until(stack: list[str], v: str) -> list[str]:
    """The modules on ``stack`` down to ``v``, popped: one strongly connected component."""
    component = []
    while True:
        w = stack.pop()
        component.append(w)
        if w == v:
            return component


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = _pop_until(stack, v)
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_the_imports_it_should():
    graph = import_graph()
    assert "bulletin.batch.jobs" in graph["bulletin.batch.runlog"]  # module level
    assert "bulletin.data.loaded_month" in graph["bulletin.history"]  # inside a function
    assert "bulletin.data.loaded_month" in graph["bulletin.sections.model"]  # under TYPE_CHECKING
    assert "bulletin.batch" in graph["bulletin.cli"]  # inside a function, `from bulletin.batch import …`
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_at_module_level():
    assert cycles(import_graph(deferred=False)) == []


def test_no_import_cycle_at_all():
    """Counting imports inside functions and under ``TYPE_CHECKING``; no exception list."""
    assert cycles(import_graph()) == []


def test_the_data_layer_imports_nothing_above_it():
    """The loaded month reaches its check report and its digests through bulletin.core.wiring only."""
    graph = import_graph()
    assert not graph["bulletin.data.loaded_month"] & {"bulletin.checks", "bulletin.history", "bulletin.sections"}
    assert graph["bulletin.core.wiring"] == set()
    assert "bulletin.render.reader_pages" not in graph["bulletin.history"]
    drawn = graph["bulletin.core.mplfont"] | graph["bulletin.data.loaders"]
    assert not any(m.startswith(("bulletin.render", "bulletin.style")) for m in drawn)


#: ARCHITECTURE.md's layers (1 core … 7 the commands), module by module: the longest prefix decides
LAYERS = {
    "bulletin.core": 1,
    "bulletin.data": 2,
    "bulletin.style": 3,
    "bulletin.checks": 4.1,
    "bulletin.sections": 4.2,
    "bulletin.history": 4.3,
    "bulletin.checks.month": 4.4, "bulletin.checks.range": 4.4, "bulletin.checks.__init__": 4.4,
    "bulletin.sections.trends": 4.4, "bulletin.sections.kiosks": 4.4, "bulletin.sections.overview": 4.4,
    "bulletin.render": 5,
    "bulletin.batch": 6,
    "bulletin.cli": 7, "bulletin.ingest_command": 7, "bulletin.__init__": 7,
}


def layer(module: str, package: bool) -> float:
    name = f"{module}.__init__" if package else module
    prefixes = [p for p in LAYERS if name == p or name.startswith(p + ".")]
    assert prefixes, f"{module} is in no layer of ARCHITECTURE.md"
    return LAYERS[max(prefixes, key=len)]


def test_imports_point_down_the_layers_of_architecture_md():
    modules = _modules()
    graph = import_graph()
    where = {m: layer(m, package) for m, (_, package) in modules.items()}
    up = [f"{m} (layer {where[m]}) → {t} (layer {where[t]})" for m in graph for t in graph[m] if where[t] > where[m]]
    assert up == []
    text = (paths.PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = text[text.index("## Layers"):text.index("## The loaded month")]
    for path, _ in modules.values():
        rel = path.relative_to(SRC)
        named = f"{rel.stem}.py" in listed if rel.parent == Path(".") else rel.stem in listed
        assert named and (rel.parent == Path(".") or f"{rel.parent}/" in listed), \
            f"{rel} is not named in ARCHITECTURE.md's layers"


def test_each_layer_is_a_folder():
    """src/bulletin holds the layers' folders, the model's three homes and the commands: no loose module."""
    top = {p.stem for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()}
    assert top == {"core", "data", "style", "checks", "sections", "history", "render", "batch",
                   "cli", "ingest_command", "__init__"}
