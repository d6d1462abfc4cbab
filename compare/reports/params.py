"""Report parameters: read a notebook's ``parameters`` cell, check types and values before a run.

The parameters cell is plain Python: one typed assignment per line, each with a one-line comment::

    indicator: str = "internet_users_pct"  # catalog indicator id
    year: int | None = None  # cross-section year (None: latest year with data for both groups)

:func:`notebook_parameters` parses it with :mod:`ast` (nothing is executed), :func:`check_types`
checks given values against the annotations (``str``, ``int``, ``float``, ``bool``, ``None``,
``list[...]``, ``tuple[...]``, ``dict[...]``, ``Literal[...]``, ``X | Y``, ``Optional[...]``), and
:func:`check_values` checks what the names mean: an unknown indicator, country, group, year or
family raises a :class:`~compare.errors.ParameterError` that lists the valid values.

Values reach the notebook through papermill, which writes each one as a Python literal (its own
escaping, not ``repr``); :func:`injection_is_inert` checks that the code it would inject is only
assignments of literals equal to the given values, so a hostile string stays data.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import math
import tokenize
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare.config import WEIGHTINGS
from compare.errors import ParameterError

#: Values of a ``weighting`` parameter (which regional means a report leads with).

#: Deepest nesting of lists/mappings accepted in a parameter value.
MAX_DEPTH = 20

#: Largest integer accepted (far beyond any year or count; Python refuses by default to write
#: integers of more than 4300 digits as text, which papermill's injection needs).
MAX_INT = 10**1000

#: Longest string accepted as a parameter value (identifiers, names, labels).
MAX_STRING = 200

_JSONISH = (str, int, float, bool, type(None), list, dict)


@dataclass(frozen=True)
class Parameter:
    """One assignment of a notebook's parameters cell."""

    name: str
    annotation: str
    default: Any
    comment: str
    check: Callable[[Any], bool]

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has the declared type (``bool`` is not an ``int``)."""
        return self.check(value)


# --- the parameters cell -----------------------------------------------------------------------


def notebook_cells(path: Path) -> list[dict[str, Any]]:
    """The cells of the notebook at ``path`` (JSON, nothing validated or executed)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as exc:
        raise ParameterError(f"cannot read notebook {path}: {exc}") from exc


def parameters_cell(path: Path) -> str:
    """Source of the one cell tagged ``parameters`` (an error if there is none or several)."""
    tagged = [
        cell
        for cell in notebook_cells(path)
        if cell.get("cell_type") == "code"
        and "parameters" in cell.get("metadata", {}).get("tags", [])
    ]
    if len(tagged) != 1:
        raise ParameterError(f"{path}: expected one cell tagged 'parameters', found {len(tagged)}")
    source = tagged[0]["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def _comments(source: str) -> dict[int, str]:
    """Comment text by line number."""
    found: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string.lstrip("#").strip()
    return found


def parse_parameters(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    """The typed assignments of a parameters cell, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}: invalid Python: {exc}") from exc
    comments = _comments(source)
    found: dict[str, Parameter] = {}
    for stmt in tree.body:
        if not (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
        ):
            raise ParameterError(
                f"{where}, line {stmt.lineno}: each parameter must be a typed assignment "
                "`name: type = value  # comment`"
            )
        name = stmt.target.id
        try:
            default = ast.literal_eval(stmt.value)
        except ValueError:
            raise ParameterError(
                f"{where}, line {stmt.lineno}: the default of {name!r} must be a literal"
            ) from None
        check = _checker(stmt.annotation, f"{where}, line {stmt.lineno}")
        if not check(default):
            raise ParameterError(
                f"{where}, line {stmt.lineno}: default {default!r} of {name!r} is not a "
                f"{ast.unparse(stmt.annotation)}"
            )
        found[name] = Parameter(
            name=name,
            annotation=_annotation_text(stmt.annotation),
            default=default,
            comment=comments.get(stmt.end_lineno or stmt.lineno, ""),
            check=check,
        )
    return found


def _annotation_text(node: ast.expr) -> str:
    """The annotation as written (a quoted one without its quotes)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def annotation_checker(annotation: str, where: str) -> Callable[[Any], bool]:
    """A predicate for a type written as text (``"Optional[int]"``, ``"tuple[str, str]"``), by
    the same rules as a parameters cell's annotations; a quoted annotation is read the same."""
    try:
        node = ast.parse(str(annotation).strip(), mode="eval").body
    except SyntaxError as exc:
        raise ParameterError(f"{where}: invalid type {annotation!r}: {exc.msg}") from None
    return _checker(node, where)


def notebook_parameters(path: Path) -> dict[str, Parameter]:
    """The declared parameters of the notebook at ``path``."""
    return parse_parameters(parameters_cell(path), f"{path}: parameters cell")


# --- annotations -> checkers -------------------------------------------------------------------

_SCALARS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "None": lambda v: v is None,
    "NoneType": lambda v: v is None,
    "object": lambda v: True,
    "Any": lambda v: True,
}


#: Container names (plain or from ``typing``) and the predicate of a bare one.
_CONTAINERS: dict[str, Callable[[Any], bool]] = {
    "list": lambda v: isinstance(v, list),
    "List": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
    "Dict": lambda v: isinstance(v, dict),
    "tuple": lambda v: isinstance(v, list | tuple),
    "Tuple": lambda v: isinstance(v, list | tuple),
}


def _checker(node: ast.expr, where: str) -> Callable[[Any], bool]:
    """A predicate for the annotation ``node`` (a small, safe subset; nothing is evaluated)."""
    if isinstance(node, ast.Constant) and node.value is None:
        return _SCALARS["None"]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "Optional[int]"
        return annotation_checker(node.value, where)
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        found = _SCALARS.get(name) or _CONTAINERS.get(name)
        if found is not None:
            return found
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _checker(node.left, where), _checker(node.right, where)
        return lambda v: left(v) or right(v)
    if isinstance(node, ast.Subscript):
        found = _subscript_checker(node, where)
        if found is not None:
            return found
    raise ParameterError(f"{where}: unsupported type annotation {ast.unparse(node)!r}")


def _subscript_checker(node: ast.Subscript, where: str) -> Callable[[Any], bool] | None:
    """``Literal[...]``, ``Optional[X]``, ``Union[...]``, ``list[X]``, ``tuple[...]``,
    ``dict[K, V]``; None for any other subscript."""
    base = node.value.id if isinstance(node.value, ast.Name) else getattr(node.value, "attr", "")
    args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    builders: dict[str, Callable[[list[ast.expr], str], Callable[[Any], bool] | None]] = {
        "Literal": lambda a, w: _literal_checker(node, a, w),
        "Optional": _optional_checker,
        "Union": _union_checker,
        "list": _list_checker,
        "List": _list_checker,
        "tuple": _tuple_checker,
        "Tuple": _tuple_checker,
        "dict": _dict_checker,
        "Dict": _dict_checker,
    }
    build = builders.get(base)
    return build(args, where) if build else None


def _literal_checker(node: ast.expr, args: list[ast.expr], where: str) -> Callable[[Any], bool]:
    try:
        choices = [ast.literal_eval(arg) for arg in args]
    except ValueError:  # literal_eval never runs code; a call inside is just refused
        raise ParameterError(
            f"{where}: Literal[...] may hold literals only: {ast.unparse(node)!r}"
        ) from None
    return lambda v: any(type(v) is type(c) and v == c for c in choices)


def _optional_checker(args: list[ast.expr], where: str) -> Callable[[Any], bool]:
    inner = _checker(args[0], where)
    return lambda v: v is None or inner(v)


def _union_checker(args: list[ast.expr], where: str) -> Callable[[Any], bool]:
    parts = [_checker(arg, where) for arg in args]
    return lambda v: any(p(v) for p in parts)


def _list_checker(args: list[ast.expr], where: str) -> Callable[[Any], bool]:
    item = _checker(args[0], where)
    return lambda v: isinstance(v, list) and all(item(x) for x in v)


def _tuple_checker(args: list[ast.expr], where: str) -> Callable[[Any], bool]:
    if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
        one = _checker(args[0], where)
        return lambda v: isinstance(v, list | tuple) and all(one(x) for x in v)
    each = [_checker(arg, where) for arg in args]
    return lambda v: (
        isinstance(v, list | tuple)
        and len(v) == len(each)
        and all(c(x) for c, x in zip(each, v, strict=True))
    )


def _dict_checker(args: list[ast.expr], where: str) -> Callable[[Any], bool] | None:
    if len(args) != 2:
        return None
    key, val = _checker(args[0], where), _checker(args[1], where)
    return lambda v: isinstance(v, dict) and all(key(k) and val(x) for k, x in v.items())


# --- checks ------------------------------------------------------------------------------------


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _plain(value: Any, name: str, depth: int = 0) -> None:
    """Only JSON-like data may be passed: strings bounded, numbers finite and bounded, lists and
    mappings nested at most ``MAX_DEPTH`` levels."""
    if depth > MAX_DEPTH:
        raise ParameterError(f"parameter {name!r}: nested more than {MAX_DEPTH} levels deep")
    if not isinstance(value, _JSONISH):
        raise ParameterError(f"parameter {name!r}: {type(value).__name__} values are not allowed")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise ParameterError(f"parameter {name!r}: integer out of range (at most 10**1000)")
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise ParameterError(
            f"parameter {name!r}: string of {len(value)} characters (at most {MAX_STRING})"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"parameter {name!r}: {value} is not a finite number")
    if isinstance(value, list):
        for item in value:
            _plain(item, name, depth + 1)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ParameterError(f"parameter {name!r}: mapping keys must be strings")
            _plain(key, name, depth + 1)
            _plain(item, name, depth + 1)


def check_types(
    declared: Mapping[str, Parameter], given: Mapping[str, Any], where: str = ""
) -> None:
    """Every given name is declared, every value is plain data of the declared type."""
    prefix = f"{where}: " if where else ""
    for name, value in given.items():
        if name not in declared:
            raise ParameterError(
                f"{prefix}unknown parameter {short(name)}; this notebook takes: "
                + (", ".join(f"{p.name}: {p.annotation}" for p in declared.values()) or "none")
            )
        _plain(value, name)
        parameter = declared[name]
        if not parameter.accepts(value):
            raise ParameterError(
                f"{prefix}parameter {name!r} must be {parameter.annotation}, got "
                f"{type(value).__name__} {short(value)}"
            )


def injection_is_inert(given: Mapping[str, Any]) -> bool:
    """Whether papermill's injected cell for ``given`` is only ``name = <literal>`` lines whose
    literals equal the given values (so a string can never become code)."""
    from papermill.translators import PythonTranslator  # noqa: PLC0415 - heavy, runs in workers

    if not all(isinstance(name, str) and name.isidentifier() for name in given):
        return False
    try:
        tree = ast.parse(PythonTranslator.codify(dict(given)))
    except SyntaxError:
        return False
    return len(tree.body) == len(given) and all(
        _assigns_literal(stmt, name, value)
        for stmt, (name, value) in zip(tree.body, given.items(), strict=True)
    )


def _assigns_literal(stmt: ast.stmt, name: str, value: Any) -> bool:
    """``stmt`` is ``name = <literal equal to value>``."""
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id == name
    ):
        return False
    try:
        return ast.literal_eval(stmt.value) == value
    except ValueError:
        return False


# --- what the values mean ----------------------------------------------------------------------


def _listing(values: Iterable[Any], limit: int = 400) -> str:
    text = ", ".join(str(v) for v in values)
    return text if len(text) <= limit else text[:limit].rsplit(", ", 1)[0] + ", ..."


class Vocabulary:
    """Valid indicators, families, groups, countries and years (looked up once, lazily)."""

    def __init__(self, home: str | Path | None = None) -> None:
        self.home = home
        self._years: dict[str, list[int]] | None = None
        self._countries: list[str] | None = None

    @functools.cached_property
    def catalog(self) -> Any:
        from compare.catalog import load_catalog  # noqa: PLC0415

        return load_catalog(home=self.home)

    def indicator(self, value: str) -> None:
        self.catalog.indicator(value)  # raises with the valid ids

    def family(self, value: str) -> None:
        from compare.catalog import FAMILIES, resolve_family  # noqa: PLC0415

        if value not in FAMILIES:  # unknown: resolve_family raises with the closest family
            raise ParameterError(
                f"unknown family {short(value)}; did you mean {resolve_family(value)!r}?"
            )

    def groups(self, values: Iterable[str], classification: str) -> None:
        from compare.geo import regions  # noqa: PLC0415
        from compare.suggest import hint  # noqa: PLC0415

        regions.groups(classification)  # an unknown classification lists the valid ones
        for value in values:  # "CLASSIFICATION:GROUP" names a group of another classification
            where, name = regions.resolve(value, classification)
            valid = list(regions.groups(where))
            if name not in valid:
                raise ParameterError(
                    f"unknown group {short(value)} in classification {where!r}"
                    f"{hint(str(value), valid)}; valid groups: {_listing(valid)}"
                )

    def _table_index(self) -> None:
        """Years per indicator and countries with data, from the processed table (pyarrow only:
        no pandas import in the runner)."""
        import pyarrow.compute as pc  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415

        from compare.config import paths  # noqa: PLC0415
        from compare.errors import CompareError  # noqa: PLC0415
        from compare.storage import atomic  # noqa: PLC0415

        where = paths(self.home)
        atomic.recover_directory(where.processed)
        if not where.indicators.is_file():
            raise CompareError(f"no processed data at {where.indicators}: run `compare build`")
        data = pq.read_table(where.indicators, columns=["indicator", "year", "iso3"])
        pairs = data.group_by(["indicator", "year"]).aggregate([]).to_pydict()
        years: dict[str, set[int]] = {}
        for indicator, year in zip(pairs["indicator"], pairs["year"], strict=True):
            years.setdefault(str(indicator), set()).add(int(year))
        from compare.derived import derived_years  # noqa: PLC0415

        years.update(derived_years(data))  # derived indicators are computed, not stored
        self._years = {ind: sorted(found) for ind, found in years.items()}
        self._countries = sorted(str(c) for c in pc.unique(data["iso3"]).to_pylist())

    def country(self, value: str) -> None:
        from compare.geo import countries  # noqa: PLC0415

        if self._countries is None:
            self._table_index()
        assert self._countries is not None
        code = countries.to_iso3([value], warn=False)[0]
        if code is None or code not in self._countries:
            why = "unknown country" if code is None else f"no data for {code} (from"
            close = countries.suggest(value) if code is None else []
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise ParameterError(
                f"{why} {short(value)}{')' if code else ''}{hint}; use an ISO3 code or a country "
                f"name; countries with data: {_listing(self._countries, 2000)}"
            )

    def year(self, value: int, indicator: str | None) -> None:
        if self._years is None:
            self._table_index()
        assert self._years is not None
        if indicator is not None:
            valid = self._years.get(indicator, [])
            what = f"indicator {indicator!r}"
        else:
            valid = sorted({y for years in self._years.values() for y in years})
            what = "the processed table"
        if value not in valid:
            raise ParameterError(
                f"no data for year {short(value)} in {what}; years with data: "
                + (_listing(valid) or "none")
            )


def _spelled(value: Any, choices: Iterable[str]) -> Any:
    """The choice ``value`` names in another case (``value`` itself when none or several)."""
    from compare.suggest import casefold_match  # noqa: PLC0415

    if isinstance(value, list):
        return [_spelled(v, choices) for v in value]
    if not isinstance(value, str):
        return value
    return casefold_match(value, choices) or value


def canonical(given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` with ids and group names written in another case replaced by their own
    spelling (``"EGDI"`` -> ``"egdi"``, ``"europe"`` -> ``"Europe"``): the same run whatever the
    case. Values that match nothing, or several, are left for :func:`check_values` to refuse
    (with suggestions); nothing else is changed."""
    from compare.catalog import FAMILIES, load_catalog  # noqa: PLC0415
    from compare.errors import CompareError  # noqa: PLC0415
    from compare.geo import regions  # noqa: PLC0415
    from compare.language import LANGUAGES  # noqa: PLC0415

    out = dict(given)
    try:
        vocabularies = {
            ("indicator", "indicators"): list(load_catalog().indicators),
            ("family",): FAMILIES,
            ("classification",): regions.classifications(),
        }
        if isinstance(out.get("language"), str):
            out["language"] = _spelled(out["language"], LANGUAGES)
        for names, choices in vocabularies.items():
            out.update({n: _spelled(out[n], choices) for n in names if n in out})
        groups = regions.groups(str(out.get("classification", "m49")))
        out.update({n: _spelled(out[n], groups) for n in ("groups", "group") if n in out})
    except CompareError:  # an unknown classification, a broken catalog: reported by the checks
        pass
    return out


def _check_choices(given: Mapping[str, Any]) -> None:
    """``language`` (en, es or pt, any case) and ``weighting`` name one of their choices."""
    if "language" in given:
        from compare.language import check  # noqa: PLC0415

        check(given["language"])
    weighting = given.get("weighting")
    if isinstance(weighting, str) and weighting not in WEIGHTINGS:
        raise ParameterError(
            f"unknown weighting {short(weighting)}; valid: {', '.join(WEIGHTINGS)}"
        )


def check_values(given: Mapping[str, Any], vocabulary: Vocabulary, where: str = "") -> None:
    """Check what known parameter names mean: ``indicator``, ``indicators``, ``family``,
    ``country``, ``countries``, ``groups``/``group`` (in ``classification``, default UN M49),
    ``classification``, ``weighting``, ``language`` (en, es, pt) and ``year`` (a year with data
    for ``indicator`` when given). Other names pass."""
    prefix = f"{where}: " if where else ""
    try:
        indicators = []
        if isinstance(given.get("indicator"), str):
            indicators.append(given["indicator"])
        if isinstance(given.get("indicators"), list):
            indicators += given["indicators"]
        for indicator in indicators:
            vocabulary.indicator(indicator)
        if isinstance(given.get("family"), str):
            vocabulary.family(given["family"])
        classification = given.get("classification", "m49")
        if isinstance(classification, str) and "classification" in given:
            vocabulary.groups([], classification)  # an unknown classification lists the valid
        for key in ("groups", "group"):
            value = given.get(key)
            if value is not None:
                vocabulary.groups([value] if isinstance(value, str) else value, classification)
        for key in ("country", "countries"):
            value = given.get(key)
            for country in [value] if isinstance(value, str) else (value or []):
                vocabulary.country(country)
        _check_choices(given)
        if isinstance(given.get("year"), int):
            one = given.get("indicator") if isinstance(given.get("indicator"), str) else None
            vocabulary.year(given["year"], one)
    except ParameterError as exc:
        raise ParameterError(f"{prefix}{exc}") from None


def validate(
    notebook: Path, given: Mapping[str, Any], vocabulary: Vocabulary | None = None
) -> dict[str, Any]:
    """Types and values of ``given`` for ``notebook``; returns the parameters papermill injects."""
    declared = notebook_parameters(notebook)
    where = f"{Path(notebook).stem}"
    check_types(declared, given, where)
    check_values(with_defaults(declared, given), vocabulary or Vocabulary(), where)
    return dict(given)


def with_defaults(declared: Mapping[str, Parameter], given: Mapping[str, Any]) -> dict[str, Any]:
    """The values the notebook will run with: its declared defaults, overridden by ``given``
    (so that, e.g., a given ``classification`` is checked against the default ``groups``)."""
    return {**{name: p.default for name, p in declared.items()}, **given}


def validate_runs(
    runs: Iterable[tuple[str, Path, Mapping[str, Any]]],
    vocabulary: Vocabulary | None = None,
    limit: int = 20,
    declared_of: Callable[[Path], dict[str, Parameter]] = notebook_parameters,
) -> None:
    """Check every ``(run id, notebook, parameters)`` before anything executes, against the
    parameters ``declared_of(notebook)`` declares; one :class:`ParameterError` lists every
    problem found (the first ``limit`` of them)."""
    vocabulary = vocabulary or Vocabulary()
    declared: dict[Path, dict[str, Parameter]] = {}
    problems: list[str] = []
    count = 0
    for run_id, notebook, given in runs:
        try:
            if notebook not in declared:
                declared[notebook] = declared_of(notebook)
            check_types(declared[notebook], given, run_id)
            check_values(with_defaults(declared[notebook], given), vocabulary, run_id)
        except ParameterError as exc:
            count += 1
            if len(problems) < limit:
                problems.append(str(exc))
    if problems:
        more = f"\n  ... and {count - len(problems)} more" if count > len(problems) else ""
        raise ParameterError(
            f"{count} invalid report run(s), nothing was executed:\n  "
            + "\n  ".join(problems)
            + more
        )
