"""How views draw each kind of node and link, read from ``templates/network-styles.json``.

Colours, shapes and the French and English names of node types and link kinds are data, shared by the HTML views,
the site and the GEXF export, so that a new palette or a new kind of link is an edit to one file.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from rdflib import URIRef

_FILE = Path(__file__).resolve().parent / "templates" / "network-styles.json"


@functools.lru_cache(maxsize=1)
def _styles() -> dict:
    return json.loads(_FILE.read_text(encoding="utf-8"))


def node_types() -> tuple[str, ...]:
    """The node types, in legend order (``membership`` and ``amount`` only occur in the full projection)."""
    return tuple(_styles()["node_types"])


def type_labels(lang: str = "fr") -> dict[str, str]:
    """``{node type: its name in lang}``, for legends and panels."""
    return {key: style[lang] for key, style in _styles()["node_types"].items()}


def type_styles() -> dict[str, tuple[str, str]]:
    """``{node type: (colour, vis-network shape)}``."""
    return {key: (style["color"], style["shape"]) for key, style in _styles()["node_types"].items()}


def link_kinds(lang: str = "fr") -> dict[str, dict]:
    """``{link kind: {label, color, dark, dashes, width}}`` in legend order: ``grant`` and ``membership`` (the
    links the actors view makes of grants and memberships), then one kind per family of properties, then ``link``."""
    return {key: {"label": style[lang], "color": style["color"], "dark": style["dark"],
                  "dashes": list(style["dashes"]), "width": style["width"]}
            for key, style in _styles()["link_kinds"].items()}


@functools.lru_cache(maxsize=1)
def _kind_of_property() -> dict[str, str]:
    prefixes = _styles()["prefixes"]
    out: dict[str, str] = {}
    for key, style in _styles()["link_kinds"].items():
        for name in style.get("properties", ()):
            prefix, local = name.split(":", 1)
            out[prefixes[prefix] + local] = key
    return out


def link_kind(predicate: URIRef | str) -> str:
    """The kind of link a property draws (``money``, ``role``, ``place``...), ``link`` for any other."""
    return _kind_of_property().get(str(predicate), "link")


__all__ = ["node_types", "type_labels", "type_styles", "link_kinds", "link_kind"]
