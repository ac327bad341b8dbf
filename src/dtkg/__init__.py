"""dtkg — the knowledge graph of the actors of the regional digital transition.

The library in a few functions (the command line is a thin shell over them)::

    import dtkg
    ds = dtkg.load_dataset(["my-data/"])          # ontology + seed data + your files, one named graph per file
    report = dtkg.validate(ds)                      # SHACL + sources + quotes; report.conforms, report.lines()
    for row in dtkg.run_query(ds, "funding-by-place"):   # a saved query's name, a .rq path or SPARQL text
        print(row)
    dtkg.export(ds, "out/graph.ttl")                # deterministic Turtle, written atomically
    result = dtkg.build(["my-data/"], "out")        # all of the above, as `dtkg build` does
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names and the module that defines each: imported on first use, so that `import dtkg` stays cheap.
_EXPORTS = {
    "load_dataset": "load", "parse_file": "load", "union_graph": "load", "configured_base": "load",
    "validate": "validation", "Report": "validation", "Violation": "validation",
    "run_query": "query", "resolve_query": "query", "format_result": "query", "saved_queries": "query",
    "parse_param": "query",
    "export": "writers", "serialize": "writers", "to_turtle": "writers", "write_atomic": "writers",
    "summarize": "summary", "format_amount": "summary",
    "build": "pipeline", "BuildResult": "pipeline",
    "label_of": "labels",
    "to_networkx": "network", "network_view": "network", "ego_view": "network",
    "analyse": "analysis", "view": "views", "write_view": "views",
    "open_store": "load", "ox_store": "load",
    "serve": "server", "push": "remote", "query_endpoint": "remote",
    "DtkgError": "errors", "InputError": "errors", "ValidationFailed": "errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dtkg' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import BuildResult, build
    from .errors import DtkgError, InputError, ValidationFailed
    from .writers import export, serialize, to_turtle, write_atomic
    from .analysis import analyse
    from .labels import label_of
    from .network import ego_view, network_view, to_networkx
    from .remote import push, query_endpoint
    from .server import serve
    from .views import view, write_view
    from .load import configured_base, load_dataset, open_store, ox_store, parse_file, union_graph
    from .query import format_result, parse_param, resolve_query, run_query, saved_queries
    from .summary import format_amount, summarize
    from .validation import Report, Violation, validate
