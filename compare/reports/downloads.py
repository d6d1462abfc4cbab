"""The data behind every figure and table of a report page, as CSV files beside the page.

In a report run, ``compare.show(fig)`` and ``compare.show_table(df)`` (and any DataFrame a
notebook displays) send, with their HTML, one more output type, :data:`DATA_MIMETYPE`: the values
drawn or shown as CSV text with their column types and source ids (:func:`payload`). The
figures know what they draw (:mod:`compare.figures.figure_data`). The page writer
(:func:`collect`, in the worker) numbers them in page order, puts a plain link under each
(``<a href="<id>.data/figure-1.csv" download>``: relative, no script, works from ``file://`` and
under the page's Content-Security-Policy) and writes the folder ``<id>.data/`` beside the page:
``figure-N.csv``, ``table-N.csv`` and one ``datapackage.json`` (Frictionless tabular data
package: every resource with its schema, row count and sha256; the sources with titles,
licences, retrieval and update dates from the build's ``datapackage.json`` and the catalog; the
run id, its parameters and data checksums, the time it was made).

Values are written as data: ``.`` decimals, no thousands separators, full precision (the
processed table's values, not the rounded numbers of a label), missing as an empty cell, ISO3
codes with the country's name beside them, lists as JSON; text cells are guarded against
spreadsheet formulas (:func:`compare.text.downloads.spreadsheet_safe`). Column names are English
in every language.

The folder is written under a pending name by the worker and put in place by the runner with the
page and its manifest entry (:func:`put_in_place`, called by
:func:`compare.reports.outputs.commit`); a re-executed page replaces it, and a page that now has
no data removes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.errors import CompareError
from compare.storage import atomic
from compare.text.downloads import ABOUT_LABEL, DOWNLOAD_LABEL, spreadsheet_safe

if TYPE_CHECKING:
    import pandas as pd

#: The output type that carries a figure's or a table's data to the page writer.
DATA_MIMETYPE = "application/vnd.compare.data+json"
#: The folder beside ``<id>.html``: ``<id>.data``.
DATA_SUFFIX = ".data"
SIDECAR = "datapackage.json"
#: An old folder moved aside while the new one is put in place (removed with the runner's
#: other leftovers should a crash leave it: it ends like a pending file).
_ASIDE = ".old.pending-"


# --- in the kernel: a frame as the data of an output -----------------------------------------


def _field_type(series: pd.Series) -> str:
    import pandas as pd  # noqa: PLC0415

    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "string"


def _cell(value: Any) -> Any:
    """A text cell as data: lists and mappings as JSON, strings safe for a spreadsheet."""
    if isinstance(value, (list, tuple, dict, set)):
        value = json.dumps(sorted(value) if isinstance(value, set) else value, default=str,
                           ensure_ascii=False)  # fmt: skip
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


def _counts_or_years(column: str) -> bool:
    """Columns of years and counts (``year``, ``first_year``, ``n``, ``n_countries``)."""
    return column in ("year", "n") or column.endswith("_year") or column.startswith("n_")


def as_data(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` ready to be written: a meaningful index as columns, column names as text,
    whole-number years as integers, text cells guarded."""
    import pandas as pd  # noqa: PLC0415

    out = frame.copy()
    if not isinstance(out.index, pd.RangeIndex) or out.index.name is not None:
        out = out.reset_index()
    out.columns = [
        "_".join(str(p) for p in c if str(p)) if isinstance(c, tuple) else str(c)
        for c in out.columns
    ]
    out = out.loc[:, ~pd.Index(out.columns).duplicated()]
    for column in out.columns:
        series = out[column]
        if _counts_or_years(column) and pd.api.types.is_float_dtype(series):
            whole = series.dropna()
            if (whole == whole.round()).all():  # made float by a missing value: integers
                out[column] = series.astype("Int64")
        elif not pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[column] = series.map(_cell, na_action="ignore").astype(object)
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` (already :func:`as_data`) as CSV: no index, ``.`` decimals, full precision,
    missing empty, ``\\n`` line ends."""
    return frame.to_csv(index=False, na_rep="", lineterminator="\n", decimal=".")


def _sources(frame: pd.DataFrame, extra: list[str]) -> list[str]:
    found = list(extra)
    for column in ("source_id", "source"):
        if column in frame:
            found += [str(s) for s in frame[column].dropna().unique() if str(s)]
    return sorted({part for s in found for part in s.split(";") if part})


def payload(
    frame: pd.DataFrame,
    kind: str,
    *,
    title: str = "",
    sources: list[str] | None = None,
    drawn_as: str = "",
) -> dict[str, Any]:
    """The :data:`DATA_MIMETYPE` output of a figure's or a table's data (``drawn_as``: the
    figure's kind, ``choropleth``, ``distribution`` ...)."""
    data = as_data(frame)
    return {
        "kind": kind,
        "drawn_as": drawn_as,
        "title": title,
        "fields": [{"name": c, "type": _field_type(data[c])} for c in data.columns],
        "rows": len(data),
        "sources": _sources(frame, sources or []),
        "csv": csv_text(data),
    }


def figure_payload(fig: Any) -> dict[str, Any] | None:
    """The data output of a figure of :mod:`compare.figures` (None for another figure)."""
    from compare.figures.figure_data import data_of  # noqa: PLC0415

    frame = data_of(fig)
    if frame is None:
        return None
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else ""
    plain = html.unescape(title.replace("<br>", " ")) if title else ""
    sources = list(meta.get("sources") or [])
    return payload(
        frame, "figure", title=plain, sources=sources, drawn_as=str(meta.get("kind", ""))
    )


def table_payload(frame: Any) -> dict[str, Any] | None:
    """The data output of a displayed DataFrame (None for anything else)."""
    import pandas as pd  # noqa: PLC0415

    return payload(frame, "table") if isinstance(frame, pd.DataFrame) else None


# --- in the worker: the page's data folder ---------------------------------------------------


@dataclass
class PageData:
    """The data files of one page: name -> bytes, and their resources in the sidecar."""

    folder: str  # "<id>.data", relative to the page
    files: dict[str, bytes] = field(default_factory=dict)
    resources: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.files)


def folder_of(page: str | Path) -> Path:
    """``<id>.data`` beside the page ``<id>.html``."""
    page = Path(page)
    return page.with_name(page.stem + DATA_SUFFIX)


def link_html(folder: str, name: str) -> str:
    """The links under one figure or table (relative, escaped; no script)."""
    base = urllib.parse.quote(folder)
    href = html.escape(f"{base}/{urllib.parse.quote(name)}")
    about = html.escape(f"{base}/{SIDECAR}")
    from compare.text.i18n import _  # noqa: PLC0415 - the page's language, set by the caller

    return (
        f'<p class="compare-download"><a href="{href}" download type="text/csv">'
        f'{html.escape(_(DOWNLOAD_LABEL))}</a> · <a href="{about}" type="application/json">'
        f"{html.escape(_(ABOUT_LABEL))}</a></p>"
    )


def _html_of(data: dict[str, Any]) -> str:
    page = data.get("text/html", "")
    return "".join(page) if isinstance(page, list) else str(page)


def collect(nb: Any, page: str | Path) -> PageData:
    """Take the data outputs out of ``nb`` (in place) and put a link under each: the files and
    resources of the page's data folder, numbered in page order per kind."""
    found = PageData(folder=folder_of(page).name)
    counts = {"figure": 0, "table": 0}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            item = data.pop(DATA_MIMETYPE, None)
            if not isinstance(item, dict) or item.get("kind") not in counts:
                continue
            kind = item["kind"]
            counts[kind] += 1
            name = f"{kind}-{counts[kind]}.csv"
            body = str(item.get("csv", "")).encode("utf-8")
            found.files[name] = body
            found.resources.append(resource(name, item, body))
            data["text/html"] = _html_of(data) + link_html(found.folder, name)
    return found


def resource(name: str, item: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The sidecar's entry of one CSV file (``item``: its :func:`payload`)."""
    return {
        "name": name.removesuffix(".csv"),
        "path": name,
        "title": str(item.get("title") or ""),
        "drawn_as": str(item.get("drawn_as") or ""),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(body),
        "hash": "sha256:" + hashlib.sha256(body).hexdigest(),
        "rows": int(item.get("rows") or 0),
        "schema": {"fields": list(item.get("fields") or []), "missingValues": [""]},
        "sources": list(item.get("sources") or []),
    }


def _source_records(ids: list[str], home: str | Path) -> list[dict[str, Any]]:
    """Each source id with its title, address, licence, retrieval and update dates (the build's
    ``datapackage.json``), else what the catalog says of it."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.config import paths  # noqa: PLC0415

    try:
        built = json.loads((paths(home).processed / SIDECAR).read_text(encoding="utf-8"))
        known = {s.get("id"): s for s in built.get("sources", []) if isinstance(s, dict)}
    except (OSError, ValueError):
        known = {}
    catalog = load_catalog(home=home)
    records = []
    for source_id in ids:
        if source_id in known:
            records.append({"id": source_id, **known[source_id]})
        elif source_id in catalog.sources:
            source = catalog.sources[source_id]
            records.append({"id": source_id, "title": source.citation, "path": source.url,
                            "licence": source.licence})  # fmt: skip
        else:
            records.append({"id": source_id})
    return records


def sidecar(data: PageData, spec: Any, checksums: dict[str, str]) -> dict[str, Any]:
    """The page's ``datapackage.json`` (``spec``: the run's RunSpec)."""
    ids = sorted({s for r in data.resources for s in r["sources"]})
    sources = _source_records(ids, spec.home)
    licences = sorted({str(s["licence"]) for s in sources if s.get("licence")})
    return {
        "profile": "tabular-data-package",
        "name": spec.run_id.replace("/", "-").lower(),
        "title": f"Data of the report {spec.title}",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "licenses": [{"title": licence} for licence in licences],
        "sources": sources,
        "compare": {
            "run_id": spec.run_id,
            "page": Path(spec.output_html).name,
            "parameters": spec.parameters,
            "data_checksums": checksums,
        },
        "resources": data.resources,
    }


def write_pending(data: PageData, spec: Any, target: Path) -> None:
    """Write the data folder's files and its sidecar into ``target`` (a pending folder)."""
    from compare.reports.matrix import data_checksums  # noqa: PLC0415

    try:
        checksums = data_checksums(spec.home)
    except CompareError:  # the processed data went away mid-run: the sidecar names none
        checksums = {}
    target.mkdir(parents=True, exist_ok=True)
    for name, body in data.files.items():
        atomic.write_bytes(target / name, body)
    package = sidecar(data, spec, checksums)
    atomic.write_text(target / SIDECAR, json.dumps(package, indent=1, ensure_ascii=False) + "\n")


# --- in the runner: put in place with the page -----------------------------------------------


def put_in_place(final: Path, written: Path | None) -> None:
    """Replace the folder ``final`` by ``written`` (None or missing: remove ``final``)."""
    final = Path(final)
    aside = final.with_name(f"{final.name}{_ASIDE}{os.getpid()}")
    if final.exists():
        os.replace(final, aside)
    if written is not None and Path(written).is_dir():
        os.replace(written, final)
    if aside.exists():
        shutil.rmtree(aside, ignore_errors=True)


def remove_leftover(path: Path) -> None:
    """Remove a pending file or folder a worker left."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def files_of(reports: Path, page: str) -> list[str]:
    """The data files beside ``page`` (relative to ``reports``), sidecar last."""
    folder = folder_of(page)
    where = reports / folder
    if not where.is_dir():
        return []
    names = sorted(p.name for p in where.iterdir() if p.is_file() and p.suffix == ".csv")
    names += [SIDECAR] if (where / SIDECAR).is_file() else []
    return [(folder / name).as_posix() for name in names]
