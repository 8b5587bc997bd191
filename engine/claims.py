"""The rules for written activities: what provenance a write gives each one, and how a
partner confirms (or withdraws from) a self-declared one. Pure functions over profiles; the
service calls them inside its write transaction.

- An activity whose claim did not change (same id, title, year and partners) keeps its
  provenance, confirmations included: editing a text does not undo a partner's word.
- One that reuses a public project id must agree with the public record
  (:meth:`engine.public_record.PublicRecord.check`) and is then recorded as that source.
- Any other is the writer's: a curator's entry, or the owner's self-declaration. A changed
  self-declaration keeps the confirmations of partners still listed, as long as its title
  and year stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from engine.attestation import Confirmation, Provenance, Source
from engine.errors import NotFoundError, ValidationError
from engine.profiles import Activity, Profile
from engine.public_record import PublicRecord

CURATOR = Source.CURATOR.value  # who wrote, when a curator key did


def _same_claim(a: Activity, b: Activity) -> bool:
    return (a.title, a.year, a.partners) == (b.title, b.year, b.partners)


def attest(
    incoming: Sequence[Activity],
    previous: Sequence[Activity],
    *,
    owner: str,
    curator: bool,
    record: PublicRecord,
    now: str,
) -> tuple[Activity, ...]:
    """``incoming`` (a write's activities for profile ``owner``, whatever provenance they
    came with) with the provenance the rules above give them; ``previous``: the stored
    ones. ``curator``: whether a curator key writes."""
    before = {a.id: a for a in previous}
    by = CURATOR if curator else owner
    out: list[Activity] = []
    for i, activity in enumerate(incoming):
        old = before.get(activity.id)
        if old is not None and _same_claim(old, activity):
            out.append(replace(activity, provenance=old.provenance))
            continue
        project = record.check(owner, activity, f"activities.{i}")
        if project is not None:
            provenance = Provenance(project.source, by=by, at=now)
            activity = replace(activity, title=activity.title or project.title,
                               year=activity.year if activity.year is not None else project.year)
        elif curator:
            provenance = Provenance(Source.CURATOR, by=by, at=now)
        else:
            kept: tuple[Confirmation, ...] = ()
            if old is not None and (old.title, old.year) == (activity.title, activity.year):
                kept = tuple(c for c in old.provenance.confirmations
                             if c.partner in activity.partners)
            provenance = Provenance(Source.SELF, by=by, at=now, confirmations=kept)
        out.append(replace(activity, provenance=provenance))
    return tuple(out)


def _activity(profile: Profile, activity_id: str) -> tuple[int, Activity]:
    for i, activity in enumerate(profile.activities):
        if activity.id == activity_id:
            return i, activity
    raise NotFoundError(f"profile {profile.id!r} has no activity {activity_id!r}")


def _with(profile: Profile, index: int, activity: Activity) -> Profile:
    activities = list(profile.activities)
    activities[index] = activity
    return replace(profile, activities=tuple(activities))


def confirm(
    profile: Profile, activity_id: str, partner: str, *, curator: bool, now: str
) -> Profile:
    """``profile`` with ``partner``'s confirmation of its self-declared activity
    ``activity_id`` (by the partner's owner, or a curator)."""
    index, activity = _activity(profile, activity_id)
    if partner not in activity.partners:
        raise ValidationError(
            f"activity {activity_id!r} of {profile.id!r} does not list {partner!r} as a "
            "partner", field="partner")
    if activity.provenance.source is not Source.SELF:
        raise ValidationError(
            f"activity {activity_id!r} comes from {activity.provenance.source.value}: its ties "
            "stand without confirmation", field="activity_id")
    confirmation = Confirmation(partner, CURATOR if curator else "owner", now)
    provenance = activity.provenance.confirm(confirmation)
    return _with(profile, index, replace(activity, provenance=provenance))


def withdraw(profile: Profile, activity_id: str, partner: str) -> Profile:
    """``profile`` without ``partner``'s confirmation of activity ``activity_id``."""
    index, activity = _activity(profile, activity_id)
    if partner not in activity.provenance.confirmed:
        raise NotFoundError(
            f"{partner!r} has not confirmed activity {activity_id!r} of {profile.id!r}")
    provenance = activity.provenance.withdraw(partner)
    return _with(profile, index, replace(activity, provenance=provenance))
