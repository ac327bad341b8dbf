"""What every importer's output shares: the prefixes of the Turtle the importers write."""

from __future__ import annotations

from ..namespaces import DEFAULT_BASE, PREFIXES, data_prefixes
from .terms import FOAF


def output_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes of the Turtle the importers write."""
    return {**PREFIXES, **data_prefixes(base), "placetype": f"{base}place-type/", "foaf": str(FOAF)}
