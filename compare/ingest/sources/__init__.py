"""One reader per raw format. :data:`compare.catalog.READERS` maps a catalog ``reader`` name to
its module and function here.

Readers are imported lazily (pandas and Excel engines are heavy) via :func:`get_reader`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from compare.catalog import READERS

if TYPE_CHECKING:
    import pandas as pd


def get_reader(name: str) -> Callable[..., pd.DataFrame]:
    """The reader function registered under ``name``."""
    module_name, function_name = READERS[name].split(":")
    module = importlib.import_module(f"compare.ingest.sources.{module_name}")
    return getattr(module, function_name)
