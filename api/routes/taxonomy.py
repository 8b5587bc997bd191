from __future__ import annotations

from fastapi import APIRouter

from api.deps import TaxonomyDep
from api.schemas.taxonomy import Taxonomy

router = APIRouter(prefix="/v1", tags=["taxonomy"])


@router.get("/taxonomy", response_model=Taxonomy)
def taxonomy(service: TaxonomyDep) -> Taxonomy:
    """Ecosystems, kinds, collaboration types, countries and the ranking's signal groups,
    for building forms and explaining results."""
    return service.taxonomy()
