"""A read-only, in-memory index of triples with the look-ups a network view asks, built in one pass.

Drawing the views of a graph asks several hundred thousand small questions (the types, labels, amounts and facts
of each resource; the quotes of each annotation). Asked of an rdflib ``Graph`` each one goes through rdflib's
store and its context bookkeeping, and copying an Oxigraph store into a ``Graph`` first costs as much again. A
:class:`TripleIndex` holds each triple once, as rdflib terms (each distinct term converted once), in plain
dictionaries: subject → predicate → objects, and object → (subject, predicate).

It answers the subset of rdflib's ``Graph`` interface that :mod:`dtkg.projection`, :mod:`dtkg.labels` and
:mod:`dtkg.territory.views` use (``triples``, ``objects``, ``subjects``, ``predicates``, ``predicate_objects``,
``subject_predicates``, ``subject_objects``, ``value``, ``in``, ``namespaces``), with the same answers: code that
takes a ``Graph`` takes an index unchanged. Triples come back in the order they were given (rdflib's in-memory
store also answers in insertion order), so a view drawn from an index is the view drawn from a ``Graph`` filled
with the same triples in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib.term import Node


class TripleIndex:
    """Triples indexed by subject and by object (see the module docstring). Build it from ``(s, p, o)`` rdflib
    terms; a triple given twice is kept once. ``namespaces`` are the ``(prefix, namespace)`` pairs that name terms
    (:func:`dtkg.labels.short_name`)."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]] = (),
                 namespaces: Iterable[tuple[str, object]] = ()) -> None:
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._osp: dict[Node, dict[tuple[Node, Node], None]] = {}
        self._pso: dict[Node, list[tuple[Node, Node]]] | None = None
        self._size = 0
        self._namespaces = list(namespaces)
        self.namespace_manager = self  # what labels.prefix_table keys its cache on
        for triple in triples:
            self.add(triple)

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        """Add one triple (no effect when it is already there)."""
        s, p, o = triple
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            by_predicate = self._spo[s] = {}
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        elif o in objects:
            return
        objects[o] = None
        pairs = self._osp.get(o)
        if pairs is None:
            self._osp[o] = {(s, p): None}
        else:
            pairs[(s, p)] = None
        self._size += 1
        self._pso = None

    def remove_resources(self, nodes: Iterable[Node]) -> None:
        """Remove every triple whose subject or object is one of ``nodes``."""
        for node in nodes:
            for p, objects in self._spo.pop(node, {}).items():
                for o in objects:
                    self._osp[o].pop((node, p), None)
                    self._size -= 1
            for s, p in self._osp.pop(node, {}):
                objects = self._spo.get(s, {}).get(p)
                if objects is not None and node in objects:
                    del objects[node]
                    self._size -= 1
        for by_predicate in self._spo.values():
            for p in [p for p, objects in by_predicate.items() if not objects]:
                del by_predicate[p]
        for table in (self._spo, self._osp):  # resources left with no triple at all
            for key in [k for k, v in table.items() if not v]:
                del table[key]
        self._pso = None

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return self.triples((None, None, None))

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        s, p, o = triple
        if s is None or p is None or o is None:
            return next(self.triples(triple), None) is not None
        return o in self._spo.get(s, {}).get(p, ())

    def namespaces(self) -> Iterator[tuple[str, object]]:
        return iter(self._namespaces)

    def _by_predicate(self) -> dict[Node, list[tuple[Node, Node]]]:
        if self._pso is None:
            pso: dict[Node, list[tuple[Node, Node]]] = {}
            for s, by_predicate in self._spo.items():
                for p, objects in by_predicate.items():
                    pairs = pso.get(p)
                    if pairs is None:
                        pairs = pso[p] = []
                    pairs.extend((s, o) for o in objects)
            self._pso = pso
        return self._pso

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        """The triples matching ``(s, p, o)``, where ``None`` matches anything."""
        s, p, o = pattern
        if s is not None:
            by_predicate = self._spo.get(s)
            if not by_predicate:
                return
            for pred, objects in by_predicate.items() if p is None else ((p, by_predicate.get(p, ())),):
                if o is None:
                    for obj in objects:
                        yield s, pred, obj
                elif o in objects:
                    yield s, pred, o
            return
        if o is not None:
            for subj, pred in self._osp.get(o, ()):
                if p is None or pred == p:
                    yield subj, pred, o
            return
        if p is not None:
            for subj, obj in self._by_predicate().get(p, ()):
                yield subj, p, obj
            return
        for subj, by_predicate in self._spo.items():
            for pred, objects in by_predicate.items():
                for obj in objects:
                    yield subj, pred, obj

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        if subject is not None and predicate is not None:
            return iter(self._spo.get(subject, {}).get(predicate, ()))
        return (o for _, _, o in self.triples((subject, predicate, None)))

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> Iterator[Node]:  # noqa: A002
        return (s for s, _, _ in self.triples((None, predicate, object)))

    def predicates(self, subject: Node | None = None, object: Node | None = None) -> Iterator[Node]:  # noqa: A002
        if subject is not None and object is None:
            return iter(self._spo.get(subject, {}))
        return (p for _, p, _ in self.triples((subject, None, object)))

    def predicate_objects(self, subject: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((p, o) for _, p, o in self.triples((subject, None, None)))

    def subject_predicates(self, object: Node | None = None) -> Iterator[tuple[Node, Node]]:  # noqa: A002
        if object is not None:
            return iter(self._osp.get(object, ()))
        return ((s, p) for s, p, _ in self.triples((None, None, None)))

    def subject_objects(self, predicate: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((s, o) for s, _, o in self.triples((None, predicate, None)))

    def value(self, subject: Node | None = None, predicate: Node | None = None, object: Node | None = None,  # noqa: A002
              default: Node | None = None, any: bool = True) -> Node | None:  # noqa: A002
        """The first object of ``(subject, predicate)`` (or subject of ``(predicate, object)``), else ``default``;
        as ``Graph.value`` with ``any=True``."""
        if subject is not None and predicate is not None and object is None:
            for o in self._spo.get(subject, {}).get(predicate, ()):
                return o
            return default
        if object is None:
            found = next(self.objects(subject, predicate), None)
        elif subject is None:
            found = next(self.subjects(predicate, object), None)
        else:
            found = next(self.predicates(subject, object), None)
        return default if found is None else found


__all__ = ["TripleIndex"]
