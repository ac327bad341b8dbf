"""Finding a node by what a person types, and the neighbourhood of a node: ``--focus`` and ``--depth``.

Matching forgives what people get wrong when they type a name (case, accents, typographic apostrophes, a missing
article) and, when a name is ambiguous or unknown, says which nodes it could be rather than guessing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import networkx as nx

from .errors import InputError


def normalise(text: str) -> str:
    """Text folded for matching what a person types: lower case, no accents, straight apostrophes."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def _bare(text: str) -> str:
    """:func:`normalise`, then apostrophes, hyphens and runs of spaces set aside: ``L’Atelier`` → ``l atelier``."""
    return " ".join(re.sub(r"[\W_]+", " ", normalise(text)).split())


_ARTICLE = re.compile(r"^(?:l|le|la|les|d|de|du|des)\s+")


def _partial_matches(g: nx.MultiDiGraph, focus: str) -> list[str]:
    """Nodes whose label holds what was typed, as the page's search box finds them (case, accents and
    apostrophes set aside), best first: the label itself without its article (``Atelier`` → ``L'ATELIER``),
    then labels that start with it, then labels that contain it. Returns the nodes of the first kind that has any."""
    wanted = _ARTICLE.sub("", _bare(focus))
    if not wanted:
        return []
    tiers: tuple[list[str], list[str], list[str]] = ([], [], [])
    for n, label in g.nodes(data="label"):
        if label is None:
            continue
        bare = _ARTICLE.sub("", _bare(str(label)))
        if bare == wanted or wanted.replace(" ", "") in (bare.replace(" ", ""), _bare(str(label)).replace(" ", "")):
            tiers[0].append(n)
        elif bare.startswith(wanted + " "):
            tiers[1].append(n)
        elif wanted in bare:
            tiers[2].append(n)
    return next((tier for tier in tiers if tier), [])


def find_node(g: nx.MultiDiGraph, focus: str) -> str:
    """The node that ``focus`` names: its IRI, its short name (``place:atelier-bourbourg``) or its label
    (case, accents and apostrophes do not matter).

    Raises :class:`InputError` when no node or several nodes match, listing close matches or the candidates.
    """
    if focus in g:
        return focus
    wanted = normalise(focus)
    for attr in ("short", "iri"):
        hits = [n for n, v in g.nodes(data=attr) if v == focus]
        if len(hits) == 1:
            return hits[0]
    hits = [n for n, label in g.nodes(data="label") if normalise(str(label)) == wanted]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        listed = "; ".join(f"{g.nodes[n].get('short', n)}" for n in sorted(hits))
        raise InputError(f"--focus {focus!r} names {len(hits)} nodes; give one of their IRIs: {listed}")
    hits = _partial_matches(g, focus)
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        listed = "; ".join(f"{g.nodes[n].get('label', n)} ({g.nodes[n].get('short', n)})"
                           for n in sorted(hits, key=lambda n: str(g.nodes[n].get("label", n)))[:20])
        more = f" (and {len(hits) - 20} more)" if len(hits) > 20 else ""
        raise InputError(f"--focus {focus!r} matches {len(hits)} nodes; give more of the label or one of "
                         f"these IRIs: {listed}{more}")
    labels = {normalise(str(label)): str(label) for _, label in g.nodes(data="label")}
    close = difflib.get_close_matches(wanted, list(labels), n=5, cutoff=0.5)
    close += [k for k in labels if wanted and wanted in k and k not in close][: 5 - len(close)]
    hint = ("; did you mean: " + ", ".join(repr(labels[k]) for k in close)) if close else ""
    raise InputError(f"--focus {focus!r}: no node has this label or IRI in this view{hint}")


def ego_view(g: nx.MultiDiGraph, focus: str, depth: int = 1) -> nx.MultiDiGraph:
    """The nodes at most ``depth`` links away from ``focus`` (links followed in both directions) and every
    edge between them, as a new graph; ``focus`` is resolved by :func:`find_node`."""
    if depth < 0:
        raise InputError(f"--depth must be 0 or more, not {depth}")
    centre = find_node(g, focus)
    sub = nx.ego_graph(g, centre, radius=depth, undirected=True)
    sub.graph.update(g.graph, focus=centre, depth=depth)
    return sub


__all__ = ["normalise", "find_node", "ego_view"]
