"""The hard filters of a request, as one rule for every slot at once and for one profile.

A candidate is allowed when it is not the requester, not a negative example ("not like
this" also means "not this one"), is in an included country and not in an excluded one, has
an included kind, shares an ecosystem when the request filters on them, and is an SME when
asked. Open requests are matched to profiles with the same rule (``admits``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.columns import Columns, eco_bits
from engine.profiles import PartnerRequest, Profile


def allowed(request: PartnerRequest, columns: Columns, slots: Mapping[str, int]) -> np.ndarray:
    """Boolean mask of the slots of ``columns`` that pass the filters (``slots``: id -> slot)."""
    mask = columns.alive.copy()
    if request.countries:
        mask &= np.isin(columns.country, list(request.countries))
    if request.exclude_countries:
        mask &= ~np.isin(columns.country, list(request.exclude_countries))
    if request.kinds:
        mask &= np.isin(columns.kind, [k.value for k in request.kinds])
    if request.ecosystem_filter and request.ecosystems:
        mask &= (columns.ecosystems & eco_bits(request.ecosystems)) != 0
    if request.sme_only:
        mask &= columns.sme
    # the requester, and the examples: a positive one asks for more like it, not for itself
    for excluded in (request.requester_id, *request.positive_ids, *request.negative_ids):
        slot = slots.get(excluded) if excluded else None
        if slot is not None:
            mask[slot] = False
    return mask


def admits(request: PartnerRequest, profile: Profile) -> bool:
    """Whether ``profile`` passes the filters of ``request``: the same rule as ``allowed``."""
    column = Columns(
        alive=np.array([True]),
        country=np.array([profile.country]),
        region=np.array([profile.region]),
        kind=np.array([profile.kind.value]),
        ecosystems=np.array([eco_bits(profile.ecosystems)], dtype=np.int64),
        sme=np.array([profile.sme]),
        lat=np.zeros(1), lon=np.zeros(1), n_activities=np.zeros(1), n_recent=np.zeros(1),
        n_coordinated=np.zeros(1), n_history=np.zeros(1), n_vectors=np.zeros(1, np.int64),
        language=np.array(["en"]), latest=np.zeros(1, np.int64),
        as_of=0,
    )
    return bool(allowed(request, column, {profile.id: 0})[0])
