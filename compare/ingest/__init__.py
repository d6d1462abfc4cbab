"""Ingest: the mirror import (``compare fetch --from DIR``), the official APIs (live download),
raw text to numbers, and one reader per raw format (``sources/``)."""
