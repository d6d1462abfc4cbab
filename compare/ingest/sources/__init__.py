"""One reader per raw format. ``READERS`` maps a catalog ``reader`` name to its function.

Readers are imported lazily (pandas and Excel engines are heavy) via :func:`get_reader`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: reader name -> "module:function" inside compare.ingest.sources
READERS: dict[str, str] = {
    "worldbank_wide": "worldbank:read_wide",
    "worldbank_long": "worldbank:read_long",
    "un_egdi": "egdi:read_egdi",
    "itu_key_ict_xls": "itu:read_key_ict_table",
    "gtmi_xlsx": "gtmi:read_gtmi",
    "oecd_long": "oecd:read_oecd_long",
    "egov_benchmark_xlsx": "egov_benchmark:read_machine_readable",
    "desi_csv": "desi:read_desi",
    "un_sdg_csv": "sdg:read_sdg",
}


def get_reader(name: str) -> Callable[..., pd.DataFrame]:
    """The reader function registered under ``name``."""
    module_name, function_name = READERS[name].split(":")
    module = importlib.import_module(f"compare.ingest.sources.{module_name}")
    return getattr(module, function_name)
