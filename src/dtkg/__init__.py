"""dtkg — the knowledge graph of the actors of the regional digital transition.

The library in a few functions (the command line is a thin shell over them)::

    import dtkg
    ds = dtkg.load_dataset()                        # ontology + seed data (+ your folders), one named graph per file
    report = dtkg.validate(ds)                      # SHACL + sources + quotes; report.conforms, report.lines()
    for row in dtkg.run_query(ds, "total-by-funder"):   # a saved query's name, a .rq path or SPARQL text
        print(row.funderLabel, row.total)
    dtkg.export(ds, "graph.ttl", "turtle")          # deterministic Turtle, written atomically

The public names are listed in ``__all__`` and described in docs/python-api.md; everything else lives in the
module that owns it (``dtkg.importers``, ``dtkg.params``, ``dtkg.territory``…) and may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_exports

__version__ = "0.1.0"

# Public names and the module that defines each. They are imported on first use, so that `import dtkg` stays cheap,
# and no module has the name of a public function: importing `dtkg.writers` never hides `dtkg.export`.
_EXPORTS = {
    # load and stores
    "load_dataset": "load", "union_graph": "load", "open_store": "load",
    # validate
    "validate": "validation", "Report": "validation",
    # queries
    "run_query": "query", "saved_queries": "query", "query_rows": "query",
    # export
    "export": "writers", "serialize": "writers",
    # build
    "build": "pipeline", "BuildResult": "pipeline", "summarize": "summary",
    # views and site
    "to_networkx": "network", "network_view": "network", "ego_view": "network", "analyse": "analysis",
    "view": "views", "write_view": "views", "write_site": "site",
    # endpoints
    "serve": "server", "push": "remote", "query_endpoint": "remote",
    # errors
    "DtkgError": "errors", "InputError": "errors", "ValidationFailed": "errors", "QueryTimeout": "query",
    "RemoteError": "remote",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:  # pragma: no cover
    from .analysis import analyse
    from .errors import DtkgError, InputError, ValidationFailed
    from .load import load_dataset, open_store, union_graph
    from .network import ego_view, network_view, to_networkx
    from .pipeline import BuildResult, build
    from .query import QueryTimeout, query_rows, run_query, saved_queries
    from .remote import RemoteError, push, query_endpoint
    from .server import serve
    from .site import write_site
    from .summary import summarize
    from .validation import Report, validate
    from .views import view, write_view
    from .writers import export, serialize
