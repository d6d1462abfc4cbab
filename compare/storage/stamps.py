"""Timestamps written into manifests: UTC, ISO 8601, to the second."""

from __future__ import annotations

import datetime as dt


def utc_now() -> str:
    """The current UTC time as ``2026-12-06T05:16:02+00:00``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
