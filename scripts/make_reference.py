"""Write the country reference tables under ``compare/geo/reference/`` from the mirror.

    .venv/bin/python scripts/make_reference.py [--mirror DIR] [--check]

Inputs (read where they lie, never copied): the mirror's ``country-codes`` (ISO codes, UN M49
regions, UN and CLDR names in English and Spanish), ``country-names-en-es-pt`` (English, Spanish,
Portuguese names), ``natural-earth-110m`` (names in English, Spanish, Portuguese), the World Bank
downloads (names and codes of economies, aggregates, World Bank regions) and
``eu-eea-membership`` (EU27 cross-check); plus two hand-curated files of this project,
``compare/geo/reference/aliases_manual.csv`` and ``compare/geo/reference/display_names_manual.csv``.

Outputs (generated, committed, so that the package works without the mirror):
``countries.csv``, ``aliases.csv``, ``aggregates.csv``, ``regions.csv``. ``--check`` compares
what would be written with what is committed and exits 1 on a difference (a test runs it).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compare.geo.names import name_key  # noqa: E402
from compare.storage.atomic import write_text  # noqa: E402

REFERENCE = ROOT / "compare" / "geo" / "reference"

#: ISO-like codes that the World Bank and the EU use for economies outside ISO 3166-1.
NON_ISO_ECONOMIES = {"XKX": ("XK", "Kosovo")}
#: World Bank economies that are composites of ISO entries: kept apart like aggregates.
COMPOSITE_ECONOMIES = {"CHI": "Channel Islands (Jersey and Guernsey)"}

#: EU27 members and the year they joined (the EEC/EC/EU); the United Kingdom (1973-2020) is not
#: part of EU27. Cross-checked against the mirror's eu-eea-membership file.
EU27_ACCESSION = {
    "BEL": 1958, "DEU": 1958, "FRA": 1958, "ITA": 1958, "LUX": 1958, "NLD": 1958,
    "DNK": 1973, "IRL": 1973, "GRC": 1981, "ESP": 1986, "PRT": 1986,
    "AUT": 1995, "FIN": 1995, "SWE": 1995,
    "CYP": 2004, "CZE": 2004, "EST": 2004, "HUN": 2004, "LVA": 2004, "LTU": 2004,
    "MLT": 2004, "POL": 2004, "SVK": 2004, "SVN": 2004,
    "BGR": 2007, "ROU": 2007, "HRV": 2013,
}  # fmt: skip

#: Aggregate codes used by European Commission files (Eurostat style), not in the WB lists.
EU_AGGREGATES = {
    "EU": "European Union (as published)",
    "EUplus": "EU27 plus associated countries (eGovernment Benchmark)",
    "EU27_2020": "European Union, 27 countries (from 2020)",
    "EU28": "European Union, 28 countries (2013-2020)",
    "EA": "Euro area (as published)",
}

M49_GROUPS = {"Europe": "Europe", "Latin America and the Caribbean": "Latin America & Caribbean"}
#: Classifications of every UN M49 level, from the ``countries.csv`` column that names the group.
M49_LEVELS = {
    "m49_region": "m49_region",
    "m49_subregion": "m49_subregion",
    "m49_intermediate": "m49_intermediate",
}


#: Every UNTERM formal-name column of ``country-codes`` (six UN languages).
FORMAL_COLUMNS = tuple(
    f"UNTERM {lang} Formal"
    for lang in ("English", "Spanish", "French", "Russian", "Chinese", "Arabic")
)
#: Words (as name keys) that Spanish and Portuguese formal names share: a Spanish formal name
#: made only of these before the country's Spanish short name gives the Portuguese formal name
#: with the Portuguese short name ("la República Oriental del Uruguay" -> "República Oriental
#: Uruguai", the key of "República Oriental do Uruguai"; prepositions are not part of keys).
SHARED_FORMAL_WORDS = frozenset(
    {
        "rep", "fed", "dem", "reino", "principado", "estado", "plurinacional", "cooperativa",
        "oriental", "bolivariana", "popular", "socialista", "islamica", "arabe", "unida",
        "unido", "sultanato",
    }
)  # fmt: skip
#: UN M49 region codes of ``country-codes`` (column pairs code, name): aggregates, as they
#: appear in UN exports such as the SDG Global Database (``GeoAreaCode``).
M49_REGION_COLUMNS = (
    ("Global Code", "Global Name", "UN M49 world"),
    ("Region Code", "Region Name", "UN M49 region"),
    ("Sub-region Code", "Sub-region Name", "UN M49 sub-region"),
    ("Intermediate Region Code", "Intermediate Region Name", "UN M49 intermediate region"),
)


def portuguese_formal(formal_es: str, shorts_es: list[str], short_pt: str) -> str:
    """The key form of a Portuguese formal name (see :data:`SHARED_FORMAL_WORDS`), or "" when
    the Spanish formal name does not end with the short name or uses other words."""
    formal = name_key(formal_es).split()
    if not formal or not short_pt:
        return ""
    for short in filter(None, (name_key(s) for s in shorts_es)):
        words = short.split()
        if formal[-len(words) :] == words and len(formal) > len(words):
            prefix = formal[: -len(words)]
            if name_key(short_pt).split()[: len(prefix)] == prefix:
                return ""  # the short name is already formal ("República do Congo")
            if set(prefix) <= SHARED_FORMAL_WORDS:
                kept = formal_es.split()[: len(formal_es.split()) - len(words)]
                wanted = [w for w in kept if name_key(w) in SHARED_FORMAL_WORDS]
                return " ".join([*wanted, short_pt])
    return ""


def m49_aggregates(codes: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """UN M49 region codes (zero-padded) as aggregates; none may be an ISO numeric code."""
    numeric = {row["ISO3166-1-numeric"].strip().zfill(3) for row in codes}
    found: dict[str, dict[str, str]] = {}
    for row in codes:
        for code_column, name_column, kind in M49_REGION_COLUMNS:
            code, name = row[code_column].strip(), row[name_column].strip()
            if code and name:
                code = code.zfill(3)
                if code in numeric:
                    raise SystemExit(f"M49 region code {code} is also an ISO numeric code")
                found[code] = {
                    "code": code, "name": f"{name} ({kind})", "kind": kind, "also_named": "",
                }  # fmt: skip
    return found


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _wb_files(mirror: Path) -> list[Path]:
    return sorted(mirror.glob("wb-*/data.csv")) + sorted(mirror.glob("wb-*/API_*.csv"))


def _wb_names(mirror: Path) -> list[tuple[str, str]]:
    """(name, code) pairs of every World Bank download in the mirror."""
    pairs: set[tuple[str, str]] = set()
    for path in _wb_files(mirror):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            header = None
            for row in rows:
                if header is None:
                    if "Country Name" in row and "Country Code" in row:
                        header = (row.index("Country Name"), row.index("Country Code"))
                    continue
                if len(row) > max(header):
                    pairs.add((row[header[0]].strip(), row[header[1]].strip()))
    return sorted(pairs)


@dataclass(frozen=True)
class _Inputs:
    """The mirror's files and this project's curated files that the tables are made from."""

    codes: list[dict[str, str]]  # country-codes.csv rows
    names: dict[str, dict[str, str]]  # language -> iso3 -> name
    wb_meta: dict[str, dict[str, str]]  # World Bank country metadata by code
    display: dict[str, str]  # iso3 -> display name (manual)
    manual: list[dict[str, str]]  # manual aliases
    geo: dict[str, Any]  # Natural Earth GeoJSON


def _read_inputs(mirror: Path) -> _Inputs:
    codes = _read_csv(mirror / "country-codes" / "country-codes.csv")
    names = {
        lang: {
            row["alpha3"].upper(): row["name"]
            for row in _read_csv(mirror / "country-names-en-es-pt" / lang / "world.csv")
        }
        for lang in ("en", "es", "pt")
    }
    meta_path = next((mirror / "wb-internet-users").glob("Metadata_Country_*.csv"))
    return _Inputs(
        codes=codes,
        names=names,
        wb_meta={row["Country Code"]: row for row in _read_csv(meta_path)},
        display={r["iso3"]: r["name"] for r in _read_csv(REFERENCE / "display_names_manual.csv")},
        manual=_read_csv(REFERENCE / "aliases_manual.csv"),
        geo=json.loads(
            (mirror / "natural-earth-110m" / "ne_110m_admin_0_countries.geojson").read_text("utf-8")
        ),
    )


def build_tables(mirror: Path) -> dict[str, list[dict[str, str]]]:
    """Every reference table as rows (dicts of text), in a stable order."""
    inputs = _read_inputs(mirror)
    countries = _country_rows(inputs)
    iso3_set = {row["iso3"] for row in countries}
    wb_pairs = _wb_names(mirror)
    candidates = _alias_candidates(inputs, wb_pairs, iso3_set, mirror)
    return {
        "countries.csv": countries,
        "aliases.csv": _alias_rows(candidates, iso3_set),
        "aggregates.csv": _aggregate_rows(wb_pairs, inputs, iso3_set),
        "regions.csv": _regions(countries, inputs.wb_meta, mirror),
    }


def _country_rows(inputs: _Inputs) -> list[dict[str, str]]:
    """One row per ISO 3166-1 entry and per non-ISO economy, by ISO3 code."""
    countries: list[dict[str, str]] = []
    for row in inputs.codes:
        iso3 = row["ISO3166-1-Alpha-3"].strip()
        countries.append(
            {
                "iso3": iso3,
                "iso2": row["ISO3166-1-Alpha-2"].strip(),
                "numeric": row["ISO3166-1-numeric"].strip().zfill(3),
                "name": inputs.display.get(iso3) or row["CLDR display name"].strip(),
                "name_es": inputs.names["es"].get(iso3, ""),
                "name_pt": inputs.names["pt"].get(iso3, ""),
                "m49_region": row["Region Name"].strip(),
                "m49_subregion": row["Sub-region Name"].strip(),
                "m49_intermediate": row["Intermediate Region Name"].strip(),
                "wb_region": inputs.wb_meta.get(iso3, {}).get("Region", "").strip(),
                "status": row["is_independent"].strip(),
            }
        )
    for iso3, (iso2, name) in NON_ISO_ECONOMIES.items():
        countries.append(
            {
                "iso3": iso3, "iso2": iso2, "numeric": "", "name": name,
                "name_es": "", "name_pt": "", "m49_region": "", "m49_subregion": "",
                "m49_intermediate": "",
                "wb_region": inputs.wb_meta.get(iso3, {}).get("Region", "").strip(),
                "status": "not in ISO 3166-1 (user-assigned code used by the World Bank and EU)",
            }
        )  # fmt: skip
    countries.sort(key=lambda r: r["iso3"])
    return countries


#: The country-codes columns that hold names.
NAME_COLUMNS = (
    "CLDR display name", "official_name_en", "official_name_es", "UNTERM English Short",
    "UNTERM English Formal", "UNTERM Spanish Short", "UNTERM Spanish Formal",
    *FORMAL_COLUMNS[2:],  # French, Russian, Chinese and Arabic (English, Spanish are above)
)  # fmt: skip
#: The Natural Earth properties that hold names.
NATURAL_EARTH_COLUMNS = ("NAME", "NAME_LONG", "ADMIN", "NAME_EN", "NAME_ES", "NAME_PT", "FORMAL_EN")


def _alias_candidates(
    inputs: _Inputs, wb_pairs: list[tuple[str, str]], iso3_set: set[str], mirror: Path
) -> Iterator[tuple[str, str, str]]:
    """(name, iso3, origin) from every input that names countries."""
    for row in inputs.codes:
        for column in NAME_COLUMNS:
            yield row[column], row["ISO3166-1-Alpha-3"], f"country-codes:{column}"
    for lang, table in inputs.names.items():
        for iso3, name in table.items():
            yield name, iso3, f"country-names-en-es-pt:{lang}"
    yield from _portuguese_formal_names(inputs)
    for feature in inputs.geo["features"]:
        props = feature["properties"]
        iso3 = props["ISO_A3_EH"] if props["ISO_A3_EH"] != "-99" else ""
        for column in NATURAL_EARTH_COLUMNS:
            if props.get(column):
                yield str(props[column]), iso3, f"natural-earth-110m:{column}"
    for name, code in wb_pairs:
        if code in iso3_set:
            yield name, code, "world-bank:Country Name"
    for row in _read_csv(mirror / "eu-eea-membership" / "eea_ctries_2021-01-01.csv"):
        yield row["country"], row["iso3c"], "eu-eea-membership:country"
    for row in inputs.manual:
        yield row["alias"], row["iso3"], "manual"


def _portuguese_formal_names(inputs: _Inputs) -> Iterator[tuple[str, str, str]]:
    """Portuguese formal names derived from the Spanish ones (:func:`portuguese_formal`)."""
    for row in inputs.codes:
        iso3 = row["ISO3166-1-Alpha-3"].strip()
        shorts = [row["UNTERM Spanish Short"], inputs.names["es"].get(iso3, "")]
        pt = inputs.names["pt"].get(iso3, "")
        alias = portuguese_formal(row["UNTERM Spanish Formal"], shorts, pt)
        if alias:
            yield alias, iso3, "derived:UNTERM Spanish Formal+country-names-en-es-pt:pt"


def _alias_rows(
    candidates: Iterable[tuple[str, str, str]], iso3_set: set[str]
) -> list[dict[str, str]]:
    """One row per (alias, iso3) with every origin, by iso3 then alias; names of unknown codes
    and names without a name key are dropped."""
    aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, iso3, origin in candidates:
        alias = name.strip()
        if alias and iso3 in iso3_set and name_key(alias):
            aliases[(alias, iso3)].add(origin)
    return [
        {"alias": alias, "iso3": iso3, "origin": ";".join(sorted(origins))}
        for (alias, iso3), origins in sorted(aliases.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def _aggregate_rows(
    wb_pairs: list[tuple[str, str]], inputs: _Inputs, iso3_set: set[str]
) -> list[dict[str, str]]:
    """World Bank aggregates and composite economies (other names in ``also_named``), then the
    EU's aggregate codes, by code."""
    aggregates: dict[str, dict[str, str]] = {}
    for name, code in wb_pairs:
        if code in iso3_set or not code or code == "Country Code":
            continue
        kind = "composite economy" if code in COMPOSITE_ECONOMIES else "World Bank aggregate"
        entry = aggregates.setdefault(
            code, {"code": code, "name": name, "kind": kind, "also_named": ""}
        )
        if name != entry["name"]:
            others = {n for n in entry["also_named"].split("|") if n} | {name}
            entry["also_named"] = "|".join(sorted(others))
    for code, row in inputs.wb_meta.items():
        if code not in iso3_set and code not in aggregates:
            aggregates[code] = {
                "code": code,
                "name": row["TableName"],
                "kind": "World Bank aggregate",
                "also_named": "",
            }
    aggregates.update(m49_aggregates(inputs.codes))
    for code, name in EU_AGGREGATES.items():
        aggregates[code] = {"code": code, "name": name, "kind": "EU aggregate", "also_named": ""}
    return sorted(aggregates.values(), key=lambda r: r["code"])


def _regions(
    countries: list[dict[str, str]], wb_meta: dict[str, dict[str, str]], mirror: Path
) -> list[dict[str, str]]:
    """Membership rows: classification, group, iso3, from_year, to_year (empty = open)."""
    rows: list[dict[str, str]] = []
    for country in countries:
        group = M49_GROUPS.get(country["m49_region"]) or M49_GROUPS.get(country["m49_subregion"])
        if group:
            rows.append(
                {
                    "classification": "m49",
                    "group": group,
                    "iso3": country["iso3"],
                    "from_year": "",
                    "to_year": "",
                }
            )
        for classification, column in M49_LEVELS.items():
            if country[column]:
                rows.append(
                    {
                        "classification": classification,
                        "group": country[column],
                        "iso3": country["iso3"],
                        "from_year": "",
                        "to_year": "",
                    }
                )
        if country["wb_region"]:
            rows.append(
                {
                    "classification": "wb",
                    "group": country["wb_region"],
                    "iso3": country["iso3"],
                    "from_year": "",
                    "to_year": "",
                }
            )
    flagged = {
        row["iso3c"]
        for row in _read_csv(mirror / "eu-eea-membership" / "eea_ctries_2021-01-01.csv")
        if row["eu27"] == "TRUE"
    }
    if flagged != set(EU27_ACCESSION):
        raise SystemExit(
            f"EU27 list disagrees with eu-eea-membership: {flagged ^ set(EU27_ACCESSION)}"
        )
    for iso3, year in EU27_ACCESSION.items():
        rows.append(
            {
                "classification": "eu27",
                "group": "EU27",
                "iso3": iso3,
                "from_year": str(year),
                "to_year": "",
            }
        )
    return sorted(rows, key=lambda r: (r["classification"], r["group"], r["iso3"]))


def _render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def conflicts(alias_rows: list[dict[str, str]]) -> dict[str, list[str]]:
    """Name keys that point at more than one ISO3 code (reported as ambiguous at run time)."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for row in alias_rows:
        by_key[name_key(row["alias"])].add(row["iso3"])
    return {key: sorted(codes) for key, codes in sorted(by_key.items()) if len(codes) > 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mirror",
        default=os.environ.get("COMPARE_MIRROR")
        or str(ROOT.parent / "shared" / "data" / "sources"),
    )
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    tables = build_tables(Path(args.mirror))
    stale = []
    for name, rows in tables.items():
        text = _render(rows)
        path = REFERENCE / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            write_text(path, text)
            print(f"wrote {path.relative_to(ROOT)} ({len(rows)} rows)")
    for key, codes in conflicts(tables["aliases.csv"]).items():
        print(f"ambiguous name key {key!r}: {', '.join(codes)}")
    if stale:
        print("out of date (run scripts/make_reference.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
