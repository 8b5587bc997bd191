"""``GET /v1/map``: how many profiles are in each country, and in each NUTS-2 region of one
country, for the workspace's map and its table of counts."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field


class RegionCount(BaseModel):
    region: str = Field(description="NUTS-2 code, e.g. DE14")
    name: str = Field(description="the region's name as the profiles give it")
    count: int


class CountryCount(BaseModel):
    country: str = Field(description="ISO 3166 alpha-2 code")
    count: int
    regions: list[RegionCount] | None = Field(
        None,
        description="only for the country asked for (`country=`): its NUTS-2 regions, most "
        "profiles first; profiles without a region are the difference to `count`",
    )


class ProfileMap(BaseModel):
    total: int = Field(description="profiles matching the filters, with or without a country")
    without_country: int = Field(description="of them, profiles with no country")
    countries: list[CountryCount] = Field(description="most profiles first, then by code")

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, str, int]], country: str | None) -> ProfileMap:
        """From the store's ``(country, region, region_name, count)`` rows; ``country`` is the
        one whose regions were counted, listed even with no profile."""
        per_country: dict[str, int] = {}
        regions: list[RegionCount] = []
        for code, region, name, count in rows:
            per_country[code] = per_country.get(code, 0) + count
            if region:
                regions.append(RegionCount(region=region, name=name, count=count))
        without = per_country.pop("", 0)
        if country is not None:
            per_country.setdefault(country, 0)
        countries = [
            CountryCount(
                country=code,
                count=count,
                regions=sorted(regions, key=lambda r: (-r.count, r.region))
                if code == country
                else None,
            )
            for code, count in sorted(per_country.items(), key=lambda item: (-item[1], item[0]))
        ]
        return cls(total=sum(per_country.values()) + without, without_country=without,
                   countries=countries)
