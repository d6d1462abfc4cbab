"""The report matrix: which notebook runs with which parameters (``notebooks/reports.yml``).

A matrix file lists entries; each runs one notebook once per combination of the values under
``each`` (cartesian product), with the fixed ``parameters``::

    runs:
      - notebook: indicator_comparison.ipynb      # relative to the matrix file
        each:
          indicator: [family:digital_divide, family:interoperability]
        parameters: {classification: m49}
        name: "{indicator}"                         # run id: indicator_comparison/<name>
      - notebook: data_coverage.ipynb               # no `each`: one run, data_coverage/default

Generators expanded by code (so 50 indicators need not be listed by hand): for ``indicator`` /
``indicators``, ``family:NAME`` (catalog indicators of a family) and ``all`` (every indicator of
the three compared families); for ``country`` / ``countries``, ``focus`` (the 14 focus
countries) and ``group:NAME`` (current members of an M49 group). Anything else is a literal
value. Run ids are ``<notebook stem>/<name>``, made of letters, digits, ``.``, ``_`` and ``-``.

This module is import-light (no pandas): the no-op path of ``compare report`` plans the matrix
and compares fingerprints without starting anything heavy.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.config import COMPARED_FAMILIES, FOCUS_COUNTRIES, PACKAGE_DIR, paths
from compare.errors import CompareError, ParameterError
from compare.language import AUTONYMS, LANGUAGES, SOURCE_LANGUAGE
from compare.storage.yamlfiles import safe_load

#: Families compared by the reports (``context`` indicators are controls, not compared).

#: Bumped when the runner's output format changes (re-runs everything once).
RUNNER_VERSION = 1

_ENTRY_KEYS = {"notebook", "each", "parameters", "name", "group", "title"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs (translated where it is shown)."""
    return message


_GROUP_LABELS = {
    "digital_divide": N_("Digital divide"),
    "interoperability": N_("Interoperability and digital government"),
    "employer_recognition": N_("Employer recognition of micro-credentials"),
    "context": N_("Context"),
}


@dataclass(frozen=True)
class RunDef:
    """One planned run: a notebook with one set of parameters."""

    run_id: str
    notebook: Path
    parameters: dict[str, Any]
    group: str
    title: str
    entry: int  # index of the matrix entry it comes from (for messages)
    language: str = SOURCE_LANGUAGE  # the page's language (``language`` parameter)
    base_id: str = ""  # the run id of its English page (the same run in every language)


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs to execute and render one run (plain, picklable data)."""

    run_id: str
    notebook: str  # absolute path of the source notebook
    parameters: dict[str, Any]
    home: str
    output_ipynb: str
    output_html: str
    assets_href: str  # the report folder's assets, relative to the HTML page
    index_href: str
    title: str
    group: str
    key: str  # fingerprint of the inputs; the outputs record it
    warm_key: str  # code + data fingerprint: a warm kernel server is valid for one value
    timeout: float = 600.0
    kernel: str = "warm"  # "warm" (forked from a fork server) or "cold" (a new process)
    env: dict[str, str] = field(default_factory=dict)
    language: str = SOURCE_LANGUAGE
    #: the same report in each language shown: (code, name in that language, href from the page)
    alternates: tuple[tuple[str, str, str], ...] = ()


# --- expanding the matrix ----------------------------------------------------------------------


_RUN_ID_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


def valid_run_id(run_id: str) -> bool:
    """``<notebook>/<name>``: two parts of letters, digits, ``.``, ``_``, ``-``, neither
    starting with ``.`` or ``-`` (so no ``..``, no absolute path, no other separator)."""
    parts = run_id.split("/")
    return len(parts) == 2 and all(_RUN_ID_PART.match(part) for part in parts)


def check_run_id(run_id: str) -> None:
    """Raise a CompareError for a run id that could write outside the reports folder."""
    if not valid_run_id(run_id):
        raise CompareError(
            f"unsafe run id {run_id!r}: a run id is <notebook>/<name>, each made of letters, "
            "digits, '.', '_' and '-' and not starting with '.' or '-'"
        )


def _slug(text: str) -> str:
    return _UNSAFE.sub("-", text).strip(".-") or "run"


def _catalog() -> Any:
    from compare.catalog import load_catalog  # noqa: PLC0415

    return load_catalog()


def _expand_indicator(token: Any, catalog_cache: list[Any]) -> list[Any]:
    if not isinstance(token, str):
        return [token]
    if token == "all" or token.startswith("family:"):
        if not catalog_cache:
            catalog_cache.append(_catalog())
        catalog = catalog_cache[0]
        if token == "all":
            return [i.id for i in catalog.indicators.values() if i.family in COMPARED_FAMILIES]
        family = token.split(":", 1)[1]
        return [i.id for i in catalog.by_family(family)]  # raises listing the families
    return [token]


def _expand_country(token: Any) -> list[Any]:
    if token == "focus":
        return list(FOCUS_COUNTRIES)
    if isinstance(token, str) and token.startswith("group:"):
        from compare.geo import regions  # noqa: PLC0415

        return regions.members(token.split(":", 1)[1], "m49")  # raises listing the groups
    return [token]


def expand_values(name: str, spec: Any, catalog_cache: list[Any] | None = None) -> list[Any]:
    """The values of parameter ``name`` from a matrix ``each`` item (a value, a generator or a
    list of both)."""
    cache = catalog_cache if catalog_cache is not None else []
    items = spec if isinstance(spec, list) else [spec]
    values: list[Any] = []
    for item in items:
        if name in ("indicator", "indicators"):
            values += _expand_indicator(item, cache)
        elif name in ("country", "countries"):
            values += _expand_country(item)
        else:
            values.append(item)
    seen: list[Any] = []
    for value in values:  # keep order, drop repeats
        if value not in seen:
            seen.append(value)
    return seen


#: The notebooks' labels in titles (``indicator_comparison`` -> "Indicator comparison").
_NOTEBOOK_LABELS = {
    "indicator_comparison": N_("Indicator comparison"),
    "country_profile": N_("Country profile"),
    "evidence_overview": N_("Evidence overview"),
    "data_coverage": N_("Data coverage"),
}


def _title(notebook: Path, parameters: Mapping[str, Any], catalog: Any) -> str:
    from compare.text.i18n import _  # noqa: PLC0415

    label = notebook.stem.replace("_", " ").capitalize()
    label = _(_NOTEBOOK_LABELS[notebook.stem]) if notebook.stem in _NOTEBOOK_LABELS else label
    indicator = parameters.get("indicator")
    if isinstance(indicator, str) and catalog is not None and indicator in catalog.indicators:
        return f"{label}: {_(catalog.indicators[indicator].title)}"
    country = parameters.get("country")
    if isinstance(country, str):
        from compare.geo.countries import country_name  # noqa: PLC0415

        return f"{label}: {country_name(country)}"  # the code itself when unknown
    return label


# --- languages ---------------------------------------------------------------------------------


def parse_languages(text: str | None) -> list[str] | None:
    """``--languages es,pt`` -> ``["es", "pt"]`` (None: the matrix's own list); an unknown code
    is a ParameterError naming the valid ones."""
    from compare.language import check  # noqa: PLC0415

    if text is None:
        return None
    codes = [check(part) for part in str(text).replace(" ", ",").split(",") if part.strip()]
    if not codes:
        raise ParameterError(f"--languages names no language; valid: {', '.join(LANGUAGES)}")
    return list(dict.fromkeys(codes))


def matrix_languages(path: Path) -> list[str]:
    """The ``languages:`` of a matrix file (``[en]`` when it has none)."""
    import yaml  # noqa: PLC0415

    from compare.language import check  # noqa: PLC0415

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return [SOURCE_LANGUAGE]  # read_matrix reports the error
    given = data.get("languages") if isinstance(data, dict) else None
    if given is None:
        return [SOURCE_LANGUAGE]
    if not isinstance(given, list) or not given:
        raise CompareError(f"{path}: `languages` must be a list such as [en, es]")
    try:
        return list(dict.fromkeys(check(code) for code in given))
    except ParameterError as exc:
        raise CompareError(f"{path}: languages: {exc}") from None


def shown_languages(
    path: Path, languages: Iterable[str] | None, manifest: Mapping[str, Any] | None = None
) -> list[str]:
    """Every language the reports folder offers: the matrix's, those asked for and those of
    pages already in the manifest (in the order of :data:`LANGUAGES`)."""
    found = set(matrix_languages(path)) | set(languages or ())
    for entry in ((manifest or {}).get("runs") or {}).values():
        language = (entry.get("parameters") or {}).get("language")
        if language in LANGUAGES:
            found.add(language)
    return [code for code in LANGUAGES if code in found]


def language_id(base_id: str, language: str) -> str:
    """``indicator_comparison/egdi`` in Spanish: ``indicator_comparison/egdi.es`` (English ids
    carry no suffix)."""
    return base_id if language == SOURCE_LANGUAGE else f"{base_id}.{language}"


def index_name(language: str) -> str:
    """The index page of ``language`` in the reports folder: ``index.html`` (English),
    ``index.es.html``, ``index.pt.html``."""
    return "index.html" if language == SOURCE_LANGUAGE else f"index.{language}.html"


def alternates(run: RunDef, languages: Iterable[str], page: Path) -> tuple[tuple[str, ...], ...]:
    """The same report in each of ``languages``: (code, name, href relative to ``page``)."""
    base = run.base_id or run.run_id
    return tuple(
        (code, AUTONYMS[code], f"{language_id(base, code).split('/', 1)[1]}.html")
        for code in languages
        if code in AUTONYMS and page.parent.name == base.split("/", 1)[0]
    )


def _group(notebook: Path, parameters: Mapping[str, Any], catalog: Any, given: Any) -> str:
    if isinstance(given, str) and given:
        return given
    indicator = parameters.get("indicator")
    if isinstance(indicator, str) and catalog is not None and indicator in catalog.indicators:
        family = catalog.indicators[indicator].family
        return _GROUP_LABELS.get(family, family)
    return notebook.stem.replace("_", " ").capitalize()


def _entry_error(path: Path, index: int, message: str) -> CompareError:
    return CompareError(f"{path}: runs[{index}]: {message}")


def read_matrix(path: Path) -> list[dict[str, Any]]:
    """The entries of a matrix file (structure checked, nothing expanded)."""
    import yaml  # noqa: PLC0415

    try:
        data = safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CompareError(f"cannot read report matrix {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CompareError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise CompareError(f"{path}: expected a mapping with a list under 'runs'")
    entries = data["runs"]
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str):
            raise _entry_error(path, index, "each entry needs `notebook: FILE.ipynb`")
        unknown = sorted(set(entry) - _ENTRY_KEYS)
        if unknown:
            raise _entry_error(
                path, index, f"unknown key(s) {', '.join(map(str, unknown))}; "
                f"valid keys: {', '.join(sorted(_ENTRY_KEYS))}"
            )  # fmt: skip
        for key in ("each", "parameters"):
            if entry.get(key) is not None and not isinstance(entry[key], dict):
                raise _entry_error(path, index, f"`{key}` must be a mapping of parameter names")
    return entries


def plan(path: Path, languages: Iterable[str] | None = None) -> list[RunDef]:
    """Expand the matrix at ``path`` into runs (ids unique; notebooks must exist), once per
    language of ``languages`` (default: the matrix's ``languages``, ``[en]`` when it has none):
    English runs keep their ids, the others are ``<notebook>/<name>.<lang>`` with the
    ``language`` parameter."""
    path = Path(path).resolve()
    chosen = list(languages) if languages is not None else matrix_languages(path)
    english = plan_english(path)
    return [  # language by language: a later language reuses the first one's memoised numbers
        run if code == SOURCE_LANGUAGE else _in_language(run, code)
        for code in chosen
        for run in english
    ]


def _in_language(run: RunDef, code: str) -> RunDef:
    """``run`` in language ``code``: its id, parameters and title."""
    from compare.text.i18n import use_language  # noqa: PLC0415

    parameters = {**run.parameters, "language": code}
    catalog = _lazy_catalog([])
    title = run.title
    if title == _title(run.notebook, run.parameters, catalog):  # not a title the matrix gives
        with use_language(code):
            title = _title(run.notebook, parameters, catalog)
    return RunDef(
        run_id=language_id(run.run_id, code), notebook=run.notebook, parameters=parameters,
        group=run.group, title=title, entry=run.entry, language=code, base_id=run.run_id,
    )  # fmt: skip


def plan_english(path: Path) -> list[RunDef]:
    """The matrix's runs in English (the source language)."""
    entries = read_matrix(path)
    catalog_cache: list[Any] = []
    runs: list[RunDef] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        notebook = (path.parent / entry["notebook"]).resolve()
        if not notebook.is_file():
            raise _entry_error(path, index, f"notebook {entry['notebook']!r} not found")
        if not _RUN_ID_PART.match(notebook.stem):
            raise _entry_error(
                path, index, f"notebook file name {notebook.name!r} cannot name its reports: "
                "use letters, digits, '.', '_' and '-', not starting with '.' or '-'"
            )  # fmt: skip
        fixed = dict(entry.get("parameters") or {})
        each = dict(entry.get("each") or {})
        try:
            axes = {name: expand_values(name, spec, catalog_cache) for name, spec in each.items()}
        except ParameterError as exc:
            raise _entry_error(path, index, str(exc)) from None
        names = list(axes)
        for combo in itertools.product(*(axes[n] for n in names)):
            parameters = {**fixed, **dict(zip(names, combo, strict=True))}
            template = entry.get("name")
            if isinstance(template, str):
                try:
                    name = template.format_map({k: _text(v) for k, v in parameters.items()})
                except (KeyError, IndexError, ValueError) as exc:
                    raise _entry_error(
                        path, index, f"bad name template {template!r}: {exc}"
                    ) from None
            elif combo:
                name = "_".join(_text(v) for v in combo)
            else:
                name = "default"
            run_id = f"{notebook.stem}/{_slug(name)}"
            check_run_id(run_id)
            if run_id in seen:
                raise _entry_error(
                    path, index, f"run id {run_id!r} repeats runs[{seen[run_id]}]; "
                    "give the entries different `name` templates"
                )  # fmt: skip
            seen[run_id] = index
            catalog = catalog_cache[0] if catalog_cache else _lazy_catalog(catalog_cache)
            runs.append(
                RunDef(
                    run_id=run_id,
                    notebook=notebook,
                    parameters=parameters,
                    group=_group(notebook, parameters, catalog, entry.get("group")),
                    title=entry.get("title") or _title(notebook, parameters, catalog),
                    entry=index,
                )
            )
    return runs


def _lazy_catalog(cache: list[Any]) -> Any:
    try:
        cache.append(_catalog())
    except CompareError:
        return None
    return cache[0]


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "-".join(_text(v) for v in value)
    return str(value)


def select(runs: Iterable[RunDef], pattern: str | None) -> list[RunDef]:
    """Runs whose id matches ``pattern`` (all when None): comma-separated globs, any case,
    country names for ISO3 codes; none matching is an error with suggestions
    (:mod:`compare.reports.selection`)."""
    from compare.reports.selection import select as chosen  # noqa: PLC0415

    return chosen(runs, pattern)


# --- fingerprints ------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_files(package: Path = PACKAGE_DIR) -> list[Path]:
    """The files whose content defines what a report computes and how it looks."""
    patterns = (
        "**/*.py",
        "catalog.yml",
        "geo/reference/*.csv",
        "reports/templates/*",
        "reports/assets/*",
        "text/locales/*/LC_MESSAGES/*.po",  # a changed translation changes the pages
    )
    found = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    return sorted(p for p in found if "__pycache__" not in p.parts)


def code_hash(package: Path = PACKAGE_DIR) -> str:
    """sha256 over the package's code, catalog, reference tables, templates and assets."""
    digest = hashlib.sha256()
    for file in code_files(package):
        digest.update(file.relative_to(package).as_posix().encode() + b"\0")
        digest.update(_sha256(file.read_bytes()).encode())
    return digest.hexdigest()


def data_checksums(home: str | Path | None = None) -> dict[str, str]:
    """Checksums of the processed data (from ``build_manifest.json``), of the user catalogs and
    of the curated evidence tables under ``data/raw/evidence``."""
    from compare.storage import atomic  # noqa: PLC0415

    where = paths(home)
    atomic.recover_directory(where.processed)
    manifest = where.processed / "build_manifest.json"
    try:
        outputs = json.loads(manifest.read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError) as exc:
        raise CompareError(
            f"no processed data ({manifest}: {exc}): run `compare fetch --from DIR` and "
            "`compare build` first"
        ) from None
    sums = {f"processed/{name}": str(value) for name, value in sorted(outputs.items())}
    from compare.user_catalog import checksums  # noqa: PLC0415

    sums.update(checksums(home))  # titles, units and ranges of the user's own indicators
    evidence = where.evidence
    if evidence.is_dir():
        for file in sorted(p for p in evidence.rglob("*") if p.is_file()):
            rel = file.relative_to(evidence).as_posix()
            sums[f"raw/evidence/{rel}"] = _sha256(file.read_bytes())
    return sums


def run_key(
    notebook_sha: str, parameters: Mapping[str, Any], data: Mapping[str, str], code: str
) -> str:
    """The fingerprint of one run's inputs: equal keys mean an equal report."""
    text = json.dumps(
        {
            "runner": RUNNER_VERSION,
            "notebook": notebook_sha,
            "parameters": parameters,
            "data": dict(data),
            "code": code,
        },
        sort_keys=True,
        default=str,
    )
    return _sha256(text.encode())


def warm_key(data: Mapping[str, str], code: str) -> str:
    """Code and data fingerprint: a kernel fork server built for one value is reused for it."""
    return _sha256(json.dumps({"data": dict(data), "code": code}, sort_keys=True).encode())
