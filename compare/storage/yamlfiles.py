"""YAML read with libyaml's C parser when PyYAML has it (about 10x faster than the pure-Python
one: the catalog is read by every command and every report), the same safe subset either way.
PyYAML is imported on first use, so that importing a module that reads YAML stays light."""

from __future__ import annotations

from typing import Any


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)`` through the fastest safe loader (raises ``yaml.YAMLError``)."""
    import yaml  # noqa: PLC0415

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)
