"""``GET /v1/map``: profiles counted by country (and by NUTS-2 region within one country),
read from the database, which is the truth the index is derived from."""

from __future__ import annotations

from api.schemas.profile_map import ProfileMap
from api.store.profiles import ProfileStore
from engine.taxonomy import normalize_country


class MapService:
    def __init__(self, profiles: ProfileStore):
        self.profiles = profiles

    def counts(
        self, *, kind: str | None, ecosystem: str | None, country: str | None
    ) -> ProfileMap:
        """Counts of the profiles of ``kind`` in ``ecosystem`` (``None``: any) per country;
        with ``country`` (ISO alpha-2, CORDIS's EL and UK accepted), that country's alone,
        with its regions."""
        if country:
            country = normalize_country(country)
        rows = self.profiles.place_counts(kind=kind, ecosystem=ecosystem, country=country or None)
        return ProfileMap.of(rows, country or None)
