"""POST /v1/recommend reads constraints written in the request text (``understood``): "outside
Germany" in English, German or Polish excludes German partners; a field the caller sent wins
over the text (the item is ``applied: false``); ``ignore_understood`` drops an item (a chip
the user removed); preferences raise candidates and filter none. On the hash-encoder index
there is no calibrated model, so ``confidence`` is null."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

OUTSIDE_GERMANY = "We seek partners for battery storage pilots outside Germany."
PREFER_ITALY = "We seek partners for battery storage pilots, preferably in Italy."


def post(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/recommend", json={"k": 8, **body})
    assert response.status_code == 200, response.text
    return response.json()


def countries(result: dict[str, Any]) -> set[str]:
    return {c["profile"]["country"] for c in result["data"]}


def items(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in result["understood"]["items"]}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (OUTSIDE_GERMANY, "outside Germany"),
        (
            "Wir suchen Partner für Batteriespeicher außerhalb Deutschlands.",
            "außerhalb Deutschlands",
        ),
        ("Szukamy partnerów do magazynowania energii w bateriach poza Niemcami.", "poza Niemcami"),
    ],
    ids=["en", "de", "pl"],
)
def test_outside_germany_in_three_languages(client: TestClient, text: str, words: str) -> None:
    result = post(client, text=text)
    understood = result["understood"]
    assert understood["ignored"] == []
    assert understood["preferred_countries"] == [] and understood["preferred_kinds"] == []
    (item,) = understood["items"]
    assert item["key"] == "exclude_country:DE"
    assert (item["kind"], item["value"], item["label"]) == (
        "exclude_country",
        "DE",
        "Not in Germany",
    )
    assert item["hard"] is True and item["applied"] is True
    assert item["text"] == words == text[item["start"] : item["end"]]
    assert result["data"], "the other countries still have candidates"
    assert "DE" not in countries(result)
    assert result["confidence"] is None  # no calibrated fusion model on the test index


def test_a_form_field_wins_over_the_text(client: TestClient) -> None:
    # no field sent (an empty list is not a choice): the text's filter is applied
    applied = post(client, text=OUTSIDE_GERMANY, exclude_countries=[])
    assert items(applied)["exclude_country:DE"]["applied"] is True
    assert "DE" not in countries(applied)

    # target countries sent: the text's exclusion is shown but not applied
    targeted = post(client, text=OUTSIDE_GERMANY, countries=["DE"])
    item = items(targeted)["exclude_country:DE"]
    assert item["applied"] is False and item["hard"] is True
    assert targeted["data"] and countries(targeted) == {"DE"}

    # an exclusion list of its own sent: it replaces the text's, German partners come back
    own = post(client, text=OUTSIDE_GERMANY, exclude_countries=["FR"])
    assert items(own)["exclude_country:DE"]["applied"] is False
    assert "DE" in countries(own) and "FR" not in countries(own)


def test_ignore_understood_drops_the_filter(client: TestClient) -> None:
    filtered = post(client, text=OUTSIDE_GERMANY)
    ignored = post(client, text=OUTSIDE_GERMANY, ignore_understood=["exclude_country:DE"])
    assert ignored["understood"]["ignored"] == ["exclude_country:DE"]
    assert "exclude_country:DE" not in items(ignored)
    assert "DE" not in countries(filtered)
    assert "DE" in countries(ignored)
    assert {c["profile"]["id"] for c in filtered["data"]} < {
        c["profile"]["id"] for c in ignored["data"]
    }
    # a key the text does not contain is not reported as ignored
    other = post(client, text=OUTSIDE_GERMANY, ignore_understood=["exclude_country:FR"])
    assert other["understood"]["ignored"] == []
    assert items(other)["exclude_country:DE"]["applied"] is True


def test_preferences_raise_without_filtering(client: TestClient) -> None:
    preferred = post(client, text=PREFER_ITALY)
    item = items(preferred)["prefer_country:IT"]
    assert item["hard"] is False and item["applied"] is True
    assert item["label"] == "Preferably in Italy"
    assert preferred["understood"]["preferred_countries"] == ["IT"]
    # every country of the corpus is still there: nothing is filtered
    assert countries(preferred) == {"DE", "FR", "ES", "IT", "GR", "PL", "NL"}

    plain = post(client, text=PREFER_ITALY, ignore_understood=["prefer_country:IT"])
    assert plain["understood"]["preferred_countries"] == []
    assert countries(plain) == countries(preferred)

    def rank_and_score(result: dict[str, Any], profile_id: str) -> tuple[int, float]:
        (candidate,) = [c for c in result["data"] if c["profile"]["id"] == profile_id]
        return candidate["rank"], candidate["score"]

    rank, score = rank_and_score(preferred, "it-agri")
    plain_rank, plain_score = rank_and_score(plain, "it-agri")
    assert score > plain_score and rank < plain_rank
    # the others keep their order between themselves
    others = [c["profile"]["id"] for c in preferred["data"] if c["profile"]["country"] != "IT"]
    assert others == [c["profile"]["id"] for c in plain["data"] if c["profile"]["country"] != "IT"]
