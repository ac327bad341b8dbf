"""Checks of provenance that SHACL cannot express: local copies of sources, their digests, and quotes that must
appear word for word in them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF
from rdflib.term import Node

from .namespaces import DTKG, OA


@dataclass(frozen=True)
class SourceProblem:
    """One problem with a source or a quote: ``focus`` is the resource to fix, ``prop`` the property at fault."""

    focus: Node
    prop: Node
    message: str
    value: Node | None = None


def local_copy(graph: Graph, source: Node, folders: Iterable[Path]) -> Path | None:
    """The local copy of ``source`` (its ``dtkg:localFile``, relative to one of the data ``folders``), if any."""
    rel = graph.value(source, DTKG.localFile)
    if rel is None:
        return None
    for folder in folders:
        candidate = Path(folder) / str(rel)
        if candidate.is_file():
            return candidate
    return None


def sha256_of(path: Path) -> str:
    """Hexadecimal SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sources(graph: Graph, folders: Iterable[Path]) -> Iterator[SourceProblem]:
    """Yield every source whose local copy is missing or changed, and every quote not found verbatim in it."""
    folders = list(folders)
    texts: dict[Node, str] = {}
    for source in sorted(set(graph.subjects(RDF.type, DTKG.SourceDocument))):
        rel = graph.value(source, DTKG.localFile)
        if rel is None:
            continue
        path = local_copy(graph, source, folders)
        if path is None:
            yield SourceProblem(source, DTKG.localFile, f"local copy {rel} not found in the data folders", rel)
            continue
        expected = graph.value(source, DTKG.sha256)
        if expected is not None and sha256_of(path) != str(expected):
            yield SourceProblem(source, DTKG.sha256,
                                f"{path} has changed: its SHA-256 is {sha256_of(path)}", expected)
        texts[source] = path.read_text(encoding="utf-8")
    for target in sorted(set(graph.subjects(OA.hasSource, None))):
        source = graph.value(target, OA.hasSource)
        if source not in texts:
            continue
        for selector in graph.objects(target, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) not in graph:
                continue
            exact = graph.value(selector, OA.exact)
            prefix = str(graph.value(selector, OA.prefix) or "")
            suffix = str(graph.value(selector, OA.suffix) or "")
            if exact is None:
                continue
            if f"{prefix}{exact}{suffix}" not in texts[source]:
                for annotation in graph.subjects(OA.hasTarget, target):
                    for body in graph.objects(annotation, OA.hasBody):
                        yield SourceProblem(body, OA.exact, "quote not found word for word in its source",
                                            Literal(str(exact)))


def siren_is_valid(siren: str) -> bool:
    """True when ``siren`` is 9 digits passing the Luhn checksum that INSEE uses for SIREN numbers."""
    if len(siren) != 9 or not siren.isdigit():
        return False
    if siren == "356000000":  # La Poste: the one SIREN that INSEE allows outside the Luhn rule
        return True
    total = 0
    for i, ch in enumerate(reversed(siren)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def check_identifiers(graph: Graph) -> Iterator[SourceProblem]:
    """Yield every SIREN number whose checksum is wrong (SHACL only checks that it has 9 digits)."""
    for org, siren in sorted(graph.subject_objects(DTKG.siren)):
        if not siren_is_valid(str(siren)):
            yield SourceProblem(org, DTKG.siren, f"SIREN {siren} fails the Luhn checksum", siren)
