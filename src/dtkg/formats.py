"""Formats and choices, in one place: what the library accepts and what the command line offers are the same lists.

Each name here is the one a user types (``--format turtle``, ``--engine memory``); the modules that do the work
import these lists rather than spelling them again, and ``dtkg``'s options are ``click.Choice`` over them.
"""

from __future__ import annotations

#: RDF export formats, with the file ending ``dtkg export`` gives each (and reads back from a file name).
RDF_FORMATS: dict[str, str] = {
    "turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld", "xml": ".rdf",
}

#: Network exports of a projection (GraphML for most tools, GEXF for Gephi's timeline), with their file endings.
NETWORK_FORMATS: dict[str, str] = {"graphml": ".graphml", "gexf": ".gexf"}

#: Everything ``dtkg export`` writes: the RDF formats, then the network formats.
EXPORT_FORMATS: tuple[str, ...] = (*RDF_FORMATS, *NETWORK_FORMATS)

#: How query results are printed or saved.
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")

#: How ``dtkg shacl`` reports: one line per result, a standard ``sh:ValidationReport`` in Turtle, or JSON.
REPORT_FORMATS: tuple[str, ...] = ("text", "turtle", "json")

#: The engines that can hold a dataset; the first is the default.
ENGINES: tuple[str, ...] = ("oxigraph", "memory")

#: The validation engines: dtkg's SHACL Core engine, shapes compiled to SPARQL, and pyshacl (the reference).
VALIDATION_ENGINES: tuple[str, ...] = ("shacl", "sparql", "pyshacl")

#: The territorial layer: the territories the data is in, all of France, or none.
TERRITORY_MODES: tuple[str, ...] = ("linked", "full", "none")

#: Network projections: the actors (organisations, people, places) or every resource.
PROJECTIONS: tuple[str, ...] = ("actors", "full")

#: What sizes the nodes of a network view.
SIZE_MEASURES: tuple[str, ...] = ("betweenness", "degree", "received", "given")

#: Languages of the user interface and labels.
LANGUAGES: tuple[str, ...] = ("fr", "en")
