"""The package's layering, read from the source with ``ast``: a module imports only from its own
layer or the layers below it, and no modules import each other in a circle.

The order lives in :data:`LAYERS` (lowest first), the one place that states it. Imports inside
functions and under ``if TYPE_CHECKING:`` count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import PACKAGE

#: Lowest layer first; a module belongs to the longest prefix that names it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "base",
        (
            "compare.config",
            "compare.errors",
            "compare.units",
            "compare.suggest",
            "compare.language",
        ),
    ),
    ("storage", ("compare.storage",)),
    ("geo", ("compare.geo",)),
    ("catalog", ("compare.catalog", "compare.user_catalog")),
    ("text", ("compare.text",)),
    ("ingest", ("compare.ingest",)),
    # the curated claims tables and their consistency checks are raw input the build checks
    ("evidence tables", ("compare.evidence.claims", "compare.evidence.checks")),
    ("build", ("compare.build",)),
    ("data", ("compare.data", "compare.derived")),
    ("stats", ("compare.stats",)),
    ("evidence", ("compare.evidence",)),
    ("figures", ("compare.figures",)),
    ("reports", ("compare.reports",)),
    ("entry points", ("compare.cli", "compare")),
)


def layer_of(module: str) -> int:
    """Index in :data:`LAYERS` of the longest prefix naming ``module``."""
    best, best_len = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or ("." in prefix and module.startswith(prefix + "."))
            if inside and len(prefix) > best_len:  # the bare package name is its facade only
                best, best_len = index, len(prefix)
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return best


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path) -> list[tuple[str, int]]:
    """``(imported compare module, line)`` for every import in ``path``."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # ``from compare.x import y`` may import the submodule compare.x.y
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return [(t, line) for t, line in found if t == root.name or t.startswith(root.name + ".")]


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def module_imports(path: Path, root: Path, known: dict[str, Path]) -> dict[int, str]:
    """line -> the most specific module an import on that line names (``from compare.x import
    y`` names ``compare.x.y`` when that is a module, else ``compare.x``)."""
    by_line: dict[int, str] = {}
    for target, line in imports_of(path, root):
        if target in known and len(target) > len(by_line.get(line, "")):
            by_line[line] = target
    return by_line


def upward_imports(root: Path) -> list[str]:
    """Every import of a module from a layer above the importer's, as readable lines."""
    known = modules(root)
    problems = []
    for name, path in known.items():
        own = layer_of(name)
        for line, target in sorted(module_imports(path, root, known).items()):
            if layer_of(target) > own:
                problems.append(
                    f"{path.relative_to(root.parent)}:{line}: {name} ({LAYERS[own][0]}) imports "
                    f"{target} ({LAYERS[layer_of(target)][0]})"
                )
    return problems


def import_cycles(root: Path) -> list[list[str]]:
    """Groups of modules that import each other in a circle (strongly connected components)."""
    known = modules(root)
    graph = {
        name: sorted(set(module_imports(path, root, known).values()) - {name})
        for name, path in known.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_every_module_is_in_a_layer() -> None:
    for name in modules(PACKAGE):
        layer_of(name)


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    assert upward_imports(PACKAGE) == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert import_cycles(PACKAGE) == []


def _synthetic_package(root: Path, files: dict[str, str]) -> Path:
    """A SYNTHETIC package tree named ``compare`` under ``root`` (only for these tests)."""
    package = root / "compare"
    for relative, source in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for folder in [package, *[p for p in package.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return package


def test_an_upward_import_is_found(tmp_path: Path) -> None:
    package = _synthetic_package(
        tmp_path,
        {
            # a lazy import is still a dependency
            "geo/names.py": "def f():\n    from compare.reports import runner\n",
            "reports/runner.py": "from compare.geo import names\n",
            "stats/panel.py": "from ..text import words\n",  # relative and downward: fine
            "text/words.py": "",
        },
    )
    assert upward_imports(package) == [
        "compare/geo/names.py:2: compare.geo.names (geo) imports compare.reports.runner (reports)"
    ]


def test_a_circle_is_found(tmp_path: Path) -> None:
    package = _synthetic_package(
        tmp_path,
        {
            "evidence/against_data.py": "from compare.evidence import sentences\n",
            "evidence/sentences.py": "import compare.evidence.against_data\n",
            "stats/panel.py": "from compare.text import words\n",
            "text/words.py": "",
        },
    )
    assert import_cycles(package) == [
        ["compare.evidence.against_data", "compare.evidence.sentences"]
    ]


def test_a_module_outside_the_layers_is_named() -> None:
    with pytest.raises(AssertionError, match=r"compare\.nowhere is in no layer"):
        layer_of("compare.nowhere")
    assert layer_of("compare") == len(LAYERS) - 1  # the facade
