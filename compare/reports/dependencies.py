"""What each report run reads, the digest of exactly that, and why a run must run again.

A run's kernel logs every input it reads (:mod:`compare.storage.reads`): the indicators of the
processed table it uses (``indicator:egdi``; ``indicator:*`` when it uses the whole table), the
evidence curation (``evidence:*``), the map geometry (``geometry:natural-earth-110m``) and the
paper's texts (``texts:shared``). The manifest keeps, per run, those inputs with their digests
at the time of the run; the next plan recomputes the digests of the same inputs only, so that a
change to one source re-runs only the reports that read it.

:func:`declared_reads` says what a run of a known notebook reads, computed from its parameters
and the catalog (and, for the evidence notebook, the claims it selects); the test suite checks
that every report reads exactly what is declared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.config import COMPARED_FAMILIES, paths, shared_dir
from compare.storage.reads import ALL

#: The weights of every regional mean, and the control of the region models.
POPULATION = "population"
CONTROL = "gdp_per_capita_ppp"
GEOMETRY = "geometry:natural-earth-110m"
EVIDENCE = f"evidence:{ALL}"
TEXTS = "texts:shared"
WHOLE_TABLE = f"indicator:{ALL}"
#: A digest for an input that does not exist (an indicator without rows, a missing folder).
ABSENT = "absent"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class DataState:
    """The digests of every input a run can read, taken once per plan (cheap: the build wrote
    the indicator digests; the rest are small files)."""

    home: Path
    indicators: dict[str, str]
    table: str
    _cache: dict[str, str] = field(default_factory=dict)

    def digest(self, read: str) -> str:
        """The digest of one input (``ABSENT`` when it does not exist)."""
        if read not in self._cache:
            self._cache[read] = self._compute(read)
        return self._cache[read]

    def digests(self, reads: Iterable[str]) -> dict[str, str]:
        return {read: self.digest(read) for read in sorted(set(reads))}

    def _compute(self, read: str) -> str:
        kind, _, name = read.partition(":")
        if kind == "indicator":
            return self.table if name == ALL else self.indicators.get(name, ABSENT)
        computations = {
            "evidence": lambda: _folder_digest(_evidence_folder(self.home)),
            "geometry": lambda: _folder_digest(paths(self.home).raw / name),
            "texts": _texts_digest,
            "family-members": lambda: self._members_digest(name),
            "family": lambda: _family_table_digest(self.home, name),
        }
        compute = computations.get(kind)
        return compute() if compute else ABSENT

    def _members_digest(self, key: str) -> str:
        """sha256 over the digests of a family's stored indicators and the population: when it
        is unchanged, so are the family's tests (checked without computing them)."""
        from compare.catalog import load_catalog  # noqa: PLC0415

        catalog = load_catalog()
        family = json.loads(key)[0]
        ids = sorted(_indicator_reads([i.id for i in catalog.by_family(family)] + [POPULATION],
                                      catalog))  # fmt: skip
        return _sha256("".join(f"{i}={self.digest(i)};" for i in ids).encode())

    def describe(self, read: str) -> str:
        """An input in words, for reasons: ``internet_users_pct (source wb-internet-users)``."""
        kind, _, name = read.partition(":")
        if kind == "indicator" and name != ALL:
            from compare.catalog import load_catalog  # noqa: PLC0415 - only to explain a change

            found = load_catalog().indicators.get(name)
            return f"{name} (source {found.source})" if found else name
        if kind == "family":
            family, pair, classification = json.loads(name)[:3]
            return (
                f"the tests of the {family.replace('_', ' ')} family ({' vs '.join(pair)}, "
                f"{classification}; their Holm adjustment)"
            )
        return {
            WHOLE_TABLE: "the whole processed table",
            EVIDENCE: "the evidence curation (data/raw/evidence)",
            TEXTS: "the paper's texts and the mirror's INDEX.md",
        }.get(read, read.replace("geometry:", "map geometry "))


def data_state(home: str | Path | None = None) -> DataState:
    """The digests of the processed data of ``home`` (from ``build_manifest.json``)."""
    from compare.errors import CompareError  # noqa: PLC0415

    where = paths(home)
    manifest_path = where.processed / "build_manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        table = str(manifest["outputs"]["indicators.parquet"])
    except (OSError, ValueError, KeyError) as exc:
        raise CompareError(
            f"no processed data ({manifest_path}: {exc}): run `compare fetch --from DIR` and "
            "`compare build` first"
        ) from None
    return DataState(home=where.home, indicators=dict(manifest.get("slices") or {}), table=table)


def _evidence_folder(home: Path) -> Path:
    own = paths(home).evidence
    if own.is_dir():
        return own
    from compare.evidence.claims import evidence_dir  # noqa: PLC0415

    return evidence_dir(home)


def _folder_digest(folder: Path) -> str:
    """sha256 over the names and contents of the files under ``folder`` (ABSENT if none)."""
    if not folder.is_dir():
        return ABSENT
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(_sha256(file.read_bytes()).encode())
    return digest.hexdigest()


def _family_table_digest(home: Path, key: str) -> str:
    """The digest of a family's tests now (computed: pandas, scipy; only when a member's data
    changed)."""
    from compare.stats.family import family_digest, family_tests  # noqa: PLC0415

    family, pair, classification, threshold, min_countries = json.loads(key)
    table = family_tests(family, tuple(pair), classification, threshold=threshold,
                         min_countries=min_countries, home=home)  # fmt: skip
    return family_digest(table)


def _texts_digest() -> str:
    root = shared_dir()
    files = [*sorted((root / "seeds").glob("*.txt")), root / "data" / "sources" / "INDEX.md"]
    found = [f for f in files if f.is_file()]
    if not found:
        return ABSENT
    return _sha256(b"".join(_sha256(f.read_bytes()).encode() for f in found))


# --- what a run of a known notebook reads ------------------------------------------------------


def _indicator_reads(ids: Iterable[str], catalog: Any) -> set[str]:
    """``indicator:ID`` of the stored indicators behind ``ids`` (a derived one: its operands)."""
    return {
        f"indicator:{stored}" for i in ids for stored in (catalog.indicator(i).operands or (i,))
    }


def _comparison_reads(parameters: Mapping[str, Any], catalog: Any) -> set[str]:
    reads = _indicator_reads([parameters["indicator"], POPULATION, CONTROL], catalog)
    reads |= _family_reads(parameters, catalog.indicator(parameters["indicator"]).family)
    if parameters.get("classification", "m49") == "m49":
        reads.add(GEOMETRY)  # the maps are drawn for UN M49 groups
    return reads


def _family_reads(parameters: Mapping[str, Any], family: str) -> set[str]:
    """The family's tests, as the indicator report reads them (default rules)."""
    from compare.config import COVERAGE_THRESHOLD, DEFAULT_GROUPS, MIN_COUNTRIES  # noqa: PLC0415
    from compare.geo.regions import check_groups  # noqa: PLC0415
    from compare.stats.family import family_key  # noqa: PLC0415

    classification = parameters.get("classification", "m49")
    pair = check_groups(tuple(parameters.get("groups", DEFAULT_GROUPS)), classification, count=2)
    key = family_key(family, pair, classification, COVERAGE_THRESHOLD, MIN_COUNTRIES)
    return {f"family:{key}", f"family-members:{key}"}


def _profile_reads(parameters: Mapping[str, Any], catalog: Any) -> set[str]:
    compared = [i.id for i in catalog.indicators.values() if i.family in COMPARED_FAMILIES]
    return _indicator_reads([*compared, POPULATION], catalog)


def _coverage_reads(parameters: Mapping[str, Any], catalog: Any) -> set[str]:
    return _indicator_reads(catalog.indicators, catalog)  # every indicator, by name


def _evidence_reads(parameters: Mapping[str, Any], catalog: Any) -> set[str]:
    from compare.evidence.against_data import indicators_read  # noqa: PLC0415
    from compare.evidence.claims import load_claims, select_claims  # noqa: PLC0415

    selected = select_claims(
        load_claims(),
        family=parameters.get("claim_family"),
        region=parameters.get("claim_region"),
        include_index=parameters.get("include_index", True),
    )
    return {EVIDENCE, TEXTS} | _indicator_reads(indicators_read(selected), catalog)


#: notebook (file stem) -> what a run of it reads, from its parameters and the catalog
RULES = {
    "indicator_comparison": _comparison_reads,
    "country_profile": _profile_reads,
    "data_coverage": _coverage_reads,
    "evidence_overview": _evidence_reads,
}


def declared_reads_known(notebook: str | Path) -> bool:
    """Whether the project knows what runs of ``notebook`` read (one of its own notebooks)."""
    return Path(notebook).stem in RULES


def declared_reads(notebook: str | Path, parameters: Mapping[str, Any]) -> list[str] | None:
    """What a run of ``notebook`` with ``parameters`` reads (None for a notebook without a
    rule: its recorded reads are all there is)."""
    from compare.catalog import load_catalog  # noqa: PLC0415

    rule = RULES.get(Path(notebook).stem)
    return None if rule is None else sorted(rule(parameters, load_catalog()))


# --- why a run runs ----------------------------------------------------------------------------


def _changed(reads: Mapping[str, str], state: DataState) -> list[str]:
    """The inputs whose digest changed. A family's tests are recomputed only when one of its
    members' data changed, and count as changed only when the tests themselves did."""
    changed = []
    for read, digest in sorted(reads.items()):
        kind, _, name = read.partition(":")
        if kind == "family" or state.digest(read) == digest:
            continue
        if kind == "family-members":
            tests = f"family:{name}"
            if tests in reads and state.digest(tests) != reads[tests]:
                changed.append(tests)
            continue
        changed.append(read)
    return changed


def reasons(
    before: Mapping[str, Any] | None,
    *,
    notebook_sha: str,
    parameters: Mapping[str, Any],
    code: str,
    state: DataState,
    outputs_present: bool,
) -> list[str]:
    """Why a run must execute (empty: its outputs are up to date), from its last manifest
    entry and what the inputs are now."""
    if not before:
        return ["never run"]
    why = []
    if before.get("status") != "ok":
        why.append(f"{before.get('status', 'not ok')} last time")
    if not outputs_present:
        why.append("its page or executed notebook is missing")
    if before.get("notebook_sha256") != notebook_sha:
        why.append("notebook changed")
    if before.get("parameters") != dict(parameters):
        why.append("parameters changed")
    if before.get("code_hash") != code:
        why.append("code changed")
    reads = before.get("reads")
    if not isinstance(reads, dict):
        why.append("no record of what it read (an older runner)")
        return why
    changed = _changed(reads, state)
    if changed:
        why.append("data changed: " + "; ".join(state.describe(r) for r in changed))
    return why
