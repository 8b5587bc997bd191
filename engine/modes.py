"""The profile-based modes as pure functions: a profile seen as a request ("similar",
"complementary"), and what the complementary mode changes in the filters and weights."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from engine.columns import Columns, eco_bits
from engine.corpus import vector_texts
from engine.profiles import MAX_TEXT_CHARS, PartnerRequest, Profile


def profile_request(profile: Profile, **overrides: Any) -> PartnerRequest:
    """A profile seen as a request: its description and activities as text, itself as the
    requester (so it is never its own result)."""
    text = "\n".join(vector_texts(profile)[:20])[:MAX_TEXT_CHARS]
    return PartnerRequest(
        **{"text": text, "title": profile.name, "requester_id": profile.id, **overrides}
    )


def brings_other_ecosystems(profile: Profile, columns: Columns) -> np.ndarray:
    """Slots with an ecosystem ``profile`` lacks: the complementary mode's candidates."""
    return (columns.ecosystems & ~eco_bits(profile.ecosystems)) != 0


def complementary_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Shared ecosystems are not rewarded; ecosystems that co-occur with the profile's own in
    past consortia (complementarity) are boosted."""
    changed = {**weights, "eco_shared": 0.0}
    changed["eco_complementary"] = max(changed["eco_complementary"], 0.0) + 1.0
    return changed
