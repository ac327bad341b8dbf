"""Where the files that ship with dtkg live: the ontology, the shapes, the seed data and the saved queries.

They are the repository's top-level ``ontology/``, ``data/`` and ``queries/`` folders, installed as the package
data ``dtkg.ontology``, ``dtkg.data`` and ``dtkg.queries`` (see ``pyproject.toml``), so that ``dtkg build`` works
from any directory after ``pip install``.
"""

from __future__ import annotations

from pathlib import Path


def _folder(package: str) -> Path:
    """The folder of ``package``: inside an installed wheel, or the repository's top level in a source checkout
    (editable installs do not expose folders without ``__init__.py`` as importable packages)."""
    name = package.rsplit(".", 1)[-1]
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dtkg is incompletely installed: its {name}/ folder is missing (looked in {here})")


def ontology_file() -> Path:
    """The OWL ontology (``ontology/dtkg.ttl``)."""
    return _folder("dtkg.ontology") / "dtkg.ttl"


def shapes_file() -> Path:
    """The SHACL shapes (``ontology/shapes.ttl``)."""
    return _folder("dtkg.ontology") / "shapes.ttl"


def seed_data_dir() -> Path:
    """The seed data folder (``data/``): the Bourbourg/Dunkerque press text and reference facts."""
    return _folder("dtkg.data")


def queries_dir() -> Path:
    """The saved competency questions (``queries/*.rq``)."""
    return _folder("dtkg.queries")
