"""No import cycle in ``src/bulletin``: the graph of its modules' imports, read with :mod:`ast`.

Edges are every ``import``/``from … import`` of one ``bulletin`` module by another that runs: at
module level and inside functions alike (a function-level import is a dependency too, only a later
one); not those under ``if TYPE_CHECKING:``, which never run (annotations only). ``from . import x``
is an edge to the submodule ``x`` when there is one, else to the package. The one set of deferred
imports still closing cycles is :data:`DEFERRED`: the loaded month reaching up, on first use, to
what is computed from it (its check report, its digests). Any other cycle fails, and so does a
deferred edge that no longer closes one.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bulletin import paths

SRC = paths.PROJECT_ROOT / "src" / "bulletin"

#: function-level imports that close a cycle on purpose (importer → imported): the loaded month's
#: lazy attributes, computed from it on first use
DEFERRED = {
    ("bulletin.loaded_month", "bulletin.checks"),  # Month.check(): the month's check report
    ("bulletin.loaded_month", "bulletin.history"),  # Month.history: the digests a family of months shares
}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(node: ast.AST, deferred: bool):
    """The import statements under ``node`` that run (deferred: also those inside functions)."""
    for child in ast.iter_child_nodes(node):
        if _type_checking(child) or (not deferred and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))):
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        yield from _imports(child, deferred)


def import_graph(*, deferred: bool = True) -> dict[str, set[str]]:
    """module → the ``bulletin`` modules it imports (``deferred``: also inside functions)."""
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
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_the_imports_it_should():
    graph = import_graph()
    assert "bulletin.batch.jobs" in graph["bulletin.batch.runlog"]  # module level
    assert "bulletin.history" in graph["bulletin.loaded_month"]  # inside a method
    assert "bulletin.batch" in graph["bulletin.cli"]  # inside a function, `from .batch import …`
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_at_module_level():
    assert cycles(import_graph(deferred=False)) == []


def test_no_import_cycle_but_the_deferred_attributes_of_the_loaded_month():
    graph = import_graph()
    for importer, imported in DEFERRED:
        assert imported in graph[importer], f"{importer} no longer imports {imported}: drop it from DEFERRED"
        graph[importer].discard(imported)
    assert cycles(graph) == []
    for importer, imported in DEFERRED:  # each one listed is needed: without it no cycle is left to excuse
        graph[importer].add(imported)
        assert cycles(graph), f"{importer} → {imported} closes no cycle: drop it from DEFERRED"
        graph[importer].discard(imported)


def test_every_exception_class_is_in_the_errors_module_and_its_family():
    import importlib
    import inspect

    from bulletin import errors

    found = set()
    for name in sorted(_modules()):
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        found |= {c for _, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, BaseException) and c.__module__.startswith("bulletin")}
    assert {c.__module__ for c in found} == {"bulletin.errors"}
    assert {"KernelStartError", "RevisionRefused", "DataLockedError", "NotPublishedError",
            "DocumentError"} <= {c.__name__ for c in found}
    outside = {c.__name__ for c in found if not issubclass(c, (errors.BulletinError, Warning))}
    assert outside == set()
    assert issubclass(errors.KernelStartError, RuntimeError)  # as jupyter_client's own start errors
