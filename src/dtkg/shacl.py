"""SHACL validation as SPARQL queries on Oxigraph.

pyshacl walks the data graph node by node in Python, which takes minutes on a million triples. This module compiles
each constraint of ``ontology/shapes.ttl`` into one SPARQL query that returns the violating focus nodes (and values),
and lets Oxigraph's engine run it. It covers the SHACL Core components that dtkg's shapes use, plus SPARQL-based
constraints; the test suite checks that it reports exactly what pyshacl reports on the seed data and on broken
copies of it. A shape using a component it does not know raises an error rather than passing silently.

Supported: targets ``sh:targetClass`` (SHACL instances, through ``rdfs:subClassOf*``); on node and property shapes
``sh:nodeKind``, ``sh:datatype``, ``sh:class``, ``sh:hasValue``, ``sh:in``, ``sh:pattern`` (with ``sh:flags``),
``sh:minLength``, ``sh:maxLength``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``,
``sh:maxExclusive``, ``sh:node``, ``sh:or``; on property shapes ``sh:path`` (an IRI or ``sh:inversePath``),
``sh:minCount``, ``sh:maxCount``; on node shapes ``sh:sparql`` (SELECT with ``$this``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .errors import DtkgError
from .sparql_text import term_text

_RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_KNOWN = {SH.path, SH.message, SH.name, SH.description, SH.order, SH.group, SH.severity, SH.deactivated,
          SH.targetClass, SH.property, SH.sparql, SH.nodeKind, SH.datatype, SH["class"], SH.hasValue, SH["in"],
          SH.pattern, SH.flags, SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
          SH.maxExclusive, SH.node, SH["or"], SH.minCount, SH.maxCount, SH.declare, RDF.type}


@dataclass(frozen=True)
class InversePath:
    """A path followed backwards (``sh:inversePath``), reported as ``^prefix:name``."""

    iri: Node


@dataclass(frozen=True)
class Result:
    """One violation: the focus node, the property path (None for the node itself), the value, the message."""

    focus: Node
    path: Node | InversePath | None
    value: Node | None
    message: str


@dataclass
class _Check:
    """One compiled constraint: a SPARQL query returning ?this (and ?value), and how to report its rows."""

    query: str
    path: Node | InversePath | None
    message: str
    template_vars: tuple[str, ...] = ()
    has_value: bool = True


@dataclass
class Compiled:
    """The shapes graph compiled to SPARQL checks, ready to run on any Oxigraph store."""

    checks: list[_Check] = field(default_factory=list)

    def run(self, store: ox.Store) -> list[Result]:
        """Run every check on ``store`` (its union of graphs) and return the violations."""
        from .terms import to_rdflib

        results: list[Result] = []
        closures: dict[str, str] = {}
        for check in self.checks:
            query = _expand_closures(check.query, store, closures)
            for row in store.query(query, use_default_graph_as_union=True):
                focus = to_rdflib(row["this"])
                value = to_rdflib(row["value"]) if check.has_value and row["value"] is not None else None
                message = check.message
                for var in check.template_vars:
                    term = row[var]
                    message = message.replace("{?" + var + "}", term.value if term is not None else "")
                    message = message.replace("{$" + var + "}", term.value if term is not None else "")
                results.append(Result(focus, check.path, value, message))
        return results


class UnsupportedShape(DtkgError):
    """The shapes use a SHACL feature this compiler does not evaluate: refused (exit code 2), never skipped."""

    exit_code = 2


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.counter = 0
        self.prefixes = self._declared_prefixes()

    # -------------------------------------------------------------- helpers

    def fresh(self, stem: str = "v") -> str:
        self.counter += 1
        return f"?{stem}{self.counter}"

    def _declared_prefixes(self) -> dict[str, str]:
        out = {}
        for decl in self.shapes.objects(None, SH.declare):
            prefix = self.shapes.value(decl, SH.prefix)
            ns = self.shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                out[str(prefix)] = str(ns)
        return out

    def check_known(self, shape: Node) -> None:
        for p in set(self.shapes.predicates(shape)):
            if p not in _KNOWN:
                raise UnsupportedShape(f"shape {shape} uses {p}, which dtkg's SPARQL validator does not evaluate")

    def path_pattern(self, path: Node) -> str:
        """SPARQL property path for a SHACL path (an IRI or an inverse path)."""
        if isinstance(path, URIRef):
            return term_text(path)
        inverse = self.shapes.value(path, SH.inversePath)
        if inverse is not None and isinstance(inverse, URIRef):
            return "^" + term_text(inverse)
        raise UnsupportedShape(f"unsupported sh:path {path}")

    def targets(self, shape: Node) -> str | None:
        classes = sorted(self.shapes.objects(shape, SH.targetClass), key=str)
        if not classes:
            return None
        return f"VALUES ?target {{ {_closure(classes)} }} ?this {_RDF_TYPE} ?target ."

    # -------------------------------------------------------------- value conditions

    def value_fails(self, shape: Node, var: str) -> list[tuple[str, str]]:
        """(SPARQL boolean expression true when ``var`` violates, component name) for each value constraint of
        ``shape`` (a node or property shape) that applies to each value node on its own."""
        s = self.shapes
        out: list[tuple[str, str]] = []
        kind = s.value(shape, SH.nodeKind)
        if kind is not None:
            tests = {SH.IRI: f"isIRI({var})", SH.BlankNode: f"isBlank({var})", SH.Literal: f"isLiteral({var})",
                     SH.BlankNodeOrIRI: f"(isIRI({var}) || isBlank({var}))",
                     SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
                     SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))"}
            out.append((f"!{tests[kind]}", "NodeKind"))
        for dt in s.objects(shape, SH.datatype):
            out.append((f"!(isLiteral({var}) && datatype({var}) = {term_text(dt)})", "Datatype"))
        for cls in s.objects(shape, SH["class"]):
            t = self.fresh("t")
            out.append((f"NOT EXISTS {{ VALUES {t} {{ {_closure([cls])} }} {var} {_RDF_TYPE} {t} }}", "Class"))
        members = s.value(shape, SH["in"])
        if members is not None:
            items = ", ".join(term_text(t) for t in Collection(s, members))
            out.append((f"!({var} IN ({items}))", "In"))
        pattern = s.value(shape, SH.pattern)
        if pattern is not None:
            flags = s.value(shape, SH.flags)
            args = term_text(Literal(str(pattern))) + (f", {term_text(Literal(str(flags)))}" if flags else "")
            out.append((f"(isBlank({var}) || !REGEX(STR({var}), {args}))", "Pattern"))
        for prop, op, name in ((SH.minLength, ">=", "MinLength"), (SH.maxLength, "<=", "MaxLength")):
            bound = s.value(shape, prop)
            if bound is not None:
                out.append((f"(isBlank({var}) || !COALESCE(STRLEN(STR({var})) {op} {int(bound)}, false))", name))
        for prop, op, name in ((SH.minInclusive, ">=", "MinInclusive"), (SH.maxInclusive, "<=", "MaxInclusive"),
                               (SH.minExclusive, ">", "MinExclusive"), (SH.maxExclusive, "<", "MaxExclusive")):
            bound = s.value(shape, prop)
            if bound is not None:
                out.append((f"!COALESCE({var} {op} {term_text(bound)}, false)", name))
        for nested in s.objects(shape, SH.node):
            out.append((f"!({self.conforms(nested, var)})", "Node"))
        either = s.value(shape, SH["or"])
        if either is not None:
            alternatives = [self.conforms(alt, var) for alt in Collection(s, either)]
            out.append((f"!({' || '.join(alternatives)})", "Or"))
        return out

    def conforms(self, shape: Node, var: str) -> str:
        """A SPARQL boolean expression true when node ``var`` conforms to node shape ``shape``."""
        self.check_known(shape)
        s = self.shapes
        if s.value(shape, SH.sparql) is not None:
            raise UnsupportedShape(f"sh:sparql inside a nested shape ({shape}) is not supported")
        parts = [f"!({fail})" for fail, _ in self.value_fails(shape, var)]
        for prop in s.objects(shape, SH.property):
            self.check_known(prop)
            path = self.path_pattern(s.value(prop, SH.path))
            v = self.fresh()
            for fail, _ in self.value_fails(prop, v):
                parts.append(f"NOT EXISTS {{ {var} {path} {v} FILTER ({fail}) }}")
            low = s.value(prop, SH.minCount)
            if low is not None and int(low) > 0:
                if int(low) != 1:
                    raise UnsupportedShape("sh:minCount above 1 inside a nested shape is not supported")
                parts.append(f"EXISTS {{ {var} {path} {self.fresh()} }}")
            high = s.value(prop, SH.maxCount)
            if high is not None:
                if int(high) != 1:
                    raise UnsupportedShape("sh:maxCount above 1 inside a nested shape is not supported")
                a, b = self.fresh(), self.fresh()
                parts.append(f"NOT EXISTS {{ {var} {path} {a}, {b} FILTER ({a} != {b}) }}")
        return " && ".join(parts) if parts else "true"

    # -------------------------------------------------------------- top-level checks

    def compile_shape(self, shape: Node) -> Iterator[_Check]:
        s = self.shapes
        self.check_known(shape)
        target = self.targets(shape)
        if target is None:
            return
        own = str(s.value(shape, SH.message) or "")
        for fail, component in self.value_fails(shape, "?this"):
            yield _Check(f"SELECT DISTINCT ?this ?value WHERE {{ {target} BIND (?this AS ?value) FILTER ({fail}) }}",
                         None, own or _default_message(component), has_value=True)
        for prop in sorted(s.objects(shape, SH.property), key=str):
            yield from self.compile_property(prop, target)
        for constraint in s.objects(shape, SH.sparql):
            yield self.compile_sparql(constraint, target)

    def compile_property(self, prop: Node, target: str) -> Iterator[_Check]:
        s = self.shapes
        self.check_known(prop)
        raw_path = s.value(prop, SH.path)
        path = self.path_pattern(raw_path)
        inverse = s.value(raw_path, SH.inversePath) if isinstance(raw_path, BNode) else None
        reported = InversePath(inverse) if inverse is not None else raw_path
        message = str(s.value(prop, SH.message) or "")
        for fail, component in self.value_fails(prop, "?value"):
            yield _Check(f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {path} ?value FILTER ({fail}) }}",
                         reported, message or _default_message(component))
        low = s.value(prop, SH.minCount)
        if low is not None and int(low) > 0:
            query = (f"SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {target} OPTIONAL {{ ?this {path} ?value }} }}"
                     f" GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(low)})") if int(low) > 1 else (
                     f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} ?any }} }}")
            yield _Check(query, reported, message or f"fewer than {int(low)} values", has_value=False)
        high = s.value(prop, SH.maxCount)
        if high is not None:
            yield _Check(f"SELECT ?this WHERE {{ {target} ?this {path} ?value }} GROUP BY ?this "
                         f"HAVING (COUNT(DISTINCT ?value) > {int(high)})",
                         reported, message or f"more than {int(high)} values", has_value=False)

    def compile_sparql(self, constraint: Node, target: str) -> _Check:
        s = self.shapes
        select = str(s.value(constraint, SH.select))
        message = str(s.value(constraint, SH.message) or "violates a SPARQL constraint")
        body = select.replace("$this", "?this")
        variables = tuple(sorted(set(re.findall(r"\{[?$](\w+)\}", message))))
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.prefixes.items()))
        projected = " ".join(["?this", *(f"?{v}" for v in variables if v != "this")])
        query = f"{prologue}SELECT DISTINCT {projected} WHERE {{ {target} {{ {body} }} }}"
        return _Check(query, None, message, template_vars=variables, has_value=False)


# Classes are matched as SHACL instances (rdf:type/rdfs:subClassOf*). Following that path for every node is what
# made validation slow on large graphs, so the compiled queries carry a placeholder that Compiled.run replaces with
# the subclasses of each class, read once from the data: `?x rdf:type ?t` with ?t among them is then an index lookup.
_CLOSURE = re.compile(r"%%CLOSURE\(([^)]*)\)%%")


def _closure(classes: list[Node]) -> str:
    return "%%CLOSURE(" + " ".join(term_text(c) for c in sorted(classes, key=str)) + ")%%"


def _expand_closures(query: str, store: ox.Store, cache: dict[str, str]) -> str:
    def expand(match: re.Match) -> str:
        key = match.group(1)
        if key not in cache:
            subclasses: set[str] = set()
            for iri in key.split():
                for row in store.query(f"SELECT DISTINCT ?c WHERE {{ ?c {_RDFS_SUBCLASS}* {iri} }}",
                                       use_default_graph_as_union=True):
                    subclasses.add(str(row["c"]))
                subclasses.add(iri)
            cache[key] = " ".join(sorted(subclasses))
        return cache[key]

    return _CLOSURE.sub(expand, query)


def _default_message(component: str) -> str:
    return f"does not satisfy sh:{component[0].lower()}{component[1:]}"


def compile_shapes(shapes: Graph) -> Compiled:
    """Compile every targeted node shape of ``shapes`` into SPARQL checks."""
    compiler = _Compiler(shapes)
    compiled = Compiled()
    shapes_with_targets = sorted(set(shapes.subjects(SH.targetClass, None)), key=str)
    for shape in shapes_with_targets:
        if isinstance(shape, BNode):
            raise UnsupportedShape("target shapes must be named")
        compiled.checks.extend(compiler.compile_shape(shape))
    return compiled
