"""``engine.synthetic``: seeded, new ids, every text drawn from the real text units."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from engine.corpus import vector_texts
from engine.embed import HashEncoder
from engine.synthetic import TableEncoder, synthesize, text_units
from tests.conftest import make_profiles


def test_synthesis_is_deterministic_and_seeded() -> None:
    real = make_profiles()
    first, again = synthesize(real, 50, seed=3), synthesize(real, 50, seed=3)
    assert [p.to_dict() for p in first] == [p.to_dict() for p in again]
    assert [p.to_dict() for p in synthesize(real, 50, seed=4)] != [p.to_dict() for p in first]
    assert synthesize(real, 0) == []


def test_synthetic_profiles_have_new_ids_and_real_texts() -> None:
    real = make_profiles()
    fake = synthesize(real, 200, seed=1)
    ids = {p.id for p in fake}
    assert len(ids) == 200 and not ids & {p.id for p in real}
    assert text_units(fake) <= text_units(real)
    real_activities = {a.id: a for p in real for a in p.activities}
    by_id = {p.id: p for p in real}
    for profile in fake:
        assert profile.source == "synthetic" and not profile.contacts
    # history from the same country and sector: activities are copies of the projects of the
    # template's group, in the profile's generation, without the real partner lists
    countries = {i: {p.country for p in real if a in p.activities}
                 for i, a in real_activities.items()}
    for i, profile in enumerate(fake):
        for activity in profile.activities:
            real_id, generation = activity.id.rsplit("#", 1)
            assert int(generation) == i // len(real) + 1 and activity.partners == ()
            assert replace(activity, id=real_id, partners=real_activities[real_id].partners
                           ) == real_activities[real_id]
            assert profile.country in countries[real_id]
    assert by_id  # the real profiles are untouched


def test_consortia_keep_their_size_as_the_corpus_grows() -> None:
    """Ten times more synthetic profiles: ten times more projects, not larger consortia."""
    real = make_profiles()

    def consortia(n: int) -> Counter[str]:
        return Counter(a.id for p in synthesize(real, n, seed=1) for a in p.activities)

    small, large = consortia(2 * len(real)), consortia(20 * len(real))
    assert len(large) >= 8 * len(small)
    mean = [sum(c.values()) / len(c) for c in (small, large)]
    assert mean[1] <= 1.5 * mean[0] and max(large.values()) <= 2 * max(small.values())


def test_synthesis_needs_real_profiles() -> None:
    with pytest.raises(ValueError, match="real"):
        synthesize([], 3)


def test_table_encoder_answers_from_the_table() -> None:
    real = make_profiles()
    texts = [t for p in real for t in vector_texts(p)]
    vectors = HashEncoder(16).encode(texts)
    table = TableEncoder("m", texts, vectors)
    fake = synthesize(real, 20, seed=2)
    wanted = [t for p in fake for t in vector_texts(p)]
    out = table.encode_documents(wanted)
    np.testing.assert_allclose(out, HashEncoder(16).encode(wanted), atol=1e-6)
    with pytest.raises(KeyError):
        table.encode_documents(["a text nobody wrote"])
    grown = TableEncoder("m", texts, vectors, fallback=HashEncoder(16))
    assert grown.encode_documents(["a text nobody wrote"]).shape == (1, 16)
