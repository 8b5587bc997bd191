"""``GET /v1/taxonomy``: the vocabularies forms are built from, and the ranking's signal
groups as the live recommender's signal registry declares them (so the workspace labels
exactly the signals that ranked, including any a researcher added)."""

from __future__ import annotations

from api.live import LiveIndex
from api.schemas.taxonomy import Taxonomy


class TaxonomyService:
    def __init__(self, live: LiveIndex):
        self.live = live

    def taxonomy(self) -> Taxonomy:
        with self.live.reading() as rec:
            groups = rec.signals.describe()
        return Taxonomy.of(groups)
