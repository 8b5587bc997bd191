"""The public record of who took part in which project (CORDIS Horizon Europe, H2020), to
check an activity that reuses a public project id against it.

It is taken from the corpus when the index is built: the CORDIS activities (the organisation
and its listed partners, the project's beneficiaries) and the H2020 participations. Writes
never change it: a written activity that agrees with it adds no fact to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.attestation import Source
from engine.errors import ValidationError
from engine.mentions import fold
from engine.profiles import Activity, Profile
from engine.sources.h2020 import Participation


@dataclass(frozen=True)
class PublicProject:
    id: str
    title: str
    year: int | None
    participants: frozenset[str]
    source: Source


def _same_title(a: str, b: str) -> bool:
    """Equal but for case, accents and spacing ("Énergie  verte" is "energie verte")."""
    return " ".join(fold(a).split()) == " ".join(fold(b).split())


class PublicRecord:
    def __init__(self, projects: Mapping[str, PublicProject]):
        self.projects = projects

    @classmethod
    def build(
        cls, profiles: Sequence[Profile | None], history: Sequence[Participation] = ()
    ) -> PublicRecord:
        members: dict[str, set[str]] = defaultdict(set)
        facts: dict[str, tuple[str, int | None, Source]] = {}
        for profile in profiles:
            for activity in profile.activities if profile is not None else ():
                if activity.provenance.source is Source.CORDIS:
                    members[activity.id].add(profile.id)
                    if activity.id not in facts:  # its members list each other: once is all
                        members[activity.id].update(activity.partners)
                        facts[activity.id] = (activity.title, activity.year, Source.CORDIS)
        for row in history:
            members[row.project].add(row.pic)
            facts.setdefault(row.project, ("", row.year, Source.H2020))
        return cls({
            key: PublicProject(key, title, year, frozenset(members[key]), source)
            for key, (title, year, source) in facts.items()
        })

    def get(self, project_id: str) -> PublicProject | None:
        return self.projects.get(project_id)

    def check(self, owner: str, activity: Activity, field: str) -> PublicProject | None:
        """The public project ``activity`` reuses the id of, once it agrees with the record
        (``owner`` and every partner took part; the same year and title where given); None
        for an id the record does not hold. A disagreement is a ``ValidationError`` on
        ``field`` that says what the record holds."""
        project = self.projects.get(activity.id)
        if project is None:
            return None
        name = project.source.label
        if owner not in project.participants:
            raise ValidationError(
                f"project {activity.id} is in the public record ({name}), which does not list "
                f"{owner!r} among its participants; describe your own work under an id of "
                "your own, or ask a curator", field=f"{field}.id")
        strangers = [p for p in activity.partners if p not in project.participants]
        if strangers:
            raise ValidationError(
                f"the public record ({name}) of project {activity.id} does not list "
                f"{', '.join(map(repr, strangers))} among its participants",
                field=f"{field}.partners")
        if activity.year is not None and project.year is not None and activity.year != project.year:
            raise ValidationError(
                f"project {activity.id} started in {project.year} in the public record ({name}),"
                f" not {activity.year}", field=f"{field}.year")
        if activity.title and project.title and not _same_title(activity.title, project.title):
            raise ValidationError(
                f"project {activity.id} is titled {project.title!r} in the public record "
                f"({name})", field=f"{field}.title")
        return project
