"""Across a corpus: one row per deal from the sales many articles report, one actor per body,
company or person under all its names, and the SIPRI-style export of the deals."""

from .actors import CorpusActor, resolve_actors
from .deals import Deal, build_deals
from .sipri import write_sipri_csv
from .view import CorpusView, update_corpus

__all__ = ["CorpusActor", "CorpusView", "Deal", "build_deals", "resolve_actors", "update_corpus", "write_sipri_csv"]
