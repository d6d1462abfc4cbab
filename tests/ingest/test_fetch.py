"""`compare fetch --from DIR`: import, manifest, idempotence, changed checksums."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compare.errors import FetchError
from compare.ingest.mirror import MANIFEST, fetch_from_mirror, provenance
from tests.paths import TESTS


def test_import_writes_a_manifest_per_source(fresh_home: Path, mirror: Path) -> None:
    result = fetch_from_mirror(mirror, home=fresh_home, only=["un-egdi", "wb-fixed-broadband"])
    assert sorted(result.imported) == ["un-egdi", "wb-fixed-broadband"]
    manifest = json.loads((fresh_home / "data/raw/un-egdi" / MANIFEST).read_text())
    files = {entry["file"]: entry for entry in manifest["files"]}
    assert "EGOV_DATA_2022.csv" in files and "PROVENANCE.md" in files
    raw = mirror / "un-egdi" / "EGOV_DATA_2022.csv"
    assert files["EGOV_DATA_2022.csv"]["bytes"] == raw.stat().st_size
    from compare.storage.checksums import sha256_file

    assert files["EGOV_DATA_2022.csv"]["sha256"] == sha256_file(raw)
    assert "sevenChrisK/text-mining-week1" in manifest["origin"]
    assert "UN DESA" in manifest["licence"]
    wb = json.loads((fresh_home / "data/raw/wb-fixed-broadband" / MANIFEST).read_text())
    assert "CC" in wb["licence"] and wb["imported_at"]


def test_reimport_is_idempotent(fresh_home: Path, mirror: Path) -> None:
    fetch_from_mirror(mirror, home=fresh_home, only=["oecd-dgi-2023"])
    manifest = fresh_home / "data/raw/oecd-dgi-2023" / MANIFEST
    before = manifest.read_text()
    again = fetch_from_mirror(mirror, home=fresh_home, only=["oecd-dgi-2023"])
    assert again.unchanged == ["oecd-dgi-2023"] and not again.imported and not again.changed
    assert manifest.read_text() == before


def test_changed_checksum_is_reported(fresh_home: Path, mirror: Path, tmp_path: Path) -> None:
    copy = tmp_path / "mirror"
    shutil.copytree(mirror / "oecd-dgi-2023", copy / "oecd-dgi-2023")
    fetch_from_mirror(copy, home=fresh_home)
    data = copy / "oecd-dgi-2023" / "oecd_dgi_2023.csv"
    data.write_text(data.read_text(encoding="utf-8-sig") + '"ESP",2023,"extra",0.5\n')
    result = fetch_from_mirror(copy, home=fresh_home)
    assert list(result.changed) == ["oecd-dgi-2023"]
    assert any("oecd_dgi_2023.csv" in note for note in result.changed["oecd-dgi-2023"])
    assert "changed oecd-dgi-2023" in result.summary()
    imported = fresh_home / "data/raw/oecd-dgi-2023/oecd_dgi_2023.csv"
    assert imported.read_bytes() == data.read_bytes()


def test_missing_mirror_is_a_clear_error(fresh_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPARE_MIRROR", raising=False)
    with pytest.raises(FetchError, match="--from"):
        fetch_from_mirror(None, home=fresh_home)
    with pytest.raises(FetchError, match="not found"):
        fetch_from_mirror(fresh_home / "absent", home=fresh_home)
    with pytest.raises(FetchError, match="not in the mirror"):
        fetch_from_mirror(TESTS, home=fresh_home, only=["no-such-source"])


def test_provenance_reads_licence_and_origin(mirror: Path) -> None:
    info = provenance(mirror / "natural-earth-110m")
    assert "public domain" in info["licence"].lower()
    assert "GIScience/ai-assisted-osm-mapping-stats" in info["origin"]
