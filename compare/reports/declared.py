"""Declared report parameters (``notebooks/parameters.yml``) and clean templates.

The notebooks of ``notebooks/`` are templates: ``compare report`` runs them, analysts explore
copies of them (:mod:`compare.reports.workcopy`). What a report computes must not depend on what a
template's parameters cell says today (JupyterLab autosaves whatever an analyst last tried), so:

* each notebook's parameters (name, type, default, one-line help) are declared once, in the
  ``parameters.yml`` beside it; :func:`complete` gives every run all of them (the matrix's values
  over the declared defaults) and the runner injects them all;
* :func:`check_template` refuses a template that carries outputs or whose parameters cell differs
  from the declaration (:class:`TemplateError`, exit status 2), naming the file and how to restore
  it; :func:`cell_source` writes the cell the declaration implies (``compare templates --write``).

A notebook with no ``parameters.yml`` beside it (one of your own, or the test suite's synthetic
notebooks) declares its parameters in its own parameters cell, as before; it must still carry no
outputs. The cell is written so that papermill's parser reads every line (``papermill
--help-notebook``): annotations papermill's pattern accepts (``Optional[int]`` quoted, since it is
not a builtin) and help without ``=``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare.errors import CompareError, ParameterError
from compare.reports import params

#: The declaration file beside the notebooks it declares.
DECLARATION = "parameters.yml"

#: papermill's pattern for an annotation (``PythonTranslator.PARAMETER_PATTERN``).
_PAPERMILL_ANNOTATION = re.compile(r"^\w[\w\[\],\s]*$")

#: Names an annotation may use unquoted (builtins, evaluated when the cell runs).
_BUILTIN_TYPES = frozenset({"str", "int", "float", "bool", "list", "tuple", "dict"})


class TemplateError(CompareError):
    """A template notebook that is not clean (outputs, or parameters unlike the declaration)."""


@dataclass(frozen=True)
class Declaration:
    """The declared parameters of one notebook, and where they are declared."""

    notebook: Path
    parameters: dict[str, params.Parameter]
    source: Path  # parameters.yml, or the notebook itself when it declares its own


# --- reading the declaration -------------------------------------------------------------------


@functools.cache
def _read_yaml(path: Path, mtime_ns: int) -> dict[str, Any]:
    import yaml  # noqa: PLC0415

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CompareError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise CompareError(f"{path}: expected a mapping of notebook file names")
    return data


def _parameter(name: Any, entry: Any, where: str) -> params.Parameter:
    if not (isinstance(name, str) and name.isidentifier()):
        raise CompareError(f"{where}: {name!r} is not a parameter name")
    if not isinstance(entry, dict) or not {"type", "default", "help"} <= set(entry):
        raise CompareError(f"{where}: {name}: give `type`, `default` and `help`")
    help_text = str(entry["help"])
    if "=" in help_text or "\n" in help_text:
        raise CompareError(f"{where}: {name}: help must be one line without '=' (papermill)")
    annotation = str(entry["type"])
    check = params.annotation_checker(annotation, f"{where}: {name}")
    default = entry["default"]
    if not check(default):
        raise CompareError(f"{where}: {name}: default {default!r} is not a {annotation}")
    return params.Parameter(name, annotation, default, help_text, check)


def declaration(notebook: Path) -> Declaration:
    """The declared parameters of ``notebook``: from the ``parameters.yml`` beside it, else
    from its own parameters cell. A notebook missing from an existing ``parameters.yml`` is an
    error (every notebook of that folder must be declared)."""
    notebook = Path(notebook)
    source = notebook.parent / DECLARATION
    if not source.is_file():
        return Declaration(notebook, params.notebook_parameters(notebook), notebook)
    data = _read_yaml(source.resolve(), source.stat().st_mtime_ns)
    entries = data.get(notebook.name)
    if not isinstance(entries, dict):
        raise TemplateError(
            f"{notebook}: not declared in {source} (declared: {', '.join(map(str, data))}); "
            "add its parameters there"
        )
    where = f"{source}: {notebook.name}"
    declared = {str(n): _parameter(n, e, where) for n, e in entries.items()}
    return Declaration(notebook, declared, source)


def declared_parameters(notebook: Path) -> dict[str, params.Parameter]:
    """Name -> :class:`~compare.reports.params.Parameter` of ``notebook``'s declaration."""
    return declaration(notebook).parameters


def complete(notebook: Path, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared parameter of ``notebook``: the declared defaults (in declared order),
    replaced by the ``given`` values; names not declared are kept (validation refuses them)."""
    declared = declared_parameters(notebook)
    return {**{name: p.default for name, p in declared.items()}, **dict(given)}


# --- the parameters cell -----------------------------------------------------------------------


def _literal(value: Any, annotation: str) -> str:
    """``value`` as a Python literal (double-quoted strings; a tuple for a tuple type)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        items = ", ".join(_literal(v, "") for v in value)
        if annotation.startswith(("tuple", "Tuple")):
            return f"({items}{',' if len(value) == 1 else ''})"
        return f"[{items}]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{_literal(k, '')}: {_literal(v, '')}" for k, v in value.items()) + "}"
        )
    return repr(value)


def cell_annotation(annotation: str) -> str:
    """How the cell writes a type: as is when papermill reads it and it names builtins only,
    else quoted (``"Optional[int]"``: never evaluated, still read by papermill)."""
    names = set(re.findall(r"[A-Za-z_]\w*", annotation))
    if _PAPERMILL_ANNOTATION.match(annotation) and names <= _BUILTIN_TYPES:
        return annotation
    if not _PAPERMILL_ANNOTATION.match(annotation):
        raise CompareError(f"type {annotation!r} cannot be written so that papermill reads it")
    return json.dumps(annotation)


def cell_source(declared: Mapping[str, params.Parameter]) -> str:
    """The parameters cell of a declaration: one ``name: type = default  # help`` line each."""
    return "\n".join(
        f"{p.name}: {cell_annotation(p.annotation)} = {_literal(p.default, p.annotation)}"
        f"  # {p.comment}"
        for p in declared.values()
    )


# --- clean templates ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _outputs(cells: Iterable[dict[str, Any]]) -> int:
    return sum(
        1
        for cell in cells
        if cell.get("cell_type") == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    )


def template_problems(notebook: Path) -> list[str]:
    """What makes ``notebook`` unfit as a template (empty when it is clean)."""
    decl = declaration(notebook)
    cells = params.notebook_cells(notebook)
    problems = []
    with_outputs = _outputs(cells)
    if with_outputs:
        problems.append(f"{with_outputs} code cell(s) carry outputs or execution counts")
    if decl.source == notebook:
        return problems
    try:
        in_cell = params.notebook_parameters(notebook)
    except ParameterError as exc:
        return [*problems, f"its parameters cell cannot be read ({exc})"]
    if list(in_cell) != list(decl.parameters):
        problems.append(
            f"its parameters cell names {', '.join(in_cell) or 'nothing'}; declared: "
            + ", ".join(decl.parameters)
        )
    differ = [
        f"{name} = {params.short(in_cell[name].default)} (declared {params.short(p.default)})"
        for name, p in decl.parameters.items()
        if name in in_cell and _plain(in_cell[name].default) != _plain(p.default)
    ]
    if differ:
        problems.append(f"its parameters cell sets {'; '.join(differ)}")
    return problems


def check_template(notebook: Path, home: Path | None = None) -> None:
    """Raise :class:`TemplateError` naming ``notebook`` when it is not a clean template."""
    problems = template_problems(notebook)
    if not problems:
        return
    shown = _shown(Path(notebook), home)
    raise TemplateError(
        f"template {shown} is not clean: {'; '.join(problems)}. Reports run from clean "
        f"templates only: restore it (`git checkout -- {shown}`, or `compare templates --write` "
        "to clear its outputs and rewrite its parameters cell from the declaration) and explore "
        "in the working copy instead (`make lab` opens work/)"
    )


def check_templates(notebooks: Iterable[Path], home: Path | None = None) -> None:
    """:func:`check_template` for each distinct notebook."""
    for notebook in dict.fromkeys(Path(n) for n in notebooks):
        check_template(notebook, home)


def _shown(path: Path, home: Path | None) -> str:
    if home is not None:
        try:
            return path.resolve().relative_to(Path(home).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def write_template(notebook: Path) -> bool:
    """Clear ``notebook``'s outputs and write its parameters cell from the declaration (only
    for a declared notebook); returns whether the file changed."""
    import nbformat  # noqa: PLC0415

    from compare.storage import atomic  # noqa: PLC0415

    decl = declaration(notebook)
    before = Path(notebook).read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        if decl.source != notebook and "parameters" in cell.metadata.get("tags", []):
            cell.source = cell_source(decl.parameters)
    after = nbformat.writes(nb) + "\n"
    if after == before:
        return False
    atomic.write_text(Path(notebook), after)
    return True
