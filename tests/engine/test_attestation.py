"""Provenance of activities: which ties stand, the public record's check, and the write rules
(engine.attestation, engine.public_record, engine.claims, the graph that uses them)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine.attestation import Confirmation, Provenance, Source, column_key
from engine.claims import attest, confirm, withdraw
from engine.columns import latest_year
from engine.errors import NotFoundError, ValidationError
from engine.network import CollaborationGraph, SharedProject
from engine.profiles import Activity, Profile
from engine.public_record import PublicRecord
from engine.sources.h2020 import Participation

CORDIS = Provenance(Source.CORDIS)
NOW = "2026-11-30T12:00:00+00:00"


def org(id: str, *activities: Activity) -> Profile:
    return Profile(id=id, name=id.upper(), activities=activities)


def world() -> list[Profile]:
    """``a`` and ``b`` share a CORDIS project; ``c`` claims a project with ``a``."""
    return [
        org("a", Activity("p1", "Grid storage", year=2023, partners=("b",), provenance=CORDIS)),
        org("b", Activity("p1", "Grid storage", year=2023, partners=("a",), provenance=CORDIS)),
        org("c", Activity("c1", "Joint pilot", partners=("a",),
                          provenance=Provenance(Source.SELF, by="c", at=NOW))),
        org("d"),
    ]


def graph(profiles: list[Profile]) -> CollaborationGraph:
    return CollaborationGraph.build(profiles, {p.id: i for i, p in enumerate(profiles)})


def co(g: CollaborationGraph) -> np.ndarray:
    return g.co.toarray()


def test_only_established_or_confirmed_ties_stand() -> None:
    g = graph(world())
    assert co(g)[0, 1] == 1 and co(g)[0, 2] == 0  # a-b from CORDIS; c's claim alone: nothing
    confirmed = world()
    c = confirmed[2]
    confirmed[2] = replace(c, activities=(replace(c.activities[0], provenance=c.activities[0]
                           .provenance.confirm(Confirmation("a", "owner", NOW))),))
    assert co(graph(confirmed))[0, 2] == 1


def test_a_self_declared_project_id_joins_no_one_elses_project() -> None:
    profiles = world()
    # d claims a's CORDIS project id and c's private one: neither links d to anyone
    profiles[3] = org("d", Activity("c1", "Joint pilot", partners=(),
                                    provenance=Provenance(Source.SELF, by="d")))
    g = graph(profiles)
    assert co(g)[3].sum() == 0
    assert column_key("d", "c1", profiles[3].activities[0].provenance) == "self:d:c1"


def test_incremental_update_equals_a_rebuild_through_confirmations() -> None:
    before = world()
    g = graph(before)
    after = list(before)
    c = after[2]
    after[2] = confirm(c, "c1", "a", curator=False, now=NOW)
    updated = g.updated([(2, c, after[2])], after, {p.id: i for i, p in enumerate(after)})
    assert np.array_equal(co(updated), co(graph(after)))
    again = updated.updated([(2, after[2], withdraw(after[2], "c1", "a"))],
                            [*after[:2], withdraw(after[2], "c1", "a"), after[3]],
                            {p.id: i for i, p in enumerate(after)})
    assert np.array_equal(co(again), co(g))


def test_the_public_record_checks_a_reused_project_id() -> None:
    record = PublicRecord.build(world(), [Participation("h2020:9", "b", "participant", 2018)])
    ok = Activity("p1", "grid  STORAGE", year=2023, partners=("b",))
    assert record.check("a", ok, "activities.0") is not None
    assert record.check("a", Activity("own", "Anything", partners=("b",)), "x") is None
    for owner, activity, field in (
        ("d", ok, "activities.0.id"),  # d took no part in p1
        ("a", replace(ok, partners=("b", "d")), "activities.0.partners"),
        ("a", replace(ok, year=2020), "activities.0.year"),
        ("a", replace(ok, title="Fake claim"), "activities.0.title"),
    ):
        with pytest.raises(ValidationError) as caught:
            record.check(owner, activity, "activities.0")
        assert caught.value.field == field and "public record" in caught.value.message
    assert record.check("b", Activity("h2020:9", "H2020 work", year=2018), "x") is not None


def test_attest_keeps_unchanged_claims_and_stamps_new_ones() -> None:
    profiles = world()
    record = PublicRecord.build(profiles)
    stored = confirm(profiles[2], "c1", "a", curator=False, now=NOW).activities
    # the text changed, the claim did not: provenance and confirmation stay
    edited = (replace(stored[0], text="More words", provenance=Provenance()),)
    kept = attest(edited, stored, owner="c", curator=False, record=record, now="later")
    assert kept[0].provenance == stored[0].provenance and kept[0].ties == ("a",)
    # a new partner: self-declared, a's confirmation kept, the new one unconfirmed
    grown = (replace(stored[0], partners=("a", "b")),)
    out = attest(grown, stored, owner="c", curator=False, record=record, now="later")
    assert out[0].provenance.source is Source.SELF and out[0].ties == ("a",)
    # a curator's entry stands; a public id that agrees becomes CORDIS, titled from it
    new = (Activity("x9", "Curated", partners=("d",)),)
    assert attest(new, (), owner="c", curator=True, record=record, now=NOW)[0].ties == ("d",)
    public = attest((Activity("p1", "", "Our part", partners=("b",)),), (), owner="a",
                    curator=False, record=record, now=NOW)[0]
    assert public.provenance.source is Source.CORDIS and public.title == "Grid storage"
    with pytest.raises(ValidationError):
        attest((Activity("p1", "Fake", partners=("a",)),), (), owner="c", curator=False,
               record=record, now=NOW)


def test_confirm_and_withdraw_refuse_what_makes_no_sense() -> None:
    profiles = world()
    with pytest.raises(ValidationError):  # d is not a listed partner
        confirm(profiles[2], "c1", "d", curator=False, now=NOW)
    with pytest.raises(ValidationError):  # CORDIS ties need no confirmation
        confirm(profiles[0], "p1", "b", curator=False, now=NOW)
    with pytest.raises(NotFoundError):
        confirm(profiles[2], "nope", "a", curator=False, now=NOW)
    with pytest.raises(NotFoundError):  # nothing to withdraw
        withdraw(profiles[2], "c1", "a")


def test_provenance_round_trips_and_the_default_is_left_out() -> None:
    plain = Activity("x", "Title")
    assert "provenance" not in plain.to_dict()
    assert Activity.from_dict(plain.to_dict()) == plain
    claimed = confirm(world()[2], "c1", "a", curator=True, now=NOW).activities[0]
    again = Activity.from_dict(claimed.to_dict())
    assert again == claimed and again.provenance.confirmations[0].by == "curator"
    with pytest.raises(ValidationError):
        Activity.from_dict({**plain.to_dict(), "provenance": {"source": "rumour"}})


def test_a_self_declared_year_does_not_move_now() -> None:
    profiles = world()
    future = Activity("f", "Future", year=2100, provenance=Provenance(Source.SELF, by="d"))
    assert latest_year([*profiles, org("e", future)]) == latest_year(profiles) == 2023


def test_a_project_two_confirmers_share_is_known_as_its_owners_declaration() -> None:
    """b and c both confirmed a's self-declared project: their link is that declaration
    (it was shown as a curator's entry, under the graph's internal column key)."""
    claim = Activity("x1", "Joint pilot", year=2024, partners=("b", "c"),
                     provenance=Provenance(Source.SELF, by="a"))
    for partner in ("b", "c"):
        claim = replace(claim, provenance=claim.provenance.confirm(
            Confirmation(partner, "owner", NOW)))
    g = graph([org("a", claim), org("b"), org("c")])
    assert g.shared_projects(1, 2) == [
        SharedProject("x1", "Joint pilot", 2024, Source.SELF, "a")]
